/**
 * The API's contract (src/api) against the real server: every endpoint descriptor is mounted and
 * in the OpenAPI document, and the typed client's checked replies come back from real rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type EndpointConfig } from "../../src/api";
import * as E from "../../src/api/endpoints";
import { DEV_WORKBOOK_ID, DEV_WORKBOOK_ID_2 } from "../../src/server";
import { databaseTargets } from "../support/env";
import { startTestServer, TOKENS, type TestServer } from "./helpers";

for (const target of databaseTargets()) {
  describe(`API contract (${target.name})`, () => {
    let ts: TestServer;
    const as = (token: string) => new ApiClient({ baseUrl: ts.url, getToken: () => token });

    beforeAll(async () => {
      ts = await startTestServer(target, "apicontract");
    });
    afterAll(async () => ts?.cleanup());

    it("mounts every endpoint of src/api and documents it in the OpenAPI description", async () => {
      const res = await fetch(`${ts.url}/api/openapi.json`, {
        headers: { authorization: `Bearer ${TOKENS.controller04}` },
      });
      const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
      for (const ep of Object.values(E) as EndpointConfig[]) {
        expect(doc.paths[ep.path]?.[ep.method], `${ep.method} ${ep.path}`).toBeDefined();
      }
    });

    it("answers the typed client with replies that pass the reply schemas", async () => {
      expect(await as(TOKENS.controller04).health()).toMatchObject({ status: "ok" });
      expect(await as(TOKENS.utforare).me()).toMatchObject({ role: "utforare", orgName: "Exempelvården AB" });
      const controllerSees = (await as(TOKENS.controller04).workbooks()).map((w) => w.id);
      expect(controllerSees).toEqual(expect.arrayContaining([DEV_WORKBOOK_ID, DEV_WORKBOOK_ID_2]));
      // Each demo provider sees its own workbook only.
      expect((await as(TOKENS.utforare).workbooks()).map((w) => w.id)).toEqual([DEV_WORKBOOK_ID]);
      expect((await as("uppf-dev-utforare-2").workbooks()).map((w) => w.id)).toEqual([DEV_WORKBOOK_ID_2]);
      expect(await as(TOKENS.finance04).costKeys()).toHaveLength(1);
    });

    it("stores a workbook's identity (unit and period) and refuses an impossible period", async () => {
      const api = as(TOKENS.utforare);
      const wb = await api.createWorkbook({
        title: "Kvartal 3",
        templateId: "uppf-mall",
        templateVersion: "1.1.0",
        purchaserOrgId: "04",
        unitName: "Hemtjänst Norr",
        periodYear: 2026,
        periodType: "kvartal",
        periodNo: 3,
      });
      expect(wb).toMatchObject({
        unitName: "Hemtjänst Norr",
        periodYear: 2026,
        periodType: "kvartal",
        periodNo: 3,
      });
      expect(await api.workbook(wb.id)).toEqual(wb);
      await expect(
        api.createWorkbook({
          title: "Fel",
          templateId: "uppf-mall",
          templateVersion: "1.1.0",
          purchaserOrgId: "04",
          periodYear: 2026,
          periodType: "kvartal",
          periodNo: 5,
        }),
      ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/periodNo.*1–4/) });
      await expect(
        api.createWorkbook({
          title: "Fel",
          templateId: "uppf-mall",
          templateVersion: "9.9.9",
          purchaserOrgId: "04",
        }),
      ).rejects.toMatchObject({
        status: 400,
        code: "unknown_template",
        message: expect.stringMatching(/Okänd mall/),
      });
    });
  });
}
