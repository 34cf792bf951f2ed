// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { LATEST_TEMPLATE, exampleSubmission, snapshotFromValues } from "../../src/domain";
import {
  ApiClient,
  type Agreement,
  type CostKeyVersion,
  type DeviationResponse,
  type Me,
} from "../../src/api";
import { CostSplit } from "../../taskpane/views/CostSplit";
import { Contract } from "../../taskpane/views/Contract";
import { SyncView } from "../../taskpane/views/SyncView";
import { analyse } from "../../taskpane/state/analyse";
import { splitColumns } from "../../taskpane/state/costsplit";

class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
beforeEach(() => {
  vi.stubGlobal("ResizeObserver", NoResize);
  localStorage.clear();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const wrap = (ui: ReactNode) => render(<FluentProvider theme={webLightTheme}>{ui}</FluentProvider>);

function version(
  id: string,
  no: number,
  status: CostKeyVersion["status"],
  weights: [number, number],
  approvals: CostKeyVersion["approvals"] = [],
): CostKeyVersion {
  return {
    id,
    versionNo: no,
    status,
    basis: `Nyckel ${no}`,
    note: "",
    weights: [
      { orgId: "04", weight: weights[0], share: 0 },
      { orgId: "19", weight: weights[1], share: 0 },
    ],
    createdBy: null,
    createdAt: "2026-01-01",
    proposedBy: null,
    proposedAt: null,
    activatedAt: null,
    supersededAt: null,
    approvals,
  };
}

/** An in-memory stand-in for the server's cost-key routes (same rules: both parties approve → active). */
function fakeServer() {
  const agreement: Agreement = {
    id: "inkop-04-19",
    name: "Gemensam inköpsfunktion",
    description: "Hälften var plus regionspecifika kostnader.",
    parties: [
      { orgId: "04", name: "Region Sörmland" },
      { orgId: "19", name: "Region Västmanland" },
    ],
    keys: [
      {
        id: "k",
        name: "Nyckel",
        versions: [version("1", 1, "active", [52, 48]), version("2", 2, "draft", [301944, 280813])],
      },
    ],
  };
  const calls: string[] = [];
  const api = new ApiClient({ getToken: () => "t" });
  const find = (id: string) => agreement.keys[0].versions.find((v) => v.id === id)!;
  let me: Me = { userId: "u4", name: "Fia", role: "finance", orgId: "04", orgName: "Region Sörmland" };
  api.costKeys = async () => structuredClone([agreement]);
  api.propose = async (id) => {
    calls.push(`propose ${id}`);
    find(id).status = "proposed";
    return find(id);
  };
  api.approve = async (id) => {
    calls.push(`approve ${id} ${me.orgId}`);
    const v = find(id);
    v.approvals.push({ orgId: me.orgId, userId: me.userId, userName: me.name, approvedAt: "2026-01-02" });
    if (v.approvals.length === 2) {
      for (const o of agreement.keys[0].versions) if (o.status === "active") o.status = "superseded";
      v.status = "active";
    }
    return v;
  };
  return { api, calls, agreement, setMe: (m: Me) => (me = m), me: () => me };
}

describe("Kostnadsfördelning", () => {
  it("splits the total by the current key and the alternative, with the difference", async () => {
    const { api, me } = fakeServer();
    wrap(<CostSplit api={api} me={me()} />);
    const table = await screen.findByTestId("split-table");
    fireEvent.change(screen.getByTestId("cost-total"), { target: { value: "1 000 000" } });
    await waitFor(() => expect(table.textContent).toMatch(/520\s000\skr/));
    const text = table.textContent ?? "";
    expect(text).toMatch(/52,0\s%/);
    expect(text).toMatch(/480\s000\skr/);
    expect(text).toMatch(/51,8\s%/);
    // Population key: 301 944 / 582 757 of 1 000 000 = 518 130,2 → 518 130 kr (−1 870 kr against 52 %).
    expect(text).toMatch(/518\s130\skr/);
    expect(text).toMatch(/−1\s870\skr/);
    expect(text).toMatch(/481\s870\skr/);
    fireEvent.change(screen.getByTestId("cost-total"), { target: { value: "tio miljoner" } });
    expect(await screen.findByText(/Skriv ett belopp i kronor/)).toBeTruthy();
  });

  it("propose, then approve as finance of each region: active when both have approved", async () => {
    const srv = fakeServer();
    const view = wrap(<CostSplit api={srv.api} me={srv.me()} />);
    const v2 = await screen.findByTestId("version-2");
    fireEvent.click(within(v2).getByRole("button", { name: "Föreslå som ny nyckelversion" }));
    await waitFor(() => expect(srv.calls).toEqual(["propose 2"]));
    fireEvent.click(
      await within(await screen.findByTestId("version-2")).findByRole("button", {
        name: "Godkänn för Region Sörmland",
      }),
    );
    await waitFor(() =>
      expect(within(screen.getByTestId("version-2")).getByTestId("approvals").textContent).toMatch(
        /Fia \(Region Sörmland\)/,
      ),
    );
    expect(
      within(screen.getByTestId("version-2")).getByText(/Väntar på godkännande från Region Västmanland/),
    ).toBeTruthy();
    // The same user cannot approve twice.
    expect(within(screen.getByTestId("version-2")).queryByRole("button", { name: /Godkänn/ })).toBeNull();
    view.unmount();
    srv.setMe({ userId: "u19", name: "Valter", role: "finance", orgId: "19", orgName: "Region Västmanland" });
    wrap(<CostSplit api={srv.api} me={srv.me()} />);
    fireEvent.click(
      await within(await screen.findByTestId("version-2")).findByRole("button", {
        name: "Godkänn för Region Västmanland",
      }),
    );
    await waitFor(() => expect(within(screen.getByTestId("version-2")).getByText("Gällande")).toBeTruthy());
    expect(srv.calls).toEqual(["propose 2", "approve 2 04", "approve 2 19"]);
  });

  it("a controller sees the comparison but no approve buttons; without sign-in the investigation's keys are shown", async () => {
    const srv = fakeServer();
    wrap(
      <CostSplit
        api={srv.api}
        me={{ userId: "c", name: "Karin", role: "controller", orgId: "04", orgName: "Region Sörmland" }}
      />,
    );
    await screen.findByTestId("split-table");
    expect(screen.queryByRole("button", { name: /Godkänn|Föreslå/ })).toBeNull();
    cleanup();
    wrap(<CostSplit api={srv.api} />);
    expect((await screen.findByTestId("split-table")).textContent).toMatch(/52,0\s%.*48,0\s%/s);
    expect(screen.getByText(/Logga in som ekonomihandläggare/)).toBeTruthy();
  });

  it("amounts always add up to the total", () => {
    for (const total of [0, 1, 999_999, 10_000_001]) {
      for (const col of splitColumns(
        [version("1", 1, "active", [52, 48]), version("2", 2, "draft", [301944, 280813])],
        total,
      )) {
        expect(Object.values(col.amounts).reduce((a, b) => a + b, 0)).toBe(total);
      }
    }
  });
});

describe("Avtal", () => {
  const values = exampleSubmission("primarvard", LATEST_TEMPLATE);

  it("not signed in to the server: a provider explains, a controller decides; kept locally, and the view says so", async () => {
    const a = analyse(snapshotFromValues(LATEST_TEMPLATE, { ...values }));
    const provider: Me = {
      userId: "p",
      name: "Ulf",
      role: "utforare",
      orgId: "559214-8604",
      orgName: "Vårdcentralen Exempel AB",
    };
    const first = wrap(<Contract analysis={a} me={provider} />);
    expect((screen.getByTestId("avtal-select") as HTMLSelectElement).value).toBe(a.submission.avtalId);
    expect(screen.getByText(/sparas bara i den här webbläsaren/)).toBeTruthy();
    const clauses = screen.getAllByTestId("clause");
    expect(clauses.length).toBeGreaterThan(0);
    const card = clauses[0];
    expect(card.textContent).toMatch(/Avtalspunkt [\d.]+/);
    fireEvent.change(within(card).getByRole("textbox"), {
      target: { value: "Vakant läkartjänst, tillsatt i mars." },
    });
    fireEvent.click(within(card).getByRole("button", { name: "Spara förklaring" }));
    await waitFor(() => expect(within(card).getByRole("status").textContent).toMatch(/Ej bedömd.*Sparat/));
    expect(within(card).queryByRole("button", { name: "Godta förklaringen" })).toBeNull();
    first.unmount();

    wrap(
      <Contract
        analysis={a}
        me={{ userId: "c", name: "Karin", role: "controller", orgId: "04", orgName: "Region Sörmland" }}
      />,
    );
    const again = screen.getAllByTestId("clause")[0];
    expect(again.textContent).toMatch(/Vakant läkartjänst/);
    fireEvent.click(within(again).getByRole("button", { name: "Avvisa förklaringen" }));
    await waitFor(() =>
      expect(within(again).getByRole("status").textContent).toMatch(/Avvisad – Bedömd av Karin/),
    );
  });

  const provider: Me = {
    userId: "7",
    name: "Ulf",
    role: "utforare",
    orgId: "559214-8604",
    orgName: "Vårdcentralen Exempel AB",
  };
  const controller: Me = {
    userId: "2",
    name: "Karin",
    role: "controller",
    orgId: "04",
    orgName: "Region Sörmland",
  };

  /**
   * A fake fetch for the deviation-response routes, with the server's rules: only the utförare
   * justifies (a new justification clears the decision), only the controller decides, 409 without
   * a justification. `who` is the signed-in user; `fail` makes the next request fail.
   */
  function fakeDeviationServer(wb = "wb-1") {
    const rows = new Map<string, DeviationResponse>();
    const requests: Array<{ method: string; path: string; body?: unknown }> = [];
    let who: Me = provider;
    let fail: number | "offline" | undefined;
    const reply = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input), "http://localhost");
      const method = init?.method ?? "GET";
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      requests.push({ method, path: decodeURIComponent(url.pathname), body });
      if (fail === "offline") {
        fail = undefined;
        throw new TypeError("Failed to fetch");
      }
      if (fail) {
        const status = fail;
        fail = undefined;
        return reply(status, { code: "x", message: `Servern säger nej (${status}).` });
      }
      const parts = url.pathname.split("/").map(decodeURIComponent);
      // ["", "api", "workbooks", wb, "deviation-responses", avtalId?, clauseId?, "decision"?]
      if (parts[3] !== wb) return reply(404, { code: "not_found", message: "Arbetsboken finns inte." });
      if (method === "GET") return reply(200, [...rows.values()]);
      const [avtalId, clauseId] = [parts[5], parts[6]];
      const key = `${avtalId}@${body.avtalVersion}:${clauseId}`;
      const now = "2026-03-15T10:00:00.000Z";
      if (method === "PUT") {
        if (who.role !== "utforare") return reply(403, { code: "forbidden", message: "Fel roll." });
        const r: DeviationResponse = {
          workbookId: wb,
          avtalId,
          avtalVersion: body.avtalVersion,
          clauseId,
          justification: body.justification,
          justifiedBy: who.userId,
          justifiedByName: who.name,
          justifiedAt: now,
          decision: null,
          decisionNote: null,
          decidedBy: null,
          decidedByName: null,
          decidedAt: null,
        };
        rows.set(key, r);
        return reply(200, r);
      }
      if (who.role !== "controller") return reply(403, { code: "forbidden", message: "Fel roll." });
      const cur = rows.get(key);
      if (!cur) return reply(409, { code: "no_justification", message: "Ingen förklaring ännu." });
      const r: DeviationResponse = {
        ...cur,
        decision: body.decision,
        decisionNote: body.note ?? null,
        decidedBy: who.userId,
        decidedByName: who.name,
        decidedAt: now,
      };
      rows.set(key, r);
      return reply(200, r);
    }) as typeof fetch;
    const api = new ApiClient({ getToken: () => "t", fetch: fetchFn });
    return {
      api,
      rows,
      requests,
      signIn: (m: Me) => (who = m),
      failNext: (f: number | "offline") => (fail = f),
    };
  }

  it("signed in with a server workbook: justification and decision go through the API, not the browser", async () => {
    const a = analyse(snapshotFromValues(LATEST_TEMPLATE, { ...values }));
    const server = fakeDeviationServer();
    const first = wrap(<Contract analysis={a} me={provider} api={server.api} workbookId="wb-1" />);
    expect(await screen.findByText(/sparas i den delade lagringen/)).toBeTruthy();
    expect(screen.queryByText(/sparas bara i den här webbläsaren/)).toBeNull();
    const card = (await screen.findAllByTestId("clause"))[0];
    const clauseId = /Avtalspunkt ([\d.]+)/.exec(card.textContent ?? "")![1];
    expect(server.requests[0]).toMatchObject({
      method: "GET",
      path: "/api/workbooks/wb-1/deviation-responses",
    });

    fireEvent.change(within(card).getByRole("textbox"), {
      target: { value: "Vakant läkartjänst, tillsatt i mars." },
    });
    fireEvent.click(within(card).getByRole("button", { name: "Spara förklaring" }));
    await waitFor(() => expect(within(card).getByRole("status").textContent).toMatch(/Ej bedömd.*Sparat/));
    expect(server.requests.at(-1)).toEqual({
      method: "PUT",
      path: `/api/workbooks/wb-1/deviation-responses/${a.submission.avtalId}/${clauseId}`,
      body: { avtalVersion: "2024.2", justification: "Vakant läkartjänst, tillsatt i mars." },
    });
    expect(within(card).getByText(/Skriven av Ulf 2026-03-15/)).toBeTruthy();
    expect(localStorage.length).toBe(0);
    first.unmount();

    // The controller (another browser: nothing local) reads it from the server and rejects it.
    localStorage.clear();
    server.signIn(controller);
    const second = wrap(<Contract analysis={a} me={controller} api={server.api} workbookId="wb-1" />);
    const seen = (await screen.findAllByTestId("clause"))[0];
    expect(seen.textContent).toMatch(/Vakant läkartjänst/);
    expect(within(seen).queryByRole("button", { name: "Spara förklaring" })).toBeNull();
    fireEvent.change(within(seen).getByRole("textbox"), { target: { value: "Åtgärdsplan saknas." } });
    fireEvent.click(within(seen).getByRole("button", { name: "Avvisa förklaringen" }));
    await waitFor(() =>
      expect(within(seen).getByRole("status").textContent).toMatch(/Avvisad – Bedömd av Karin 2026-03-15/),
    );
    expect(server.requests.at(-1)).toEqual({
      method: "POST",
      path: `/api/workbooks/wb-1/deviation-responses/${a.submission.avtalId}/${clauseId}/decision`,
      body: { avtalVersion: "2024.2", decision: "rejected", note: "Åtgärdsplan saknas." },
    });
    expect(seen.textContent).toMatch(/Kommentar:\s*Åtgärdsplan saknas\./);
    second.unmount();

    // The provider sees the decision; a new justification clears it.
    server.signIn(provider);
    wrap(<Contract analysis={a} me={provider} api={server.api} workbookId="wb-1" />);
    const back = (await screen.findAllByTestId("clause"))[0];
    expect(within(back).getByRole("status").textContent).toMatch(/Avvisad/);
    expect((within(back).getByRole("textbox") as HTMLTextAreaElement).value).toBe(
      "Vakant läkartjänst, tillsatt i mars.",
    );
    fireEvent.change(within(back).getByRole("textbox"), { target: { value: "Ny läkare börjar 1 april." } });
    fireEvent.click(within(back).getByRole("button", { name: "Spara förklaring" }));
    await waitFor(() => expect(within(back).getByRole("status").textContent).toMatch(/Ej bedömd/));
    expect([...server.rows.values()][0]).toMatchObject({
      justification: "Ny läkare börjar 1 april.",
      decision: null,
    });
    expect(localStorage.length).toBe(0);
  });

  it("a failed load offers a retry; a failed save says why and keeps the text", async () => {
    const a = analyse(snapshotFromValues(LATEST_TEMPLATE, { ...values }));
    const server = fakeDeviationServer();
    server.failNext(503);
    wrap(<Contract analysis={a} me={provider} api={server.api} workbookId="wb-1" />);
    expect(
      await screen.findByText(/Förklaringar och beslut kunde inte hämtas: Servern säger nej \(503\)/),
    ).toBeTruthy();
    expect(screen.queryAllByTestId("clause")).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: /Försök igen/ }));
    const card = (await screen.findAllByTestId("clause"))[0];

    server.failNext("offline");
    fireEvent.change(within(card).getByRole("textbox"), {
      target: { value: "Förklaring som inte når fram." },
    });
    fireEvent.click(within(card).getByRole("button", { name: "Spara förklaring" }));
    expect(await within(card).findByText(/Det gick inte att spara: Ingen kontakt med servern/)).toBeTruthy();
    expect((within(card).getByRole("textbox") as HTMLTextAreaElement).value).toBe(
      "Förklaring som inte når fram.",
    );
    expect(within(card).getByRole("status").textContent).not.toMatch(/Sparat/);
    expect(server.rows.size).toBe(0);
    expect(localStorage.length).toBe(0);
  });

  it("a controller deciding before the provider has written anything gets no buttons (409 is never provoked)", async () => {
    const a = analyse(snapshotFromValues(LATEST_TEMPLATE, { ...values }));
    const server = fakeDeviationServer();
    server.signIn(controller);
    wrap(<Contract analysis={a} me={controller} api={server.api} workbookId="wb-1" />);
    const card = (await screen.findAllByTestId("clause"))[0];
    expect(within(card).queryByRole("button", { name: "Godta förklaringen" })).toBeNull();
    expect(within(card).queryByRole("textbox")).toBeNull();
    expect(card.textContent).toMatch(/Utförarens förklaring:\s*–/);
  });

  it("a broken avtal file gets a message saying what is wrong", async () => {
    const a = analyse(snapshotFromValues(LATEST_TEMPLATE, values));
    wrap(<Contract analysis={a} />);
    const file = new File([JSON.stringify({ id: "X", clauses: [] })], "avtal.json", {
      type: "application/json",
    });
    fireEvent.change(screen.getByTestId("avtal-file"), { target: { files: [file] } });
    expect(await screen.findByText(/Avtalsfilen kunde inte läsas: .*version/)).toBeTruthy();
  });
});

