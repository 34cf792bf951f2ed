/**
 * Swedish text written into workbooks (instructions, prompts, review sheet), in one place so the
 * wording can be reviewed in one read.
 */
import { formatNumber } from "../domain/format";
import type { FindingValue } from "../domain/validate/findings";
import { helpFor, introFor } from "../domain/template/help";
import type { AreaCode, InputField, TemplateDefinition } from "../domain/template/types";

/** Name of the instructions sheet the generator adds in front of the template's sheets. */
export const INSTRUCTIONS_SHEET = "Instruktioner";
/** Name of the review sheet `uppf validate --annotate` adds. */
export const REVIEW_SHEET = "Granskning";

const TYPE_TEXT: Record<InputField["type"], string> = {
  integer: "ett heltal",
  decimal: "ett tal",
  percent: "en andel i procent",
  amount: "ett belopp i kronor",
  text: "en text",
  date: "ett datum (ÅÅÅÅ-MM-DD)",
  code: "ett val i listan",
  orgnr: "ett organisationsnummer (NNNNNN-NNNN)",
};

/** Year and period numbers are shown without a thousands separator ("2025", not "2 025"). */
export function isPlainNumber(f: InputField, template: TemplateDefinition): boolean {
  return f.key === template.roles.year || f.key === template.roles.period;
}

function show(f: InputField, n: number, template: TemplateDefinition): string {
  if (f.type === "percent") return `${formatNumber(n * 100, { maxDecimals: 1 })} %`;
  if (f.type === "amount") return `${formatNumber(n, { maxDecimals: 0 })} kr`;
  if (isPlainNumber(f, template)) return String(n);
  return formatNumber(n, { maxDecimals: 2 });
}

