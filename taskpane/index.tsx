/**
 * Task pane entry. Waits for Office.onReady: inside Excel it gets a host ("Excel") and the pane
 * works on the open workbook through the ExcelHost; opened in a plain browser it resolves with
 * host null and the user opens an .xlsx file instead.
 */
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { ExcelHost } from "./office/excelHost";

function detectHost(): Promise<string | null> {
  if (typeof Office === "undefined" || typeof Office.onReady !== "function") return Promise.resolve(null);
  return Office.onReady().then((info) => (info && info.host ? String(info.host) : null));
}

void detectHost().then((host) => {
  const container = document.getElementById("root");
  if (!container) throw new Error("taskpane.html saknar #root");
  // The adapter uses ExcelApi 1.9 (multi-area ranges, workbook-wide change events).
  const supported = host !== "Excel" || Office.context.requirements.isSetSupported("ExcelApi", "1.9");
  const workbookHost = host === "Excel" && supported && typeof Excel !== "undefined" ? new ExcelHost() : null;
  createRoot(container).render(
    <App host={host} workbookHost={workbookHost} hostProblem={supported ? undefined : "ExcelApi 1.9"} />,
  );
});
