/**
 * Deviation responses: the provider's justification of a contract deviation and the receiving
 * region's decision on it, stored per (workbook, avtal, avtal version, clause). Role matrix,
 * the justification → decision → new justification flow, 409 without a justification, Swedish
 * 400 messages, and the audit rows (old → new).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTargets } from "../support/env";
import { DEV_WORKBOOK_ID } from "../../src/server/index";
import { client, startTestServer, TOKENS, type TestServer } from "./helpers";

const WB = DEV_WORKBOOK_ID;
const base = `/api/workbooks/${WB}/deviation-responses`;

for (const target of databaseTargets()) {
  describe(`förklaringar till avtalsavvikelser (${target.name})`, () => {
    let ts: TestServer;
    let api: ReturnType<typeof client>;

    beforeAll(async () => {
      ts = await startTestServer(target, "deviations");
      api = client(ts.url);
    });
    afterAll(async () => ts?.cleanup());

    const put = (clause: string, token: string | undefined, body: unknown, avtal = "PV-LOV-2024") =>
      api.call("PUT", `${base}/${encodeURIComponent(avtal)}/${encodeURIComponent(clause)}`, token, body);
    const decide = (clause: string, token: string | undefined, body: unknown, avtal = "PV-LOV-2024") =>
      api.post(`${base}/${encodeURIComponent(avtal)}/${encodeURIComponent(clause)}/decision`, token, body);

    it("role matrix: utförare and the receiving controller read; only the utförare justifies; only that controller decides", async () => {
      // Reading.
      expect((await api.get(base, TOKENS.utforare)).status).toBe(200);
      expect((await api.get(base, TOKENS.controller04)).status).toBe(200);
      expect((await api.get(base, TOKENS.controller19)).status).toBe(404);
      expect((await api.get(base, TOKENS.finance04)).status).toBe(403);
      expect((await api.get(base, TOKENS.admin04)).status).toBe(403);
      expect((await api.get(base, undefined)).status).toBe(401);

      // Justifying.
      const j = { avtalVersion: "2024.2", justification: "Sjukskrivningar under sommaren." };
      expect((await put("R1", TOKENS.controller04, j)).status).toBe(403);
      expect((await put("R1", TOKENS.controller19, j)).status).toBe(404);
      expect((await put("R1", TOKENS.finance04, j)).status).toBe(403);
      expect((await put("R1", undefined, j)).status).toBe(401);
      const ok = await put("R1", TOKENS.utforare, j);
      expect(ok.status).toBe(200);

      // Deciding.
      const d = { avtalVersion: "2024.2", decision: "accepted" };
      expect((await decide("R1", TOKENS.utforare, d)).status).toBe(403);
      expect((await decide("R1", TOKENS.controller19, d)).status).toBe(404);
      expect((await decide("R1", TOKENS.finance04, d)).status).toBe(403);
      expect((await decide("R1", undefined, d)).status).toBe(401);
      expect((await decide("R1", TOKENS.controller04, d)).status).toBe(200);

      // Another region never sees the content, and an unknown workbook is 404 for everyone.
      const other = await api.get(base, TOKENS.controller19);
      expect(other.text).not.toContain("Sjukskrivningar");
      expect(
        (await api.get("/api/workbooks/wb-finns-inte/deviation-responses", TOKENS.utforare)).status,
      ).toBe(404);
      expect(
        (await api.call("PUT", "/api/workbooks/wb-finns-inte/deviation-responses/A/1", TOKENS.utforare, j))
          .status,
      ).toBe(404);
    });

    it("justification → decision → a new justification clears the decision; both sides read the same", async () => {
      const first = await put("6.2", TOKENS.utforare, {
        avtalVersion: "2024.2",
        justification: "  Två läkare slutade i mars.\nRekrytering pågår.  ",
      });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        workbookId: WB,
        avtalId: "PV-LOV-2024",
        avtalVersion: "2024.2",
        clauseId: "6.2",
        justification: "Två läkare slutade i mars.\nRekrytering pågår.",
        decision: null,
        decidedBy: null,
        decidedAt: null,
      });
      expect(first.body.justifiedByName).toBeTruthy();
      expect(Number.isNaN(Date.parse(first.body.justifiedAt))).toBe(false);

      const decided = await decide("6.2", TOKENS.controller04, {
        avtalVersion: "2024.2",
        decision: "rejected",
        note: "Åtgärdsplan saknas.",
      });
      expect(decided.status).toBe(200);
      expect(decided.body).toMatchObject({
        justification: "Två läkare slutade i mars.\nRekrytering pågår.",
        decision: "rejected",
        decisionNote: "Åtgärdsplan saknas.",
      });
      expect(decided.body.decidedByName).toBeTruthy();
      expect(decided.body.decidedAt).not.toBeNull();

      // The provider sees the controller's decision.
      const seen = await api.get(base, TOKENS.utforare);
      expect(seen.body.find((r: { clauseId: string }) => r.clauseId === "6.2")).toMatchObject({
        decision: "rejected",
        decisionNote: "Åtgärdsplan saknas.",
      });

      // A new justification clears the decision.
      const again = await put("6.2", TOKENS.utforare, {
        avtalVersion: "2024.2",
        justification: "Två nya läkare börjar i maj; åtgärdsplan bifogad.",
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        justification: "Två nya läkare börjar i maj; åtgärdsplan bifogad.",
        decision: null,
        decisionNote: null,
        decidedBy: null,
        decidedByName: null,
        decidedAt: null,
      });
      const list = await api.get(base, TOKENS.controller04);
      const rows = list.body.filter((r: { clauseId: string }) => r.clauseId === "6.2");
      expect(rows).toHaveLength(1);
      expect(rows[0].decision).toBeNull();

      // Another avtal version of the same clause is a separate response.
      expect(
        (await put("6.2", TOKENS.utforare, { avtalVersion: "2025.1", justification: "Ny avtalsversion." }))
          .status,
      ).toBe(200);
      const both = (await api.get(base, TOKENS.controller04)).body.filter(
        (r: { clauseId: string }) => r.clauseId === "6.2",
      );
      expect(both.map((r: { avtalVersion: string }) => r.avtalVersion)).toEqual(["2024.2", "2025.1"]);
    });

    it("the routes are in the OpenAPI document", async () => {
      const r = await api.get("/api/openapi.json", TOKENS.utforare);
      expect(r.status).toBe(200);
      const paths = r.body.paths;
      expect(paths["/api/workbooks/{id}/deviation-responses"].get).toBeTruthy();
      expect(paths["/api/workbooks/{id}/deviation-responses/{avtalId}/{clauseId}"].put).toBeTruthy();
      expect(
        paths["/api/workbooks/{id}/deviation-responses/{avtalId}/{clauseId}/decision"].post,
      ).toBeTruthy();
    });

    it("409 when there is no justification to decide on (also for another avtal version)", async () => {
      const r = await decide("9.1", TOKENS.controller04, { avtalVersion: "2024.2", decision: "accepted" });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe("no_justification");
      expect(r.body.message).toMatch(/förklaring/);
      // R1 is justified for 2024.2 only.
      const other = await decide("R1", TOKENS.controller04, { avtalVersion: "1999.1", decision: "accepted" });
      expect(other.status).toBe(409);
    });

    it("bad bodies are 400 with a Swedish message, and nothing is stored", async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ avtalVersion: "2024.2", justification: "" }, /Förklaringen får inte vara tom/],
        [{ avtalVersion: "2024.2", justification: "   " }, /Förklaringen får inte vara tom/],
        [{ avtalVersion: "2024.2", justification: "x".repeat(4001) }, /längre än 4000 tecken/],
        [{ avtalVersion: "2024.2", justification: "a\u0000b" }, /otillåtna styrtecken/],
        [{ justification: "Saknar version" }, /avtalVersion/],
        [{ avtalVersion: "2024 2", justification: "Mellanslag" }, /Avtalets version får bara/],
      ];
      for (const [body, message] of cases) {
        const r = await put("7.2", TOKENS.utforare, body);
        expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(r.body.code).toBe("invalid_request");
        expect(r.body.message).toMatch(/^Ogiltig begäran – /);
        expect(r.body.message).toMatch(message);
      }
      // 4000 characters exactly is fine.
      expect(
        (await put("7.3", TOKENS.utforare, { avtalVersion: "2024.2", justification: "y".repeat(4000) }))
          .status,
      ).toBe(200);

      const decisions: Array<[unknown, RegExp]> = [
        [{ avtalVersion: "2024.2", decision: "maybe" }, /Beslutet ska vara/],
        [{ avtalVersion: "2024.2" }, /Beslutet ska vara/],
        [
          { avtalVersion: "2024.2", decision: "accepted", note: "z".repeat(2001) },
          /Kommentaren är längre än 2000/,
        ],
      ];
      for (const [body, message] of decisions) {
        const r = await decide("7.3", TOKENS.controller04, body);
        expect(r.status).toBe(400);
        expect(r.body.message).toMatch(message);
      }
      // Clause ids with a slash or space are not accepted.
      const badClause = await api.call(
        "PUT",
        `${base}/PV-LOV-2024/${encodeURIComponent("7 2")}`,
        TOKENS.utforare,
        {
          avtalVersion: "2024.2",
          justification: "x",
        },
      );
      expect(badClause.status).toBe(400);
      expect(badClause.body.message).toMatch(/Avtalspunkten får bara/);
      const malformed = await put("7.2", TOKENS.utforare, "{inte json");
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toMatch(/inte giltig JSON/);

      const list = await api.get(base, TOKENS.utforare);
      expect(list.body.some((r: { clauseId: string }) => r.clauseId === "7.2")).toBe(false);
    });

    it("every change is in the audit log with old → new", async () => {
      await put("8.2", TOKENS.utforare, { avtalVersion: "2023.1", justification: "Första." }, "HT-LOV-2023");
      await decide(
        "8.2",
        TOKENS.controller04,
        { avtalVersion: "2023.1", decision: "accepted" },
        "HT-LOV-2023",
      );
      await put("8.2", TOKENS.utforare, { avtalVersion: "2023.1", justification: "Andra." }, "HT-LOV-2023");
      const rows = await ts.server.db.query<{
        action: string;
        entity: string;
        org_id: string;
        old_value: Record<string, unknown> | null;
        new_value: Record<string, unknown> | null;
      }>(
        `SELECT action, entity, org_id, old_value, new_value FROM audit_log
         WHERE entity_id = $1 ORDER BY id`,
        [`${WB}/HT-LOV-2023@2023.1/8.2`],
      );
      expect(rows.map((r) => [r.action, r.entity])).toEqual([
        ["deviation.justify", "deviation_response"],
        ["deviation.decide", "deviation_response"],
        ["deviation.justify", "deviation_response"],
      ]);
      expect(rows[0].old_value).toBeNull();
      expect(rows[0].new_value).toMatchObject({ justification: "Första.", decision: null });
      expect(rows[1].org_id).toBe("04");
      expect(rows[1].old_value).toMatchObject({ justification: "Första.", decision: null });
      expect(rows[1].new_value).toMatchObject({ justification: "Första.", decision: "accepted" });
      expect(rows[2].old_value).toMatchObject({ justification: "Första.", decision: "accepted" });
      expect(rows[2].new_value).toMatchObject({ justification: "Andra.", decision: null, decidedBy: null });

      // Refused attempts are logged as denied; the 409 writes no change row.
      const denied = await ts.server.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'authz' AND outcome = 'denied'
           AND entity_id LIKE '%/deviation-responses%'`,
      );
      expect(Number(denied[0].n)).toBeGreaterThan(0);
      const changes9 = await ts.server.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1`,
        [`${WB}/PV-LOV-2024@2024.2/9.1`],
      );
      expect(Number(changes9[0].n)).toBe(0);
    });
  });
}
