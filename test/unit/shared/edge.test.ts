/**
 * The API edge on AWS: links and `Location` carry the prefix the caller used (the stage behind
 * the default execute-api URL, a base path mapping behind a custom domain, nothing locally), and
 * JSON responses carry CORS headers for a configured origin only.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { requestLinks } from '../../../lambdas/app/views';
import { CORS_ORIGINS_ENV, corsHeaders, parseAllowedOrigins } from '../../../lambdas/shared/cors';
import { apiHandler, basePath, json } from '../../../lambdas/shared/http';
import { RequestNotFoundError } from '../../../lambdas/shared/errors';

const ID = '01JDQ7ZKX3M1V6S9T2R8N4P0AB';
const event = (resource: string, path: string, contextPath: string, headers: Record<string, string> = {}) =>
  ({ resource, path, headers, requestContext: { path: contextPath } }) as unknown as APIGatewayProxyEvent;

describe('basePath', () => {
  it.each([
    ['default execute-api URL', event('/requests/{id}', `/requests/${ID}`, `/prod/requests/${ID}`), '/prod'],
    ['custom domain, root mapping', event('/requests/{id}', `/requests/${ID}`, `/requests/${ID}`), ''],
    // Behind a base path mapping API Gateway leaves the mapping in event.path too.
    ['custom domain, base path mapping', event('/requests/{id}', `/purchasing/requests/${ID}`, `/purchasing/requests/${ID}`), '/purchasing'],
    ['local stack', event('/requests', '/requests', '/requests'), ''],
    ['a list route on a stage', event('/requests', '/requests', '/dev/requests'), '/dev'],
    ['the approval page on a stage', event('/approvals/{approvalId}', '/approvals/abc', '/prod/approvals/abc'), '/prod'],
  ])('%s', (_name, e, expected) => {
    expect(basePath(e)).toBe(expected);
  });

  it('prefixes every JSON link, so they resolve behind the execute-api URL', () => {
    expect(requestLinks(ID, '/prod')).toEqual({ self: `/prod/requests/${ID}`, audit: `/prod/requests/${ID}/audit`, cancel: `/prod/requests/${ID}/cancel` });
    expect(requestLinks(ID).self).toBe(`/requests/${ID}`);
  });
});

describe('CORS on responses', () => {
  const allowed = parseAllowedOrigins(' https://purchasing.city.gov , https://intranet.city.gov,');
  const previous = process.env[CORS_ORIGINS_ENV];
  afterEach(() => {
    if (previous === undefined) delete process.env[CORS_ORIGINS_ENV];
    else process.env[CORS_ORIGINS_ENV] = previous;
  });

  it('echoes a listed origin (never *), exposes Location and varies on Origin', () => {
    expect(corsHeaders({ headers: { origin: 'https://intranet.city.gov' } }, allowed)).toEqual({
      'Access-Control-Allow-Origin': 'https://intranet.city.gov',
      'Access-Control-Expose-Headers': 'Location',
      Vary: 'Origin',
    });
  });

  it.each([
    ['an unlisted origin', { Origin: 'https://evil.example' }],
    ['a listed origin with another scheme', { Origin: 'http://purchasing.city.gov' }],
    ['no origin', {}],
  ])('adds no Allow-Origin for %s, but still Vary: Origin', (_name, headers) => {
    expect(corsHeaders({ headers }, allowed)).toEqual({ Vary: 'Origin' });
  });

  it('adds nothing when no origin is configured', () => {
    expect(corsHeaders({ headers: { Origin: 'https://purchasing.city.gov' } }, new Set())).toEqual({});
  });

  it('apiHandler adds the headers to successes and to error answers, from the origins the stack sets', async () => {
    process.env[CORS_ORIGINS_ENV] = 'https://purchasing.city.gov';
    const e = event('/requests/{id}', `/requests/${ID}`, `/prod/requests/${ID}`, { Origin: 'https://purchasing.city.gov' });
    const ok = await apiHandler(async () => json(200, { ok: true }, { Location: '/x' }))(e);
    const missing = await apiHandler(async () => { throw new RequestNotFoundError('no such request'); })(e);
    for (const response of [ok, missing]) {
      expect(response.headers).toMatchObject({ 'Access-Control-Allow-Origin': 'https://purchasing.city.gov', Vary: 'Origin' });
    }
    expect(missing.statusCode).toBe(404);
    expect(ok.headers).toMatchObject({ Location: '/x', 'Content-Type': 'application/json; charset=utf-8' });
  });

  it('apiHandler adds nothing when the stack set no origins', async () => {
    delete process.env[CORS_ORIGINS_ENV];
    const e = event('/requests', '/requests', '/prod/requests', { Origin: 'https://purchasing.city.gov' });
    const response = await apiHandler(async () => json(200, {}))(e);
    expect(Object.keys(response.headers ?? {}).filter((h) => /^(access-control|vary)/i.test(h))).toEqual([]);
  });
});
