/**
 * An endpoint of the shared store's HTTP API: method, path and the zod schemas of its parameters,
 * query, body and reply. The server builds its OpenAPI routes from these descriptors
 * (src/server/routes/mount.ts) and the typed client calls them (src/api/client.ts), so a request
 * or reply type is declared exactly once.
 */
import type { z } from "zod";

export type HttpMethod = "get" | "post" | "put" | "delete";

export interface EndpointConfig {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. "/api/workbooks/{id}". */
  path: string;
  /** Swedish one-line summary (OpenAPI). */
  summary: string;
  /** Swedish description of a successful reply (OpenAPI). */
  description: string;
  /** Success status. */
  status: 200 | 201;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** No sign-in needed (health). */
  public?: boolean;
}

/** Define an endpoint; the config is returned as is, with its literal types kept. */
export function endpoint<const E extends EndpointConfig>(e: E): E {
  return e;
}

type InputOf<S> = S extends z.ZodType ? z.input<S> : undefined;
type OutputOf<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a caller passes: the parts the endpoint has. */
export type EndpointInput<E extends EndpointConfig> = (E["params"] extends z.ZodType
  ? { params: InputOf<E["params"]> }
  : { params?: undefined }) &
  (E["query"] extends z.ZodType ? { query?: InputOf<E["query"]> } : { query?: undefined }) &
  (E["body"] extends z.ZodType ? { body: InputOf<E["body"]> } : { body?: undefined });

/** What a handler receives: the validated parts. */
export interface EndpointRequest<E extends EndpointConfig> {
  params: OutputOf<E["params"]>;
  query: OutputOf<E["query"]>;
  body: OutputOf<E["body"]>;
}

/** The reply type. */
export type EndpointReply<E extends EndpointConfig> = z.output<E["response"]>;

/** Fill the path's {placeholders} from params (URL-encoded). */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null) throw new Error(`Parametern ${name} saknas för ${path}`);
    return encodeURIComponent(String(v));
  });
}
