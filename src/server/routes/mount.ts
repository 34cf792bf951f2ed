/**
 * Mounting an endpoint descriptor (src/api) on the app: the OpenAPI route is built from the same
 * schemas the typed client uses, the request is validated by them (400 with a Swedish message
 * otherwise), and the handler gets the principal and the validated parts.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import type { EndpointConfig, EndpointReply, EndpointRequest } from "../../api/endpoint";
import { ErrorSchema } from "../../api/common";
import type { Principal } from "../auth";
import type { Db } from "../db";

export type Env = { Variables: { principal: Principal } };
export type App = OpenAPIHono<Env>;

export interface RouteDeps {
  db: Db;
  log: (line: string) => void;
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const ERROR_RESPONSES = {
  400: json(ErrorSchema, "Ogiltig begäran"),
  401: json(ErrorSchema, "Inte inloggad"),
  403: json(ErrorSchema, "Behörighet saknas"),
  404: json(ErrorSchema, "Finns inte (eller tillhör en annan organisation)"),
  409: json(ErrorSchema, "Konflikt med nuvarande tillstånd"),
  413: json(ErrorSchema, "För stor begäran"),
} as const;

/** What a handler gets: the signed-in principal (absent for public endpoints) and the validated request. */
export type HandlerInput<E extends EndpointConfig> = EndpointRequest<E> & { principal: Principal };

export function mount<E extends EndpointConfig>(
  app: App,
  ep: E,
  handler: (input: HandlerInput<E>) => Promise<EndpointReply<E>> | EndpointReply<E>,
): void {
  const request: Record<string, unknown> = {};
  if (ep.params) request.params = ep.params;
  if (ep.query) request.query = ep.query;
  if (ep.body) request.body = { content: { "application/json": { schema: ep.body } }, required: true };
  const route = createRoute({
    method: ep.method,
    path: ep.path,
    summary: ep.summary,
    ...(ep.public ? {} : { security: [{ bearer: [] as string[] }] }),
    request,
    responses: { [ep.status]: json(ep.response, ep.description), ...ERROR_RESPONSES },
  });
  // The route's generic types cannot follow a descriptor chosen at run time; the descriptor's own
  // types (EndpointRequest/EndpointReply) give the handler its types instead.
  app.openapi(route, (async (c: {
    get(k: "principal"): Principal;
    req: { valid(t: string): unknown };
    json(body: unknown, status: number): Response;
  }) => {
    const result = await handler({
      principal: c.get("principal"),
      params: ep.params ? c.req.valid("param") : undefined,
      query: ep.query ? c.req.valid("query") : undefined,
      body: ep.body ? c.req.valid("json") : undefined,
    } as HandlerInput<E>);
    return c.json(result, ep.status);
  }) as never);
}
