/**
 * Uppföljningsmall version 1.0.0: what the follow-up rules ask providers to report
 * (Österåker Bilaga 3, SKL basmodell). One sheet per area; labels in column A, unit in B, inputs in C
 * (Volymer: months in C..N, aggregate in O); help in D.
 */
import { codeList, TemplateBuilder, type SheetLayout } from "./build";
import type { AreaCode, MetricRule, TemplateDefinition } from "./types";

export const TEMPLATE_ID = "uppf-mall";

/** Sheet names of the v1 layout. */
export const SHEETS = {
  uppgifter: "Uppgifter",
  volymer: "Volymer",
  resurser: "Resurser",
  ekonomi: "Ekonomi",
  kvalitet: "Kvalitet",
  avvikelser: "Synpunkter och avvikelser",
} as const;

/** The instructions sheet the workbook generator puts first; the validator does not treat it as extra. */
export const INSTRUCTIONS_SHEET = "Instruktioner";

/** Stamp locations shared by generator and validator. */
export const STAMP = {
  definedName: "UPPF_MALL",
  metaSheet: "_uppf_meta",
  stampCell: "B1",
  idCell: "B2",
  versionCell: "B3",
  areaCell: "B4",
  workbookIdCell: "B5",
  manifestStartRow: 7,
} as const;

const ALL_CARE: AreaCode[] = ["hemtjanst", "sarskilt_boende", "lss_boende"];

/** Verksamhetsområde code list. */
export const AREA_LIST = codeList("verksamhetsomrade", "Verksamhetsområde", [
  ["primarvard", "Primärvård"],
  ["hemtjanst", "Hemtjänst"],
  ["sarskilt_boende", "Särskilt boende"],
  ["forskola", "Förskola"],
  ["grundskola", "Grundskola"],
  ["lss_boende", "Bostad med särskild service (LSS)"],
]);

const PERIOD_LIST = codeList("periodicitet", "Periodicitet", [
  ["manad", "Månad"],
  ["kvartal", "Kvartal"],
  ["ar", "År"],
]);

const YESNO_LIST = codeList("janej", "Ja/Nej", [
  ["ja", "Ja"],
  ["nej", "Nej"],
]);

function uppgifter(b: TemplateBuilder): void {
  b.sheet(
    SHEETS.uppgifter,
    "Uppgifter om utförare och rapportperiod",
    "Fyll i de gula cellerna i kolumn C. Välj verksamhetsområde och periodicitet i listan.",
    {
      A4: "Uppgift",
      B4: "Format",
      C4: "Värde",
      D4: "Anvisning",
    },
  )
    .input({
      key: "uppgifter.orgnr",
      label: "Organisationsnummer",
      type: "orgnr",
      unit: "NNNNNN-NNNN",
      required: true,
      help: "Utförarens organisationsnummer, t.ex. 556036-0793. Personnummer godtas inte.",
    })
    .input({
      key: "uppgifter.utforare",
      label: "Utförarens namn",
      type: "text",
      required: true,
      maxLength: 200,
      help: "Juridisk person som har avtalet.",
    })
    .input({
      key: "uppgifter.enhet",
      label: "Enhetens namn",
      type: "text",
      required: true,
      maxLength: 200,
      help: "Enheten som rapporten gäller, som den heter i avtalet.",
      areaHelp: {
        primarvard: "Enheten som rapporten gäller, t.ex. vårdcentralens namn.",
        hemtjanst: "Enheten som rapporten gäller, t.ex. hemtjänstgruppens eller områdets namn.",
        sarskilt_boende: "Enheten som rapporten gäller, t.ex. boendets namn.",
        forskola: "Enheten som rapporten gäller, t.ex. förskolans namn.",
        grundskola: "Enheten som rapporten gäller, t.ex. skolans namn.",
        lss_boende: "Enheten som rapporten gäller, t.ex. gruppbostadens eller servicebostadens namn.",
      },
    })
    .input({
      key: "uppgifter.verksamhetsomrade",
      label: "Verksamhetsområde",
      type: "code",
      codeList: "verksamhetsomrade",
      required: true,
      help: "Välj i listan. Styr vilka volymer och personalkategorier som ska fyllas i.",
    })
    .input({
      key: "uppgifter.avtal_id",
      label: "Avtals-id",
      type: "text",
      required: true,
      maxLength: 60,
      help: "Avtalets eller överenskommelsens id, som det står i avtalet.",
      areaHelp: {
        primarvard: "Avtalets eller överenskommelsens id, t.ex. PV-LOV-2024.",
        hemtjanst: "Avtalets eller överenskommelsens id, t.ex. HT-LOV-2023.",
        sarskilt_boende: "Avtalets eller överenskommelsens id, t.ex. SAB-LOU-2022.",
        forskola: "Godkännandets eller avtalets id, t.ex. FSK-GODK-2021.",
        grundskola: "Godkännandets eller avtalets id, t.ex. GR-GODK-2019.",
        lss_boende: "Avtalets eller överenskommelsens id, t.ex. IO-LSS-2025.",
      },
    })
    .input({
      key: "uppgifter.ar",
      label: "Rapportår",
      type: "integer",
      unit: "ÅÅÅÅ",
      required: true,
      min: 2015,
      max: 2100,
      help: "Året som rapporten gäller.",
    })
    .input({
      key: "uppgifter.periodicitet",
      label: "Periodicitet",
      type: "code",
      codeList: "periodicitet",
      required: true,
      help: "Månad, kvartal eller år. Mallen ackumuleras: fyll i alla månader från januari till periodens slut.",
    })
    .input({
      key: "uppgifter.period",
      label: "Period (månad 1–12 eller kvartal 1–4)",
      type: "integer",
      required: false,
      min: 1,
      max: 12,
      help: "Månadens nummer (1–12) eller kvartalets (1–4). Lämnas tom för helår.",
    })
    .input({
      key: "uppgifter.kontaktperson",
      label: "Kontaktperson",
      type: "text",
      required: true,
      maxLength: 120,
      help: "Den som kan svara på frågor om rapporten.",
    })
    .input({
      key: "uppgifter.epost",
      label: "E-post",
      type: "text",
      required: true,
      maxLength: 200,
      pattern: "^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$",
      patternMessage: "E-postadressen ska ha formen namn@exempel.se",
      help: "Kontaktpersonens e-postadress.",
    })
    .input({
      key: "uppgifter.telefon",
      label: "Telefon",
      type: "text",
      required: false,
      maxLength: 40,
      help: "Kontaktpersonens telefonnummer.",
    })
    .input({
      key: "uppgifter.inlamningsdatum",
      label: "Inlämningsdatum",
      type: "date",
      unit: "ÅÅÅÅ-MM-DD",
      required: false,
      help: "Datum då rapporten lämnas in. Används för att kontrollera avtalets rapporteringsfrist.",
    });
}

