/**
 * The edge of every API handler: body parsing with limits, JSON responses, and the one place that
 * maps errors to status codes. A user's mistake is a 4xx naming the field; anything unexpected is
 * a 500 with a generic message and the details only in the (token-free) log.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { FieldError } from '../domain';
import { HTTP_STATUS, isErrorCode, type ErrorCode } from './error-codes';
import { PayloadTooLargeError, RequestValidationError, UnsupportedMediaTypeError } from './errors';
import { withCors } from './cors';
import { logger } from './logger';

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

/** The API's error shape; the status comes from the code (./error-codes.ts), never chosen here. */
export const errorJson = (code: ErrorCode, message: string, fields?: FieldError[]) =>
  json(HTTP_STATUS[code], { error: { code, message, ...(fields ? { fields } : {}) } });

export const header = (event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted);
  return entry?.[1] ?? undefined;
};

/** `application/json` or `application/json; charset=utf-8`, not `application/jsonfoo`. */
const isMediaType = (contentType: string, type: string): boolean =>
  contentType === type || contentType.startsWith(`${type};`) || contentType.startsWith(`${type} `);

/** The `charset` parameter of a Content-Type (lowercase, quotes removed), if one is declared. */
export const declaredCharset = (contentType: string): string | undefined => {
  for (const parameter of contentType.split(';').slice(1)) {
    const [name, ...value] = parameter.split('=');
    if (name?.trim().toLowerCase() === 'charset') return value.join('=').trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return undefined;
};

/**
 * We read bodies as UTF-8 and nothing else: a body declared in another charset (ISO-8859-1,
 * UTF-16…) would be decoded wrongly and stored mangled, so it is refused with 415 instead.
 * No charset at all means UTF-8 (JSON is UTF-8 by RFC 8259; our form says accept-charset=utf-8).
 */
const requireUtf8 = (contentType: string): void => {
  const charset = declaredCharset(contentType);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new UnsupportedMediaTypeError(`the body is declared as charset=${charset.slice(0, 40)}; send it as UTF-8 (charset=utf-8)`);
  }
};

const rawBody = (event: APIGatewayProxyEvent): string => {
  const body = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  return text;
};

/** Parses a JSON body; the content type must say JSON. */
/** A CSV file to download (an export): never cached, never sniffed as something else. */
export const csvDownload = (filename: string, body: string, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode: 200,
  headers: {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  },
  body,
});

export const jsonBody = (event: APIGatewayProxyEvent): unknown => {
  const contentType = (header(event, 'content-type') ?? '').toLowerCase();
  const text = rawBody(event);
  if (!isMediaType(contentType, 'application/json')) {
    throw new UnsupportedMediaTypeError('send the body as application/json');
  }
  requireUtf8(contentType);
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
  requireUtf8(contentType);
  return Object.fromEntries(new URLSearchParams(text));
};

export const wantsJson = (event: APIGatewayProxyEvent): boolean => (header(event, 'accept') ?? '').toLowerCase().includes('application/json');

/** What a user may be told about an error: its code, message and fields; nothing for a bug. */
export interface ErrorInfo { code: ErrorCode; message: string; fields?: FieldError[] }

/**
 * The one reading of an error: one that carries a known code (ours, the domain's, the store's) is
 * told as it is; anything else, and any `internal_error`, is a bug: logged with its details,
 * answered with a generic 500 that echoes nothing.
 */
export const describeError = (error: unknown): ErrorInfo => {
  const coded = error as { code?: unknown; message?: unknown; fields?: unknown } | null;
  if (error instanceof Error && isErrorCode(coded?.code) && coded.code !== 'internal_error') {
    return { code: coded.code, message: error.message, ...(Array.isArray(coded.fields) ? { fields: coded.fields as FieldError[] } : {}) };
  }
  logger.error('unexpected error', { error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
  return { code: 'internal_error', message: 'something went wrong on our side; please try again' };
};

/** An error as the API's JSON answer. */
export const errorResponse = (error: unknown): APIGatewayProxyResult => {
  const { code, message, fields } = describeError(error);
  return errorJson(code, message, fields);
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
