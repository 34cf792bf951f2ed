/**
 * Names of Excel's built-in worksheet functions in English and Swedish that our UPPF names must
 * never equal (with or without the namespace, case and diacritics ignored). Not all ~500
 * functions: the ones plausibly close to ours (statistics, finance, rounding, lookup, text,
 * information and the newer dynamic-array functions), in both languages. Swedish names as in
 * Swedish Excel (Microsoft 365).
 */
// prettier-ignore
export const EXCEL_BUILTIN_NAMES_EN: readonly string[] = [
  // maths and rounding
  "ABS", "AGGREGATE", "CEILING", "CEILING.MATH", "FLOOR", "INT", "MOD", "MROUND", "PRODUCT", "QUOTIENT",
  "ROUND", "ROUNDDOWN", "ROUNDUP", "SUBTOTAL", "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "SUMSQ", "TRUNC",
  "PERCENTOF", "SEQUENCE", "RANDARRAY",
  // statistics
  "AVEDEV", "AVERAGE", "AVERAGEA", "AVERAGEIF", "AVERAGEIFS", "CONFIDENCE", "CORREL", "COUNT", "COUNTA",
  "COUNTBLANK", "COUNTIF", "COUNTIFS", "COVAR", "COVARIANCE.P", "COVARIANCE.S", "DEVSQ", "FORECAST",
  "FORECAST.LINEAR", "FREQUENCY", "GROWTH", "LARGE", "MAX", "MAXIFS", "MEDIAN", "MIN", "MINIFS", "MODE",
  "NORMDIST", "NORM.DIST", "PERCENTILE", "PERCENTILE.INC", "PERCENTRANK", "PROB", "QUARTILE", "RANK",
  "RANK.EQ", "SLOPE", "SMALL", "STANDARDIZE", "STDEV", "STDEV.P", "STDEV.S", "STDEVA", "STDEVP", "TREND",
  "VAR", "VAR.P", "VAR.S", "VARP",
  // finance
  "ACCRINT", "DB", "DDB", "DISC", "DOLLAR", "EFFECT", "FV", "FVSCHEDULE", "INTRATE", "IPMT", "IRR", "MIRR",
  "NOMINAL", "NPER", "NPV", "PMT", "PPMT", "PRICE", "PV", "RATE", "RECEIVED", "RRI", "SLN", "SYD", "VDB",
  "XIRR", "XNPV", "YIELD", "STOCKHISTORY",
  // lookup, logic, text, dates
  "ADDRESS", "AND", "CHOOSE", "CHOOSECOLS", "CHOOSEROWS", "COLUMN", "COLUMNS", "CONCAT", "CONCATENATE",
  "DATE", "DATEDIF", "DAY", "DAYS", "DROP", "EDATE", "EOMONTH", "EXPAND", "FILTER", "FIND", "GROUPBY",
  "HLOOKUP", "HSTACK", "IF", "IFERROR", "IFNA", "IFS", "INDEX", "INDIRECT", "ISBLANK", "ISERR", "ISERROR",
  "ISEVEN", "ISFORMULA", "ISLOGICAL", "ISNA", "ISNONTEXT", "ISNUMBER", "ISODD", "ISOMITTED", "ISREF",
  "ISTEXT", "ISOWEEKNUM", "LAMBDA", "LEFT", "LEN", "LET", "LOOKUP", "MATCH", "MID", "MONTH", "NETWORKDAYS",
  "NOT", "NOW", "NUMBERVALUE", "OR", "PIVOTBY", "PROPER", "REGEXTEST", "RIGHT", "ROW", "ROWS", "SORT",
  "SORTBY", "SWITCH", "TAKE", "TEXT", "TEXTJOIN", "TEXTSPLIT", "TODAY", "TOCOL", "TOROW", "TRANSPOSE",
  "TRIM", "TRIMRANGE", "UNIQUE", "VALUE", "VLOOKUP", "VSTACK", "WEEKNUM", "WORKDAY", "XLOOKUP", "XMATCH",
  "YEAR",
];

