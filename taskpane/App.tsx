/**
 * The task pane: header (workbook, sign-in), six views in a tab list, and the states around them
 * (no workbook, reading, error, offline). Inside Excel the workbook is the open one (ExcelHost);
 * outside Excel the user opens an .xlsx file (MemoryHost).
 */
import { lazy, Suspense, useEffect, useState, type ReactNode } from "react";
import {
  Body1,
  FluentProvider,
  Tab,
  TabList,
  Title3,
  makeStyles,
  tokens,
  webLightTheme,
} from "@fluentui/react-components";
import type { WorkbookHost } from "./office/types";
import { useWorkbook } from "./state/useWorkbook";
import { useSession } from "./state/useSession";
import { useSyncConnection, useSyncStatus } from "./state/useSync";
import { sv } from "./text/sv";
import { ErrorState, Loading, Notice, useCommonStyles } from "./components/common";
import { OpenFile } from "./components/OpenFile";
import { SignIn } from "./components/SignIn";
import { Overview } from "./views/Overview";
import { Review } from "./views/Review";
import { SyncView, syncSummary, useBrowserOnline } from "./views/SyncView";

const Metrics = lazy(() =>
  import(/* webpackChunkName: "view-metrics" */ "./views/Metrics").then((m) => ({ default: m.Metrics })),
);
const Contract = lazy(() =>
  import(/* webpackChunkName: "view-contract" */ "./views/Contract").then((m) => ({ default: m.Contract })),
);
const CostSplit = lazy(() =>
  import(/* webpackChunkName: "view-costsplit" */ "./views/CostSplit").then((m) => ({
    default: m.CostSplit,
  })),
);

export interface AppProps {
  /** Office host name ("Excel"), or null when running in a plain browser outside Office. */
  host: string | null;
  /** The workbook inside Excel (ExcelHost), or a preset one (tests). */
  workbookHost?: WorkbookHost | null;
  /** Base URL of the shared store's API (default: the page's own origin). */
  apiBaseUrl?: string;
  /** The Excel version lacks an API set the pane needs (e.g. "ExcelApi 1.9"). */
  hostProblem?: string;
}

type View = "overview" | "review" | "metrics" | "contract" | "costsplit" | "sync";
const VIEWS: View[] = ["overview", "review", "metrics", "contract", "costsplit", "sync"];

