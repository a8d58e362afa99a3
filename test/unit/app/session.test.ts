/**
 * The pieces of browser sessions that need no browser: cookie flags per site (Secure and
 * `__Host-` on https), reading cookies, the same-site return path, the cross-site check, and the
 * page edge's choice of viewer (bearer first, then the session) with its anti-forgery checks.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { crossSiteReason, formTokenOf, readCookie, sessionCookieName, setCookie, siteOf, type SessionStore } from '../../../lambdas/app/session';
import { sameSitePath } from '../../../lambdas/app/session-sign-in';
import { authenticatedPage, requireFormToken, type Viewer } from '../../../lambdas/shared/authenticated-page';
import type { PersonRecord } from '../../../lambdas/domain/people';

const AWS = siteOf('https://abc.execute-api.us-east-1.amazonaws.com/prod/');
const LOCAL = siteOf('http://127.0.0.1:3000');

describe('cookies', () => {
  test('on https (AWS): __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/', () => {
    expect(sessionCookieName(AWS)).toBe('__Host-session');
    expect(setCookie(AWS, sessionCookieName(AWS), 'v', { maxAgeSeconds: 60 })).toBe('__Host-session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure');
  });

  test('on http (the local stack): no prefix and no Secure (a browser would drop them), the rest the same', () => {
    expect(setCookie(LOCAL, sessionCookieName(LOCAL), 'v', { maxAgeSeconds: 60 })).toBe('session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax');
  });

  test('a cookie sent twice (one planted by a sibling host, say) is trusted in neither copy', () => {
    const event = (cookie: string) => ({ headers: { Cookie: cookie }, multiValueHeaders: {} });
    expect(readCookie(event('a=1; session=abc; b=2'), 'session')).toBe('abc');
    expect(readCookie(event('session=abc; session=def'), 'session')).toBeUndefined();
    expect(readCookie(event('_session=abc'), 'session')).toBeUndefined();
    expect(readCookie({ headers: {}, multiValueHeaders: { cookie: ['x=1', 'session=abc'] } }, 'session')).toBe('abc');
  });
});

describe('the page to return to after sign-in', () => {
  test.each([
    ['/', '/'],
    ['/requests/01J?tab=route', '/requests/01J?tab=route'],
    ['/approvals/abc', '/approvals/abc'],
  ])('%s is a path of this site', (next, expected) => expect(sameSitePath(next)).toBe(expected));

  test.each([
    'https://evil.example/', '//evil.example', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', 'evil.example',
    '/ space', '/a\r\nSet-Cookie:x', '/a\tb', '/x#frag', '/sign-in?next=/', '/auth/callback', '/sign-out', '', 'x'.repeat(3000),
  ])('%j is refused', (next) => expect(sameSitePath(next)).toBeUndefined());
});

describe('cross-site POSTs', () => {
  const event = (headers: Record<string, string>) => ({ headers });
  test.each([
    [{ 'Sec-Fetch-Site': 'same-origin' }, undefined],
    [{ 'Sec-Fetch-Site': 'same-origin', Origin: 'null' }, undefined],
    [{ Origin: 'http://127.0.0.1:3000' }, undefined],
    [{ Origin: 'null' }, undefined], // left to the form token
    [{}, undefined],
  ])('%j passes', (headers, reason) => expect(crossSiteReason(event(headers), LOCAL)).toBe(reason));

  test.each([
    [{ 'Sec-Fetch-Site': 'same-site' }],
    [{ 'Sec-Fetch-Site': 'cross-site', Origin: 'http://127.0.0.1:3000' }],
    [{ Origin: 'http://127.0.0.1:3001' }],
    [{ Origin: 'https://evil.example' }],
  ])('%j is refused', (headers) => expect(crossSiteReason(event(headers), LOCAL)).toMatch(/another site/));
});

describe('the page edge', () => {
  const DANA: PersonRecord = { id: 'dana-ortiz', name: 'Dana Ortiz', email: 'dana.ortiz@sample-city.example', department: 'Public Works', roles: ['department-head'] };
  const VALUE = 'a'.repeat(43);
  const sessions = {
    site: LOCAL,
    find: async (value: string) => (value === VALUE ? { personId: DANA.id, formToken: formTokenOf(VALUE), signedInAt: '' } : undefined),
  } as unknown as SessionStore;
  const deps = {
    tokenVerifier: { verify: async (token: string) => { if (token !== 'good') throw new Error('unexpected'); return { subject: DANA.id, emailVerified: true }; } },
    people: { findById: (id: string) => (id === DANA.id ? DANA : undefined), findByEmail: () => undefined },
    sessions,
    clock: () => new Date('2026-12-01T10:00:00Z'),
  };
  const seen: Viewer[] = [];
  const handler = authenticatedPage(deps, async (event, viewer) => {
    seen.push(viewer);
    if (event.httpMethod === 'POST') requireFormToken(viewer, Object.fromEntries(new URLSearchParams(event.body ?? '')));
    return { statusCode: 200, body: 'ok' };
  });
  const event = (method: string, headers: Record<string, string>, body?: string) =>
    ({ httpMethod: method, path: '/waiting', resource: '/waiting', headers, multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null, body: body ?? null, requestContext: { path: '/waiting' } }) as unknown as APIGatewayProxyEvent;

  beforeEach(() => { seen.length = 0; });

  test('the session cookie makes a viewer via the session, with the form token', async () => {
    expect((await handler(event('GET', { Cookie: `session=${VALUE}` }))).statusCode).toBe(200);
    expect(seen[0]).toMatchObject({ id: DANA.id, via: 'session', formToken: formTokenOf(VALUE) });
  });

  test('a bearer token comes first, and needs no form token', async () => {
    expect((await handler(event('POST', { Authorization: 'Bearer good', Cookie: `session=${VALUE}` }, 'x=1'))).statusCode).toBe(200);
    expect(seen[0]).toMatchObject({ via: 'bearer' });
  });

  test('no session (or an ended one): a GET is sent to sign in and come back; a POST gets 401', async () => {
    const answer = await handler(event('GET', { Cookie: 'session=' + 'b'.repeat(43) }));
    expect(answer.statusCode).toBe(303);
    expect(answer.headers?.Location).toBe('/sign-in?next=%2Fwaiting');
    expect((await handler(event('POST', {}, 'formToken=x'))).statusCode).toBe(401);
  });

  test('a POST from the session needs its form token and this site', async () => {
    const cookie = { Cookie: `session=${VALUE}`, 'Sec-Fetch-Site': 'same-origin' };
    expect((await handler(event('POST', cookie, ''))).statusCode).toBe(403);
    expect((await handler(event('POST', cookie, 'formToken=wrong'))).statusCode).toBe(403);
    expect((await handler(event('POST', cookie, `formToken=${formTokenOf(VALUE)}`))).statusCode).toBe(200);
    expect((await handler(event('POST', { ...cookie, 'Sec-Fetch-Site': 'cross-site' }, `formToken=${formTokenOf(VALUE)}`))).statusCode).toBe(403);
  });
});
