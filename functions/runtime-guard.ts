/**
 * Runs before the custom functions bundle. Inside Excel the shared runtime provides
 * `CustomFunctions`; when the same page is opened in a plain browser (outside Excel) it does
 * not, and the generated `CustomFunctions.associate(...)` calls would throw and stop the task
 * pane from loading. There the functions are simply not registered, and we say so once.
 */
const g = globalThis as { CustomFunctions?: { associate?: unknown } };
if (typeof g.CustomFunctions?.associate !== "function") {
  console.info("Uppföljning: Excel saknas, de anpassade funktionerna (UPPF.*) registreras inte.");
  (g as { CustomFunctions: { associate: (id: string, fn: unknown) => void } }).CustomFunctions = {
    associate: () => undefined,
  };
}
export {};
