import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  LOCAL_BASE_URL,
  manifestResids,
  manifestUrls,
  normaliseBaseUrl,
  relativeToBase,
  rewriteManifestUrls,
} from "../src/manifest";
import { ensureBuilt, root } from "./support/build";

const xml = readFileSync(path.join(root, "manifest.xml"), "utf8");

describe("manifest.xml", () => {
  it("is an Excel task pane add-in with a shared runtime and the UPPF custom functions namespace", () => {
    expect(xml).toContain('<Host Name="Workbook"/>');
    expect(xml).toMatch(/<Set Name="SharedRuntime" MinVersion="1.1"\/>/);
    expect(xml).toMatch(/<Runtime resid="Taskpane.Url" lifetime="long"\/>/);
    expect(xml).toContain('xsi:type="CustomFunctions"');
    expect(xml).toMatch(/<bt:String id="Functions.Namespace" DefaultValue="UPPF"\/>/);
    expect(xml).toContain("<DefaultLocale>sv-SE</DefaultLocale>");
    expect(xml).toMatch(/Override Locale="en-US"/);
    expect(xml).toMatch(/<bt:Override Locale="sv-SE" Value="[^"]*\/functions-sv\.json"\/>/);
  });

  it("defines every resource id it references, and references every one it defines", () => {
    const { referenced, defined } = manifestResids(xml);
    expect(referenced.length).toBeGreaterThan(5);
    expect(referenced.filter((id) => !defined.includes(id))).toEqual([]);
    expect(defined.filter((id) => !referenced.includes(id))).toEqual([]);
    expect(new Set(defined).size).toBe(defined.length);
  });

  describe("against the build", () => {
    let dist = "";
    beforeAll(async () => {
      dist = await ensureBuilt();
    }, 300_000);

    it("names only URLs the build produces", () => {
      const urls = manifestUrls(xml);
      expect(urls.length).toBeGreaterThanOrEqual(10);
      const missing = urls
        .map((u) => relativeToBase(u))
        .map((rel, i) => (rel === null ? `${urls[i]} (ej under ${LOCAL_BASE_URL})` : rel))
        .filter((rel) => rel.includes(" ") || !existsSync(path.join(dist, rel)));
      expect(missing).toEqual([]);
    });

    it("serves a functions.json generated from JSDoc, with UPPF function ids", () => {
      const meta = JSON.parse(readFileSync(path.join(dist, "functions.json"), "utf8")) as {
        functions: Array<{ id: string; name: string }>;
      };
      expect(meta.functions.length).toBeGreaterThan(0);
      for (const f of meta.functions) expect(f.id).toMatch(/^[A-Z][A-Z0-9.]*$/);
    });

    it("ships office.js itself (no CDN)", () => {
      expect(existsSync(path.join(dist, "office-js/office.js"))).toBe(true);
      const html = readFileSync(path.join(dist, "taskpane.html"), "utf8");
      expect(html).toContain('src="office-js/office.js"');
      expect(html).not.toMatch(/appsforoffice\.microsoft\.com/);
      expect(html).toMatch(/functions\.js/);
      expect(html).toMatch(/taskpane\.js/);
    });
  });
});

describe("rewriting the manifest for a deployment", () => {
  it("moves every URL to the new base and leaves nothing pointing at localhost", () => {
    const out = rewriteManifestUrls(xml, "https://example.org/uppf/");
    const urls = manifestUrls(out);
    expect(urls.length).toBe(manifestUrls(xml).length);
    for (const u of urls) expect(u.startsWith("https://example.org/uppf/")).toBe(true);
    expect(out).not.toContain("localhost");
    expect(out).toContain("https://example.org/uppf/taskpane.html");
    // Everything but the URLs is unchanged.
    expect(out.replaceAll("https://example.org/uppf", LOCAL_BASE_URL)).toBe(xml);
  });

  it("refuses bases Office cannot load an add-in from", () => {
    expect(() => normaliseBaseUrl("http://example.org")).toThrow(/https/);
    expect(() => normaliseBaseUrl("inte en adress")).toThrow(/giltig adress/);
    expect(() => normaliseBaseUrl("https://example.org/?x=1")).toThrow(/\?/);
    expect(normaliseBaseUrl("http://localhost:4000/")).toBe("http://localhost:4000");
  });
});
