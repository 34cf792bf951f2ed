/**
 * Security: 401 semantics, OIDC JWTs (keys generated here with jose: valid, expired, wrong
 * audience/issuer, foreign key, unknown user), injection strings in every text field and sheet
 * name, oversized and malformed bodies. Errors are always JSON {code, message} in Swedish.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { databaseTargets } from "../support/env";
import { DEV_WORKBOOK_ID, SEED_COST_KEY_ID } from "../../src/server/index";
import { client, mutation, orgnr, startTestServer, TOKENS, type TestServer } from "./helpers";

const ISSUER = "https://login.example.test/tenant-1/v2.0";
const AUDIENCE = "api://uppfoljning";
const TENANT = "11111111-2222-3333-4444-555555555555";
const OBJECT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

const INJECTIONS = [
  "'; DROP TABLE cells; --",
  "Robert'); DELETE FROM users; --",
  '" OR "1"="1',
  "1' OR '1'='1",
  "$1; SELECT pg_sleep(5)",
  "<script>alert('x')</script>",
  "{{7*7}} ${7*7}",
  "Åsa Öberg – \u00e9\u2028\u{1F600}",
  "\\x00\\' ; --",
];

for (const target of databaseTargets()) {
  describe(`säkerhet (${target.name})`, () => {
    let ts: TestServer;
    let api: ReturnType<typeof client>;
    let jwks: http.Server;
    let keys: Awaited<ReturnType<typeof generateKeyPair>>;
    let otherKeys: Awaited<ReturnType<typeof generateKeyPair>>;

    async function jwt(
      claims: Record<string, unknown>,
      opts: { aud?: string; iss?: string; exp?: number | string; key?: "main" | "other" } = {},
    ) {
      const k = opts.key === "other" ? otherKeys : keys;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: opts.key === "other" ? "other" : "main" })
        .setIssuer(opts.iss ?? ISSUER)
        .setAudience(opts.aud ?? AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? "10m")
        .sign(k.privateKey);
    }

    beforeAll(async () => {
      keys = await generateKeyPair("RS256");
      otherKeys = await generateKeyPair("RS256");
      const jwk = { ...(await exportJWK(keys.publicKey)), kid: "main", alg: "RS256", use: "sig" };
      jwks = http.createServer((req, res) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", () => r()));
      const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`;
      ts = await startTestServer(target, "security", {
        oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUrl },
        maxBodyBytes: 1024 * 1024,
      });
      api = client(ts.url);
      const r = await api.post("/api/users", TOKENS.admin04, {
        name: "Olle OIDC",
        role: "controller",
        orgId: "04",
        oidcTenantId: TENANT,
        oidcObjectId: OBJECT_ID,
        withToken: false,
      });
      expect(r.status).toBe(201);
      expect(r.body.token).toBeNull();
    });
    afterAll(async () => {
      await ts?.cleanup();
      jwks?.close();
    });

    it("health needs no token; every other /api route answers 401 JSON without or with a bad token", async () => {
      expect((await api.get("/api/health")).body).toEqual({ status: "ok", store: target.name });
      for (const p of [
        "/api/me",
        "/api/workbooks",
        "/api/sync/pull",
        "/api/cost-keys",
        "/api/users",
        "/api/finns-inte",
      ]) {
        for (const tok of [undefined, "fel", "uppf_" + "A".repeat(43)]) {
          const r = await api.get(p, tok);
          expect({ p, tok, status: r.status }).toEqual({ p, tok, status: 401 });
          expect(r.body.code).toBe("unauthorized");
          expect(r.body.message).toMatch(/token|Inloggning/);
        }
      }
      const weird = await api.call("GET", "/api/me", undefined, undefined, {
        authorization: "Basic dXNlcjpwYXNz",
      });
      expect(weird.status).toBe(401);
      expect(weird.body.message).toContain("Bearer");
    });

    it("accepts a valid OIDC JWT and identifies the user by tenant + object id", async () => {
      const tok = await jwt({ tid: TENANT, oid: OBJECT_ID, email: "someone-else@example.test" });
      const r = await api.get("/api/me", tok);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ name: "Olle OIDC", role: "controller", orgId: "04" });
      expect((await api.get(`/api/workbooks/${DEV_WORKBOOK_ID}`, tok)).status).toBe(200);
    });

    it("refuses expired, wrong-audience, wrong-issuer and foreign-key JWTs with 401", async () => {
      const claims = { tid: TENANT, oid: OBJECT_ID };
      const cases: Array<[string, string, RegExp]> = [
        ["utgången", await jwt(claims, { exp: Math.floor(Date.now() / 1000) - 120 }), /gått ut/],
        ["fel mottagare", await jwt(claims, { aud: "api://annan-app" }), /iss\/aud/],
        ["fel utfärdare", await jwt(claims, { iss: "https://evil.example.test/" }), /iss\/aud/],
        ["annan nyckel", await jwt(claims, { key: "other" }), /ogiltig/],
      ];
      for (const [what, tok, msg] of cases) {
        const r = await api.get("/api/me", tok);
        expect({ what, status: r.status }).toEqual({ what, status: 401 });
        expect(r.body.message).toMatch(msg);
      }
      // A token with an altered payload (signature no longer matches).
      const good = await jwt(claims);
      const [h, , s] = good.split(".");
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, oid: "x", aud: AUDIENCE, iss: ISSUER })).toString("base64url")}.${s}`;
      expect((await api.get("/api/me", forged)).status).toBe(401);
    });

    it("a valid JWT without tid/oid is 401; for an unknown user it is 403 no_account", async () => {
      expect((await api.get("/api/me", await jwt({ sub: "abc" }))).status).toBe(401);
      const r = await api.get(
        "/api/me",
        await jwt({ tid: TENANT, oid: "ffffffff-0000-0000-0000-000000000000" }),
      );
      expect(r.status).toBe(403);
      expect(r.body.code).toBe("no_account");
    });

    it("stores injection strings verbatim in every text field and sheet name, and the tables survive", async () => {
      for (const s of INJECTIONS) {
        const wb = await api.post("/api/workbooks", TOKENS.utforare, {
          title: s,
          templateId: "uppf-mall",
          templateVersion: "1.0.0",
          purchaserOrgId: "04",
        });
        expect(wb.status, wb.text).toBe(201);
        expect(wb.body.title).toBe(s.trim());
        const avtal = await api.post("/api/avtal", TOKENS.controller04, {
          title: s,
          providerOrgId: "559100-1234",
        });
        expect(avtal.status).toBe(201);
        expect(avtal.body.title).toBe(s.trim());
        const user = await api.post("/api/users", TOKENS.admin04, { name: s, role: "finance", orgId: "04" });
        expect(user.status).toBe(201);
        expect(user.body.user.name).toBe(s.trim());
        const orgId = orgnr(INJECTIONS.indexOf(s));
        const org = await api.post("/api/organisations", TOKENS.admin04, {
          id: orgId,
          name: s,
          kind: "utforare",
        });
        expect(org.status, org.text).toBe(201);
        expect(org.body).toEqual({ id: orgId, name: s.trim(), kind: "utforare", parentId: "04" });
        const draft = await api.post(`/api/cost-keys/${SEED_COST_KEY_ID}/versions`, TOKENS.finance04, {
          basis: s,
          note: s,
          weights: [
            { orgId: "04", weight: 1 },
            { orgId: "19", weight: 1 },
          ],
        });
        expect(draft.status).toBe(201);
        expect(draft.body.note).toBe(s);
        const sheet = s.replace(/[:\\/?*[\]]/g, "").slice(0, 31);
        const clientId = `inj-${Math.random().toString(36).slice(2, 12)}`;
        const push = await api.post("/api/sync/push", TOKENS.utforare, {
          clientId,
          mutations: [mutation(clientId, 1, wb.body.id, "A1", 0, s, sheet)],
        });
        expect(push.status, push.text).toBe(200);
        expect(push.body.outcomes[0].status).toBe("applied");
        const cells = await api.get(`/api/workbooks/${wb.body.id}/cells`, TOKENS.utforare);
        expect(cells.body.cells).toEqual([{ sheet, cell: "A1", value: s, version: 1 }]);
      }
      // Path and query parameters with injection are refused by validation, never reach SQL.
      expect(
        (await api.get(`/api/workbooks/${encodeURIComponent("x' OR '1'='1")}`, TOKENS.utforare)).status,
      ).toBe(400);
      expect(
        (await api.get(`/api/sync/pull?since=${encodeURIComponent("0 OR 1=1")}`, TOKENS.utforare)).status,
      ).toBe(400);
      expect(
        (await api.post(`/api/cost-key-versions/${encodeURIComponent("1 OR 1=1")}/approve`, TOKENS.finance04))
          .status,
      ).toBe(400);
      const counts = await ts.server.db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM users)::int + (SELECT count(*) FROM cells)::int AS n`,
      );
      expect(Number(counts[0].n)).toBeGreaterThan(INJECTIONS.length * 2);
      expect((await api.get("/api/me", TOKENS.controller04)).status).toBe(200);
    });

    it("refuses oversized bodies with 413 and changes nothing", async () => {
      const clientId = "client-oversized";
      const big = "x".repeat(30_000);
      const mutations = Array.from({ length: 40 }, (_, i) =>
        mutation(clientId, i + 1, DEV_WORKBOOK_ID, `O${i + 1}`, 0, big),
      );
      const r = await api.post("/api/sync/push", TOKENS.utforare, { clientId, mutations });
      expect(r.status).toBe(413);
      expect(r.body.code).toBe("payload_too_large");
      expect(r.body.message).toMatch(/för stor/);
      const n = await ts.server.db.query(`SELECT 1 FROM sync_clients WHERE client_id = $1`, [clientId]);
      expect(n).toEqual([]);
      // Also without authentication (limit applies before anything else).
      expect((await api.post("/api/workbooks", undefined, "y".repeat(2 * 1024 * 1024))).status).toBe(413);
    });

    it("malformed bodies: invalid JSON, wrong content type, wrong shapes, unknown enum values → 4xx JSON in Swedish", async () => {
      const bad = await api.post("/api/workbooks", TOKENS.utforare, "{title: oj", {
        "content-type": "application/json",
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ code: "malformed_body", message: "Begärans innehåll är inte giltig JSON." });
      const text = await api.post("/api/workbooks", TOKENS.utforare, "title=x", {
        "content-type": "text/plain",
      });
      expect([400, 415]).toContain(text.status);
      expect(text.body.code).toEqual(expect.any(String));
      for (const body of [
        [],
        42,
        null,
        { title: 5 },
        { title: "x", templateId: "a b", templateVersion: "1" },
      ]) {
        const r = await api.post("/api/workbooks", TOKENS.utforare, JSON.stringify(body));
        expect(r.status).toBe(400);
        expect(r.body.code).toBe("invalid_request");
        expect(r.body.message).toMatch(/^Ogiltig begäran – /);
      }
      const role = await api.post("/api/users", TOKENS.admin04, {
        name: "x",
        role: "superuser",
        orgId: "04",
      });
      expect(role.status).toBe(400);
      expect(role.body.message).toContain("role");
      const ctrl = await api.post("/api/avtal", TOKENS.controller04, {
        title: "a\u0000b",
        providerOrgId: "559100-1234",
      });
      expect(ctrl.status).toBe(400);
      expect(ctrl.body.message).toContain("styrtecken");
      const zeroLead = await api.post("/api/users", TOKENS.admin04, {
        name: "x",
        role: "controller",
        orgId: 4,
      });
      expect(zeroLead.status).toBe(400);
      // A provider's organisationsnummer must pass the Luhn check (212000-0143 does not).
      const luhn = await api.post("/api/organisations", TOKENS.admin04, {
        id: "212000-0143",
        name: "x",
        kind: "utforare",
      });
      expect(luhn.status).toBe(400);
      expect(luhn.body.code).toBe("invalid_orgnr");
      expect(luhn.body.message).toContain("kontrollsiffra");
      const ok = await api.post("/api/organisations", TOKENS.admin04, {
        id: "212000-0142",
        name: "Stockholms stad",
        kind: "utforare",
      });
      expect(ok.status).toBe(201);
    });

    it("the OpenAPI document is generated from the schemas and describes every route", async () => {
      expect((await api.get("/api/openapi.json")).status).toBe(401);
      const r = await api.get("/api/openapi.json", TOKENS.utforare);
      expect(r.status).toBe(200);
      expect(r.body.openapi).toMatch(/^3\./);
      const paths = Object.keys(r.body.paths);
      for (const p of [
        "/api/health",
        "/api/sync/push",
        "/api/sync/pull",
        "/api/workbooks",
        "/api/workbooks/{id}/cells",
        "/api/workbooks/{id}/submissions",
        "/api/cost-keys",
        "/api/cost-keys/{keyId}/versions",
        "/api/cost-key-versions/{versionId}/approve",
        "/api/users",
        "/api/audit",
      ]) {
        expect(paths).toContain(p);
      }
      const push = r.body.paths["/api/sync/push"].post.requestBody.content["application/json"].schema;
      expect(push.properties.mutations.maxItems).toBe(1000);
      expect(push.properties.clientId.pattern).toBe("^[A-Za-z0-9_-]+$");
    });
  });
}
