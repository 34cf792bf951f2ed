/**
 * `uppf verify-receipts`: recompute every receipt's hash, its link to the previous receipt and
 * the SHA-256 of the submitted content, per receiving organisation. Exit 0 when every chain is
 * intact, 1 when something was altered or is missing. Reads the store directly (PGlite in
 * --data-dir, or PostgreSQL when DATABASE_URL is set), so a revisor needs no account.
 */
import type { Command } from "commander";
import { UsageError } from "../errors";
import { withStore } from "./user";

interface VerifyOptions {
  org?: string;
  dataDir: string;
  json?: boolean;
}

export function registerReceiptCommands(program: Command): void {
  program
    .command("verify-receipts")
    .description("kontrollera kvittokedjorna (hashkedja per mottagande organisation)")
    .option("--org <kod>", "bara den här mottagande organisationen (t.ex. 04)")
    .option("--data-dir <katalog>", "PGlite-katalogen när DATABASE_URL saknas", "./data")
    .option("--json", "skriv resultatet som JSON")
    .action(async (opts: VerifyOptions) => {
      if (opts.org !== undefined && !/^(?:[0-9]{2}|[0-9]{4}|[0-9]{6}-[0-9]{4})$/.test(opts.org)) {
        throw new UsageError(`--org: "${opts.org}" är ingen organisationskod`);
      }
      const { verifyReceiptChains } = await import("../../server/store");
      const chains = await withStore(opts.dataDir, (db) => verifyReceiptChains(db, opts.org));
      const ok = chains.every((c) => c.ok);
      if (opts.json) {
        console.log(JSON.stringify({ ok, chains }, null, 2));
      } else if (chains.length === 0) {
        console.log(opts.org ? `Inga kvitton för organisation ${opts.org}.` : "Inga kvitton finns ännu.");
      } else {
        for (const c of chains) {
          if (c.ok) console.log(`✓ ${c.receivingOrgId}: ${c.count} kvitton, kedjan är obruten.`);
          else {
            console.log(`✗ ${c.receivingOrgId}: ${c.count} kvitton, ${c.problems.length} fel:`);
            for (const p of c.problems) console.log(`    ${p}`);
          }
        }
        console.log(
          ok ? "Alla kvittokedjor stämmer." : "Kvittokedjan stämmer INTE: något har ändrats eller saknas.",
        );
      }
      if (!ok) process.exitCode = 1;
    });
}
