/**
 * The edge of every API handler: body parsing with limits, JSON responses, and the one place that
 * maps errors to status codes. A user's mistake is a 4xx naming the field; anything unexpected is
 * a 500 with a generic message and the details only in the (token-free) log.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  AntiForgeryCheckFailedError, ApprovalAlreadyDecidedError, ApprovalExpiredError, ApprovalNotFoundError,
  IdempotencyKeyReusedError, PayloadTooLargeError, RequestNotCancellableError, RequestNotFoundError,
  RequestValidationError, SelfApprovalForbiddenError, UnsupportedMediaTypeError,
} from './errors';
import { withCors } from './cors';
import { logger } from './logger';
import { UnknownPolicyError } from '../domain';
import { InvalidCursorError } from '../store/requests-table';

/** Request bodies above this are refused with 413 before parsing (a purchase request is a few KB). */
export const MAX_BODY_BYTES = 64 * 1024;

const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

export const errorJson = (statusCode: number, code: string, message: string, fields?: Array<{ field: string; message: string }>) =>
  json(statusCode, { error: { code, message, ...(fields ? { fields } : {}) } });

export const header = (event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted);
  return entry?.[1] ?? undefined;
};

/** `application/json` or `application/json; charset=utf-8`, not `application/jsonfoo`. */
const isMediaType = (contentType: string, type: string): boolean =>
  contentType === type || contentType.startsWith(`${type};`) || contentType.startsWith(`${type} `);

const rawBody = (event: APIGatewayProxyEvent): string => {
  const body = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  return text;
};

/** Parses a JSON body; the content type must say JSON. */
export const jsonBody = (event: APIGatewayProxyEvent): unknown => {
  const contentType = (header(event, 'content-type') ?? '').toLowerCase();
  const text = rawBody(event);
  if (!isMediaType(contentType, 'application/json')) {
    throw new UnsupportedMediaTypeError('send the body as application/json');
  }
  if (text.trim() === '') throw new RequestValidationError([{ field: 'body', message: 'the body is empty; send a JSON object' }]);
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestValidationError([{ field: 'body', message: 'the body is not valid JSON' }]);
  }
};

/** Parses an HTML form post (application/x-www-form-urlencoded); JSON is accepted too for API clients. */
export const formBody = (event: APIGatewayProxyEvent): Record<string, string> => {
  const contentType = (header(event, 'content-type') ?? '').toLowerCase();
  const text = rawBody(event);
  if (isMediaType(contentType, 'application/json')) {
    const parsed = jsonBody(event);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new RequestValidationError([{ field: 'body', message: 'send a JSON object' }]);
    }
    // Every form field is text: a list or object (`{"decision": ["approve"]}`) is refused, not stringified.
    const notText = Object.entries(parsed).filter(([, v]) => typeof v !== 'string');
    if (notText.length > 0) {
      throw new RequestValidationError(notText.map(([field]) => ({ field, message: 'must be a string' })));
    }
    return parsed as Record<string, string>;
  }
  if (!isMediaType(contentType, 'application/x-www-form-urlencoded')) {
    throw new UnsupportedMediaTypeError('send the form as application/x-www-form-urlencoded');
  }
  return Object.fromEntries(new URLSearchParams(text));
};

export const wantsJson = (event: APIGatewayProxyEvent): boolean => (header(event, 'accept') ?? '').toLowerCase().includes('application/json');

/** Maps the named errors of the use cases to JSON responses. */
export const errorResponse = (error: unknown): APIGatewayProxyResult => {
  if (error instanceof RequestValidationError) return errorJson(400, 'validation_failed', error.message, error.fields);
  if (error instanceof InvalidCursorError) return errorJson(400, 'validation_failed', error.message, [{ field: 'cursor', message: error.message }]);
  if (error instanceof UnknownPolicyError) return errorJson(400, 'validation_failed', error.message, [{ field: 'policy', message: error.message }]);
  if (error instanceof PayloadTooLargeError) return errorJson(413, 'payload_too_large', error.message);
  if (error instanceof UnsupportedMediaTypeError) return errorJson(415, 'unsupported_media_type', error.message);
  if (error instanceof RequestNotFoundError || error instanceof ApprovalNotFoundError) return errorJson(404, 'not_found', error.message);
  if (error instanceof IdempotencyKeyReusedError) return errorJson(422, 'idempotency_key_reused', error.message, [{ field: 'Idempotency-Key', message: error.message }]);
  if (error instanceof RequestNotCancellableError || error instanceof ApprovalAlreadyDecidedError) return errorJson(409, 'conflict', error.message);
  if (error instanceof ApprovalExpiredError) return errorJson(410, 'expired', error.message);
  if (error instanceof AntiForgeryCheckFailedError || error instanceof SelfApprovalForbiddenError) return errorJson(403, 'forbidden', error.message);
  logger.error('unexpected error', { error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
  return errorJson(500, 'internal_error', 'something went wrong on our side; please try again');
};

/** Wraps an API handler so no exception ever reaches the user as a stack trace. */
export const apiHandler = (handle: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>) =>
  async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      return withCors(event, await handle(event));
    } catch (error) {
      return withCors(event, errorResponse(error));
    }
  };

/**
 * The path prefix in front of this API's routes as the browser sees them: `/prod` behind the
 * default API Gateway URL, the base path mapping (or nothing) behind a custom domain, empty
 * locally. Form actions, JSON `links` and `Location` use it.
 */
export const basePath = (event: Pick<APIGatewayProxyEvent, 'path' | 'resource' | 'requestContext'>): string => {
  // The route is the last N segments of the path the browser used (N from the resource template):
  // what precedes them is the stage (`/prod`) or a custom domain's base path mapping. `event.path`
  // cannot tell: behind a custom domain it keeps the mapping's base path.
  const segments = (path: string | undefined) => (path ?? '').split('/').filter(Boolean);
  const full = segments(event.requestContext?.path ?? event.path);
  const prefix = full.slice(0, Math.max(0, full.length - segments(event.resource ?? event.path).length));
  return prefix.length > 0 ? `/${prefix.join('/')}` : '';
};
