/** Small shared pieces: state messages (empty/loading/error), severity badge, value display. */
import type { ReactNode } from "react";
import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { formatNumber } from "../../src/domain/format";
import { sv } from "../text/sv";

export const useCommonStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: "12px" },
  row: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "center" },
  muted: { color: tokens.colorNeutralForeground2 },
  dl: {
    display: "grid",
    gridTemplateColumns: "max-content 1fr",
    columnGap: "12px",
    rowGap: "4px",
    margin: 0,
    "& dt": { color: tokens.colorNeutralForeground2 },
    "& dd": { margin: 0, overflowWrap: "anywhere" },
  },
  h2: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, margin: "4px 0" },
  h3: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: "8px 0 4px" },
  table: {
    width: "100%",
    borderCollapse: "collapse",
    fontSize: tokens.fontSizeBase200,
    "& th, & td": {
      textAlign: "left",
      padding: "4px 6px",
      borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    },
    "& td.num, & th.num": { textAlign: "right", whiteSpace: "nowrap" },
  },
});

export function Loading({ label }: { label: string }) {
  return <Spinner size="small" label={label} role="status" />;
}

export function ErrorState({
  title,
  message,
  onRetry,
}: {
  title?: string;
  message: string;
  onRetry?: () => void;
}) {
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        {title && <MessageBarTitle>{title}</MessageBarTitle>}
        {message}
      </MessageBarBody>
      {onRetry && (
        <Button size="small" onClick={onRetry}>
          {sv.workbook.retry}
        </Button>
      )}
    </MessageBar>
  );
}

export function Notice({
  intent = "info",
  children,
}: {
  intent?: "info" | "warning" | "success" | "error";
  children: ReactNode;
}) {
  return (
    <MessageBar intent={intent}>
      <MessageBarBody>{children}</MessageBarBody>
    </MessageBar>
  );
}

const SEVERITY_COLOR = { error: "danger", warning: "warning", info: "informative" } as const;

export function SeverityBadge({ severity }: { severity: "error" | "warning" | "info" }) {
  return (
    <Badge appearance="tint" color={SEVERITY_COLOR[severity]} shape="rounded">
      {sv.severity[severity]}
    </Badge>
  );
}

/** A finding value for display: numbers in sv-SE, empty as "–". */
export function showValue(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined || v === "") return "–";
  if (typeof v === "number") return formatNumber(v, { maxDecimals: 4 });
  if (typeof v === "boolean") return v ? "SANT" : "FALSKT";
  return v;
}
