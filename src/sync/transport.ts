/**
 * The transport between a sync client and the shared store, as the client sees it. The HTTP
 * implementation lives in taskpane/sync/httpTransport.ts; src/sync/memoryServer.ts offers an
 * in-process one (tests, simulation). Both reject with SyncTransportError.
 */
import type { PullResponse, PushRequest, PushResponse } from "./protocol";

export interface PullParams {
  since: string;
  workbookId?: string;
  limit?: number;
}

export interface SyncTransport {
  /** The user whose credentials this transport sends (the client checks outbox authors against it). */
  readonly userId: string;
  push(request: PushRequest): Promise<PushResponse>;
  pull(params: PullParams): Promise<PullResponse>;
}

export type TransportErrorKind =
  /** No connection (fetch failed, network down). Retried. */
  | "offline"
  /** No reply in time; the request may or may not have been processed. Retried. */
  | "timeout"
  /** 401: the token is missing or expired. Retried after backoff (a new token may come). */
  | "auth"
  /** 403: the user may not do this. */
  | "forbidden"
  /** 400/404/409/413/422: the request itself is wrong. */
  | "bad-request"
  /** 5xx or 429. Retried. */
  | "server"
  /** The reply did not match the protocol. Retried. */
  | "invalid-reply";

export class SyncTransportError extends Error {
  override readonly name = "SyncTransportError";
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
  /** Whether the same request may succeed later. Network and server trouble: yes. */
  get retryable(): boolean {
    return this.kind !== "bad-request" && this.kind !== "forbidden";
  }
}
