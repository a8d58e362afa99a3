/**
 * POST /documents at its edge, with the browser's session (the form's script): allowed only from
 * this site and with the session's form token in X-Form-Token, as a session's form POST is; a
 * bearer token is judged as before, and a request with neither is a 401.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { SessionStore } from '../../../lambdas/app/session';
import { makeHandler } from '../../../lambdas/handlers/upload-document';
import { DIRECTORY } from '../../integration/support/people';
import { FakeDocumentStore } from '../app/fake-documents';

const COOKIE = 'session=the-session-value';
const site = new SessionStore({} as never, 'Sessions', 'http://127.0.0.1:3000').site;
const sessions = {
  site,
  find: async (value: string) => (value === 'the-session-value' ? { personId: 'p-ana-ruiz', formToken: 'form-token-1', signedInAt: '2026-11-28T10:00:00Z' } : undefined),
};
const handler = makeHandler({
  documents: new FakeDocumentStore(),
  clock: () => new Date('2026-11-28T12:00:00Z'),
  tokenVerifier: { verify: async (token: string) => ({ subject: token, emailVerified: false }) },
  people: DIRECTORY,
  sessions: sessions as never,
} as Parameters<typeof makeHandler>[0]);

const BODY = JSON.stringify({ filename: 'quote.pdf', mediaType: 'application/pdf', size: 1200, purpose: 'quote' });
const post = (headers: Record<string, string>) => handler({
  httpMethod: 'POST', resource: '/documents', path: '/documents', pathParameters: null, headers: { 'Content-Type': 'application/json', ...headers }, body: BODY,
  queryStringParameters: null, multiValueQueryStringParameters: null, multiValueHeaders: {}, isBase64Encoded: false, stageVariables: null,
  requestContext: {} as APIGatewayProxyEvent['requestContext'],
} as APIGatewayProxyEvent);

test('the session with its form token, from this site: 201 and an upload URL', async () => {
  const answer = await post({ Cookie: COOKIE, 'X-Form-Token': 'form-token-1', 'Sec-Fetch-Site': 'same-origin' });
  expect(answer.statusCode).toBe(201);
  expect(JSON.parse(answer.body)).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'application/pdf' } });
});

test.each([
  ['no form token', { Cookie: COOKIE, 'Sec-Fetch-Site': 'same-origin' }],
  ['a wrong form token', { Cookie: COOKIE, 'X-Form-Token': 'form-token-2', 'Sec-Fetch-Site': 'same-origin' }],
  ['another site (Sec-Fetch-Site)', { Cookie: COOKIE, 'X-Form-Token': 'form-token-1', 'Sec-Fetch-Site': 'cross-site' }],
  ['another site (Origin)', { Cookie: COOKIE, 'X-Form-Token': 'form-token-1', Origin: 'https://elsewhere.example' }],
])('refused with 403: %s', async (_case, headers) => {
  const answer = await post(headers);
  expect(answer.statusCode).toBe(403);
  expect(JSON.parse(answer.body).error.code).toBe('forbidden');
});

test('no session and no token: 401 with the bearer challenge; an unknown session cookie likewise', async () => {
  for (const headers of [{}, { Cookie: 'session=ended', 'X-Form-Token': 'form-token-1' }] as Array<Record<string, string>>) {
    const answer = await post(headers);
    expect(answer.statusCode).toBe(401);
    expect(answer.headers!['WWW-Authenticate']).toMatch(/^Bearer /);
  }
});

test('an Authorization header is judged as a token only, whatever cookie rides along', async () => {
  expect((await post({ Authorization: 'Bearer p-ana-ruiz' })).statusCode).toBe(201);
  expect((await post({ Authorization: 'Bearer nobody', Cookie: COOKIE, 'X-Form-Token': 'form-token-1' })).statusCode).toBe(401);
});
