/**
 * Co-owned cost keys (draft → proposed → active only when every party region's finance has
 * approved; the old key stays in force until then; history kept), submissions with receipts in
 * a hash chain per receiving organisation, and the append-only audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTargets } from "../support/env";
import { DEV_WORKBOOK_ID, SEED_COST_KEY_ID } from "../../src/server/index";
import { verifyReceiptChains } from "../../src/server/store";
import { exampleSubmission, TEMPLATE_V1 } from "../../src/domain";
import { client, mutation, startTestServer, TOKENS, type TestServer } from "./helpers";

interface Version {
  id: string;
  versionNo: number;
  status: string;
  weights: Array<{ orgId: string; weight: number; share: number }>;
  approvals: Array<{ orgId: string; userName: string }>;
  proposedBy: string | null;
  activatedAt: string | null;
  supersededAt: string | null;
}

for (const target of databaseTargets()) {
  describe(`fördelningsnycklar, kvitton och revisionslogg (${target.name})`, () => {
    let ts: TestServer;
    let api: ReturnType<typeof client>;

    beforeAll(async () => {
      ts = await startTestServer(target, "keys");
      api = client(ts.url);
    });
    afterAll(async () => ts?.cleanup());

    const versions = async (tok: string = TOKENS.finance04): Promise<Version[]> => {
      const r = await api.get("/api/cost-keys", tok);
      expect(r.status).toBe(200);
      return r.body[0].keys[0].versions;
    };

    it("is seeded with the joint purchasing agreement: 52/48 active, population key 301 944 / 280 813 as draft", async () => {
      const r = await api.get("/api/cost-keys", TOKENS.finance19);
      expect(r.body).toHaveLength(1);
      const a = r.body[0];
      expect(a.id).toBe("inkop-04-19");
      expect(a.parties).toEqual([
        { orgId: "04", name: "Region Sörmland" },
        { orgId: "19", name: "Region Västmanland" },
      ]);
      const [v1, v2] = a.keys[0].versions as Version[];
      expect(v1).toMatchObject({ versionNo: 1, status: "active" });
      expect(v1.weights.map((w) => [w.orgId, w.weight, w.share])).toEqual([
        ["04", 52, 0.52],
        ["19", 48, 0.48],
      ]);
      expect(v2).toMatchObject({ versionNo: 2, status: "draft" });
      expect(v2.weights.map((w) => [w.orgId, w.weight])).toEqual([
        ["04", 301944],
        ["19", 280813],
      ]);
      expect(v2.weights[0].share).toBeCloseTo(0.518, 3);
      expect(v2.weights[1].share).toBeCloseTo(0.482, 3);
    });

    it("a version becomes active only when both regions approved; the old one stays in force until then", async () => {
      const draft = (await versions()).find((v) => v.versionNo === 2)!;
      // Not approvable as a draft.
      const early = await api.post(`/api/cost-key-versions/${draft.id}/approve`, TOKENS.finance04);
      expect(early.status).toBe(409);
      expect(early.body.code).toBe("not_proposed");
      expect(
        (await api.post(`/api/cost-key-versions/${draft.id}/propose`, TOKENS.finance04)).body.status,
      ).toBe("proposed");
      expect((await api.post(`/api/cost-key-versions/${draft.id}/propose`, TOKENS.finance04)).status).toBe(
        409,
      );
      const one = await api.post(`/api/cost-key-versions/${draft.id}/approve`, TOKENS.finance04);
      expect(one.status).toBe(200);
      expect(one.body.status).toBe("proposed");
      const twice = await api.post(`/api/cost-key-versions/${draft.id}/approve`, TOKENS.finance04);
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe("already_approved");
      let vs = await versions();
      expect(vs.find((v) => v.versionNo === 1)!.status).toBe("active");
      const both = await api.post(`/api/cost-key-versions/${draft.id}/approve`, TOKENS.finance19);
      expect(both.body.status).toBe("active");
      vs = await versions(TOKENS.finance19);
      const v1 = vs.find((v) => v.versionNo === 1)!;
      const v2 = vs.find((v) => v.versionNo === 2)!;
      expect(v1.status).toBe("superseded");
      expect(v1.supersededAt).not.toBeNull();
      expect(v2.status).toBe("active");
      expect(v2.approvals.map((a) => a.orgId).sort()).toEqual(["04", "19"]);
      expect(v2.approvals.map((a) => a.userName)).toEqual([
        "Fia Finans Sörmland (demo)",
        "Valter Finans Västmanland (demo)",
      ]);
      expect(v2.proposedBy).not.toBeNull();
      expect(vs.filter((v) => v.status === "active")).toHaveLength(1);
    });

    it("an edit is a new draft (v3) while v2 stays active; weights must cover exactly the parties", async () => {
      const missing = await api.post(`/api/cost-keys/${SEED_COST_KEY_ID}/versions`, TOKENS.finance19, {
        basis: "Inköpsvolym",
        weights: [{ orgId: "19", weight: 10 }],
      });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toContain("04, 19");
      const zero = await api.post(`/api/cost-keys/${SEED_COST_KEY_ID}/versions`, TOKENS.finance19, {
        basis: "Noll",
        weights: [
          { orgId: "04", weight: 0 },
          { orgId: "19", weight: 0 },
        ],
      });
      expect(zero.status).toBe(400);
      const negative = await api.post(`/api/cost-keys/${SEED_COST_KEY_ID}/versions`, TOKENS.finance19, {
        basis: "Negativ",
        weights: [
          { orgId: "04", weight: -1 },
          { orgId: "19", weight: 2 },
        ],
      });
      expect(negative.status).toBe(400);
      const v3 = await api.post(`/api/cost-keys/${SEED_COST_KEY_ID}/versions`, TOKENS.finance19, {
        basis: "Inköpsvolym 2025 (mnkr)",
        weights: [
          { orgId: "04", weight: 1210.5 },
          { orgId: "19", weight: 1105.25 },
        ],
      });
      expect(v3.status).toBe(201);
      expect(v3.body).toMatchObject({ versionNo: 3, status: "draft" });
      const vs = await versions();
      expect(vs.map((v) => [v.versionNo, v.status])).toEqual([
        [1, "superseded"],
        [2, "active"],
        [3, "draft"],
      ]);
    });

    it("submissions get receipts chained per receiving organisation, verifiable, and tampering is detected", async () => {
      const c = "client-submit-1";
      await api.post("/api/sync/push", TOKENS.utforare, {
        clientId: c,
        mutations: [
          mutation(c, 1, DEV_WORKBOOK_ID, "B5", 0, 1234),
          mutation(c, 2, DEV_WORKBOOK_ID, "B6", 0, "Hemtjänst"),
        ],
      });
      const verdict = {
        status: "varningar",
        errorCount: 0,
        warningCount: 1,
        findings: [
          { sheet: "Volymer", cell: "B5", severity: "varning", message: "Ovanligt högt värde", actual: 1234 },
        ],
      };
      const r1 = await api.post(`/api/workbooks/${DEV_WORKBOOK_ID}/submissions`, TOKENS.utforare, {
        verdict,
      });
      expect(r1.status).toBe(201);
      expect(r1.body.receipt).toMatchObject({
        seq: 1,
        receivingOrgId: "04",
        prevHash: "0".repeat(64),
        submitterName: "Ulf Utförare (demo)",
      });
      expect(r1.body.receipt.contentSha256).toMatch(/^[0-9a-f]{64}$/);
      // The server validates the stored cells itself: the nearly empty demo workbook fails,
      // whatever the client claimed.
      expect(r1.body.serverVerdict.status).toBe("fel");
      expect(r1.body.serverVerdict.errorCount).toBeGreaterThan(0);
      expect(r1.body.serverVerdict.findings).toContainEqual(
        expect.objectContaining({ severity: "fel", code: "REQUIRED_MISSING" }),
      );
      const r2 = await api.post(`/api/workbooks/${DEV_WORKBOOK_ID}/submissions`, TOKENS.utforare, {
        verdict,
      });
      expect(r2.body.receipt).toMatchObject({ seq: 2, prevHash: r1.body.receipt.hash });
      // Same content and verdict → same content hash, different receipt hash.
      expect(r2.body.receipt.contentSha256).toBe(r1.body.receipt.contentSha256);
      expect(r2.body.receipt.hash).not.toBe(r1.body.receipt.hash);
      const list = await api.get(`/api/workbooks/${DEV_WORKBOOK_ID}/submissions`, TOKENS.controller04);
      expect(list.body.map((x: { seq: number }) => x.seq)).toEqual([1, 2]);
      expect((await api.get("/api/receipts/verify", TOKENS.controller04)).body).toEqual({
        receivingOrgId: "04",
        count: 2,
        ok: true,
        problems: [],
      });
      // Submissions and receipts are immutable in the database.
      await expect(ts.server.db.query(`UPDATE submissions SET verdict = '{}'::jsonb`)).rejects.toThrow(
        /append-only/,
      );
      await expect(ts.server.db.query(`DELETE FROM receipts`)).rejects.toThrow(/append-only/);
      // Someone with owner rights disables the trigger and alters content: the chain check sees it.
      await ts.server.db.exec(`ALTER TABLE submissions DISABLE TRIGGER submissions_immutable`);
      await ts.server.db.query(
        `UPDATE submissions SET content = jsonb_set(content, '{cells,0,value}', '9999'::jsonb) WHERE id = $1::bigint`,
        [r1.body.submissionId],
      );
      await ts.server.db.exec(`ALTER TABLE submissions ENABLE TRIGGER submissions_immutable`);
      const [check] = await verifyReceiptChains(ts.server.db, "04");
      expect(check.ok).toBe(false);
      expect(check.problems).toEqual([
        expect.stringMatching(/^Kvitto 1: inlämningens innehåll stämmer inte/),
      ]);
      const viaApi = await api.get("/api/receipts/verify", TOKENS.admin04);
      expect(viaApi.body.ok).toBe(false);
    });

    it("a complete example submission pushed cell by cell gets the server's verdict GODKÄND", async () => {
      const wb = await api.post("/api/workbooks", TOKENS.utforare, {
        title: "Exempel primärvård",
        templateId: TEMPLATE_V1.id,
        templateVersion: TEMPLATE_V1.version,
        purchaserOrgId: "04",
      });
      expect(wb.status).toBe(201);
      const values = exampleSubmission("primarvard", TEMPLATE_V1);
      const c = "client-example-1";
      const mutations = TEMPLATE_V1.fields
        .filter((f) => values[f.key] !== undefined && values[f.key] !== null)
        .map((f, i) => mutation(c, i + 1, wb.body.id, f.cell, 0, values[f.key] as string | number, f.sheet));
      const push = await api.post("/api/sync/push", TOKENS.utforare, { clientId: c, mutations });
      expect(push.status).toBe(200);
      const sub = await api.post(`/api/workbooks/${wb.body.id}/submissions`, TOKENS.utforare, {
        verdict: { status: "godkand", errorCount: 0, warningCount: 0 },
      });
      expect(sub.status).toBe(201);
      expect(sub.body.serverVerdict).toMatchObject({ status: "godkand", errorCount: 0 });
      // An unknown template is refused when the workbook is created.
      const bad = await api.post("/api/workbooks", TOKENS.utforare, {
        title: "x",
        templateId: "uppf-mall",
        templateVersion: "9.9.9",
        purchaserOrgId: "04",
      });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/Okänd mall/);
    });

    it("the audit log refuses UPDATE, DELETE and TRUNCATE; cell edits are logged with old → new and mutation id", async () => {
      const rows = await ts.server.db.query<{
        old_value: unknown;
        new_value: unknown;
        field: string;
        mutation_id: string;
        org_id: string;
      }>(
        `SELECT old_value, value AS new_value, sheet || '!' || cell AS field, mutation_id::text, org_id
         FROM changes WHERE client_id = 'client-submit-1' ORDER BY seq`,
      );
      expect(rows).toEqual([
        { old_value: null, new_value: 1234, field: "Volymer!B5", mutation_id: "1", org_id: "559100-1234" },
        {
          old_value: null,
          new_value: "Hemtjänst",
          field: "Volymer!B6",
          mutation_id: "2",
          org_id: "559100-1234",
        },
      ]);
      const count = `SELECT (SELECT count(*) FROM audit_log)::int AS a, (SELECT count(*) FROM changes)::int AS c`;
      const before = await ts.server.db.query<{ a: number; c: number }>(count);
      expect(Number(before[0].a)).toBeGreaterThan(0);
      await expect(ts.server.db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
      await expect(
        ts.server.db.query(`DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)`),
      ).rejects.toThrow(/append-only/);
      await expect(ts.server.db.exec(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
      // The change log (the audit trail of cell edits) is append-only too.
      await expect(ts.server.db.query(`UPDATE changes SET value = '0'::jsonb`)).rejects.toThrow(
        /append-only/,
      );
      await expect(ts.server.db.query(`DELETE FROM changes`)).rejects.toThrow(/append-only/);
      await expect(ts.server.db.exec(`TRUNCATE changes`)).rejects.toThrow(/append-only/);
      const after = await ts.server.db.query<{ a: number; c: number }>(count);
      expect(after).toEqual(before);
      const viaApi = await api.get("/api/audit?limit=500", TOKENS.admin04);
      expect(
        viaApi.body.some(
          (e: { action: string; orgId: string }) => e.action === "costkey.approve" && e.orgId === "04",
        ),
      ).toBe(true);
      expect(viaApi.body).toContainEqual(
        expect.objectContaining({
          action: "cell.update",
          field: "Volymer!B5",
          oldValue: null,
          newValue: 1234,
          mutationId: "1",
        }),
      );
      expect(viaApi.body.every((e: { orgId: string }) => e.orgId === "04" || e.orgId === "559100-1234")).toBe(
        true,
      );
    });
  });
}
