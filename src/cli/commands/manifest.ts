import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { ManifestError, manifestUrls, rewriteManifestUrls } from "../../manifest";
import { CliError, UsageError } from "../errors";

export function registerManifestCommand(program: Command): void {
  program
    .command("manifest")
    .description(
      "skriv en kopia av manifest.xml med alla adresser flyttade till en annan server (central publicering)",
    )
    .requiredOption("--base-url <url>", "adressen där dist/ publiceras, t.ex. https://example.org/uppf")
    .option("--in <fil>", "manifestet att utgå från", "manifest.xml")
    .option("--out <fil>", "filen att skriva (- för standard ut)", "manifest.deploy.xml")
    .action((opts: { baseUrl: string; in: string; out: string }) => {
      let xml: string;
      try {
        xml = readFileSync(opts.in, "utf8");
      } catch {
        throw new CliError(`kan inte läsa ${opts.in}: filen finns inte eller går inte att öppna`);
      }
      let rewritten: string;
      try {
        rewritten = rewriteManifestUrls(xml, opts.baseUrl);
      } catch (e) {
        if (e instanceof ManifestError) throw new UsageError(`--base-url: ${e.message}`);
        throw e;
      }
      if (opts.out === "-") {
        process.stdout.write(rewritten);
        return;
      }
      writeFileSync(opts.out, rewritten);
      const count = manifestUrls(rewritten).length;
      console.log(`Skrev ${opts.out}: ${count} adresser pekar nu på ${opts.baseUrl.replace(/\/+$/, "")}.`);
      console.log("Kontrollera den med ../shared/tools/validate-manifest innan den publiceras.");
    });
}
