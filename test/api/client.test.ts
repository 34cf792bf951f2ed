import { describe, expect, it } from "vitest";
import { ApiClient, ApiError, fillPath } from "../../src/api";
import * as E from "../../src/api/endpoints";

type Call = { url: string; method: string; auth: string | null; body: unknown };

function fakeServer(reply: (call: Call) => { status: number; body?: unknown; raw?: string }) {
  const calls: Call[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    const call: Call = {
      url,
      method: String(init.method),
      auth: new Headers(init.headers).get("authorization"),
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const r = reply(call);
    return new Response(r.raw ?? (r.body === undefined ? "" : JSON.stringify(r.body)), { status: r.status });
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

const workbook = {
  id: "wb-1",
  title: "T",
  providerOrgId: "559100-1234",
  purchaserOrgId: "04",
  avtalId: null,
  templateId: "uppf-mall",
  templateVersion: "1.1.0",
  unitName: null,
  periodYear: 2026,
  periodType: "ar",
  periodNo: null,
  roundId: null,
  createdAt: "2026-01-01T00:00:00.000Z",
};

describe("the typed API client", () => {
  it("fills path parameters (encoded), sends the bearer token and returns the checked reply", async () => {
    const s = fakeServer(() => ({ status: 200, body: workbook }));
    const api = new ApiClient({ baseUrl: "https://s.example/", getToken: () => "tok", fetch: s.fetchFn });
    expect(await api.workbook("wb 1/x")).toEqual(workbook);
    expect(s.calls).toEqual([
      {
        url: "https://s.example/api/workbooks/wb%201%2Fx",
        method: "GET",
        auth: "Bearer tok",
        body: undefined,
      },
    ]);
  });

  it("sends bodies as JSON and query parameters in the URL", async () => {
    const s = fakeServer((c) =>
      c.method === "POST" ? { status: 201, body: workbook } : { status: 200, body: [] },
    );
    const api = new ApiClient({ getToken: () => "tok", fetch: s.fetchFn });
    await api.createWorkbook({
      title: "T",
      templateId: "uppf-mall",
      templateVersion: "1.1.0",
      purchaserOrgId: "04",
    });
    await api.call(E.readAudit, { query: { limit: 5 } });
    expect(s.calls[0]).toMatchObject({ method: "POST", body: { title: "T", purchaserOrgId: "04" } });
    expect(s.calls[1].url).toBe("/api/audit?limit=5");
  });

  it("uses the server's Swedish message and code for an error reply", async () => {
    const s = fakeServer(() => ({
      status: 404,
      body: { code: "not_found", message: "Arbetsboken finns inte." },
    }));
    const api = new ApiClient({ getToken: () => "tok", fetch: s.fetchFn });
    const err = await api.workbook("x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: "not_found", message: "Arbetsboken finns inte." });
  });

  it("says in Swedish what went wrong when the server sent no message, no JSON or nothing", async () => {
    const api500 = new ApiClient({
      getToken: () => "t",
      fetch: fakeServer(() => ({ status: 500, raw: "<html>" })).fetchFn,
    });
    await expect(api500.workbooks()).rejects.toThrow(/Servern kunde inte utföra begäran just nu \(fel 500\)/);
    const offline = new ApiClient({
      getToken: () => "t",
      fetch: (async () => {
        throw new TypeError("fetch failed");
      }) as unknown as typeof fetch,
    });
    const err = (await offline.workbooks().catch((e: unknown) => e)) as ApiError;
    expect(err.offline).toBe(true);
    expect(err.message).toBe("Ingen kontakt med servern.");
  });

  it("refuses a reply that does not match the endpoint's schema, naming where", async () => {
    const s = fakeServer(() => ({ status: 200, body: [{ ...workbook, periodYear: "2026" }] }));
    const api = new ApiClient({ getToken: () => "t", fetch: s.fetchFn });
    await expect(api.workbooks()).rejects.toMatchObject({
      code: "unexpected_reply",
      message: expect.stringMatching(/Servern svarade med något oväntat \(0\.periodYear\)/),
    });
  });

  it("sends no token to a public endpoint", async () => {
    const s = fakeServer(() => ({ status: 200, body: { status: "ok", store: "pglite" } }));
    await new ApiClient({ getToken: () => "secret", fetch: s.fetchFn }).health();
    expect(s.calls[0].auth).toBeNull();
  });

  it("fillPath refuses a missing parameter", () => {
    expect(() => fillPath("/api/workbooks/{id}", {})).toThrow(/Parametern id saknas/);
  });
});
