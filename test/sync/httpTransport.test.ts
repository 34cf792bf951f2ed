import { describe, expect, it } from "vitest";
import { SYNC_ROUTES, type PushRequest } from "../../src/sync/protocol";
import { SyncTransportError } from "../../src/sync/transport";
import { HttpSyncTransport } from "../../taskpane/sync/httpTransport";

const push: PushRequest = {
  clientId: "client-abcdef",
  mutations: [
    {
      clientId: "client-abcdef",
      mutationId: 1,
      workbookId: "wb-1",
      sheet: "Blad1",
      cell: "A1",
      baseVersion: 0,
      value: 1,
      authoredAt: "2026-01-01T00:00:00.000Z",
    },
  ],
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function transport(fetchImpl: typeof fetch, timeoutMs = 1000) {
  return new HttpSyncTransport({
    baseUrl: "https://srv.example/",
    userId: "anna",
    getToken: async () => "tok-123",
    fetch: fetchImpl,
    timeoutMs,
  });
}

async function failure(p: Promise<unknown>): Promise<SyncTransportError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SyncTransportError);
  return e as SyncTransportError;
}

describe("HttpSyncTransport", () => {
  it("POSTs the push as JSON with the Bearer token and returns the validated reply", async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const t = transport(async (url, init) => {
      calls.push({ url: String(url), init: init! });
      return json(200, {
        outcomes: [{ mutationId: 1, status: "applied", version: 1, seq: "9" }],
        lastMutationId: 1,
      });
    });
    const reply = await t.push(push);
    expect(reply.outcomes[0]).toEqual({ mutationId: 1, status: "applied", version: 1, seq: "9" });
    expect(calls[0].url).toBe(`https://srv.example${SYNC_ROUTES.push}`);
    expect(calls[0].init.method).toBe("POST");
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers.authorization).toBe("Bearer tok-123");
    expect(headers["content-type"]).toBe("application/json");
    expect(JSON.parse(String(calls[0].init.body))).toEqual(push);
  });

  it("GETs pulls with since, workbookId and limit", async () => {
    let url = "";
    const t = transport(async (u) => {
      url = String(u);
      return json(200, { changes: [], cursor: "12", hasMore: false });
    });
    expect(await t.pull({ since: "7", workbookId: "wb-1", limit: 50 })).toEqual({
      changes: [],
      cursor: "12",
      hasMore: false,
    });
    const parsed = new URL(url);
    expect(parsed.pathname).toBe(SYNC_ROUTES.pull);
    expect(Object.fromEntries(parsed.searchParams)).toEqual({ since: "7", workbookId: "wb-1", limit: "50" });
  });

  it("rejects a reply that does not follow the protocol", async () => {
    const t = transport(async () =>
      json(200, { outcomes: [{ mutationId: 1, status: "applied" }], lastMutationId: 1 }),
    );
    const e = await failure(t.push(push));
    expect(e.kind).toBe("invalid-reply");
    expect(e.message).toMatch(/Oväntat svar/);
    const t2 = transport(async () => new Response("<html>proxy</html>", { status: 200 }));
    expect((await failure(t2.pull({ since: "0" }))).kind).toBe("invalid-reply");
  });

  it("never sends an invalid push", async () => {
    let called = false;
    const t = transport(async () => {
      called = true;
      return json(200, {});
    });
    const bad = { ...push, mutations: [{ ...push.mutations[0], cell: "a1" }] };
    expect((await failure(t.push(bad))).kind).toBe("bad-request");
    expect(called).toBe(false);
  });

  it.each([
    [401, "auth", true],
    [403, "forbidden", false],
    [400, "bad-request", false],
    [404, "bad-request", false],
    [429, "server", true],
    [500, "server", true],
    [503, "server", true],
  ] as const)(
    "maps HTTP %i to %s (retryable: %s) with the server's message",
    async (status, kind, retryable) => {
      const t = transport(async () => json(status, { error: { code: "x", message: "Serverns förklaring" } }));
      const e = await failure(t.push(push));
      expect(e.kind).toBe(kind);
      expect(e.status).toBe(status);
      expect(e.retryable).toBe(retryable);
      expect(e.message).toBe("Serverns förklaring");
    },
  );

  it("reports a failed connection as offline", async () => {
    const t = transport(async () => {
      throw new TypeError("fetch failed");
    });
    const e = await failure(t.pull({ since: "0" }));
    expect(e.kind).toBe("offline");
    expect(e.retryable).toBe(true);
  });

  it("aborts a request that gets no answer and reports a timeout", async () => {
    const t = transport(
      (_u, init) =>
        new Promise<Response>((_resolve, reject) => {
          init!.signal!.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
      20,
    );
    expect((await failure(t.push(push))).kind).toBe("timeout");
  });

  it("reports a missing token as an auth problem", async () => {
    const t = new HttpSyncTransport({
      baseUrl: "https://srv.example",
      userId: "anna",
      getToken: async () => {
        throw new Error("inte inloggad");
      },
      fetch: async () => json(200, {}),
    });
    expect((await failure(t.pull({ since: "0" }))).kind).toBe("auth");
  });
});
