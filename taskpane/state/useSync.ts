/**
 * Connects the open workbook to the shared store through the SyncClient (taskpane/sync) once the
 * user is signed in: Dexie outbox, HTTP transport, change events → local edits. Without a session
 * or a workbook on the server the state says so ("Ingen anslutning till den delade lagringen").
 */
import { useEffect, useState, useSyncExternalStore } from "react";
import type { ApiClient, Me, Workbook } from "../../src/api";
import type { WorkbookHost } from "../office/types";
import type { SyncClient, CellEntry, SyncStatus } from "../sync";
import { a1ToPosition, positionToA1 } from "../../src/domain/snapshot";

export interface SyncConnection {
  client?: SyncClient;
  workbooks: Workbook[];
  workbookId?: string;
  setWorkbookId: (id: string) => void;
  error?: string;
}

/** Cells of an address from a change event ("C5" or "C5:D7"), at most `max`. */
export function expandAddress(address: string, max = 2000): string[] {
  const plain = address.replace(/\$/g, "").split("!").pop() ?? address;
  const [a, b] = plain.split(":");
  const p = a1ToPosition(a);
  const q = b ? a1ToPosition(b) : p;
  const out: string[] = [];
  for (let r = Math.min(p.row, q.row); r <= Math.max(p.row, q.row); r++) {
    for (let c = Math.min(p.col, q.col); c <= Math.max(p.col, q.col); c++) {
      out.push(positionToA1({ row: r, col: c }));
      if (out.length >= max) return out;
    }
  }
  return out;
}

export function useSyncConnection(
  host: WorkbookHost | null,
  me: Me | undefined,
  token: string | undefined,
  api: ApiClient,
): SyncConnection {
  const [workbooks, setWorkbooks] = useState<Workbook[]>([]);
  const [workbookId, setWorkbookId] = useState<string | undefined>();
  const [client, setClient] = useState<SyncClient | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (!me) {
      setWorkbooks([]);
      setWorkbookId(undefined);
      return;
    }
    let cancelled = false;
    api.workbooks().then(
      (list) => {
        if (cancelled) return;
        setWorkbooks(list);
        setWorkbookId((cur) => cur ?? list[0]?.id);
        setError(undefined);
      },
      (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [me, api]);

  useEffect(() => {
    if (!host || !me || !token || !workbookId || typeof indexedDB === "undefined") {
      setClient(undefined);
      return;
    }
    let off: (() => void) | undefined;
    let stopped = false;
    let c: SyncClient | undefined;
    let close: (() => Promise<void>) | undefined;
    const online = () => c?.onFocus();
    window.addEventListener("online", online);
    window.addEventListener("focus", online);
    // The sync machinery (Dexie, protocol schemas) is its own chunk: loaded once someone signs in.
    void Promise.all([
      import(/* webpackChunkName: "sync" */ "../sync"),
      import(/* webpackChunkName: "sync" */ "../store"),
    ])
      .then(async ([syncMod, storeMod]) => {
        if (stopped) return;
        // Passed explicitly: DexieSyncStore forwards `undefined` for both when they are not given,
        // and Dexie then reports "IndexedDB API missing" in a real browser.
        const store = new storeMod.DexieSyncStore(me.userId, workbookId, {
          indexedDB: globalThis.indexedDB,
          IDBKeyRange: globalThis.IDBKeyRange,
        });
        close = () => store.close();
        const transport = new syncMod.HttpSyncTransport({
          baseUrl: location.origin,
          userId: me.userId,
          getToken: async () => token,
        });
        c = new syncMod.SyncClient({ userId: me.userId, workbookId, store, transport, workbook: host });
        await c.start();
      })
      .then(
        () => {
          if (stopped || !c) return;
          const client = c;
          setClient(client);
          void host
            .onChange(async (change) => {
              const refs = expandAddress(change.address).map((cell) => ({ sheet: change.sheet, cell }));
              const values = await host.readCells(refs);
              const edits: CellEntry[] = refs.map((r, i) => ({ ...r, value: values[i] }));
              await client.noteLocalEdits(edits);
            })
            .then((u) => (stopped ? u() : (off = u)));
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      );
    return () => {
      stopped = true;
      off?.();
      window.removeEventListener("online", online);
      window.removeEventListener("focus", online);
      setClient(undefined);
      void (c ? c.stop() : Promise.resolve()).then(() => close?.());
    };
  }, [host, me, token, workbookId]);

  return { client, workbooks, workbookId, setWorkbookId, error };
}

const DISCONNECTED: SyncStatus = { state: "error", pending: 0, conflicts: 0 };
const noop = () => () => undefined;

export function useSyncStatus(client: SyncClient | undefined): SyncStatus | undefined {
  const status = useSyncExternalStore(
    client ? (l) => client.subscribe(l) : noop,
    client ? () => client.getStatus() : () => DISCONNECTED,
  );
  return client ? status : undefined;
}
