/**
 * CORS on real responses of the JSON API. API Gateway answers the preflight (OPTIONS) itself, but
 * a browser also needs `Access-Control-Allow-Origin` on the GET/POST response, or it hides the
 * answer from the calling page. The allowed origins come from the stack (the `corsOrigins` context
 * key) through one environment variable; without it no CORS header is ever added. The request's
 * `Origin` is echoed only when it is on the list, never `*`, and `Vary: Origin` tells caches that
 * the answer depends on it.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** Comma-separated origins, e.g. `https://purchasing.city.gov,https://intranet.city.gov`. */
export const CORS_ORIGINS_ENV = 'CORS_ALLOWED_ORIGINS';

/** Headers a cross-origin caller may read besides the CORS-safelisted ones (202 names the new request). */
const EXPOSED_HEADERS = 'Location';

export const parseAllowedOrigins = (value: string | undefined): ReadonlySet<string> =>
  new Set((value ?? '').split(',').map((origin) => origin.trim()).filter(Boolean));

/** The CORS headers for this request's `Origin`: none unless origins are configured. */
export const corsHeaders = (
  event: Pick<APIGatewayProxyEvent, 'headers'>,
  allowed: ReadonlySet<string> = parseAllowedOrigins(process.env[CORS_ORIGINS_ENV]),
): Record<string, string> => {
  if (allowed.size === 0) return {};
  const origin = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1];
  if (!origin || !allowed.has(origin)) return { Vary: 'Origin' };
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS, Vary: 'Origin' };
};

/** The response with the CORS headers of `event` added (the handler's own headers win on conflict). */
export const withCors = (event: Pick<APIGatewayProxyEvent, 'headers'>, response: APIGatewayProxyResult): APIGatewayProxyResult => {
  const headers = corsHeaders(event);
  return Object.keys(headers).length === 0 ? response : { ...response, headers: { ...headers, ...response.headers } };
};