function volymer(b: TemplateBuilder): void {
  const headers: Record<string, string> = { A4: "Mått", B4: "Enhet", O4: "Summa/medel" };
  ["C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N"].forEach((c, i) => {
    headers[`${c}4`] = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"][
      i
    ];
  });
  const s = b.sheet(
    SHEETS.volymer,
    "Volymer per månad",
    "Fyll i raderna för ert verksamhetsområde, en kolumn per månad från januari till periodens slut. Ange 0 om volymen är noll.",
    headers,
  );
  s.def.columnWidths = {
    A: 46,
    B: 12,
    C: 10,
    D: 10,
    E: 10,
    F: 10,
    G: 10,
    H: 10,
    I: 10,
    J: 10,
    K: 10,
    L: 10,
    M: 10,
    N: 10,
    O: 14,
  };
  const pv: AreaCode[] = ["primarvard"];
  s.section("Primärvård", false);
  const listedRange = { min: 0, max: 100_000 };
  b.seriesRow(s, {
    key: "volymer.pv_listade_0_17",
    label: "Listade patienter 0–17 år",
    unit: "antal",
    type: "integer",
    aggregate: "average",
    appliesTo: pv,
    help: "Antal listade patienter 0–17 år vid månadens slut.",
    ...listedRange,
  });
  b.seriesRow(s, {
    key: "volymer.pv_listade_18_64",
    label: "Listade patienter 18–64 år",
    unit: "antal",
    type: "integer",
    aggregate: "average",
    appliesTo: pv,
    help: "Antal listade patienter 18–64 år vid månadens slut.",
    ...listedRange,
  });
  b.seriesRow(s, {
    key: "volymer.pv_listade_65",
    label: "Listade patienter 65 år och äldre",
    unit: "antal",
    type: "integer",
    aggregate: "average",
    appliesTo: pv,
    help: "Antal listade patienter 65 år och äldre vid månadens slut.",
    ...listedRange,
  });
  b.seriesRow(s, {
    key: "volymer.pv_listade",
    label: "Listade patienter totalt",
    unit: "antal",
    type: "integer",
    aggregate: "average",
    appliesTo: pv,
    help: "Summan av åldersgrupperna (beräknas).",
    sumOf: ["volymer.pv_listade_0_17", "volymer.pv_listade_18_64", "volymer.pv_listade_65"],
    checkJumps: false,
  });
  b.seriesRow(s, {
    key: "volymer.pv_lakarbesok",
    label: "Läkarbesök",
    unit: "antal",
    type: "integer",
    aggregate: "sum",
    appliesTo: pv,
    help: "Fysiska besök hos läkare under månaden.",
  });
  b.seriesRow(s, {
    key: "volymer.pv_ovriga_besok",
    label: "Besök hos övriga yrkesgrupper",
    unit: "antal",
    type: "integer",
    aggregate: "sum",
    appliesTo: pv,
    help: "Fysiska besök hos sjuksköterska, fysioterapeut, psykolog m.fl.",
  });
  b.seriesRow(s, {
    key: "volymer.pv_digitala",
    label: "Digitala vårdkontakter",
    unit: "antal",
    type: "integer",
    aggregate: "sum",
    appliesTo: pv,
    help: "Videobesök och chattkontakter med vårdpersonal.",
  });

  const ht: AreaCode[] = ["hemtjanst"];
  s.section("Hemtjänst");
  b.seriesRow(s, {
    key: "volymer.ht_brukare",
    label: "Brukare med hemtjänst",
    unit: "antal",
    type: "integer",
    aggregate: "average",
    appliesTo: ht,
    help: "Antal brukare med beslut om hemtjänst under månaden.",
  });
  b.seriesRow(s, {
    key: "volymer.ht_beviljade",
    label: "Beviljade timmar",
    unit: "timmar",
    type: "decimal",
    aggregate: "sum",
    appliesTo: ht,
    help: "Biståndsbeviljade timmar under månaden.",
  });
  b.seriesRow(s, {
    key: "volymer.ht_utforda",
    label: "Utförda timmar",
    unit: "timmar",
    type: "decimal",
    aggregate: "sum",
    appliesTo: ht,
    help: "Utförda timmar hos brukare (brukartid) under månaden.",
  });

  const sab: AreaCode[] = ["sarskilt_boende"];
  s.section("Särskilt boende");
  b.seriesRow(s, {
    key: "volymer.sab_platser",
    label: "Platser",
    unit: "antal",
    type: "integer",
    aggregate: "average",
    appliesTo: sab,
    help: "Antal platser enligt avtal.",
  });
  b.seriesRow(s, {
    key: "volymer.sab_boende",
    label: "Boende (belagda platser)",
    unit: "antal",
    type: "integer",
    aggregate: "average",
    appliesTo: sab,
    help: "Antal boende vid månadens slut.",
  });
  b.seriesRow(s, {
    key: "volymer.sab_varddygn",
    label: "Vårddygn",
    unit: "dygn",
    type: "integer",
    aggregate: "sum",
    appliesTo: sab,
    help: "Belagda dygn under månaden.",
  });

  const fsk: AreaCode[] = ["forskola"];
  s.section("Förskola");
  b.seriesRow(s, {
    key: "volymer.fsk_barn",
    label: "Inskrivna barn",
    unit: "antal",
    type: "integer",
    aggregate: "average",
    appliesTo: fsk,
    help: "Antal inskrivna barn vid månadens slut.",
  });
  b.seriesRow(s, {
    key: "volymer.fsk_oppetdagar",
    label: "Öppetdagar",
    unit: "dagar",
    type: "integer",
    aggregate: "sum",
    appliesTo: fsk,
    help: "Antal dagar förskolan hade öppet under månaden.",
    max: 31,
    checkJumps: false,
  });

  const gr: AreaCode[] = ["grundskola"];
  s.section("Grundskola");
  b.seriesRow(s, {
    key: "volymer.gr_elever",
    label: "Elever",
    unit: "antal",
    type: "integer",
    aggregate: "average",
    appliesTo: gr,
    help: "Antal inskrivna elever vid månadens slut.",
  });
  b.seriesRow(s, {
    key: "volymer.gr_skoldagar",
    label: "Skoldagar",
    unit: "dagar",
    type: "integer",
    aggregate: "sum",
    appliesTo: gr,
    help: "Antal skoldagar under månaden (0 under sommarlovet).",
    max: 31,
    checkJumps: false,
  });

  const lss: AreaCode[] = ["lss_boende"];
  s.section("Bostad med särskild service (LSS)");
  b.seriesRow(s, {
    key: "volymer.lss_boende",
    label: "Boende",
    unit: "antal",
    type: "integer",
    aggregate: "average",
    appliesTo: lss,
    help: "Antal boende vid månadens slut.",
  });
  b.seriesRow(s, {
    key: "volymer.lss_dygn",
    label: "Boendedygn",
    unit: "dygn",
    type: "integer",
    aggregate: "sum",
    appliesTo: lss,
    help: "Belagda dygn under månaden.",
  });
}

