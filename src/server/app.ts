/**
 * The HTTP API (Hono + @hono/zod-openapi). Every request body/query/param is validated by the
 * zod schemas that also generate GET /api/openapi.json. Errors are JSON {code, message} in Swedish.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Context } from "hono";
import { z } from "zod";
import { audit } from "./audit";
import type { Authenticator, Principal } from "./auth";
import type { Db } from "./db";
import { ApiError } from "./errors";
import type { EndpointConfig } from "../api/endpoint";
import * as E from "../api/endpoints";
import { ROUTE_MODULES, type Env } from "./routes";

// Swedish messages for zod's built-in checks (the server process only).
z.config(z.locales.sv());

export interface AppDeps {
  db: Db;
  auth: Authenticator;
  maxBodyBytes: number;
  log: (line: string) => void;
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
  const PUBLIC = new Set<string>(
    (Object.values(E) as EndpointConfig[]).filter((e) => e.public).map((e) => e.path),
  );
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

  for (const mountModule of ROUTE_MODULES) mountModule(app, { db, log: deps.log });

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
