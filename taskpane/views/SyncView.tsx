import { useEffect, useState } from "react";
import { Badge, Button, Field, Input, Select, makeStyles, tokens } from "@fluentui/react-components";
import { parseSwedishNumber } from "../../src/domain/format";
import type { SyncStatus } from "../sync";
import type { SyncConnection } from "../state/useSync";
import { sv } from "../text/sv";
import { ErrorState, Notice, showValue, useCommonStyles } from "../components/common";

const useStyles = makeStyles({
  list: { listStyle: "none", padding: 0, margin: 0, display: "flex", flexDirection: "column", gap: "8px" },
  card: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: "8px",
    display: "flex",
    flexDirection: "column",
    gap: "6px",
  },
});

const STATE_COLOR = { synced: "success", pending: "warning", offline: "severe", error: "danger" } as const;

export function formatTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function useBrowserOnline(): boolean {
  const [online, setOnline] = useState(typeof navigator === "undefined" ? true : navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  }, []);
  return online;
}

export function syncSummary(status: SyncStatus | undefined): string {
  if (!status) return sv.sync.disconnected;
  const parts = [sv.sync.state[status.state]];
  if (status.pending > 0) parts.push(sv.sync.pending(status.pending));
  if (status.conflicts > 0) parts.push(`${sv.sync.conflicts}: ${status.conflicts}`);
  return parts.join(" · ");
}

export type DisconnectedReason = "signedOut" | "noWorkbook" | "noFile" | "starting";

export function SyncView({
  connection,
  status,
  reason = "signedOut",
}: {
  connection: SyncConnection;
  status: SyncStatus | undefined;
  reason?: DisconnectedReason;
}) {
  const c = useCommonStyles();
  const s = useStyles();
  const online = useBrowserOnline();
  const [error, setError] = useState("");
  const client = connection.client;
  const [, force] = useState(0);
  const pending = client?.pendingEdits() ?? [];
  const conflicts = client?.listConflicts() ?? [];

  const [edits, setEdits] = useState<Record<string, string>>({});

  async function resolve(id: string, choice: "mine" | "theirs" | "edit", value?: string) {
    setError("");
    try {
      if (choice === "edit") {
        // A number typed the Swedish way is stored as a number; anything else as text; empty clears the cell.
        const text = (value ?? "").trim();
        const n = parseSwedishNumber(text);
        await client?.resolveConflict(id, "edit", text === "" ? null : n !== null ? n : text);
      } else {
        await client?.resolveConflict(id, choice);
      }
      force((n) => n + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <section className={c.section} aria-labelledby="sync-h">
      <h2 id="sync-h" className={c.h2}>
        {sv.sync.heading}
      </h2>
      {!online && (
        <Notice intent="warning">
          <span data-testid="offline-indicator">{sv.sync.browserOffline}</span>
        </Notice>
      )}
      {!client || !status ? (
        <>
          <Notice intent="warning">
            <strong data-testid="sync-disconnected">{sv.sync.disconnected}</strong>
            <div data-testid="sync-why">{sv.sync.why[reason]}</div>
          </Notice>
          {connection.error && <ErrorState message={connection.error} />}
        </>
      ) : (
        <>
          {connection.workbooks.length > 1 && (
            <Field label="Arbetsbok i den delade lagringen">
              <Select value={connection.workbookId} onChange={(_, d) => connection.setWorkbookId(d.value)}>
                {connection.workbooks.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.title}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          <div className={c.row} role="status" aria-live="polite">
            <Badge appearance="filled" color={STATE_COLOR[status.state]} data-testid="sync-state">
              {sv.sync.state[status.state]}
            </Badge>
            <span data-testid="sync-pending">
              {status.pending > 0 ? sv.sync.pending(status.pending) : sv.sync.noPending}
            </span>
            {status.conflicts > 0 && (
              <Badge appearance="tint" color="danger">
                {sv.sync.openConflicts(status.conflicts)}
              </Badge>
            )}
          </div>
          {status.state === "offline" && <Notice intent="warning">{sv.sync.offline}</Notice>}
          {status.lastError && status.state === "error" && <ErrorState message={status.lastError} />}
          {status.notice && <Notice intent="warning">{status.notice}</Notice>}
          <p className={c.muted} style={{ margin: 0 }}>
            {status.lastSyncAt
              ? sv.sync.lastSync(formatTime(status.lastSyncAt) ?? status.lastSyncAt)
              : sv.sync.never}
          </p>
          <div>
            <Button onClick={() => void client.syncNow().then(() => force((n) => n + 1))}>
              {sv.sync.syncNow}
            </Button>
          </div>
          {pending.length > 0 && (
            <table className={c.table} aria-label={sv.sync.pending(pending.length)}>
              <thead>
                <tr>
                  <th scope="col">{sv.review.cell}</th>
                  <th scope="col">{sv.sync.mine}</th>
                </tr>
              </thead>
              <tbody>
                {pending.map((p) => (
                  <tr key={p.mutationId}>
                    <td>{`${p.sheet}!${p.cell}`}</td>
                    <td>{showValue(p.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3 className={c.h3}>{sv.sync.conflicts}</h3>
          {conflicts.length === 0 ? (
            <p className={c.muted} style={{ margin: 0 }}>
              {sv.sync.noConflicts}
            </p>
          ) : (
            <ul className={s.list}>
              {conflicts.map((k) => (
                <li key={k.id} className={s.card} data-testid="conflict">
                  <strong>{`${k.sheet}!${k.cell}`}</strong>
                  {k.reason && <span>{k.reason}</span>}
                  <dl className={c.dl}>
                    <dt>{sv.sync.base}</dt>
                    <dd>{showValue(k.base)}</dd>
                    <dt>{sv.sync.mine}</dt>
                    <dd>{showValue(k.mine)}</dd>
                    <dt>{sv.sync.theirs}</dt>
                    <dd>{showValue(k.theirs)}</dd>
                  </dl>
                  <div className={c.row}>
                    <Button size="small" onClick={() => void resolve(k.id, "mine")}>
                      {sv.sync.keepMine}
                    </Button>
                    <Button size="small" onClick={() => void resolve(k.id, "theirs")}>
                      {sv.sync.keepTheirs}
                    </Button>
                  </div>
                  <form
                    className={c.row}
                    onSubmit={(e) => {
                      e.preventDefault();
                      void resolve(k.id, "edit", edits[k.id]);
                    }}
                  >
                    <Field label={sv.sync.otherValue(`${k.sheet}!${k.cell}`)} style={{ flex: "1 1 160px" }}>
                      <Input
                        size="small"
                        value={edits[k.id] ?? ""}
                        onChange={(_, d) => setEdits((m) => ({ ...m, [k.id]: d.value }))}
                      />
                    </Field>
                    <Button size="small" type="submit" style={{ alignSelf: "flex-end" }}>
                      {sv.sync.useValue}
                    </Button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {error && <ErrorState message={error} />}
    </section>
  );
}
