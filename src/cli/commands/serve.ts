import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { rewriteManifestUrls } from "../../manifest";
import { CliError, UsageError } from "../errors";

interface ServeOptions {
  port: string;
  host: string;
  dataDir: string;
  static: string;
  cert?: string;
  key?: string;
  http?: boolean;
}

/** office-addin-dev-certs' default location (`npx office-addin-dev-certs install`). */
function devCertificates(): { cert: string; key: string } | null {
  const dir = path.join(homedir(), ".office-addin-dev-certs");
  const cert = path.join(dir, "localhost.crt");
  const key = path.join(dir, "localhost.key");
  return existsSync(cert) && existsSync(key) ? { cert, key } : null;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port: "${value}" är inget portnummer (0–65535)`);
  }
  return port;
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("starta servern: tillägget (dist/) och den delade lagringens API")
    .option("-p, --port <port>", "port (0 = valfri ledig)", process.env.PORT ?? "3000")
    .option("--host <värd>", "adress att lyssna på", "localhost")
    .option(
      "--data-dir <katalog>",
      "katalog för den inbäddade databasen (PGlite) när DATABASE_URL saknas",
      "./data",
    )
    .option("--static <katalog>", "katalogen med det byggda tillägget", "dist")
    .option("--cert <fil>", "TLS-certifikat (standard: office-addin-dev-certs om det finns)")
    .option("--key <fil>", "TLS-nyckel (standard: office-addin-dev-certs om den finns)")
    .option("--http", "använd vanlig http även om certifikat finns")
    .action(async (opts: ServeOptions) => {
      const port = parsePort(opts.port);
      if (!existsSync(path.join(opts.static, "taskpane.html"))) {
        throw new UsageError(
          `${opts.static}/taskpane.html saknas: kör "npm run build" (eller "npm start") först`,
        );
      }
      if ((opts.cert && !opts.key) || (!opts.cert && opts.key)) {
        throw new UsageError("--cert och --key anges tillsammans");
      }
      const files = opts.http
        ? null
        : opts.cert && opts.key
          ? { cert: opts.cert, key: opts.key }
          : devCertificates();
      const tls = files ? { cert: readFileSync(files.cert), key: readFileSync(files.key) } : undefined;

      const { startServer } = await import("../../server/index");
      const { DataDirLockedError } = await import("../../server/lock");
      const server = await startServer({
        port,
        host: opts.host,
        dataDir: path.resolve(opts.dataDir),
        databaseUrl: process.env.DATABASE_URL || undefined,
        staticDir: path.resolve(opts.static),
        tls,
        log: (line) => console.log(line),
      }).catch((e: unknown) => {
        if (e instanceof DataDirLockedError) throw new CliError(e.message, 2);
        throw e;
      });
      const base = server.url.replace(/\/+$/, "");
      // The manifest served next to the add-in points at this very server.
      writeFileSync(
        path.join(opts.static, "manifest.xml"),
        rewriteManifestUrls(readFileSync("manifest.xml", "utf8"), base),
      );
      const store =
        server.store === "pglite" ? `PGlite i ${path.resolve(opts.dataDir)}` : "PostgreSQL (DATABASE_URL)";
      console.log(
        [
          `Uppföljning körs på ${base} (lagring: ${store}).`,
          `  Åtgärdsfönster: ${base}/taskpane.html`,
          `  Manifest:       ${base}/manifest.xml`,
          `  API:            ${base}/api/health, ${base}/api/openapi.json`,
          tls
            ? "Sidladda i Excel: Excel på webben → Infoga → Tillägg → Ladda upp mitt tillägg → välj manifestet;" +
              " Excel för skrivbordet: npx office-addin-debugging start manifest.xml desktop."
            : "Vanlig http: Excel kräver https för tillägg. Kör `npx office-addin-dev-certs install` och starta om" +
              " för att kunna sidladda; i en vanlig webbläsare fungerar åtgärdsfönstret som det är.",
          "Stoppa med Ctrl-C.",
        ].join("\n"),
      );
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`\n${signal}: stänger servern …`);
        server.close().then(
          () => {
            console.log("Servern är stoppad, databasen är stängd.");
            process.exit(0);
          },
          (e: unknown) => {
            console.error(`Fel vid stängning: ${e instanceof Error ? e.message : String(e)}`);
            process.exit(1);
          },
        );
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    });
}
