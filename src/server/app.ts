/**
 * The HTTP API (Hono + @hono/zod-openapi). Every request body/query/param is validated by the
 * zod schemas that also generate GET /api/openapi.json. Errors are JSON {code, message} in Swedish.
 */
import { OpenAPIHono, createRoute, type RouteConfig } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Context } from "hono";
import { z } from "zod";
import {
  PullQuerySchema,
  PullResponseSchema,
  PushRequestSchema,
  PushResponseSchema,
  SYNC_ROUTES,
} from "../sync/protocol";
import { audit } from "./audit";
import type { Authenticator, Principal } from "./auth";
import type { Db } from "./db";
import { ApiError } from "./errors";
import * as S from "./schemas";
import * as store from "./store";
import { applyPush, pull } from "./sync";

// Swedish messages for zod's built-in checks (the server process only).
z.config(z.locales.sv());

type Env = { Variables: { principal: Principal } };

export interface AppDeps {
  db: Db;
  auth: Authenticator;
  maxBodyBytes: number;
  log: (line: string) => void;
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const errors = {
  400: json(S.ErrorSchema, "Ogiltig begäran"),
  401: json(S.ErrorSchema, "Inte inloggad"),
  403: json(S.ErrorSchema, "Behörighet saknas"),
  404: json(S.ErrorSchema, "Finns inte (eller tillhör en annan organisation)"),
  409: json(S.ErrorSchema, "Konflikt med nuvarande tillstånd"),
  413: json(S.ErrorSchema, "För stor begäran"),
} as const;
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
const secured = [{ bearer: [] as string[] }];

function route<R extends RouteConfig>(r: R): R {
  return createRoute({ security: secured, ...r });
}

function zodMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.length ? i.path.join(".") : "(hela)"}: ${i.message}`)
    .join("; ");
}

export function createApp(deps: AppDeps): OpenAPIHono<Env> {
  const { db } = deps;
  const app = new OpenAPIHono<Env>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json(
          { code: "invalid_request", message: `Ogiltig begäran – ${zodMessage(result.error)}` },
          400,
        );
      }
    },
  });

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "Ogenomskinlig token (uppf user add) eller OpenID Connect-JWT",
  });

  app.use(
    "/api/*",
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      // The unread rest of the body makes the connection unusable: tell the client not to reuse it.
      onError: (c) =>
        c.json(
          {
            code: "payload_too_large",
            message: `Begäran är för stor (högst ${Math.round(deps.maxBodyBytes / 1024 / 1024)} MB). Skicka ändringarna i mindre delar.`,
          },
          413,
          { connection: "close" },
        ),
    }),
  );

  // Every /api route except health needs a signed-in user (the OpenAPI document too).
  const PUBLIC = new Set(["/api/health"]);
  app.use("/api/*", async (c, next) => {
    if (PUBLIC.has(c.req.path)) return next();
    try {
      c.set("principal", await deps.auth.authenticate(db, c.req.header("authorization")));
    } catch (err) {
      if (err instanceof ApiError) {
        await audit(db, {
          action: "auth",
          entity: "request",
          entityId: `${c.req.method} ${c.req.path}`,
          outcome: "denied",
          detail: `${err.status} ${err.code}`,
        }).catch(() => {});
      }
      throw err;
    }
    return next();
  });

  app.onError(async (err, c) => {
    if (err instanceof ApiError) {
      const p = c.get("principal") as Principal | undefined;
      if (p && (err.status === 403 || err.status === 404)) {
        await audit(db, {
          userId: p.userId,
          orgId: p.orgId,
          action: "authz",
          entity: "request",
          entityId: `${c.req.method} ${c.req.path}`,
          outcome: "denied",
          detail: `${err.status} ${err.code}`,
        }).catch(() => {});
      }
      return c.json({ code: err.code, message: err.message }, err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      if (status === 400)
        return c.json({ code: "malformed_body", message: "Begärans innehåll är inte giltig JSON." }, 400);
      if (status === 413) return c.json({ code: "payload_too_large", message: "Begäran är för stor." }, 413);
      if (status === 415) {
        return c.json(
          { code: "unsupported_media_type", message: "Innehållet ska skickas som application/json." },
          415,
        );
      }
      return c.json({ code: "http_error", message: `Begäran kunde inte hanteras (${status}).` }, status);
    }
    deps.log(`fel: ${(err as Error).stack ?? String(err)}`);
    return c.json(
      {
        code: "internal_error",
        message: "Ett oväntat fel inträffade på servern. Inget sparades halvvägs; försök igen.",
      },
      500,
    );
  });

  // ------------------------------------------------------------------ health and identity
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/health",
      summary: "Hälsokontroll (ingen inloggning)",
      responses: { 200: json(S.HealthSchema, "Servern svarar") },
    }),
    (c) => c.json({ status: "ok" as const, store: db.kind }, 200),
  );

  app.openapi(
    route({
      method: "get",
      path: "/api/me",
      summary: "Den inloggade användaren",
      responses: { 200: json(S.MeSchema, "Användaren"), ...errors },
    }),
    async (c) => {
      const p = c.get("principal");
      const org = await store.getOrganisation(db, p.orgId);
      return c.json({ ...p, orgName: org?.name ?? p.orgId }, 200);
    },
  );

  // ------------------------------------------------------------------ organisations and users (admin)
  app.openapi(
    route({
      method: "get",
      path: "/api/organisations",
      summary: "Organisationer (admin: egen och registrerade utförare)",
      responses: { 200: json(z.array(S.OrganisationSchema), "Lista"), ...errors },
    }),
    async (c) => c.json(await store.listOrganisations(db, c.get("principal")), 200),
  );
  app.openapi(
    route({
      method: "post",
      path: "/api/organisations",
      summary: "Registrera en utförare (admin)",
      request: body(S.NewOrganisationSchema),
      responses: { 201: json(S.OrganisationSchema, "Skapad"), ...errors },
    }),
    async (c) => c.json(await store.createOrganisation(db, c.get("principal"), c.req.valid("json")), 201),
  );
  app.openapi(
    route({
      method: "get",
      path: "/api/users",
      summary: "Användare i den egna organisationen (admin)",
      responses: { 200: json(z.array(S.UserSchema), "Lista"), ...errors },
    }),
    async (c) => c.json(await store.listUsers(db, c.get("principal")), 200),
  );
  app.openapi(
    route({
      method: "post",
      path: "/api/users",
      summary: "Skapa användare (admin); token visas en gång",
      request: body(S.NewUserSchema),
      responses: { 201: json(S.CreatedUserSchema, "Skapad"), ...errors },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const r = await store.createUser(db, c.get("principal"), { ...b, noToken: !b.withToken });
      return c.json(r, 201);
    },
  );
  app.openapi(
    route({
      method: "get",
      path: "/api/audit",
      summary: "Revisionslogg för den egna organisationen (admin)",
      request: { query: S.AuditQuerySchema },
      responses: { 200: json(z.array(S.AuditEntrySchema), "Händelser, nyast först"), ...errors },
    }),
    async (c) =>
      c.json(
        (await store.readAuditLog(db, c.get("principal"), c.req.valid("query").limit)) as Record<
          string,
          unknown
        >[],
        200,
      ),
  );

  // ------------------------------------------------------------------ avtal
  app.openapi(
    route({
      method: "get",
      path: "/api/avtal",
      summary: "Avtal (utförare: egna; controller: regionens)",
      responses: { 200: json(z.array(S.AvtalSchema), "Lista"), ...errors },
    }),
    async (c) => c.json(await store.listAvtal(db, c.get("principal")), 200),
  );
  app.openapi(
    route({
      method: "post",
      path: "/api/avtal",
      summary: "Registrera avtal (controller)",
      request: body(S.NewAvtalSchema),
      responses: { 201: json(S.AvtalSchema, "Skapat"), ...errors },
    }),
    async (c) => c.json(await store.createAvtal(db, c.get("principal"), c.req.valid("json")), 201),
  );

  // ------------------------------------------------------------------ workbooks
  app.openapi(
    route({
      method: "get",
      path: "/api/workbooks",
      summary: "Arbetsböcker användaren får se",
      responses: { 200: json(z.array(S.WorkbookSchema), "Lista"), ...errors },
    }),
    async (c) => c.json(await store.listWorkbooks(db, c.get("principal")), 200),
  );
  app.openapi(
    route({
      method: "post",
      path: "/api/workbooks",
      summary: "Skapa arbetsbok (utförare anger mottagare; controller anger utförare)",
      request: body(S.NewWorkbookSchema),
      responses: { 201: json(S.WorkbookSchema, "Skapad"), ...errors },
    }),
    async (c) => c.json(await store.createWorkbook(db, c.get("principal"), c.req.valid("json")), 201),
  );
  app.openapi(
    route({
      method: "get",
      path: "/api/workbooks/{id}",
      summary: "En arbetsbok",
      request: { params: S.WorkbookIdParamSchema },
      responses: { 200: json(S.WorkbookSchema, "Arbetsboken"), ...errors },
    }),
    async (c) => c.json(await store.getWorkbook(db, c.get("principal"), c.req.valid("param").id), 200),
  );
  app.openapi(
    route({
      method: "get",
      path: "/api/workbooks/{id}/cells",
      summary: "Arbetsbokens celler och markören de motsvarar",
      request: { params: S.WorkbookIdParamSchema },
      responses: { 200: json(S.CellsSchema, "Celler"), ...errors },
    }),
    async (c) => c.json(await store.readCells(db, c.get("principal"), c.req.valid("param").id), 200),
  );
  app.openapi(
    route({
      method: "post",
      path: "/api/workbooks/{id}/submissions",
      summary: "Lämna in arbetsboken (utförare); ger ett kvitto i hashkedjan",
      request: { params: S.WorkbookIdParamSchema, ...body(S.SubmitSchema) },
      responses: { 201: json(S.SubmissionCreatedSchema, "Inlämnad"), ...errors },
    }),
    async (c) =>
      c.json(
        await store.submitWorkbook(
          db,
          c.get("principal"),
          c.req.valid("param").id,
          c.req.valid("json").verdict,
        ),
        201,
      ),
  );
  app.openapi(
    route({
      method: "get",
      path: "/api/workbooks/{id}/submissions",
      summary: "Inlämningar och kvitton för arbetsboken",
      request: { params: S.WorkbookIdParamSchema },
      responses: { 200: json(z.array(S.ReceiptSchema), "Kvitton"), ...errors },
    }),
    async (c) => c.json(await store.listSubmissions(db, c.get("principal"), c.req.valid("param").id), 200),
  );
  app.openapi(
    route({
      method: "get",
      path: "/api/receipts/verify",
      summary: "Kontrollera den egna organisationens kvittokedja (controller, admin)",
      responses: { 200: json(S.ChainVerificationSchema, "Resultat"), ...errors },
    }),
    async (c) => c.json(await store.verifyReceiptsFor(db, c.get("principal")), 200),
  );

  // ------------------------------------------------------------------ deviation responses
  app.openapi(
    route({
      method: "get",
      path: "/api/workbooks/{id}/deviation-responses",
      summary: "Förklaringar till avtalsavvikelser och beslut om dem (utförare, mottagarens controller)",
      request: { params: S.WorkbookIdParamSchema },
      responses: { 200: json(z.array(S.DeviationResponseSchema), "Förklaringar och beslut"), ...errors },
    }),
    async (c) =>
      c.json(await store.listDeviationResponses(db, c.get("principal"), c.req.valid("param").id), 200),
  );
  app.openapi(
    route({
      method: "put",
      path: "/api/workbooks/{id}/deviation-responses/{avtalId}/{clauseId}",
      summary: "Skriv förklaring till en avvikelse (utförare); ett tidigare beslut nollställs",
      request: { params: S.DeviationParamSchema, ...body(S.JustificationSchema) },
      responses: { 200: json(S.DeviationResponseSchema, "Sparad"), ...errors },
    }),
    async (c) => {
      const { id, avtalId, clauseId } = c.req.valid("param");
      const b = c.req.valid("json");
      return c.json(
        await store.saveJustification(
          db,
          c.get("principal"),
          id,
          { avtalId, avtalVersion: b.avtalVersion, clauseId },
          b.justification,
        ),
        200,
      );
    },
  );
  app.openapi(
    route({
      method: "post",
      path: "/api/workbooks/{id}/deviation-responses/{avtalId}/{clauseId}/decision",
      summary: "Godta eller avvisa utförarens förklaring (mottagarens controller)",
      request: { params: S.DeviationParamSchema, ...body(S.DecisionSchema) },
      responses: { 200: json(S.DeviationResponseSchema, "Beslutet"), ...errors },
    }),
    async (c) => {
      const { id, avtalId, clauseId } = c.req.valid("param");
      const b = c.req.valid("json");
      return c.json(
        await store.decideDeviation(
          db,
          c.get("principal"),
          id,
          { avtalId, avtalVersion: b.avtalVersion, clauseId },
          b.decision,
          b.note,
        ),
        200,
      );
    },
  );

  // ------------------------------------------------------------------ sync
  app.openapi(
    route({
      method: "post",
      path: SYNC_ROUTES.push,
      summary: "Skicka ändringar (idempotent, en transaktion)",
      request: body(PushRequestSchema),
      responses: { 200: json(PushResponseSchema, "Utfall per ändring"), ...errors },
    }),
    async (c) => {
      const b = c.req.valid("json");
      return c.json(await applyPush(db, c.get("principal"), b.clientId, b.mutations), 200);
    },
  );
  app.openapi(
    route({
      method: "get",
      path: SYNC_ROUTES.pull,
      summary: "Hämta ändringar efter en markör",
      request: { query: PullQuerySchema },
      responses: { 200: json(PullResponseSchema, "En sida ändringar"), ...errors },
    }),
    async (c) => c.json(await pull(db, c.get("principal"), c.req.valid("query")), 200),
  );

  // ------------------------------------------------------------------ cost keys (finance)
  app.openapi(
    route({
      method: "get",
      path: "/api/cost-keys",
      summary: "Avtal med fördelningsnycklar där den egna regionen är part (finance)",
      responses: {
        200: json(z.array(S.AgreementSchema), "Avtal, nycklar, versioner och godkännanden"),
        ...errors,
      },
    }),
    async (c) => c.json(await store.listAgreements(db, c.get("principal")), 200),
  );
  app.openapi(
    route({
      method: "post",
      path: "/api/cost-keys/{keyId}/versions",
      summary: "Nytt utkast av en nyckel (finance)",
      request: { params: S.KeyIdParamSchema, ...body(S.NewDraftSchema) },
      responses: { 201: json(S.CostKeyVersionSchema, "Utkast"), ...errors },
    }),
    async (c) =>
      c.json(
        await store.createDraft(db, c.get("principal"), c.req.valid("param").keyId, c.req.valid("json")),
        201,
      ),
  );
  app.openapi(
    route({
      method: "post",
      path: "/api/cost-key-versions/{versionId}/propose",
      summary: "Föreslå ett utkast (finance)",
      request: { params: S.VersionIdParamSchema },
      responses: { 200: json(S.CostKeyVersionSchema, "Föreslagen"), ...errors },
    }),
    async (c) =>
      c.json(await store.proposeVersion(db, c.get("principal"), c.req.valid("param").versionId), 200),
  );
  app.openapi(
    route({
      method: "post",
      path: "/api/cost-key-versions/{versionId}/approve",
      summary: "Godkänn för den egna regionen (finance); aktiv när alla parter godkänt",
      request: { params: S.VersionIdParamSchema },
      responses: { 200: json(S.CostKeyVersionSchema, "Version"), ...errors },
    }),
    async (c) =>
      c.json(await store.approveVersion(db, c.get("principal"), c.req.valid("param").versionId), 200),
  );

  app.doc("/api/openapi.json", {
    openapi: "3.0.3",
    info: {
      title: "Uppföljning – delad lagring",
      version: "1",
      description: "API för arbetsböcker, synk, inlämningar med kvitton och fördelningsnycklar.",
    },
  });

  app.all("/api/*", (c: Context) =>
    c.json({ code: "not_found", message: "Det finns ingen sådan API-adress." }, 404),
  );
  return app;
}
