/**
 * `uppf template`: write the template workbook providers fill in.
 */
import type { Command } from "commander";
import { AREA_CODES, type AreaCode } from "../../domain/template/types";
import { LATEST_TEMPLATE, TEMPLATES } from "../../domain/template/registry";
import { exampleSubmission } from "../../domain/template/values";
import { writeOutputFile } from "../output-file";
import { UsageError } from "../errors";

interface TemplateOptions {
  out: string;
  area?: string;
  example?: boolean;
  version?: string;
  deadline?: string;
  contact?: string;
}

export function registerTemplateCommand(program: Command): void {
  program
    .command("template")
    .description("skriv mallen (arbetsboken) som utförarna fyller i")
    .option("--out <fil>", "filen att skriva", "uppfoljningsmall.xlsx")
    .option("--area <område>", `förbered för ett verksamhetsområde: ${AREA_CODES.join("|")}`)
    .option("--example", "fyll i ett realistiskt, giltigt exempel (primärvård om --area saknas)")
    .option(
      "--mallversion <version>",
      `mallversion (${TEMPLATES.map((t) => t.version).join(", ")}; standard ${LATEST_TEMPLATE.version})`,
    )
    .option("--deadline <datum>", "sista dag för inlämning, visas i instruktionerna")
    .option("--contact <text>", "kontaktperson för frågor, visas i instruktionerna")
    .action(async (opts: TemplateOptions & { mallversion?: string }) => {
      if (opts.area !== undefined && !(AREA_CODES as readonly string[]).includes(opts.area)) {
        throw new UsageError(
          `--area: okänt verksamhetsområde "${opts.area}" (välj ${AREA_CODES.join(", ")})`,
        );
      }
      const version = opts.mallversion ?? LATEST_TEMPLATE.version;
      const template = TEMPLATES.find((t) => t.version === version);
      if (!template)
        throw new UsageError(
          `--mallversion: okänd version "${version}" (kända: ${TEMPLATES.map((t) => t.version).join(", ")})`,
        );
      if (opts.deadline !== undefined && opts.deadline.trim() === "")
        throw new UsageError("--deadline: ange ett datum, t.ex. 2026-02-15");
      const area = (opts.area as AreaCode | undefined) ?? (opts.example ? "primarvard" : undefined);
      const values = opts.example && area ? exampleSubmission(area, template) : undefined;
      // ExcelJS is loaded only when a command needs it: `uppf --help` stays fast.
      const { writeTemplate } = await import("../../xlsx/template");
      const bytes = await writeTemplate(template, {
        area,
        values,
        deadline: opts.deadline,
        contact: opts.contact,
      });
      writeOutputFile(opts.out, bytes);
      const what = values ? `exempel (${area})` : area ? `mall för ${area}` : "mall";
      console.log(`Skrev ${opts.out}: ${what}, ${template.id}@${template.version}.`);
    });
}
