/**
 * API Gateway locally: a node:http server that turns each request into a REST API (payload v1)
 * proxy event, calls the route's handler in process and turns its result back into a response,
 * with API Gateway's own answers where it would give them (413 over 10 MB, 502 when a handler
 * throws or returns something that is not a proxy result, 504 after 29 s).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { invokeHandler, LOCAL_ACCOUNT, type LambdaHandler } from './lambda-context';
import { BodyTooLargeError, readBody } from './net';

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway resource path, e.g. `/requests/{id}`. */
  path: string;
  functionId: string;
  handler: LambdaHandler;
}

export interface ApiServerOptions {
  /** Resolved per request, so the server can listen (and learn its port) before handlers load. */
  routes: () => readonly ApiRoute[] | undefined;
  log?: (line: string) => void;
  /** @default 10 MB, API Gateway's payload limit */
  maxBodyBytes?: number;
  /** @default 29 s, API Gateway's integration timeout */
  timeoutMs?: number;
}

interface CompiledRoute extends ApiRoute { pattern: RegExp; names: string[]; literalSegments: number }

const compile = (route: ApiRoute): CompiledRoute => {
  const names: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  const source = segments.map((segment) => {
    const param = /^\{(\w+)\}$/.exec(segment);
    if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    names.push(param[1]!);
    return '([^/]+)';
  });
  return { ...route, names, pattern: new RegExp(`^/${source.join('/')}$`), literalSegments: segments.length - names.length };
};

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
};

/** Single- and multi-value maps as API Gateway builds them (last value wins in the single map). */
const valueMaps = (pairs: [string, string][]) => {
  if (pairs.length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of pairs) {
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  return { single, multi };
};

const safeDecode = (value: string): string => {
  try { return decodeURIComponent(value); } catch { return value; }
};

export const toProxyEvent = (
  request: IncomingMessage, route: ApiRoute, pathParameters: Record<string, string> | null, body: string | null,
): APIGatewayProxyEvent => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headerPairs: [string, string][] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) headerPairs.push([request.rawHeaders[i]!, request.rawHeaders[i + 1]!]);
  const headers = valueMaps(headerPairs);
  const query = valueMaps([...url.searchParams.entries()]);
  const method = route.method;
  const now = new Date();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: method,
    headers: headers.single ?? {},
    multiValueHeaders: headers.multi ?? {},
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: method,
      path: url.pathname,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: route.path,
      identity: {
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? null,
        accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, clientCert: null,
        cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, cognitoIdentityId: null,
        cognitoIdentityPoolId: null, principalOrgId: null, user: null, userArn: null,
      },
    },
  };
};

const isProxyResult = (value: unknown): value is APIGatewayProxyResult =>
  !!value && typeof value === 'object' && Number.isInteger((value as { statusCode?: unknown }).statusCode);

export function createApiServer(options: ApiServerOptions): Server {
  const log = options.log ?? (() => undefined);
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 29_000;
  let compiledFrom: readonly ApiRoute[] | undefined;
  let compiled: CompiledRoute[] = [];
  const routes = (): CompiledRoute[] | undefined => {
    const current = options.routes();
    if (current !== compiledFrom) {
      compiledFrom = current;
      // Literal segments win over parameters, as in API Gateway (`/requests/preview` before `/requests/{id}`).
      compiled = (current ?? []).map(compile).sort((a, b) => b.literalSegments - a.literalSegments);
    }
    return current ? compiled : undefined;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const table = routes();
    if (!table) { json(response, 503, { message: 'Service Unavailable' }); return; }
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const isHead = request.method === 'HEAD';
    const method = isHead ? 'GET' : request.method;
    const matches = table.map((route) => ({ route, match: route.pattern.exec(pathname) })).filter((m) => m.match);
    if (matches.length === 0) {
      json(response, 404, { error: { code: 'not_found', message: `no route for ${pathname}` } });
      return;
    }
    const found = matches.find((m) => m.route.method === method);
    if (!found) {
      const allow = [...new Set(matches.flatMap((m) => (m.route.method === 'GET' ? ['GET', 'HEAD'] : [m.route.method])))].join(', ');
      json(response, 405, { error: { code: 'method_not_allowed', message: `${request.method} is not allowed on ${pathname}` } }, { allow });
      return;
    }

    let body: string | null;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      // Stop reading an oversized upload: answer, then drop the connection.
      response.setHeader('connection', 'close');
      json(response, 413, { message: 'Request Entity Too Large' });
      response.on('finish', () => request.destroy());
      return;
    }

    const { route, match } = found;
    const pathParameters = route.names.length ? Object.fromEntries(route.names.map((name, i) => [name, safeDecode(match![i + 1]!)])) : null;
    const event = toProxyEvent(request, route, pathParameters, body);
    let timer: NodeJS.Timeout | undefined;
    let result: unknown;
    try {
      result = await Promise.race([
        invokeHandler(route.functionId, route.handler, event, timeoutMs),
        new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error('timeout')), timeoutMs); }),
      ]);
    } catch (error) {
      const timedOut = (error as Error).message === 'timeout';
      log(`api: ${route.functionId} ${timedOut ? 'timed out' : `threw ${(error as Error).name}: ${(error as Error).message}`} on ${route.method} ${route.path}`);
      json(response, timedOut ? 504 : 502, { message: timedOut ? 'Endpoint request timed out' : 'Internal server error' });
      return;
    } finally {
      clearTimeout(timer);
    }
    if (!isProxyResult(result)) {
      log(`api: ${route.functionId} returned no proxy result on ${route.method} ${route.path}`);
      json(response, 502, { message: 'Internal server error' });
      return;
    }

    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
      const key = name.toLowerCase();
      const existing = headers[key];
      headers[key] = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...values.map(String)];
    }
    const payload = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
    headers['content-length'] = String(payload.length);
    response.writeHead(result.statusCode, headers);
    response.end(isHead ? undefined : payload);
  };

  return createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      log(`api: request failed: ${error.message}`);
      if (!response.headersSent) json(response, 500, { message: 'Internal server error' });
      else response.destroy();
    });
  });
}
