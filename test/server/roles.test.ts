/**
 * The role matrix (README "## API"), every cell: each role against each route, with the
 * expected status, plus IDOR attempts with other organisations' ids (404, never 403 or data).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTargets } from "../support/env";
import { DEV_PROVIDERS, DEV_WORKBOOK_ID, SEED_COST_KEY_ID } from "../../src/server/index";
import { client, mutation, orgnr, startTestServer, TOKENS, type TestServer } from "./helpers";

type RoleName = "utforare" | "controller04" | "controller19" | "finance04" | "finance19" | "admin04" | "none";
const ROLES: RoleName[] = [
  "utforare",
  "controller04",
  "controller19",
  "finance04",
  "finance19",
  "admin04",
  "none",
];
const token = (r: RoleName) => (r === "none" ? undefined : TOKENS[r]);

interface Row {
  name: string;
  /** Expected status per role (the "none" column is always 401 and checked separately). */
  expect: Record<Exclude<RoleName, "none">, number>;
  /** Performs the request for a role; may set up fresh resources first. */
  run(api: ReturnType<typeof client>, role: RoleName, ctx: Ctx): Promise<{ status: number; body: unknown }>;
}

interface Ctx {
  newDraftId(): Promise<string>;
  newProposedId(): Promise<string>;
}

const WB = DEV_WORKBOOK_ID;

