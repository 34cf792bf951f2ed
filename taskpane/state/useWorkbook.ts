/**
 * The open workbook as the views see it: read through the WorkbookHost, analysed by the domain,
 * re-read and re-validated (debounced) when the user edits. The previous analysis stays on screen
 * while a new one is computed, so the pane never flickers to empty while the user types.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { WorkbookHost } from "../office/types";
import type { Analysis } from "./analyse";

export interface WorkbookState {
  status: "none" | "loading" | "ready" | "error";
  analysis?: Analysis;
  error?: string;
  /** The workbook changed since the shown analysis; a new one is on its way. */
  stale: boolean;
  /** Increments on every completed analysis. */
  revision: number;
}

export function useWorkbook(host: WorkbookHost | null, debounceMs = 700) {
  const [state, setState] = useState<WorkbookState>({
    status: host ? "loading" : "none",
    stale: false,
    revision: 0,
  });
  const seq = useRef(0);

  const refresh = useCallback(async () => {
    if (!host) return;
    const mine = ++seq.current;
    setState((s) => ({ ...s, status: s.analysis ? s.status : "loading", stale: Boolean(s.analysis) }));
    try {
      // The domain engine (template, rules, zod schemas) is its own chunk, loaded with the first workbook.
      const [snapshot, { analyse }] = await Promise.all([
        host.readSnapshot(),
        import(/* webpackChunkName: "domain" */ "./analyse"),
      ]);
      const analysis = analyse(snapshot);
      if (mine !== seq.current) return;
      setState((s) => ({ status: "ready", analysis, stale: false, revision: s.revision + 1 }));
    } catch (e) {
      if (mine !== seq.current) return;
      setState((s) => ({
        ...s,
        status: "error",
        error: e instanceof Error ? e.message : String(e),
        stale: false,
      }));
    }
  }, [host]);

  useEffect(() => {
    if (!host) {
      setState({ status: "none", stale: false, revision: 0 });
      return;
    }
    setState({ status: "loading", stale: false, revision: 0 });
    void refresh();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let off: (() => void) | undefined;
    let cancelled = false;
    void host
      .onChange(() => {
        setState((s) => (s.analysis ? { ...s, stale: true } : s));
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void refresh(), debounceMs);
      })
      .then((unsubscribe) => {
        if (cancelled) unsubscribe();
        else off = unsubscribe;
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
      off?.();
    };
  }, [host, refresh, debounceMs]);

  return { ...state, refresh };
}