// prettier-ignore
export const EXCEL_BUILTIN_NAMES_SV: readonly string[] = [
  // matematik och avrundning
  "ABS", "MÄNGD", "RUNDA.UPP", "RUNDA.NED", "HELTAL", "REST", "MAVRUNDA", "PRODUKT", "KVOT", "AVRUNDA",
  "AVRUNDA.NEDÅT", "AVRUNDA.UPPÅT", "DELSUMMA", "SUMMA", "SUMMA.OM", "SUMMA.OMF", "PRODUKTSUMMA",
  "KVADRATSUMMA", "AVKORTA", "PROCENTAV", "SEKVENS", "SLUMPMATRIS",
  // statistik
  "MEDELAVV", "MEDEL", "AVERAGEA", "MEDEL.OM", "MEDEL.OMF", "KONFIDENS", "KORREL", "ANTAL", "ANTALV",
  "ANTAL.TOMMA", "ANTAL.OM", "ANTAL.OMF", "KOVAR", "KOVARIANS.P", "KOVARIANS.S", "AVVIK.KVADRAT", "PROGNOS",
  "PROGNOS.LINJÄR", "FREKVENS", "EXPTREND", "STÖRSTA", "MAX", "MAXIFS", "MEDIAN", "MIN", "MINIFS", "TYPVÄRDE",
  "NORMFÖRD", "NORM.FÖRD", "PERCENTIL", "PERCENTIL.INK", "PROCENTRANG", "SANNOLIKHET", "KVARTIL", "RANG",
  "RANG.EKV", "LUTNING", "MINSTA", "STANDARDISERA", "STDAV", "STDAV.P", "STDAV.S", "STDEVA", "STDAVP", "TREND",
  "VARIANS", "VARIANS.P", "VARIANS.S", "VARIANSP",
  // ekonomi
  "UPPLRÄNTA", "DB", "DEGAVSKR", "DISK", "VALUTA", "EFFRÄNTA", "SLUTVÄRDE", "FÖRRÄNTNING", "ÅRSRÄNTA",
  "RBETALNING", "IR", "MODIR", "NOMRÄNTA", "PERIODER", "NETNUVÄRDE", "BETALNING", "AMORT", "PRIS", "NUVÄRDE",
  "RÄNTA", "BELOPP", "AVKPÅINVEST", "LINAVSKR", "ÅRSAVSKR", "VDEGRAVSKR", "XIRR", "XNUVÄRDE", "NOMAVK",
  "AKTIEHISTORIK",
  // sök, logik, text, datum
  "ADRESS", "OCH", "VÄLJ", "VÄLJKOL", "VÄLJRADER", "KOLUMN", "KOLUMNER", "SAMMAN", "SAMMANFOGA", "DATUM",
  "DATEDIF", "DAG", "DAGAR", "UTESLUT", "EDATUM", "SLUTMÅNAD", "UTÖKA", "FILTRERA", "HITTA", "GRUPPERAEFTER",
  "LETAKOLUMN", "HSTACK", "OM", "OMFEL", "OMSAKNAS", "OMF", "INDEX", "INDIREKT", "ÄRTOM", "ÄRF", "ÄRFEL",
  "ÄRJÄMN", "ÄRFORMEL", "ÄRLOGISK", "ÄRSAKNAD", "ÄREJTEXT", "ÄRTAL", "ÄRUDDA", "ÄRUTELÄMNAD", "ÄRREF",
  "ÄRTEXT", "ISOVECKONR", "LAMBDA", "VÄNSTER", "LÄNGD", "LÅT", "LETAUPP", "PASSA", "EXTEXT", "MÅNAD",
  "NETTOARBETSDAGAR", "ICKE", "NU", "TALVÄRDE", "ELLER", "PIVOTERAEFTER", "INITIAL", "REGEXTEST", "HÖGER",
  "RAD", "RADER", "SORTERA", "SORTERAEFTER", "VÄXLA", "TA", "TEXT", "TEXTJOIN", "TEXTDELA", "IDAG", "TILLKOL",
  "TILLRAD", "TRANSPONERA", "RENSA", "UNIK", "TEXTNUM", "LETARAD", "VSTACK", "VECKONR", "ARBETSDAGAR",
  "XLETAUPP", "XMATCHNING", "ÅR",
];

/** Upper case without diacritics: "Fördela" → "FORDELA", so near-homonyms are caught too. */
export function foldName(name: string): string {
  return name.normalize("NFD").replace(/\p{M}/gu, "").toUpperCase();
}