/** Staff categories: key suffix, label, areas where required. */
const STAFF: [string, string, AreaCode[] | undefined][] = [
  ["lakare", "Läkare", ["primarvard"]],
  ["sjukskoterskor", "Sjuksköterskor", ["primarvard", "sarskilt_boende"]],
  ["underskoterskor", "Undersköterskor", ["primarvard", ...ALL_CARE]],
  ["vardbitraden", "Vårdbiträden och omsorgspersonal", ALL_CARE],
  ["rehab", "Fysioterapeuter och arbetsterapeuter", ["primarvard"]],
  ["psykosocial", "Psykologer och kuratorer", ["primarvard"]],
  ["forskollarare", "Förskollärare", ["forskola"]],
  ["barnskotare", "Barnskötare", ["forskola"]],
  ["larare", "Lärare", ["grundskola"]],
  ["elevhalsa", "Elevhälsa", ["grundskola"]],
  ["stodpersonal", "Stödassistenter och boendestödjare", ["lss_boende"]],
  ["ledning", "Ledning och administration", undefined],
  ["ovriga", "Övrig personal", undefined],
];

function resurser(b: TemplateBuilder): SheetLayout {
  const s = b.sheet(
    SHEETS.resurser,
    "Resurser: årsarbetare per personalkategori",
    "Ange genomsnittligt antal årsarbetare (heltidsekvivalenter) under perioden, med decimaler. Ange 0 om kategorin saknas.",
    {
      A4: "Personalkategori",
      B4: "Enhet",
      C4: "Årsarbetare",
      D4: "Anvisning",
    },
  );
  for (const [k, label, areas] of STAFF) {
    s.input({
      key: `resurser.${k}`,
      label,
      type: "decimal",
      unit: "årsarbetare",
      required: true,
      appliesTo: areas,
      optionalElsewhere: true,
      min: 0,
      max: 10_000,
      help: `Årsarbetare ${label.toLowerCase()}: anställda och inhyrda, omräknat till heltid.`,
    });
  }
  s.computed({
    key: "resurser.total",
    label: "Årsarbetare totalt",
    unit: "årsarbetare",
    format: "decimal",
    expr: { op: "sum", of: STAFF.map(([k]) => `resurser.${k}`) },
    help: "Summan av personalkategorierna (beräknas).",
    checkCode: "CROSS_SUM",
    tolerance: 0.0001,
    rule: "Årsarbetare totalt ska vara summan av personalkategorierna",
  });
  s.section("Nyckeltal (beräknas)");
  return s;
}