const rows: Row[] = [
  {
    name: "GET /api/workbooks",
    expect: {
      utforare: 200,
      controller04: 200,
      controller19: 200,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: (api, r) => api.get("/api/workbooks", token(r)),
  },
  {
    name: "GET /api/workbooks/{id}",
    expect: {
      utforare: 200,
      controller04: 200,
      controller19: 404,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: (api, r) => api.get(`/api/workbooks/${WB}`, token(r)),
  },
  {
    name: "GET /api/workbooks/{id}/cells",
    expect: {
      utforare: 200,
      controller04: 200,
      controller19: 404,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: (api, r) => api.get(`/api/workbooks/${WB}/cells`, token(r)),
  },
  {
    name: "POST /api/workbooks",
    expect: {
      utforare: 201,
      controller04: 201,
      controller19: 201,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: (api, r) =>
      api.post("/api/workbooks", token(r), {
        title: "Uppföljning kv 1",
        templateId: "uppf-mall",
        templateVersion: "1.0.0",
        ...(r === "utforare" ? { purchaserOrgId: "04" } : { providerOrgId: "559100-1234" }),
      }),
  },
  {
    name: "POST /api/sync/push (demo workbook of 04)",
    expect: {
      utforare: 200,
      controller04: 200,
      controller19: 200,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: async (api, r) => {
      const clientId = `matrix-${r}-${Math.random().toString(36).slice(2, 10)}`;
      return api.post("/api/sync/push", token(r), {
        clientId,
        mutations: [mutation(clientId, 1, WB, "Z9", 0, r)],
      });
    },
  },
  {
    name: "GET /api/sync/pull",
    expect: {
      utforare: 200,
      controller04: 200,
      controller19: 200,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: (api, r) => api.get("/api/sync/pull?since=0", token(r)),
  },
  {
    name: "GET /api/sync/pull?workbookId (demo workbook of 04)",
    expect: {
      utforare: 200,
      controller04: 200,
      controller19: 404,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: (api, r) => api.get(`/api/sync/pull?since=0&workbookId=${WB}`, token(r)),
  },
  {
    name: "GET /api/avtal",
    expect: {
      utforare: 200,
      controller04: 200,
      controller19: 200,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: (api, r) => api.get("/api/avtal", token(r)),
  },
  {
    name: "POST /api/avtal",
    expect: {
      utforare: 403,
      controller04: 201,
      controller19: 201,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: (api, r) =>
      api.post("/api/avtal", token(r), {
        title: "Hemtjänst 2026",
        providerOrgId: "559100-1234",
        validFrom: "2026-01-01",
      }),
  },
  {
    name: "POST /api/workbooks/{id}/submissions",
    expect: {
      utforare: 201,
      controller04: 403,
      controller19: 403,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: (api, r) =>
      api.post(`/api/workbooks/${WB}/submissions`, token(r), {
        verdict: { status: "godkand", errorCount: 0, warningCount: 0 },
      }),
  },
  {
    name: "GET /api/workbooks/{id}/submissions",
    expect: {
      utforare: 200,
      controller04: 200,
      controller19: 404,
      finance04: 403,
      finance19: 403,
      admin04: 403,
    },
    run: (api, r) => api.get(`/api/workbooks/${WB}/submissions`, token(r)),
  },
  {
    name: "GET /api/receipts/verify",
    expect: {
      utforare: 403,
      controller04: 200,
      controller19: 200,
      finance04: 403,
      finance19: 403,
      admin04: 200,
    },
    run: (api, r) => api.get("/api/receipts/verify", token(r)),
  },
  {
    name: "GET /api/cost-keys",
    expect: {
      utforare: 403,
      controller04: 403,
      controller19: 403,
      finance04: 200,
      finance19: 200,
      admin04: 403,
    },
    run: (api, r) => api.get("/api/cost-keys", token(r)),
  },
  {
    name: "POST /api/cost-keys/{keyId}/versions",
    expect: {
      utforare: 403,
      controller04: 403,
      controller19: 403,
      finance04: 201,
      finance19: 201,
      admin04: 403,
    },
    run: (api, r) =>
      api.post(`/api/cost-keys/${SEED_COST_KEY_ID}/versions`, token(r), {
        basis: "Inköpsvolym 2025",
        weights: [
          { orgId: "04", weight: 1_250_000 },
          { orgId: "19", weight: 1_100_000 },
        ],
      }),
  },
  {
    name: "POST /api/cost-key-versions/{id}/propose",
    expect: {
      utforare: 403,
      controller04: 403,
      controller19: 403,
      finance04: 200,
      finance19: 200,
      admin04: 403,
    },
    run: async (api, r, ctx) =>
      api.post(`/api/cost-key-versions/${await ctx.newDraftId()}/propose`, token(r)),
  },
  {
    name: "POST /api/cost-key-versions/{id}/approve",
    expect: {
      utforare: 403,
      controller04: 403,
      controller19: 403,
      finance04: 200,
      finance19: 200,
      admin04: 403,
    },
    run: async (api, r, ctx) =>
      api.post(`/api/cost-key-versions/${await ctx.newProposedId()}/approve`, token(r)),
  },
  {
    name: "GET /api/users",
    expect: {
      utforare: 403,
      controller04: 403,
      controller19: 403,
      finance04: 403,
      finance19: 403,
      admin04: 200,
    },
    run: (api, r) => api.get("/api/users", token(r)),
  },
  {
    name: "POST /api/users",
    expect: {
      utforare: 403,
      controller04: 403,
      controller19: 403,
      finance04: 403,
      finance19: 403,
      admin04: 201,
    },
    run: (api, r) =>
      api.post("/api/users", token(r), { name: "Ny Controller", role: "controller", orgId: "04" }),
  },
  {
    name: "GET /api/organisations",
    expect: {
      utforare: 200,
      controller04: 200,
      controller19: 200,
      finance04: 200,
      finance19: 200,
      admin04: 200,
    },
    run: (api, r) => api.get("/api/organisations", token(r)),
  },
  {
    name: "POST /api/organisations",
    expect: {
      utforare: 403,
      controller04: 403,
      controller19: 403,
      finance04: 403,
      finance19: 403,
      admin04: 201,
    },
    run: async (api, r) => {
      const id = orgnr(Math.floor(Math.random() * 100_000));
      return api.post("/api/organisations", token(r), { id, name: `Utförare ${r}`, kind: "utforare" });
    },
  },
  {
    name: "GET /api/audit",
    expect: {
      utforare: 403,
      controller04: 403,
      controller19: 403,
      finance04: 403,
      finance19: 403,
      admin04: 200,
    },
    run: (api, r) => api.get("/api/audit", token(r)),
  },
  {
    name: "GET /api/me",
    expect: {
      utforare: 200,
      controller04: 200,
      controller19: 200,
      finance04: 200,
      finance19: 200,
      admin04: 200,
    },
    run: (api, r) => api.get("/api/me", token(r)),
  },
];

for (const target of databaseTargets()) {
  describe(`rollmatris och IDOR (${target.name})`, () => {
    let ts: TestServer;
    let api: ReturnType<typeof client>;
    const ctx: Ctx = {
      async newDraftId() {
        const r = await api.post(`/api/cost-keys/${SEED_COST_KEY_ID}/versions`, TOKENS.finance04, {
          basis: "Test",
          weights: [
            { orgId: "04", weight: 1 },
            { orgId: "19", weight: 1 },
          ],
        });
        expect(r.status).toBe(201);
        return r.body.id as string;
      },
      async newProposedId() {
        const id = await ctx.newDraftId();
        expect((await api.post(`/api/cost-key-versions/${id}/propose`, TOKENS.finance04)).status).toBe(200);
        return id;
      },
    };

    beforeAll(async () => {
      ts = await startTestServer(target, "roles");
      api = client(ts.url);
    });
    afterAll(async () => ts?.cleanup());

    for (const row of rows) {
      it(`${row.name}: ${ROLES.map((r) => `${r}→${r === "none" ? 401 : row.expect[r]}`).join(", ")}`, async () => {
        for (const role of ROLES) {
          const want = role === "none" ? 401 : row.expect[role];
          const got = await row.run(api, role, ctx);
          expect({ role, status: got.status }).toEqual({ role, status: want });
          if (want >= 400) {
            expect(got.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          }
        }
      });
    }

    it("a push by another region's controller to 04's workbook is rejected per mutation and changes nothing", async () => {
      const clientId = "idor-controller19";
      const r = await api.post("/api/sync/push", TOKENS.controller19, {
        clientId,
        mutations: [mutation(clientId, 1, WB, "C3", 0, "intrång")],
      });
      expect(r.status).toBe(200);
      expect(r.body.outcomes[0]).toMatchObject({ status: "rejected", code: "not_found" });
      const cells = await api.get(`/api/workbooks/${WB}/cells`, TOKENS.controller04);
      expect(cells.body.cells.find((c: { cell: string }) => c.cell === "C3")).toBeUndefined();
      // Same reply as for a workbook that does not exist at all: no existence leak.
      const r2 = await api.post("/api/sync/push", TOKENS.controller19, {
        clientId,
        mutations: [mutation(clientId, 2, "wb-finns-inte", "C3", 0, "x")],
      });
      expect(r2.body.outcomes[0]).toMatchObject({
        status: "rejected",
        code: r.body.outcomes[0].code,
        reason: r.body.outcomes[0].reason,
      });
    });

    it("other region's pull sees none of 04's changes", async () => {
      const clientId = "idor-utforare-1";
      const push = await api.post("/api/sync/push", TOKENS.utforare, {
        clientId,
        mutations: [mutation(clientId, 1, WB, "D4", 0, 4711)],
      });
      expect(push.body.outcomes[0].status).toBe("applied");
      const mine = await api.get("/api/sync/pull?since=0&limit=5000", TOKENS.controller04);
      expect(mine.body.changes.some((c: { cell: string }) => c.cell === "D4")).toBe(true);
      const theirs = await api.get("/api/sync/pull?since=0&limit=5000", TOKENS.controller19);
      expect(theirs.body.changes.filter((c: { workbookId: string }) => c.workbookId === WB)).toEqual([]);
    });

    it("a cost key of an agreement the region is not party to answers 404 (and is not listed)", async () => {
      const db = ts.server.db;
      await db.query(
        `INSERT INTO organisations (id, name, kind) VALUES ('25', 'Region Norrbotten', 'region')`,
      );
      await db.query(`INSERT INTO agreements (id, name) VALUES ('samverkan-19-25', 'Samverkan 19 och 25')`);
      await db.query(
        `INSERT INTO agreement_parties VALUES ('samverkan-19-25', '19'), ('samverkan-19-25', '25')`,
      );
      await db.query(
        `INSERT INTO cost_keys (id, agreement_id, name) VALUES ('nyckel-19-25', 'samverkan-19-25', 'Nyckel')`,
      );
      const [{ id }] = await db.query<{ id: string }>(
        `INSERT INTO cost_key_versions (key_id, version_no, status, basis, weights)
         VALUES ('nyckel-19-25', 1, 'draft', 'Befolkning', '[{"orgId":"19","weight":1},{"orgId":"25","weight":1}]') RETURNING id::text`,
      );
      const list04 = await api.get("/api/cost-keys", TOKENS.finance04);
      expect(list04.body.map((a: { id: string }) => a.id)).toEqual(["inkop-04-19"]);
      const list19 = await api.get("/api/cost-keys", TOKENS.finance19);
      expect(list19.body.map((a: { id: string }) => a.id).sort()).toEqual(["inkop-04-19", "samverkan-19-25"]);
      const draft = await api.post("/api/cost-keys/nyckel-19-25/versions", TOKENS.finance04, {
        basis: "x",
        weights: [
          { orgId: "19", weight: 1 },
          { orgId: "25", weight: 2 },
        ],
      });
      expect(draft.status).toBe(404);
      expect((await api.post(`/api/cost-key-versions/${id}/propose`, TOKENS.finance04)).status).toBe(404);
      expect((await api.post(`/api/cost-key-versions/${id}/approve`, TOKENS.finance04)).status).toBe(404);
      // Same answer as for an id that does not exist.
      expect((await api.post(`/api/cost-key-versions/987654321/propose`, TOKENS.finance04)).status).toBe(404);
      expect((await api.post(`/api/cost-key-versions/${id}/propose`, TOKENS.finance19)).status).toBe(200);
    });

    it("admin cannot create users in or list users of another region", async () => {
      const r = await api.post("/api/users", TOKENS.admin04, {
        name: "Smygare",
        role: "controller",
        orgId: "19",
      });
      expect(r.status).toBe(404);
      const users = await api.get("/api/users", TOKENS.admin04);
      // Its own users and those of the providers it registered (the demo providers).
      const managed = ["04", ...DEV_PROVIDERS.map((d) => d.org.id)];
      expect(users.body.every((u: { orgId: string }) => managed.includes(u.orgId))).toBe(true);
      expect(users.body.some((u: { orgId: string }) => u.orgId === "19")).toBe(false);
    });

    it("a new user created by admin gets a token that works once shown, and only its hash is stored", async () => {
      const r = await api.post("/api/users", TOKENS.admin04, {
        name: "Stina Controller",
        role: "controller",
        orgId: "04",
      });
      expect(r.status).toBe(201);
      const tok = r.body.token as string;
      expect(tok).toMatch(/^uppf_[A-Za-z0-9_-]{40,}$/);
      expect((await api.get("/api/me", tok)).body).toMatchObject({
        name: "Stina Controller",
        role: "controller",
        orgId: "04",
      });
      const stored = await ts.server.db.query<{ token_hash: string }>(
        `SELECT token_hash FROM users WHERE name = 'Stina Controller'`,
      );
      expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored[0].token_hash).not.toContain(tok);
    });

    it("utförare cannot create a workbook addressed to a provider or an unknown organisation", async () => {
      const r = await api.post("/api/workbooks", TOKENS.utforare, {
        title: "x",
        templateId: "uppf-mall",
        templateVersion: "1.0.0",
        purchaserOrgId: "559100-1234",
      });
      expect(r.status).toBe(404);
      const r2 = await api.post("/api/workbooks", TOKENS.controller04, {
        title: "x",
        templateId: "uppf-mall",
        templateVersion: "1.0.0",
        providerOrgId: "19",
      });
      expect(r2.status).toBe(404);
    });

    it("failed authorisations are in the audit log", async () => {
      await api.get(`/api/workbooks/${WB}`, TOKENS.controller19);
      await api.get("/api/cost-keys", TOKENS.utforare);
      await api.get("/api/workbooks", "fel-token");
      const rows = await ts.server.db.query<{
        outcome: string;
        detail: string;
        org_id: string | null;
        entity_id: string;
      }>(`SELECT outcome, detail, org_id, entity_id FROM audit_log WHERE outcome = 'denied' ORDER BY id`);
      expect(rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            org_id: "19",
            entity_id: `GET /api/workbooks/${WB}`,
            detail: "404 not_found",
          }),
          expect.objectContaining({
            org_id: "559100-1234",
            entity_id: "GET /api/cost-keys",
            detail: "403 forbidden",
          }),
          expect.objectContaining({
            org_id: null,
            entity_id: "GET /api/workbooks",
            detail: "401 unauthorized",
          }),
        ]),
      );
    });
  });
}
