/**
 * The add-in manifest as text: which URLs and resource ids it names, and a copy with every URL
 * moved to another base (what a region's IT needs to publish the add-in centrally).
 * Pure string work: no I/O.
 */

/** The base URL the checked-in manifest.xml points at (the local server of `npm start`). */
export const LOCAL_BASE_URL = "https://localhost:3000";

const URL_ATTRIBUTE = /\b(DefaultValue|Value)="(https?:\/\/[^"]+)"/g;

/** Every URL in the manifest's DefaultValue/Value attributes, in document order. */
export function manifestUrls(xml: string): string[] {
  return [...xml.matchAll(URL_ATTRIBUTE)].map((m) => m[2]);
}

/** Resource ids that are referenced (`resid="…"`) and those that are defined (`id="…"` in Resources). */
export function manifestResids(xml: string): { referenced: string[]; defined: string[] } {
  const referenced = [...new Set([...xml.matchAll(/\bresid="([^"]+)"/g)].map((m) => m[1]))];
  const resources = xml.slice(xml.indexOf("<Resources>"), xml.indexOf("</Resources>"));
  const defined = [...resources.matchAll(/<bt:(?:Image|Url|String)\s+id="([^"]+)"/g)].map((m) => m[1]);
  return { referenced, defined };
}

/** Path of a manifest URL relative to its base (e.g. "assets/icon-32.png"), or null if it is elsewhere. */
export function relativeToBase(url: string, base: string = LOCAL_BASE_URL): string | null {
  const prefix = base.replace(/\/+$/, "") + "/";
  return url.startsWith(prefix) ? url.slice(prefix.length) : null;
}

export class ManifestError extends Error {}

/** Checks a deployment base URL and returns it without a trailing slash. */
export function normaliseBaseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ManifestError(`"${input}" är ingen giltig adress (exempel: https://example.org/uppf)`);
  }
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  if (url.protocol !== "https:" && !(local && url.protocol === "http:")) {
    throw new ManifestError(
      `Office kräver https för tillägg: "${input}" använder ${url.protocol.replace(":", "")}`,
    );
  }
  if (url.search || url.hash) {
    throw new ManifestError(`Basadressen får inte ha ? eller #: "${input}"`);
  }
  return url.toString().replace(/\/+$/, "");
}

/** A copy of the manifest with every URL under `from` moved under `to`. */
export function rewriteManifestUrls(xml: string, to: string, from: string = LOCAL_BASE_URL): string {
  const target = normaliseBaseUrl(to);
  const source = from.replace(/\/+$/, "");
  return xml.replace(URL_ATTRIBUTE, (whole, attr: string, url: string) => {
    if (url === source || url.startsWith(source + "/"))
      return `${attr}="${target}${url.slice(source.length)}"`;
    return whole;
  });
}