function ekonomi(b: TemplateBuilder): SheetLayout {
  const amount = { type: "amount" as const, unit: "kr", min: -10_000_000_000, max: 10_000_000_000 };
  const pos = { ...amount, min: 0 };
  const s = b.sheet(
    SHEETS.ekonomi,
    "Ekonomi för perioden",
    "Belopp i kronor för perioden (januari till periodens slut), exklusive moms.",
    {
      A4: "Post",
      B4: "Enhet",
      C4: "Belopp",
      D4: "Anvisning",
    },
  );
  s.input({
    key: "ekonomi.intakter",
    label: "Intäkter",
    ...pos,
    required: true,
    help: "Ersättning från beställaren och övriga intäkter.",
  })
    .input({
      key: "ekonomi.kostnad_personal",
      label: "Personalkostnader",
      ...pos,
      required: true,
      help: "Löner, sociala avgifter och inhyrd personal.",
    })
    .input({
      key: "ekonomi.kostnad_lokaler",
      label: "Lokalkostnader",
      ...pos,
      required: true,
      help: "Hyra, el, städning av lokaler.",
    })
    .input({
      key: "ekonomi.kostnad_ovrigt",
      label: "Övriga kostnader",
      ...pos,
      required: true,
      help: "Förbrukningsmaterial, IT, tjänster m.m. (ej avskrivningar).",
    })
    .computed({
      key: "ekonomi.kostnader_total",
      label: "Kostnader totalt",
      unit: "kr",
      format: "amount",
      expr: {
        op: "sum",
        of: ["ekonomi.kostnad_personal", "ekonomi.kostnad_lokaler", "ekonomi.kostnad_ovrigt"],
      },
      help: "Summan av kostnaderna (beräknas).",
      checkCode: "CROSS_SUM",
      tolerance: 1,
      rule: "Kostnader totalt = personal + lokaler + övrigt",
    })
    .input({
      key: "ekonomi.avskrivningar",
      label: "Avskrivningar",
      ...pos,
      required: true,
      help: "Avskrivningar på inventarier och förbättringsutgifter.",
    })
    .computed({
      key: "ekonomi.rorelseresultat",
      label: "Rörelseresultat",
      unit: "kr",
      format: "amount",
      expr: {
        op: "linear",
        terms: [
          { key: "ekonomi.intakter", coef: 1 },
          { key: "ekonomi.kostnader_total", coef: -1 },
          { key: "ekonomi.avskrivningar", coef: -1 },
        ],
      },
      help: "Intäkter − kostnader − avskrivningar (beräknas).",
      checkCode: "CROSS_RESULT",
      tolerance: 1,
      rule: "Rörelseresultat = intäkter − kostnader − avskrivningar",
    })
    .computed({
      key: "ekonomi.rorelsemarginal",
      label: "Rörelsemarginal",
      unit: "%",
      format: "percent",
      expr: { op: "ratio", num: "ekonomi.rorelseresultat", den: ["ekonomi.intakter"] },
      help: "Rörelseresultat / intäkter (beräknas).",
      tolerance: 0.00001,
      rule: "Rörelsemarginal = rörelseresultat / intäkter",
    })
    .section("Eget kapital")
    .input({
      key: "ekonomi.ek_ib",
      label: "Eget kapital, ingående balans",
      ...amount,
      required: true,
      help: "Eget kapital vid årets början (för egenregi: resultatenhetens ackumulerade resultat).",
    })
    .input({
      key: "ekonomi.ek_ovrigt",
      label: "Övriga förändringar av eget kapital",
      ...amount,
      required: false,
      help: "Utdelning (negativt), tillskott, finansnetto och skatt. Lämna tomt om inga.",
    })
    .input({
      key: "ekonomi.ek_ub",
      label: "Eget kapital, utgående balans",
      ...amount,
      required: true,
      help: "Ska vara ingående balans + rörelseresultat + övriga förändringar.",
    });
  b.checks.push({
    id: "ekonomi.eget_kapital",
    code: "CROSS_EQUITY",
    target: "ekonomi.ek_ub",
    terms: [
      { key: "ekonomi.ek_ib", coef: 1 },
      { key: "ekonomi.rorelseresultat", coef: 1 },
      { key: "ekonomi.ek_ovrigt", coef: 1 },
    ],
    tolerance: 1,
    severity: "error",
    rule: "Eget kapital UB = IB + rörelseresultat + övriga förändringar",
  });
  s.section("Kostnad per enhet (beräknas)");
  return s;
}

