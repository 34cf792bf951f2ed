/**
 * The one typed client of the shared store's API, used by the task pane, the custom functions'
 * helpers and the CLI. It calls the endpoint descriptors of src/api (the same ones the server
 * mounts), checks every reply against the endpoint's reply schema, and turns every failure into an
 * ApiError with a Swedish message: the server's own message when it sent one, otherwise what went
 * wrong (no connection, timeout, unexpected reply).
 */
import type { EndpointConfig, EndpointInput, EndpointReply } from "./endpoint";
import { fillPath } from "./endpoint";
import * as E from "./endpoints";
import type { NewDraft } from "./costKeys";
import type { NewWorkbook } from "./workbooks";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    message: string,
    /** HTTP status; 0 = no connection (or no reply in time). */
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
  /** No contact with the server (network down, server not running, timeout). */
  get offline(): boolean {
    return this.status === 0;
  }
}

export const TOKEN_STORAGE_KEY = "uppf.token";

export interface ApiClientOptions {
  /** Base URL of the server ("" = the page's own origin). */
  baseUrl?: string;
  getToken: () => string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface CallOptions {
  /** Use this token instead of getToken() (sign-in check). */
  token?: string;
  signal?: AbortSignal;
}

type Input<E extends EndpointConfig> = EndpointInput<E>;

export class ApiClient {
  readonly baseUrl: string;
  private readonly getToken: () => string | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
    this.getToken = options.getToken;
    this.fetchFn = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** Call an endpoint: validated reply, or an ApiError with a Swedish message. */
  async call<E extends EndpointConfig>(
    ep: E,
    input: Input<E> = {} as Input<E>,
    options: CallOptions = {},
  ): Promise<EndpointReply<E>> {
    const { params, query, body } = input as { params?: object; query?: object; body?: unknown };
    let url = `${this.baseUrl}${fillPath(ep.path, params as Record<string, unknown> | undefined)}`;
    if (query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) qs.set(k, String(v));
      const s = qs.toString();
      if (s) url += `?${s}`;
    }
    const token = options.token ?? this.getToken();
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token && !ep.public) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.timeoutMs);
    const outer = options.signal;
    const onAbort = () => ctrl.abort();
    outer?.addEventListener("abort", onAbort);
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method: ep.method.toUpperCase(),
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
      });
    } catch (e) {
      const aborted = e instanceof Error && e.name === "AbortError";
      throw new ApiError(
        aborted && !outer?.aborted ? "Servern svarade inte i tid." : "Ingen kontakt med servern.",
        0,
      );
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onAbort);
    }
    const text = await res.text().catch(() => "");
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    if (!res.ok) {
      const m = data as { message?: unknown; code?: unknown } | undefined;
      const message =
        typeof m?.message === "string" && m.message
          ? m.message
          : res.status >= 500
            ? `Servern kunde inte utföra begäran just nu (fel ${res.status}). Försök igen om en stund.`
            : `Servern avvisade begäran (fel ${res.status}).`;
      throw new ApiError(message, res.status, typeof m?.code === "string" ? m.code : undefined);
    }
    const parsed = ep.response.safeParse(data);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join(".") || "svaret";
      throw new ApiError(
        `Servern svarade med något oväntat (${where}). Uppdatera tillägget eller kontakta support.`,
        res.status,
        "unexpected_reply",
      );
    }
    return parsed.data as EndpointReply<E>;
  }

  // Named calls for readability; each is one endpoint.
  health() {
    return this.call(E.health);
  }
  me(token?: string) {
    return this.call(E.me, {}, { token });
  }
  workbooks() {
    return this.call(E.listWorkbooks);
  }
  workbook(id: string) {
    return this.call(E.getWorkbook, { params: { id } });
  }
  createWorkbook(body: NewWorkbook) {
    return this.call(E.createWorkbook, { body });
  }
  avtal() {
    return this.call(E.listAvtal);
  }
  submissions(workbookId: string) {
    return this.call(E.listSubmissions, { params: { id: workbookId } });
  }
  costKeys() {
    return this.call(E.listCostKeys);
  }
  createDraft(keyId: string, draft: NewDraft) {
    return this.call(E.createDraft, { params: { keyId }, body: draft });
  }
  propose(versionId: string) {
    return this.call(E.proposeVersion, { params: { versionId } });
  }
  approve(versionId: string) {
    return this.call(E.approveVersion, { params: { versionId } });
  }
  deviationResponses(workbookId: string) {
    return this.call(E.listDeviationResponses, { params: { id: workbookId } });
  }
  /** Utförare: write a justification (clears an earlier decision). */
  saveJustification(
    workbookId: string,
    avtalId: string,
    clauseId: string,
    body: { avtalVersion: string; justification: string },
  ) {
    return this.call(E.saveJustification, { params: { id: workbookId, avtalId, clauseId }, body });
  }
  /** Controller of the receiving organisation: accept or reject the justification. */
  decideDeviation(
    workbookId: string,
    avtalId: string,
    clauseId: string,
    body: { avtalVersion: string; decision: "accepted" | "rejected"; note?: string },
  ) {
    return this.call(E.decideDeviation, { params: { id: workbookId, avtalId, clauseId }, body });
  }
}