const useStyles = makeStyles({
  root: {
    minHeight: "100vh",
    padding: "12px",
    boxSizing: "border-box",
    display: "flex",
    flexDirection: "column",
    gap: "12px",
    maxWidth: "640px",
  },
  header: { display: "flex", flexDirection: "column", gap: "6px" },
  tabs: { flexWrap: "wrap", borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  panel: { outline: "none" },
  details: {
    "& > summary": { cursor: "pointer", color: tokens.colorBrandForeground1, padding: "2px 0" },
    "& > summary:focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
});

export function App({ host, workbookHost = null, apiBaseUrl = "", hostProblem }: AppProps) {
  const c = useCommonStyles();
  const s = useStyles();
  const [wbHost, setWbHost] = useState<WorkbookHost | null>(workbookHost);
  useEffect(() => setWbHost(workbookHost), [workbookHost]);
  useEffect(() => {
    // Seam for the end-to-end tests outside Excel: they edit the in-memory workbook as a user
    // would type in Excel (there is no cell grid in the pane itself).
    if (wbHost?.kind === "memory")
      (window as unknown as { __uppfWorkbook?: WorkbookHost }).__uppfWorkbook = wbHost;
  }, [wbHost]);
  const [view, setView] = useState<View>("overview");
  const wb = useWorkbook(wbHost);
  const { session, signIn, signOut, api } = useSession(apiBaseUrl);
  const connection = useSyncConnection(wbHost, session.me, session.token, api);
  const syncStatus = useSyncStatus(connection.client);
  const online = useBrowserOnline();
  const offline = !online || syncStatus?.state === "offline";

  const needsWorkbook = (render: () => ReactNode): ReactNode => {
    if (hostProblem) return <ErrorState message={sv.host.unsupported(hostProblem)} />;
    if (!wbHost) return <Notice>{host ? sv.workbook.reading : sv.workbook.none}</Notice>;
    if (wb.status === "loading" || (wb.status === "none" && !wb.analysis))
      return <Loading label={sv.workbook.reading} />;
    if (wb.status === "error" && !wb.analysis)
      return (
        <ErrorState message={sv.workbook.readFailed(wb.error ?? "")} onRetry={() => void wb.refresh()} />
      );
    if (!wb.analysis) return <Loading label={sv.workbook.reading} />;
    return (
      <>
        {wb.status === "error" && (
          <ErrorState message={sv.workbook.readFailed(wb.error ?? "")} onRetry={() => void wb.refresh()} />
        )}
        {render()}
      </>
    );
  };

  const a = wb.analysis;
  const panel: Record<View, () => ReactNode> = {
    overview: () =>
      needsWorkbook(() => (
        <Overview
          analysis={a!}
          syncSummary={syncSummary(syncStatus)}
          onOpenReview={() => setView("review")}
        />
      )),
    review: () =>
      needsWorkbook(() => (
        <Review host={wbHost!} analysis={a!} stale={wb.stale} onRevalidate={() => void wb.refresh()} />
      )),
    metrics: () => needsWorkbook(() => <Metrics analysis={a!} />),
    contract: () =>
      needsWorkbook(() => (
        <Contract
          analysis={a!}
          me={session.me}
          api={api}
          workbookId={session.status === "signedIn" ? connection.workbookId : undefined}
        />
      )),
    costsplit: () => <CostSplit api={api} me={session.me} />,
    sync: () => (
      <SyncView
        connection={connection}
        status={syncStatus}
        reason={
          session.status !== "signedIn"
            ? "signedOut"
            : !wbHost
              ? "noFile"
              : connection.workbooks.length === 0 && !connection.error
                ? "noWorkbook"
                : "starting"
        }
      />
    ),
  };

  return (
    <FluentProvider theme={webLightTheme} className={s.root}>
      <header className={s.header}>
        <Title3 as="h1">{sv.appTitle}</Title3>
        <Body1 as="p" data-testid="host-status" style={{ margin: 0 }}>
          {host ? sv.host.inExcel(host) : wbHost ? sv.open.opened(wbHost.label) : sv.host.outside}
        </Body1>
        {!host && wbHost && <OpenFile onOpened={setWbHost} compact />}
        <details className={s.details} open={session.status === "failed" || undefined}>
          <summary>
            {session.status === "signedIn" && session.me ? session.me.name : sv.signIn.heading}
          </summary>
          <SignIn session={session} onSignIn={(t) => void signIn(t)} onSignOut={signOut} />
        </details>
      </header>
      {offline && (
        <div role="status" data-testid="header-offline">
          <Notice intent="warning">
            {syncStatus && syncStatus.pending > 0
              ? `${sv.sync.offline} ${sv.sync.pending(syncStatus.pending)}.`
              : sv.sync.offline}
          </Notice>
        </div>
      )}
      {!host && !wbHost && <OpenFile onOpened={setWbHost} />}
      <nav aria-label={sv.tabs.label}>
        <TabList
          className={s.tabs}
          size="small"
          selectedValue={view}
          onTabSelect={(_, d) => setView(d.value as View)}
        >
          {VIEWS.map((v) => (
            <Tab key={v} id={`tab-${v}`} value={v} aria-controls={`panel-${v}`}>
              {sv.tabs[v]}
            </Tab>
          ))}
        </TabList>
      </nav>
      <main
        id={`panel-${view}`}
        role="tabpanel"
        aria-labelledby={`tab-${view}`}
        className={s.panel}
        tabIndex={0}
      >
        <Suspense fallback={<Loading label={sv.loading} />}>{panel[view]()}</Suspense>
      </main>
      <p className={c.muted} style={{ margin: 0, fontSize: 12 }} hidden={!wb.stale}>
        {sv.review.stale}
      </p>
    </FluentProvider>
  );
}