function kvalitet(b: TemplateBuilder): SheetLayout {
  const pct = { type: "percent" as const, unit: "%", min: 0, max: 1 };
  const s = b.sheet(
    SHEETS.kvalitet,
    "Kvalitet",
    "Andelar anges i procent (t.ex. 81,5 %). Uppgifter från senaste brukar-, patient- eller elevundersökning.",
    {
      A4: "Mått",
      B4: "Enhet",
      C4: "Värde",
      D4: "Anvisning",
    },
  );
  s.def.areaIntro = {
    primarvard: "Andelar anges i procent (t.ex. 81,5 %). Uppgifter från senaste nationella patientenkät.",
    hemtjanst:
      "Andelar anges i procent (t.ex. 81,5 %). Uppgifter från senaste brukarundersökning (t.ex. Socialstyrelsens äldreundersökning).",
    sarskilt_boende:
      "Andelar anges i procent (t.ex. 81,5 %). Uppgifter från senaste brukarundersökning (t.ex. Socialstyrelsens äldreundersökning).",
    forskola: "Andelar anges i procent (t.ex. 81,5 %). Uppgifter från senaste enkät till vårdnadshavare.",
    grundskola:
      "Andelar anges i procent (t.ex. 81,5 %). Uppgifter från senaste elev- eller vårdnadshavarenkät.",
    lss_boende: "Andelar anges i procent (t.ex. 81,5 %). Uppgifter från senaste brukarundersökning.",
  };
  s.input({
    key: "kvalitet.helhetsintryck",
    label: "Brukar-/patientundersökning: helhetsintryck (andel positiva)",
    ...pct,
    required: true,
    help: "Andel positiva svar om helhetsintrycket i senaste undersökningen.",
    areaHelp: {
      primarvard:
        "Andel positiva svar om helhetsintryck. Nationell patientenkät primärvård 2021: 79,5 % (kvinnor), 82,4 % (män).",
      hemtjanst:
        "Andel brukare som är ganska eller mycket nöjda med hemtjänsten som helhet (Socialstyrelsens äldreundersökning).",
      sarskilt_boende:
        "Andel boende som är ganska eller mycket nöjda med boendet som helhet (Socialstyrelsens äldreundersökning).",
      forskola: "Andel vårdnadshavare som är nöjda med förskolan som helhet.",
      grundskola:
        "Andel elever (eller vårdnadshavare) som är nöjda med skolan som helhet, t.ex. i Skolenkäten.",
      lss_boende: "Andel brukare som är nöjda med sitt boende som helhet.",
    },
    plausible: {
      min: 0.4,
      note: "Nationella undersökningar ligger oftast mellan 75 och 90 % positiva",
    },
  })
    .input({
      key: "kvalitet.bemotande",
      label: "Brukar-/patientundersökning: respekt och bemötande (andel positiva)",
      ...pct,
      required: false,
      help: "Andel positiva svar om respekt och bemötande.",
    })
    .input({
      key: "kvalitet.tillganglighet",
      label: "Brukar-/patientundersökning: tillgänglighet (andel positiva)",
      ...pct,
      required: false,
      help: "Andel positiva svar om tillgänglighet.",
    })
    .input({
      key: "kvalitet.kvalitetsregister",
      label: "Rapporterar till nationella kvalitetsregister",
      type: "code",
      codeList: "janej",
      required: true,
      appliesTo: ["primarvard", "hemtjanst", "sarskilt_boende"],
      help: "Ja eller Nej: rapporterar enheten till något nationellt kvalitetsregister?",
      areaHelp: {
        primarvard: "Ja eller Nej, t.ex. Nationella diabetesregistret, Svenska palliativregistret.",
        hemtjanst: "Ja eller Nej, t.ex. Senior alert, Svenska palliativregistret.",
        sarskilt_boende: "Ja eller Nej, t.ex. Senior alert, BPSD, Svenska palliativregistret.",
      },
    })
    .input({
      key: "kvalitet.register_namn",
      label: "Vilka kvalitetsregister",
      type: "text",
      required: false,
      maxLength: 500,
      appliesTo: ["primarvard", "hemtjanst", "sarskilt_boende"],
      help: "Namnen på registren, kommaseparerade.",
    })
    .input({
      key: "kvalitet.kontinuitet",
      label: "Personalkontinuitet: antal personal en brukare möter på 14 dagar",
      type: "decimal",
      unit: "antal",
      required: true,
      appliesTo: ["hemtjanst"],
      min: 0,
      max: 200,
      help: "Medelvärde. Riket 2021: 14,9; Österåker 2023: 16. Lägre är bättre.",
      plausible: { max: 30, note: "Riket 14,9 (2021), Österåker 16 (2023)" },
    })
    .input({
      key: "kvalitet.medicinsk_bedomning",
      label: "Medicinsk bedömning inom 3 dagar (andel)",
      ...pct,
      required: true,
      appliesTo: ["primarvard"],
      help: "Andel patienter som fått medicinsk bedömning inom tre dagar.",
    })
    .input({
      key: "kvalitet.telefon_samma_dag",
      label: "Telefontillgänglighet samma dag (andel)",
      ...pct,
      required: false,
      appliesTo: ["primarvard"],
      help: "Andel samtal besvarade samma dag.",
    });
  return s;
}

