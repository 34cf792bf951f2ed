/**
 * Task pane entry. Waits for Office.onReady: inside Excel it gets a host ("Excel"); opened in a
 * plain browser it resolves with host null and the pane runs on an in-memory workbook instead.
 */
import { createRoot } from "react-dom/client";
import { App } from "./App";

function detectHost(): Promise<string | null> {
  if (typeof Office === "undefined" || typeof Office.onReady !== "function") return Promise.resolve(null);
  return Office.onReady().then((info) => (info && info.host ? String(info.host) : null));
}

void detectHost().then((host) => {
  const container = document.getElementById("root");
  if (!container) throw new Error("taskpane.html saknar #root");
  createRoot(container).render(<App host={host} />);
});
