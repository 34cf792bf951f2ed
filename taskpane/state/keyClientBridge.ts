/**
 * Hands the signed-in finance user's connection to the custom functions (KOSTNADSNYCKEL) through
 * the shared runtime's global object, as documented in functions/keyClient.ts and the README:
 * `globalThis.__uppfKeyClientConfig = { baseUrl, token }` after sign-in, removed on sign-out, and
 * `globalThis.__uppfKeyClientRefresh?.()` after sign-in or a key change. The names are the
 * contract; the task pane does not import the functions' modules (they share a runtime only).
 */
const CONFIG = "__uppfKeyClientConfig";
const REFRESH = "__uppfKeyClientRefresh";

type Globals = Record<string, unknown>;

/** Tell the custom functions to re-read their keys now (no-op when they are not loaded). */
export function refreshKeyFunctions(): void {
  const refresh = (globalThis as Globals)[REFRESH];
  if (typeof refresh === "function") {
    try {
      (refresh as () => void)();
    } catch {
      /* the functions report their own errors in their cells */
    }
  }
}

/** Connect (finance users) or disconnect (anyone else, or signed out) the key functions. */
export function setKeyFunctionsConnection(connection: { baseUrl: string; token: string } | null): void {
  const g = globalThis as Globals;
  if (connection) g[CONFIG] = { baseUrl: connection.baseUrl, token: connection.token };
  else delete g[CONFIG];
  refreshKeyFunctions();
}