function avvikelser(b: TemplateBuilder): void {
  const cnt = { type: "integer" as const, unit: "antal", min: 0, max: 100_000 };
  b.sheet(SHEETS.avvikelser, "Synpunkter och avvikelser", "Antal under perioden. Ange 0 om inga.", {
    A4: "Typ",
    B4: "Enhet",
    C4: "Antal",
    D4: "Anvisning",
  })
    .input({
      key: "avvikelser.synpunkter",
      label: "Synpunkter",
      ...cnt,
      required: true,
      help: "Synpunkter från dem verksamheten är till för eller deras anhöriga (beröm, förslag).",
      areaHelp: {
        primarvard: "Synpunkter från patienter eller närstående (beröm, förslag).",
        hemtjanst: "Synpunkter från brukare eller anhöriga (beröm, förslag).",
        sarskilt_boende: "Synpunkter från boende eller anhöriga (beröm, förslag).",
        forskola: "Synpunkter från barn eller vårdnadshavare (beröm, förslag).",
        grundskola: "Synpunkter från elever eller vårdnadshavare (beröm, förslag).",
        lss_boende: "Synpunkter från brukare, anhöriga eller gode män (beröm, förslag).",
      },
    })
    .input({
      key: "avvikelser.klagomal",
      label: "Klagomål",
      ...cnt,
      required: true,
      help: "Klagomål från dem verksamheten är till för eller deras anhöriga.",
      areaHelp: {
        primarvard: "Klagomål från patienter eller närstående.",
        hemtjanst: "Klagomål från brukare eller anhöriga.",
        sarskilt_boende: "Klagomål från boende eller anhöriga.",
        forskola: "Klagomål från barn eller vårdnadshavare (skollagen 4 kap. 8 §).",
        grundskola: "Klagomål från elever eller vårdnadshavare (skollagen 4 kap. 8 §).",
        lss_boende: "Klagomål från brukare, anhöriga eller gode män.",
      },
    })
    .input({
      key: "avvikelser.avvikelser",
      label: "Avvikelser",
      ...cnt,
      required: true,
      help: "Registrerade avvikelser i verksamheten.",
    })
    .input({
      key: "avvikelser.lex_maria",
      label: "Anmälningar enligt lex Maria",
      ...cnt,
      required: true,
      appliesTo: ["primarvard", "sarskilt_boende"],
      help: "Anmälningar till IVO enligt patientsäkerhetslagen.",
    })
    .input({
      key: "avvikelser.lex_sarah",
      label: "Rapporter enligt lex Sarah",
      ...cnt,
      required: true,
      appliesTo: ["hemtjanst", "sarskilt_boende", "lss_boende"],
      help: "Rapporter om missförhållanden enligt SoL/LSS.",
    })
    .input({
      key: "avvikelser.krankande",
      label: "Anmälningar om kränkande behandling",
      ...cnt,
      required: true,
      appliesTo: ["forskola", "grundskola"],
      help: "Anmälningar enligt skollagen 6 kap.",
    })
    .input({
      key: "avvikelser.kommentar",
      label: "Kommentar och vidtagna åtgärder",
      type: "text",
      required: false,
      maxLength: 2000,
      help: "Beskriv allvarliga händelser och vad ni gjort åt dem.",
    });
}

