/** API errors: always JSON `{code, message}` with a Swedish message. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 | 503;

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const unauthorized = (message = "Inloggning krävs: ange en giltig token (Authorization: Bearer …).") =>
  new ApiError(401, "unauthorized", message);
export const forbidden = (message = "Din roll har inte behörighet till detta.") =>
  new ApiError(403, "forbidden", message);
export const notFound = (what = "Resursen") => new ApiError(404, "not_found", `${what} finns inte.`);
export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
