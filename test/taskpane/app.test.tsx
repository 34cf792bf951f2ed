// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { LATEST_TEMPLATE, exampleSubmission, snapshotFromValues } from "../../src/domain";
import { App } from "../../taskpane/App";
import { MemoryHost } from "../../taskpane/office/memoryHost";

const values = exampleSubmission("primarvard", LATEST_TEMPLATE);
const example = () => snapshotFromValues(LATEST_TEMPLATE, values);
const broken = () =>
  snapshotFromValues(LATEST_TEMPLATE, { ...values, "ekonomi.intakter": "många kronor", "resurser.total": 1 });

/** jsdom has no ResizeObserver (Fluent's MessageBar uses one for reflow); nothing resizes here. */
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}

beforeEach(() => {
  vi.stubGlobal("ResizeObserver", NoResize);
  localStorage.clear();
  // No server in component tests: every API call fails as "no connection".
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("App", () => {
  it("outside Excel without a workbook: says so, offers a file, and every view has a designed empty state", async () => {
    render(<App host={null} />);
    expect(screen.getByTestId("host-status").textContent).toMatch(/Körs utanför Excel/);
    expect(screen.getByRole("button", { name: "Välj fil …" })).toBeTruthy();
    const names = ["Översikt", "Granskning", "Nyckeltal", "Avtal", "Kostnadsfördelning", "Synk"];
    expect(screen.getAllByRole("tab")).toHaveLength(6);
    for (const name of names) expect(screen.getByRole("tab", { name })).toBeTruthy();
    expect(screen.getByRole("tabpanel").textContent).toMatch(/Ingen arbetsbok är öppen/);
    fireEvent.click(screen.getByRole("tab", { name: "Synk" }));
    expect(await screen.findByTestId("sync-disconnected")).toBeTruthy();
    expect(screen.getByTestId("sync-disconnected").textContent).toBe(
      "Ingen anslutning till den delade lagringen",
    );
    expect(screen.getByTestId("sync-why").textContent).toMatch(/^Logga in/);
  });

  it("shows the example workbook's verdict and facts; tabs switch views", async () => {
    const host = new MemoryHost(example(), "exempel.xlsx");
    render(<App host={null} workbookHost={host} />);
    expect(screen.getByTestId("host-status").textContent).toBe("Öppnad: exempel.xlsx");
    await waitFor(() => expect(screen.getByTestId("verdict").textContent).toMatch(/^Godkänd/));
    expect(screen.getByTestId("provider").textContent).toBe(values["uppgifter.utforare"]);
    fireEvent.click(screen.getByRole("tab", { name: "Granskning" }));
    expect(screen.getByRole("tab", { name: "Granskning", selected: true })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Granskning" })).toBeTruthy();
  });

  it("Granskning: grouped findings with counts, filter, go to a cell, highlight and clear", async () => {
    const host = new MemoryHost(broken(), "trasig.xlsx");
    render(<App host={null} workbookHost={host} />);
    await waitFor(() => expect(screen.getByTestId("verdict").textContent).toBe("Underkänd"));
    fireEvent.click(screen.getByRole("tab", { name: "Granskning" }));
    const findings = screen.getAllByTestId("finding");
    const codes = findings.map((f) => f.getAttribute("data-code"));
    expect(codes).toContain("NOT_A_NUMBER");
    expect(codes).toContain("CROSS_SUM");
    expect(screen.getByRole("heading", { name: /^Ekonomi/ })).toBeTruthy();
    const errors = screen.getByTestId("filter-error");
    expect(errors.textContent).toMatch(/^Fel \(\d+\)$/);
    const errorCount = Number(/\((\d+)\)/.exec(errors.textContent ?? "")?.[1]);
    fireEvent.click(screen.getByTestId("filter-warning"));
    fireEvent.click(screen.getByTestId("filter-info"));
    expect(screen.getAllByTestId("finding")).toHaveLength(errorCount);
    // Each finding explains itself.
    const revenue = screen
      .getAllByTestId("finding")
      .find((f) => f.getAttribute("data-code") === "NOT_A_NUMBER") as HTMLElement;
    expect(within(revenue).getByText("Faktiskt")).toBeTruthy();
    expect(within(revenue).getByText("många kronor")).toBeTruthy();
    fireEvent.click(within(revenue).getByTestId("goto"));
    await waitFor(() => expect(host.selected?.sheet).toBe("Ekonomi"));
    await waitFor(() =>
      expect(screen.getByTestId("review-status").textContent).toMatch(/Markerad cell: Ekonomi!C/),
    );
    fireEvent.click(screen.getByRole("button", { name: "Markera i arbetsboken" }));
    await waitFor(() => expect(host.highlightedCells().length).toBeGreaterThanOrEqual(2));
    expect(host.highlightedCells().some((m) => m.sheet === "Ekonomi" && m.severity === "error")).toBe(true);
    // The buttons are disabled while the highlights are written: wait until the pane is done.
    await waitFor(() =>
      expect((screen.getByRole("button", { name: "Rensa markeringar" }) as HTMLButtonElement).disabled).toBe(
        false,
      ),
    );
    fireEvent.click(screen.getByRole("button", { name: "Rensa markeringar" }));
    await waitFor(() => expect(host.highlightedCells()).toEqual([]), { timeout: 5000 });
    // Filter off everything: a designed message, not an empty list.
    fireEvent.click(screen.getByTestId("filter-error"));
    expect(screen.getByText("Inga iakttagelser med den valda allvarlighetsgraden.")).toBeTruthy();
  });

  it("re-validates after the user edits (debounced) and keeps the old result on screen meanwhile", async () => {
    const host = new MemoryHost(example(), "exempel.xlsx");
    render(<App host={null} workbookHost={host} />);
    await waitFor(() => expect(screen.getByTestId("verdict").textContent).toMatch(/^Godkänd/));
    const revenueCell = LATEST_TEMPLATE.fields.find((f) => f.key === "ekonomi.intakter")!;
    act(() => host.editCell(revenueCell.sheet, revenueCell.cell, "inte ett tal"));
    // Still shown while the new validation waits for the typing to settle.
    expect(screen.getByTestId("verdict").textContent).toMatch(/^Godkänd/);
    await waitFor(() => expect(screen.getByTestId("verdict").textContent).toBe("Underkänd"), {
      timeout: 5000,
    });
  });

  it("says clearly when the workbook cannot be read, and retries", async () => {
    const host = new MemoryHost(example(), "x.xlsx");
    let fail = true;
    const orig = host.readSnapshot.bind(host);
    host.readSnapshot = async () => {
      if (fail) throw new Error("Excel svarar inte");
      return orig();
    };
    render(<App host={null} workbookHost={host} />);
    expect(await screen.findByText(/Arbetsboken kunde inte läsas: Excel svarar inte/)).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Försök igen" }));
    await waitFor(() => expect(screen.getByTestId("verdict").textContent).toMatch(/^Godkänd/));
  });

  it("signing in as finance connects KOSTNADSNYCKEL through the shared runtime; signing out disconnects it", async () => {
    const g = globalThis as Record<string, unknown>;
    const refresh = vi.fn();
    g.__uppfKeyClientRefresh = refresh;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        const auth = new Headers(init?.headers).get("Authorization");
        if (String(url).endsWith("/api/me") && auth === "Bearer uppf-dev-finance-04") {
          return new Response(
            JSON.stringify({
              userId: "5",
              name: "Fia",
              role: "finance",
              orgId: "04",
              orgName: "Region Sörmland",
            }),
            { status: 200 },
          );
        }
        if (String(url).endsWith("/api/me"))
          return new Response(JSON.stringify({ code: "unauthorized", message: "Ogiltig token" }), {
            status: 401,
          });
        return new Response("[]", { status: 200 });
      }),
    );
    render(<App host={null} apiBaseUrl="https://uppf.example.se" />);
    fireEvent.click(screen.getByText("Inloggning"));
    fireEvent.change(screen.getByTestId("token-input"), { target: { value: "fel-token" } });
    fireEvent.click(screen.getByRole("button", { name: "Logga in" }));
    expect(await screen.findByText(/token godtogs inte/)).toBeTruthy();
    expect(g.__uppfKeyClientConfig).toBeUndefined();
    fireEvent.change(screen.getByTestId("token-input"), { target: { value: "uppf-dev-finance-04" } });
    fireEvent.click(screen.getByRole("button", { name: "Logga in" }));
    await waitFor(() =>
      expect(screen.getByTestId("signed-in").textContent).toMatch(/Fia, Region Sörmland \(ekonomi\)/),
    );
    expect(g.__uppfKeyClientConfig).toEqual({
      baseUrl: "https://uppf.example.se",
      token: "uppf-dev-finance-04",
    });
    expect(localStorage.getItem("uppf.token")).toBe("uppf-dev-finance-04");
    expect(refresh).toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Logga ut" }));
    await waitFor(() => expect(g.__uppfKeyClientConfig).toBeUndefined());
    expect(localStorage.getItem("uppf.token")).toBeNull();
    delete g.__uppfKeyClientRefresh;
  });

  it("inside an Excel without the API set it needs, says so instead of failing", () => {
    render(<App host="Excel" hostProblem="ExcelApi 1.9" />);
    expect(screen.getByTestId("host-status").textContent).toBe("Ansluten till Excel.");
    expect(screen.getByRole("alert").textContent).toMatch(/saknar ExcelApi 1\.9/);
  });

  it("long finding lists start with 50 per sheet and expand on request", async () => {
    const bad: Record<string, unknown> = { ...values };
    for (const f of LATEST_TEMPLATE.fields.filter((x) => x.sheet === "Volymer" && x.month)) bad[f.key] = "x";
    const host = new MemoryHost(snapshotFromValues(LATEST_TEMPLATE, bad as typeof values), "många.xlsx");
    render(<App host={null} workbookHost={host} />);
    await waitFor(() => expect(screen.getByTestId("verdict").textContent).toBe("Underkänd"));
    fireEvent.click(screen.getByRole("tab", { name: "Granskning" }));
    const volymer = screen.getByRole("region", { name: /^Volymer: (\d+) iakttagelser/ });
    const total = Number(/(\d+) iakttagelser/.exec(volymer.getAttribute("aria-label") ?? "")?.[1]);
    expect(total).toBeGreaterThan(50);
    expect(within(volymer).getAllByTestId("finding")).toHaveLength(50);
    fireEvent.click(within(volymer).getByRole("button", { name: `Visa alla ${total}` }));
    expect(within(volymer).getAllByTestId("finding")).toHaveLength(total);
  });
});