/** Productivity and unit-cost metrics by area, shown in the Nyckeltal sections. */
function metricRules(): MetricRule[] {
  const costs = "ekonomi.kostnader_total";
  const staff = "resurser.total";
  return [
    {
      id: "pv_listade_per_lakare",
      label: "Listade patienter per läkare (årsarbetare)",
      unit: "antal",
      kind: "productivity",
      appliesTo: ["primarvard"],
      num: "volymer.pv_listade.total",
      den: ["resurser.lakare"],
      plausible: {
        max: 3000,
        note: "Socialstyrelsens riktvärde högst 1 100, observerat cirka 1 950 per heltidsläkare (Vårdanalys 2018)",
      },
    },
    {
      id: "pv_lakarbesok_per_lakare",
      label: "Läkarbesök per läkare (årsarbetare)",
      unit: "antal",
      kind: "productivity",
      appliesTo: ["primarvard"],
      num: "volymer.pv_lakarbesok.total",
      den: ["resurser.lakare"],
    },
    {
      id: "pv_besok_per_arsarbetare",
      label: "Besök per årsarbetare",
      unit: "antal",
      kind: "productivity",
      appliesTo: ["primarvard"],
      num: "volymer.pv_ovriga_besok.total",
      den: ["resurser.sjukskoterskor", "resurser.underskoterskor", "resurser.rehab", "resurser.psykosocial"],
    },
    {
      id: "ht_timmar_per_arsarbetare",
      label: "Utförda timmar per årsarbetare",
      unit: "timmar",
      kind: "productivity",
      appliesTo: ["hemtjanst"],
      num: "volymer.ht_utforda.total",
      den: [staff],
    },
    {
      id: "ht_utforda_andel",
      label: "Utförda timmar som andel av beviljade",
      unit: "%",
      kind: "ratio",
      appliesTo: ["hemtjanst"],
      num: "volymer.ht_utforda.total",
      den: ["volymer.ht_beviljade.total"],
      plausible: {
        min: 0.5,
        max: 1.05,
        note: "Utförd tid brukar vara lägre än beviljad tid; mer än beviljat bör förklaras",
      },
    },
    {
      id: "sab_varddygn_per_arsarbetare",
      label: "Vårddygn per årsarbetare",
      unit: "dygn",
      kind: "productivity",
      appliesTo: ["sarskilt_boende"],
      num: "volymer.sab_varddygn.total",
      den: [staff],
    },
    {
      id: "sab_belaggning",
      label: "Beläggning (boende per plats)",
      unit: "%",
      kind: "ratio",
      appliesTo: ["sarskilt_boende"],
      num: "volymer.sab_boende.total",
      den: ["volymer.sab_platser.total"],
      plausible: { max: 1, note: "Fler boende än platser är inte möjligt" },
    },
    {
      id: "fsk_barn_per_arsarbetare",
      label: "Barn per årsarbetare (förskollärare och barnskötare)",
      unit: "antal",
      kind: "productivity",
      appliesTo: ["forskola"],
      num: "volymer.fsk_barn.total",
      den: ["resurser.forskollarare", "resurser.barnskotare"],
      plausible: { min: 2, max: 10, note: "Riket har cirka 5 barn per årsarbetare" },
    },
    {
      id: "gr_elever_per_larare",
      label: "Elever per lärare (årsarbetare)",
      unit: "antal",
      kind: "productivity",
      appliesTo: ["grundskola"],
      num: "volymer.gr_elever.total",
      den: ["resurser.larare"],
      plausible: { min: 5, max: 25, note: "Riket har cirka 12 elever per lärare" },
    },
    {
      id: "lss_dygn_per_arsarbetare",
      label: "Boendedygn per årsarbetare",
      unit: "dygn",
      kind: "productivity",
      appliesTo: ["lss_boende"],
      num: "volymer.lss_dygn.total",
      den: [staff],
    },
    {
      id: "pv_kostnad_per_listad",
      label: "Kostnad per listad patient (perioden)",
      unit: "kr",
      kind: "unitCost",
      appliesTo: ["primarvard"],
      num: costs,
      den: ["volymer.pv_listade.total"],
    },
    {
      id: "pv_kostnad_per_besok",
      label: "Kostnad per besök",
      unit: "kr",
      kind: "unitCost",
      appliesTo: ["primarvard"],
      num: costs,
      den: ["volymer.pv_lakarbesok.total", "volymer.pv_ovriga_besok.total"],
    },
    {
      id: "ht_kostnad_per_beviljad_timme",
      label: "Kostnad per beviljad timme",
      unit: "kr",
      kind: "unitCost",
      appliesTo: ["hemtjanst"],
      num: costs,
      den: ["volymer.ht_beviljade.total"],
      plausible: { min: 250, max: 900, note: "KPB: 461 kr (2015), 472 kr (2016) per beviljad timme" },
    },
    {
      id: "ht_kostnad_per_utford_timme",
      label: "Kostnad per utförd timme",
      unit: "kr",
      kind: "unitCost",
      appliesTo: ["hemtjanst"],
      num: costs,
      den: ["volymer.ht_utforda.total"],
    },
    {
      id: "sab_kostnad_per_varddygn",
      label: "Kostnad per vårddygn",
      unit: "kr",
      kind: "unitCost",
      appliesTo: ["sarskilt_boende"],
      num: costs,
      den: ["volymer.sab_varddygn.total"],
      plausible: { min: 1000, max: 4000, note: "KPB: 1 809 kr (2015), 1 880 kr (2016) per dygn" },
    },
    {
      id: "fsk_kostnad_per_barn",
      label: "Kostnad per inskrivet barn (perioden)",
      unit: "kr",
      kind: "unitCost",
      appliesTo: ["forskola"],
      num: costs,
      den: ["volymer.fsk_barn.total"],
    },
    {
      id: "gr_kostnad_per_elev",
      label: "Kostnad per elev (perioden)",
      unit: "kr",
      kind: "unitCost",
      appliesTo: ["grundskola"],
      num: costs,
      den: ["volymer.gr_elever.total"],
    },
    {
      id: "lss_kostnad_per_dygn",
      label: "Kostnad per boendedygn",
      unit: "kr",
      kind: "unitCost",
      appliesTo: ["lss_boende"],
      num: costs,
      den: ["volymer.lss_dygn.total"],
    },
  ];
}