/** "ett heltal mellan 0 och 100 000" etc. */
export function ruleText(f: InputField, template: TemplateDefinition): string {
  if (f.type === "code") {
    const list = template.codeLists[f.codeList ?? ""];
    return `ett av: ${list ? list.options.map((o) => o.label).join(", ") : ""}`;
  }
  if (f.type === "text")
    return f.maxLength ? `en text på högst ${formatNumber(f.maxLength)} tecken` : "en text";
  const base = TYPE_TEXT[f.type];
  if (f.min !== undefined && f.max !== undefined)
    return `${base} mellan ${show(f, f.min, template)} och ${show(f, f.max, template)}`;
  if (f.min !== undefined) return `${base} som är minst ${show(f, f.min, template)}`;
  if (f.max !== undefined) return `${base} som är högst ${show(f, f.max, template)}`;
  return base;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** Input prompt (title ≤ 32, text ≤ 255 characters, Excel's limits). */
export function promptFor(
  f: InputField,
  template: TemplateDefinition,
  required: boolean,
  area?: AreaCode,
): { title: string; text: string } {
  const rule = ruleText(f, template);
  const req = required ? "Obligatorisk." : "Frivillig.";
  const text = `${helpFor(f, area)} Ange ${rule}. ${req}`;
  return { title: clip(f.label, 32), text: clip(text, 255) };
}

/** Error alert (title ≤ 32, text ≤ 225 characters). */
export function errorFor(f: InputField, template: TemplateDefinition): { title: string; text: string } {
  const extra =
    f.type === "percent" ? " Skriv t.ex. 81,5 %." : f.type === "date" ? " Skriv t.ex. 2026-01-20." : "";
  return {
    title: "Ogiltigt värde",
    text: clip(`”${f.label}” ska vara ${ruleText(f, template)}.${extra}`, 225),
  };
}

/** Options that change the instructions. */
export interface InstructionOptions {
  /** The area the template is prepared for (its label). */
  areaLabel?: string;
  /** The area the template is prepared for (its code: chooses the sheets' intros). */
  area?: AreaCode;
  /** Last day to hand in, free text or ÅÅÅÅ-MM-DD. */
  deadline?: string;
  /** Who to contact (name, e-mail, phone). */
  contact?: string;
  /** Created date, ÅÅÅÅ-MM-DD. */
  created: string;
}

/** One line of the instructions sheet. */
export type InstructionLine = {
  kind: "title" | "heading" | "text" | "legend-input" | "legend-computed";
  text: string;
};

/** The Instruktioner sheet's lines, from the definition's sheets and intros. */
export function instructionLines(template: TemplateDefinition, o: InstructionOptions): InstructionLine[] {
  const first = template.sheets[0]?.name ?? "Uppgifter";
  const lines: InstructionLine[] = [
    { kind: "title", text: `${template.title}` },
    { kind: "text", text: `Mall ${template.id} version ${template.version}, skapad ${o.created}.` },
    { kind: "heading", text: "Så fyller du i mallen" },
    {
      kind: "legend-input",
      text: "Gul cell: fyll i. Håll markören på cellen för att se vad som ska stå där.",
    },
    { kind: "legend-computed", text: "Grå cell: räknas ut automatiskt av mallen och kan inte ändras." },
    {
      kind: "text",
      text: o.areaLabel
        ? `1. Mallen är förberedd för verksamhetsområdet ${o.areaLabel}: det är redan valt och rader för andra verksamhetsområden är dolda. Gäller rapporten ett annat verksamhetsområde, be om mallen för det.`
        : `1. Börja på bladet ”${first}”: välj verksamhetsområde och periodicitet i listorna. Verksamhetsområdet avgör vilka rader som ska fyllas i.`,
    },
    { kind: "text", text: "2. Fyll i bladen i tur och ordning:" },
  ];
  for (const s of template.sheets)
    lines.push({ kind: "text", text: `    • ${s.name}: ${introFor(s, o.area)}` });
  lines.push(
    {
      kind: "text",
      text: "3. Skriv tal som vanligt (t.ex. 1 234,5), andelar i procent (t.ex. 81,5 %) och datum som ÅÅÅÅ-MM-DD. Ange 0 när värdet är noll; lämna inte cellen tom.",
    },
    {
      kind: "text",
      text: "4. Excel stoppar de flesta felaktiga värden direkt och säger vad som är fel. Granskningen kontrollerar dessutom summor, perioder och rimlighet.",
    },
    {
      kind: "text",
      text: "5. Byt inte namn på bladen och infoga eller ta inte bort rader eller kolumner: varje uppgift läses från sin cell.",
    },
    { kind: "heading", text: "Inlämning" },
    {
      kind: "text",
      text: o.deadline
        ? `Lämna in den ifyllda mallen senast ${o.deadline}.`
        : "Lämna in den ifyllda mallen senast det datum som avtalet anger (rapporteringsfristen).",
    },
    {
      kind: "text",
      text: "Skicka filen som Excel-arbetsbok (.xlsx) utan lösenord. Döp gärna filen efter enheten och perioden, t.ex. ”Enhetens namn 2025.xlsx”.",
    },
    { kind: "heading", text: "Frågor" },
    {
      kind: "text",
      text: o.contact
        ? `Kontakta ${o.contact}.`
        : "Kontakta beställarens avtalsansvariga eller controller (kontaktuppgifter finns i avtalet).",
    },
    { kind: "heading", text: "Om skyddet" },
    {
      kind: "text",
      text: "Bladen är skyddade utan lösenord så att formler och ledtexter inte ändras av misstag. Den som granskar kan ta bort skyddet under Granska > Ta bort bladets skydd.",
    },
  );
  return lines;
}

/** A finding value as Swedish text ("1 234,5", "–" for none). */
export function valueText(v: FindingValue | undefined): string {
  if (v === null || v === undefined) return "–";
  if (typeof v === "number") return formatNumber(v, { maxDecimals: 4 });
  if (typeof v === "boolean") return v ? "SANT" : "FALSKT";
  return v;
}
