/** Outside Excel: choose an .xlsx file; it is read in the browser (ExcelJS, loaded on demand). */
import { useRef, useState } from "react";
import { Button, makeStyles } from "@fluentui/react-components";
import type { WorkbookHost } from "../office/types";
import { sv } from "../text/sv";
import { ErrorState, Loading, useCommonStyles } from "./common";

const useStyles = makeStyles({
  hidden: {
    position: "absolute",
    width: "1px",
    height: "1px",
    overflow: "hidden",
    clip: "rect(0 0 0 0)",
    whiteSpace: "nowrap",
  },
});

export function OpenFile({
  onOpened,
  compact,
}: {
  onOpened: (host: WorkbookHost) => void;
  compact?: boolean;
}) {
  const c = useCommonStyles();
  const s = useStyles();
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<{ busy?: string; error?: string }>({});

  async function open(file: File) {
    setState({ busy: file.name });
    try {
      const { openXlsxFile, XlsxOpenError, MAX_XLSX_BYTES } = await import(
        /* webpackChunkName: "xlsx" */ "../office/xlsxWorkbook"
      );
      try {
        onOpened(await openXlsxFile(file));
        setState({});
      } catch (e) {
        let msg = e instanceof Error ? e.message : String(e);
        if (e instanceof XlsxOpenError) {
          if (e.reason === "notXlsx") msg = sv.open.notXlsx(file.name);
          else if (e.reason === "tooLarge")
            msg = sv.open.tooLarge(file.name, (file.size / 1024 / 1024).toFixed(1).replace(".", ","));
          else msg = sv.open.failed(file.name, e.detail || sv.errors.generic);
        }
        void MAX_XLSX_BYTES;
        setState({ error: msg });
      }
    } catch (e) {
      setState({ error: sv.open.failed(file.name, e instanceof Error ? e.message : String(e)) });
    }
  }

  return (
    <div className={c.section}>
      {!compact && (
        <>
          <h2 className={c.h2}>{sv.open.heading}</h2>
          <p style={{ margin: 0 }}>{sv.open.intro}</p>
        </>
      )}
      <label className={s.hidden} htmlFor="xlsx-input">
        {sv.open.inputLabel}
      </label>
      <input
        id="xlsx-input"
        ref={input}
        className={s.hidden}
        type="file"
        accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        data-testid="file-input"
        tabIndex={-1}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void open(f);
          e.target.value = "";
        }}
      />
      <div>
        <Button
          appearance={compact ? "secondary" : "primary"}
          onClick={() => input.current?.click()}
          disabled={Boolean(state.busy)}
        >
          {compact ? sv.open.another : sv.open.button}
        </Button>
      </div>
      {state.busy && <Loading label={sv.open.reading(state.busy)} />}
      {state.error && <ErrorState message={state.error} />}
    </div>
  );
}
