/**
 * The read and cancel handlers at their edge, on the in-memory fakes with a stand-in token
 * verifier (a token is the person's id): content negotiation for the request page, the number as
 * a name, 404 for another department, and the cancel form (anti-forgery value, 303 back).
 */
import { SessionStore } from '../../../lambdas/app/session';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { makeHandler as readHandler, prefersHtml } from '../../../lambdas/handlers/read-requests';
import { makeHandler as cancelHandler } from '../../../lambdas/handlers/cancel-request';
import { makeHandler as resendHandler } from '../../../lambdas/handlers/resend-notification';
import { DIRECTORY } from '../../integration/support/people';
import { world } from '../app/fakes';
import { askApprover, submitAndRoute } from '../app/flows';

const identity = {
  tokenVerifier: { verify: async (token: string) => ({ subject: token, emailVerified: false }) },
  people: DIRECTORY,
};

const event = (method: string, resource: string, id: string, headers: Record<string, string>, body?: string): APIGatewayProxyEvent => ({
  httpMethod: method, resource, path: resource.replace('{id}', id), pathParameters: { id }, headers, body: body ?? null,
  queryStringParameters: null, multiValueQueryStringParameters: null, multiValueHeaders: {}, isBase64Encoded: false, stageVariables: null,
  requestContext: {} as APIGatewayProxyEvent['requestContext'],
});
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const setUp = async () => {
  const w = world();
  // No browser in these tests sends a session cookie: the store is never asked.
  const sessions = new SessionStore({} as never, 'Sessions', 'http://127.0.0.1:3000');
  const deps = { ...w.deps, ...identity, sessions } as Parameters<typeof readHandler>[0] & Parameters<typeof cancelHandler>[0];
  const id = await submitAndRoute(w, 'micro-direct');
  await askApprover(w, id, 0);
  return { w, id, read: readHandler(deps), cancel: cancelHandler(deps) };
};

test('Accept decides: a browser gets the page, curl and API clients JSON; both vary on Accept', () => {
  const accept = (value?: string) => prefersHtml(event('GET', '/requests/{id}', 'x', value === undefined ? {} : { Accept: value }));
  expect(accept(BROWSER)).toBe(true);
  expect(accept('*/*')).toBe(false);
  expect(accept()).toBe(false);
  expect(accept('application/json')).toBe(false);
  expect(accept('application/json, text/html;q=0.5')).toBe(false);
  expect(accept('text/html;q=0.9, application/json;q=0.8')).toBe(true);
});

test('GET /requests/{id}: HTML with an svg for the browser, the same JSON as before for the API, by id or by number', async () => {
  const { read, id } = await setUp();
  const page = await read(event('GET', '/requests/{id}', id, { Accept: BROWSER, Authorization: 'Bearer p-ana-ruiz' }));
  expect(page.statusCode).toBe(200);
  expect(page.headers!['Content-Type']).toMatch(/^text\/html/);
  expect(page.headers!.Vary).toBe('Accept');
  expect(page.body).toContain('<svg');
  expect(page.body).toContain('PR-2026-000001');

  const asJson = await read(event('GET', '/requests/{id}', id, { Authorization: 'Bearer p-ana-ruiz' }));
  expect(asJson.statusCode).toBe(200);
  expect(asJson.headers!.Vary).toBe('Accept');
  expect(JSON.parse(asJson.body)).toMatchObject({ id, number: 'PR-2026-000001', status: 'PENDING_APPROVAL' });

  const byNumber = await read(event('GET', '/requests/{id}', 'PR-2026-000001', { Authorization: 'Bearer p-ana-ruiz' }));
  expect(JSON.parse(byNumber.body)).toMatchObject({ id });
  const audit = await read(event('GET', '/requests/{id}/audit', 'PR-2026-000001', { Authorization: 'Bearer p-ana-ruiz' }));
  expect(JSON.parse(audit.body)).toMatchObject({ requestId: id, verified: true });
  const unknown = await read(event('GET', '/requests/{id}', 'PR-2026-000999', { Authorization: 'Bearer p-ana-ruiz' }));
  expect(unknown.statusCode).toBe(404);
});

test("another department's head gets 404 in both forms, as if the request did not exist; their own department's head reads it", async () => {
  const { read, id } = await setUp();
  const police = (accept?: string) => read(event('GET', '/requests/{id}', id, { Authorization: 'Bearer p-laura-chen', ...(accept ? { Accept: accept } : {}) }));
  expect((await police(BROWSER)).statusCode).toBe(404);
  expect((await police(BROWSER)).body).toContain('No such request');
  expect((await police(BROWSER)).body).not.toContain('Safety vests');
  expect((await police()).statusCode).toBe(404);
  const own = await read(event('GET', '/requests/{id}', id, { Authorization: 'Bearer p-dana-ortiz', Accept: BROWSER }));
  expect(own.statusCode).toBe(200);
});

test('a browser without credentials is sent to sign in; the JSON API answers 401', async () => {
  const { read, id } = await setUp();
  const page = await read(event('GET', '/requests/{id}', id, { Accept: BROWSER }));
  expect(page.statusCode).toBe(303);
  expect(page.headers!.Location).toMatch(/^\/sign-in\?next=/);
  expect((await read(event('GET', '/requests/{id}', id, {}))).statusCode).toBe(401);
});

test('the cancel form: purchasing without a reason is refused (400 page, nothing changes); with one it is 303 back to the page', async () => {
  const { w, cancel, id } = await setUp();
  const form = (body: string) => cancel(event('POST', '/requests/{id}/cancel', id, { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer p-jordan-blake' }, body));
  const refused = await form('reason=');
  expect(refused.statusCode).toBe(400);
  expect(refused.body).toContain('needs a reason');
  expect((await w.deps.requests.get(id))!.status).toBe('PENDING_APPROVAL');

  const done = await form('reason=Duplicate+of+another+request');
  expect(done.statusCode).toBe(303);
  expect(done.headers!.Location).toBe('/requests/PR-2026-000001?done=cancelled');
  expect((await w.deps.requests.get(id))!).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'Duplicate of another request', by: { kind: 'purchasing' } } });
});

test('the JSON cancel is unchanged: 200 with the status (and now the number)', async () => {
  const { cancel, id } = await setUp();
  const response = await cancel(event('POST', '/requests/{id}/cancel', id, { 'Content-Type': 'application/json', Authorization: 'Bearer p-ana-ruiz' }, '{}'));
  expect(response.statusCode).toBe(200);
  expect(JSON.parse(response.body)).toMatchObject({ id, number: 'PR-2026-000001', status: 'CANCELLED' });
});

test('the Resend form: purchasing gets a page saying there is nothing to resend once the email was delivered; after a failed delivery, 303 back', async () => {
  const { w, id } = await setUp();
  const resend = resendHandler({ ...w.deps, ...identity } as Parameters<typeof resendHandler>[0]);
  const form = (as: string) => resend(event('POST', '/requests/{id}/resend-notification', id, { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${as}` }, 'formToken='));
  const nothing = await form('p-jordan-blake');
  expect(nothing.statusCode).toBe(409);
  expect(nothing.body).toContain('Nothing to resend');
  expect((await form('p-laura-chen')).statusCode).toBe(404);

  // The approver's email was never delivered: clear the record of it, as a failed send leaves it.
  const checkpoint = w.requests.items.get(`REQUEST#${id}|CHECKPOINT#00`)!;
  checkpoint.notified = {};
  const sent = await form('p-jordan-blake');
  expect(sent.statusCode).toBe(303);
  expect(sent.headers!.Location).toBe('/requests/PR-2026-000001?done=resent');
});