describe("Synk", () => {
  it("without a connection the status surface says so plainly", () => {
    wrap(<SyncView connection={{ workbooks: [], setWorkbookId: () => undefined }} status={undefined} />);
    expect(screen.getByTestId("sync-disconnected").textContent).toBe(
      "Ingen anslutning till den delade lagringen",
    );
  });

  it("shows pending edits, conflicts with base/mine/theirs, and resolves with the chosen side", async () => {
    const resolved: string[] = [];
    const client = {
      pendingEdits: () => [{ mutationId: 3, sheet: "Ekonomi", cell: "C5", value: 1200 }],
      listConflicts: () =>
        resolved.some((r) => r.endsWith(":theirs"))
          ? []
          : [
              {
                id: "k1",
                sheet: "Ekonomi",
                cell: "C6",
                base: 100,
                mine: 150,
                theirs: 175,
                kind: "conflict",
                state: "open",
              },
            ],
      resolveConflict: async (id: string, choice: string, value?: unknown) =>
        void resolved.push(`${id}:${choice}${value === undefined ? "" : `=${String(value)}`}`),
      syncNow: async () => undefined,
    };
    wrap(
      <SyncView
        connection={{ workbooks: [], setWorkbookId: () => undefined, client: client as never }}
        status={{ state: "pending", pending: 1, conflicts: 1, lastSyncAt: "2026-03-01T10:15:00Z" }}
      />,
    );
    expect(screen.getByTestId("sync-pending").textContent).toBe("1 ändring väntar på att skickas");
    expect(screen.getByText("Ekonomi!C5")).toBeTruthy();
    const conflict = screen.getByTestId("conflict");
    expect(within(conflict).getByText("Ursprung").nextSibling?.textContent).toBe("100");
    expect(within(conflict).getByText("Min").nextSibling?.textContent).toBe("150");
    expect(within(conflict).getByText("Deras").nextSibling?.textContent).toBe("175");
    fireEvent.change(within(conflict).getByLabelText("Annat värde för Ekonomi!C6"), {
      target: { value: "1 234,5" },
    });
    fireEvent.click(within(conflict).getByRole("button", { name: "Använd värdet" }));
    await waitFor(() => expect(resolved).toEqual(["k1:edit=1234.5"]));
    fireEvent.click(within(screen.getByTestId("conflict")).getByRole("button", { name: "Ta deras" }));
    await waitFor(() => expect(resolved).toEqual(["k1:edit=1234.5", "k1:theirs"]));
    await waitFor(() => expect(screen.queryByTestId("conflict")).toBeNull());
  });
});
