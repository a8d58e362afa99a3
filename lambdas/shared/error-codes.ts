/**
 * The stable error codes of the API and the HTTP status each one answers with: the one mapping,
 * read by the JSON errors (`{ error: { code, message, fields? } }`, ./http.ts) and by the HTML
 * pages alike. Clients key on the code, never on the message or the class name (minified bundles
 * rename classes).
 */
export const HTTP_STATUS = {
  validation_failed: 400,
  /** No valid bearer token (RFC 6750): answered with a `WWW-Authenticate` challenge. */
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  already_decided: 409,
  expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  internal_error: 500,
  mail_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof HTTP_STATUS;

export const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && Object.hasOwn(HTTP_STATUS, value);
