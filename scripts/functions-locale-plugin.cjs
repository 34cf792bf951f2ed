// Localised custom-functions metadata. custom-functions-metadata-plugin emits functions.json
// (default names, English, from the JSDoc in functions/functions.ts). This plugin takes that JSON
// after it has been emitted, applies the names, descriptions and parameter names of one locale
// from a translation table keyed by function id (functions/translations.sv.json), and emits the
// localised copy (functions-sv.json) that manifest.xml names in its sv-SE override.
// Ids, types, dimensionality and options are copied unchanged, so both files describe the same
// functions. A missing, extra or invalid translation fails the build (never a half-Swedish file).
const { readFileSync } = require("node:fs");
const path = require("node:path");

const PLUGIN = "FunctionsLocalePlugin";
/** Function names: A–Z, digits and "." (the namespace UPPF is added by Excel). */
const NAME_RE = /^[A-Z][A-Z0-9.]*$/;

/**
 * Apply a translation table to custom-functions metadata.
 * @param {{functions: Array<{id: string, name: string, description?: string, parameters: Array<{name: string, description?: string}>}>}} metadata
 * @param {Record<string, {name: string, description: string, parameters: Record<string, {name: string, description: string}>}>} table
 * @returns {{ metadata: object, problems: string[] }}
 */
function localiseMetadata(metadata, table) {
  const problems = [];
  const ids = new Set(metadata.functions.map((f) => f.id));
  const names = new Map();
  const functions = metadata.functions.map((f) => {
    const t = table[f.id];
    if (!t || typeof t !== "object") {
      problems.push(`${f.id}: saknar översättning`);
      return f;
    }
    if (typeof t.name !== "string" || !NAME_RE.test(t.name)) {
      problems.push(`${f.id}: ogiltigt namn ${JSON.stringify(t.name)} (tillåtet: A–Z, siffror och punkt)`);
    } else if (names.has(t.name)) {
      problems.push(`${f.id}: namnet ${t.name} används redan av ${names.get(t.name)}`);
    } else {
      names.set(t.name, f.id);
    }
    if (typeof t.description !== "string" || t.description.trim() === "") {
      problems.push(`${f.id}: saknar beskrivning`);
    }
    const tp = t.parameters ?? {};
    const codeNames = f.parameters.map((p) => p.name);
    for (const extra of Object.keys(tp).filter((k) => !codeNames.includes(k))) {
      problems.push(
        `${f.id}: parametern ${extra} finns inte i funktionen (parametrar: ${codeNames.join(", ")})`,
      );
    }
    const seen = new Set();
    const parameters = f.parameters.map((p) => {
      const q = tp[p.name];
      if (!q || typeof q.name !== "string" || q.name.trim() === "" || /[\s,;()]/.test(q.name)) {
        problems.push(`${f.id}: parametern ${p.name} saknar ett giltigt översatt namn`);
        return p;
      }
      if (seen.has(q.name)) problems.push(`${f.id}: parameternamnet ${q.name} förekommer två gånger`);
      seen.add(q.name);
      if (typeof q.description !== "string" || q.description.trim() === "") {
        problems.push(`${f.id}: parametern ${p.name} saknar beskrivning`);
      }
      return { ...p, name: q.name, description: q.description };
    });
    return { ...f, name: t.name, description: t.description, parameters };
  });
  for (const id of Object.keys(table)) {
    if (!id.startsWith("$") && !ids.has(id))
      problems.push(`${id}: översättning för en funktion som inte finns`);
  }
  return { metadata: { ...metadata, functions }, problems };
}

class FunctionsLocalePlugin {
  /**
   * @param {{ translations: string, source?: string, output: string }} options
   *   translations: path of the JSON table; source: the emitted default metadata (functions.json);
   *   output: the localised file to emit (e.g. functions-sv.json).
   */
  constructor(options) {
    this.translations = path.resolve(options.translations);
    this.source = options.source ?? "functions.json";
    this.output = options.output;
  }

  apply(compiler) {
    const { Compilation, WebpackError, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap(PLUGIN, (compilation) => {
      compilation.hooks.processAssets.tap(
        // After custom-functions-metadata-plugin has put functions.json among the assets.
        { name: PLUGIN, stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONS },
        () => {
          compilation.fileDependencies.add(this.translations);
          const asset = compilation.getAsset(this.source);
          if (!asset) {
            // The metadata plugin reports its own errors (e.g. bad JSDoc); say why we stopped too.
            compilation.errors.push(
              new WebpackError(`${PLUGIN}: ${this.source} skapades inte, så ${this.output} kan inte skapas`),
            );
            return;
          }
          let table;
          try {
            table = JSON.parse(readFileSync(this.translations, "utf8"));
          } catch (err) {
            compilation.errors.push(
              new WebpackError(`${PLUGIN}: kan inte läsa ${this.translations}: ${err.message}`),
            );
            return;
          }
          const metadata = JSON.parse(asset.source.source().toString());
          const result = localiseMetadata(metadata, table);
          if (result.problems.length > 0) {
            compilation.errors.push(
              new WebpackError(
                `${PLUGIN}: ${path.basename(this.translations)} stämmer inte med ${this.source}:\n  ` +
                  result.problems.join("\n  "),
              ),
            );
            return;
          }
          compilation.emitAsset(this.output, new sources.RawSource(JSON.stringify(result.metadata, null, 4)));
        },
      );
    });
  }
}

module.exports = FunctionsLocalePlugin;
module.exports.FunctionsLocalePlugin = FunctionsLocalePlugin;
module.exports.localiseMetadata = localiseMetadata;