function addMetricCells(b: TemplateBuilder, res: SheetLayout, eko: SheetLayout): void {
  for (const m of metricRules()) {
    const layout = m.kind === "unitCost" ? eko : res;
    const key = `${m.kind === "unitCost" ? "ekonomi" : "nyckeltal"}.${m.id}`;
    layout.computed({
      key,
      label: m.label,
      unit: m.unit,
      format: m.unit === "%" ? "percent" : m.kind === "unitCost" ? "amount" : "decimal",
      appliesTo: m.appliesTo,
      expr: { op: "ratio", num: m.num, den: m.den },
      help: "Beräknas från volymer, resurser och ekonomi.",
      tolerance: 0.001,
      rule: `${m.label} = kvoten av mallens värden`,
    });
    b.metrics.push({ ...m, computedKey: key });
  }
}

/** Build the v1.0.0 definition. */
export function buildTemplateV1(): TemplateDefinition {
  const b = new TemplateBuilder();
  uppgifter(b);
  volymer(b);
  const res = resurser(b);
  const eko = ekonomi(b);
  kvalitet(b);
  avvikelser(b);
  addMetricCells(b, res, eko);
  return b.build({
    id: TEMPLATE_ID,
    version: "1.0.0",
    title: "Uppföljningsmall för utförare",
    stamp: { ...STAMP },
    auxiliarySheets: [INSTRUCTIONS_SHEET],
    codeLists: { verksamhetsomrade: AREA_LIST, periodicitet: PERIOD_LIST, janej: YESNO_LIST },
    roles: {
      area: "uppgifter.verksamhetsomrade",
      year: "uppgifter.ar",
      periodType: "uppgifter.periodicitet",
      period: "uppgifter.period",
      orgnr: "uppgifter.orgnr",
      avtalId: "uppgifter.avtal_id",
      submittedOn: "uppgifter.inlamningsdatum",
      revenue: "ekonomi.intakter",
      costsTotal: "ekonomi.kostnader_total",
      depreciation: "ekonomi.avskrivningar",
      operatingResult: "ekonomi.rorelseresultat",
      operatingMargin: "ekonomi.rorelsemarginal",
      equityOpening: "ekonomi.ek_ib",
      equityOther: "ekonomi.ek_ovrigt",
      equityClosing: "ekonomi.ek_ub",
      staffTotal: "resurser.total",
    },
    staffCategories: STAFF.map(([k]) => `resurser.${k}`),
  });
}

/** The v1.0.0 template definition. */
export const TEMPLATE_V1: TemplateDefinition = buildTemplateV1();
