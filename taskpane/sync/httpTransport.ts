/**
 * The sync transport over HTTP (fetch): POST /api/sync/push and GET /api/sync/pull with a Bearer
 * token. Requests are validated with the protocol schemas before sending, replies after
 * receiving; every failure becomes a SyncTransportError the client knows how to handle.
 */
import {
  PullResponseSchema,
  PushRequestSchema,
  PushResponseSchema,
  SYNC_ROUTES,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from "../../src/sync/protocol";
import { SyncTransportError, type PullParams, type SyncTransport } from "../../src/sync/transport";
import type { z } from "zod";

export interface HttpTransportOptions {
  /** e.g. "https://uppfoljning.example.se" (no trailing slash needed). */
  baseUrl: string;
  /** The user the token belongs to (the client never pushes another user's outbox with it). */
  userId: string;
  /** The current Bearer token for `userId` (called per request, so a refreshed token is used). */
  getToken: () => Promise<string>;
  /** Give up on a request after this long (default 20 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

async function errorMessage(res: Response): Promise<{ message: string; code?: string }> {
  try {
    const body = (await res.json()) as { error?: unknown; message?: unknown; code?: unknown };
    const message =
      typeof body.message === "string"
        ? body.message
        : typeof body.error === "string"
          ? body.error
          : typeof (body.error as { message?: unknown })?.message === "string"
            ? String((body.error as { message: string }).message)
            : `HTTP ${res.status}`;
    const code = typeof body.code === "string" ? body.code : undefined;
    return { message, code };
  } catch {
    return { message: `HTTP ${res.status}` };
  }
}

export class HttpSyncTransport implements SyncTransport {
  readonly userId: string;
  private readonly baseUrl: string;
  private readonly getToken: () => Promise<string>;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: HttpTransportOptions) {
    this.userId = options.userId;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.getToken = options.getToken;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async push(request: PushRequest): Promise<PushResponse> {
    const checked = PushRequestSchema.safeParse(request);
    if (!checked.success) {
      const i = checked.error.issues[0];
      throw new SyncTransportError(
        "bad-request",
        `${i?.message ?? "ogiltig sändning"} (${i?.path.join(".") ?? ""})`,
      );
    }
    return this.call(
      SYNC_ROUTES.push,
      { method: "POST", body: JSON.stringify(checked.data) },
      PushResponseSchema,
    );
  }

  async pull(params: PullParams): Promise<PullResponse> {
    const q = new URLSearchParams({ since: params.since });
    if (params.workbookId !== undefined) q.set("workbookId", params.workbookId);
    if (params.limit !== undefined) q.set("limit", String(params.limit));
    return this.call(`${SYNC_ROUTES.pull}?${q.toString()}`, { method: "GET" }, PullResponseSchema);
  }

  private async call<S extends z.ZodType>(path: string, init: RequestInit, schema: S): Promise<z.infer<S>> {
    let token: string;
    try {
      token = await this.getToken();
    } catch (err) {
      throw new SyncTransportError(
        "auth",
        `Ingen inloggning: ${err instanceof Error ? err.message : String(err)}`,
        401,
      );
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        ...init,
        headers: {
          accept: "application/json",
          authorization: `Bearer ${token}`,
          ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
        },
        signal: controller.signal,
      });
    } catch (err) {
      clearTimeout(timer);
      if (controller.signal.aborted) throw new SyncTransportError("timeout", "Servern svarade inte i tid");
      throw new SyncTransportError(
        "offline",
        `Ingen kontakt med servern (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    try {
      if (!res.ok) {
        const { message, code } = await errorMessage(res);
        const kind =
          res.status === 401
            ? "auth"
            : res.status === 403
              ? "forbidden"
              : res.status === 429 || res.status >= 500
                ? "server"
                : "bad-request";
        throw new SyncTransportError(kind, message, res.status, code);
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        if (controller.signal.aborted) throw new SyncTransportError("timeout", "Servern svarade inte i tid");
        throw new SyncTransportError("invalid-reply", "Svaret från servern var inte JSON", res.status);
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new SyncTransportError(
          "invalid-reply",
          `Oväntat svar från servern: ${i?.message ?? ""} (${i?.path.join(".") ?? ""})`,
          res.status,
        );
      }
      return parsed.data;
    } finally {
      clearTimeout(timer);
    }
  }
}
