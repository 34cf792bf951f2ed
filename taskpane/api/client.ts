/**
 * The task pane's client for the shared store's REST API (same origin as the pane, Bearer token).
 * Every failure becomes an ApiError with a Swedish message: the server's own message when it sent
 * one, otherwise what went wrong (no connection, timeout, unexpected reply).
 */
import type { z } from "zod";
import type {
  AgreementSchema,
  CostKeyVersionSchema,
  DeviationResponseSchema,
  MeSchema,
  RoleSchema,
  WorkbookSchema,
} from "../../src/server/schemas";

// The reply types are the server's own zod schemas (type-only: nothing of the server is bundled).
export type Role = z.infer<typeof RoleSchema>;
export type Me = z.infer<typeof MeSchema>;
export type CostKeyVersion = z.infer<typeof CostKeyVersionSchema>;
export type Agreement = z.infer<typeof AgreementSchema>;
export type WorkbookInfo = z.infer<typeof WorkbookSchema>;
/** The provider's justification of a contract deviation and the purchaser's decision (server row). */
export type DeviationResponse = z.infer<typeof DeviationResponseSchema>;

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    message: string,
    /** HTTP status; 0 = no connection. */
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
  get offline(): boolean {
    return this.status === 0;
  }
}

export const TOKEN_STORAGE_KEY = "uppf.token";

export interface ApiClientOptions {
  baseUrl?: string;
  getToken: () => string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly getToken: () => string | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
    this.getToken = options.getToken;
    this.fetchFn = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    token = this.getToken(),
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
      });
    } catch (e) {
      const aborted = e instanceof Error && e.name === "AbortError";
      throw new ApiError(aborted ? "Servern svarade inte i tid." : "Ingen kontakt med servern.", 0);
    } finally {
      clearTimeout(timer);
    }
    let data: unknown = undefined;
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    if (!res.ok) {
      const m = data as { message?: unknown; code?: unknown } | undefined;
      const message = typeof m?.message === "string" ? m.message : `Servern svarade ${res.status}.`;
      throw new ApiError(message, res.status, typeof m?.code === "string" ? m.code : undefined);
    }
    return data as T;
  }

  me(token?: string): Promise<Me> {
    return this.request<Me>("GET", "/api/me", undefined, token ?? this.getToken());
  }
  workbooks(): Promise<WorkbookInfo[]> {
    return this.request("GET", "/api/workbooks");
  }
  costKeys(): Promise<Agreement[]> {
    return this.request("GET", "/api/cost-keys");
  }
  createDraft(
    keyId: string,
    draft: { basis: string; note?: string; weights: { orgId: string; weight: number }[] },
  ): Promise<CostKeyVersion> {
    return this.request("POST", `/api/cost-keys/${encodeURIComponent(keyId)}/versions`, draft);
  }
  propose(versionId: string): Promise<CostKeyVersion> {
    return this.request("POST", `/api/cost-key-versions/${encodeURIComponent(versionId)}/propose`);
  }
  approve(versionId: string): Promise<CostKeyVersion> {
    return this.request("POST", `/api/cost-key-versions/${encodeURIComponent(versionId)}/approve`);
  }
  deviationResponses(workbookId: string): Promise<DeviationResponse[]> {
    return this.request("GET", `/api/workbooks/${encodeURIComponent(workbookId)}/deviation-responses`);
  }
  /** Utförare: write a justification (clears an earlier decision). */
  saveJustification(
    workbookId: string,
    avtalId: string,
    clauseId: string,
    body: { avtalVersion: string; justification: string },
  ): Promise<DeviationResponse> {
    return this.request("PUT", deviationPath(workbookId, avtalId, clauseId), body);
  }
  /** Controller of the receiving organisation: accept or reject the justification. */
  decideDeviation(
    workbookId: string,
    avtalId: string,
    clauseId: string,
    body: { avtalVersion: string; decision: "accepted" | "rejected"; note?: string },
  ): Promise<DeviationResponse> {
    return this.request("POST", `${deviationPath(workbookId, avtalId, clauseId)}/decision`, body);
  }
}

function deviationPath(workbookId: string, avtalId: string, clauseId: string): string {
  return `/api/workbooks/${encodeURIComponent(workbookId)}/deviation-responses/${encodeURIComponent(avtalId)}/${encodeURIComponent(clauseId)}`;
}
