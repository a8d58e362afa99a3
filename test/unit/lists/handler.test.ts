/**
 * The list pages' handler on the in-memory fakes, with a stand-in token verifier: each person
 * sees their own lists, the hop from the queue opens only the viewer's own approval link, the
 * overview is refused to a requester, and bad addresses are 4xx pages naming the field.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { makeHandler } from '../../../lambdas/handlers/list-pages';
import { SessionStore } from '../../../lambdas/app/session';
import type { PersonRecord } from '../../../lambdas/domain/people';
import { mailboxKey } from '../../../lambdas/domain/mailbox';
import { askApprover, submitAndRoute } from '../app/flows';
import { world, type World } from '../app/fakes';
import { scriptFreeProblems } from '../presentation/fixtures';

const PEOPLE: PersonRecord[] = [
  { id: 'ana', name: 'Ana Ruiz', email: 'ana.ruiz@city.example', department: 'Public Works', roles: ['requester'] },
  { id: 'jordan', name: 'Jordan Blake', email: 'jordan.blake@sample-city.example', roles: ['requester', 'purchasing'] },
  { id: 'avery', name: 'Avery Auditor', email: 'avery@sample-city.example', roles: ['requester', 'auditor'] },
  { id: 'outsider', name: 'Olu Outsider', email: 'olu@sample-city.example', roles: ['requester'] },
];

const handlerFor = (w: World, approver: PersonRecord) => {
  const everyone = [...PEOPLE, approver];
  return makeHandler({
    ...w.deps,
    // The "token" is the person id: the verifier is not what is under test here.
    // No browser in these tests sends a session cookie: the store is never asked.
    sessions: new SessionStore({} as never, 'Sessions', 'http://127.0.0.1:3000'),
    tokenVerifier: { verify: async (token: string) => ({ subject: token, emailVerified: false }) },
    people: { findById: (id) => everyone.find((p) => p.id === id), findByEmail: (email) => everyone.find((p) => mailboxKey(p.email) === mailboxKey(email)) },
  } as Parameters<typeof makeHandler>[0]);
};

const get = (resource: string, as: string | undefined, options: { path?: string; query?: Record<string, string>; params?: Record<string, string> } = {}) => ({
  httpMethod: 'GET',
  resource,
  path: options.path ?? resource,
  headers: as ? { Authorization: `Bearer ${as}` } : {},
  multiValueHeaders: {},
  queryStringParameters: options.query ?? null,
  multiValueQueryStringParameters: null,
  pathParameters: options.params ?? null,
  stageVariables: null,
  body: null,
  isBase64Encoded: false,
  requestContext: { path: options.path ?? resource, stage: 'local' },
}) as unknown as APIGatewayProxyEvent;

let w: World;
let requestId: string;
let approvalId: string;
let approver: PersonRecord;
let handle: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

beforeEach(async () => {
  w = world();
  requestId = await submitAndRoute(w, 'micro-direct');
  approvalId = await askApprover(w, requestId, 0);
  const checkpoint = (await w.requests.getCheckpoint(requestId, 0))!;
  approver = { id: 'head', name: checkpoint.approver.name, email: checkpoint.approver.email, roles: ['requester', 'department-head'] };
  handle = handlerFor(w, approver);
});

const waitingHop = () => get('/waiting/{requestId}/{index}', undefined, { path: `/waiting/${requestId}/0`, params: { requestId, index: '0' } });

describe('my requests', () => {
  it('lists the requester\u2019s request with who holds it; the page has no script and links the request page', async () => {
    const page = await handle(get('/', 'ana'));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/requests/${requestId}"`);
    expect(page.body).toContain('Safety vests');
    expect(page.body).toContain(approver.name);
    expect(scriptFreeProblems(page.body)).toEqual([]);
  });

  it('another person\u2019s home has the empty state pointing at the new-request form', async () => {
    const page = await handle(get('/', 'outsider'));
    expect(page.body).not.toContain(requestId);
    expect(page.body).toContain('href="/requests/new"');
  });

  it('an unknown query parameter is a 400 page naming it; no sign-in is a redirect to sign in', async () => {
    const bad = await handle(get('/', 'ana', { query: { page: '2' } }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<strong>page</strong>');
    const anonymous = await handle(get('/', undefined));
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers?.Location).toBe('/sign-in?next=%2F');
  });
});

describe('waiting for me', () => {
  it('the approver\u2019s queue holds the checkpoint; the page links the hop, never the approval link', async () => {
    const page = await handle(get('/waiting', 'head'));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/waiting/${requestId}/0"`);
    expect(page.body).not.toContain(approvalId);
    expect((await handle(get('/waiting', 'ana'))).body).toContain('Nothing waits for your decision');
  });

  it('the hop sends the approver to their own link (no-store), behind the stage prefix when there is one', async () => {
    const hop = await handle({ ...waitingHop(), headers: { Authorization: 'Bearer head' } });
    expect(hop.statusCode).toBe(303);
    expect(hop.headers).toMatchObject({ Location: `/approvals/${approvalId}`, 'Cache-Control': 'no-store' });
    const staged = await handle({ ...waitingHop(), headers: { Authorization: 'Bearer head' }, requestContext: { path: `/prod/waiting/${requestId}/0`, stage: 'prod' } } as unknown as APIGatewayProxyEvent);
    expect(staged.headers?.Location).toBe(`/prod/approvals/${approvalId}`);
  });

  it.each(['ana', 'jordan', 'outsider'])('the hop is "not found" for %s, who is not the approver', async (who) => {
    const hop = await handle({ ...waitingHop(), headers: { Authorization: `Bearer ${who}` } });
    expect(hop.statusCode).toBe(404);
    expect(hop.body).not.toContain(approvalId);
  });

  it('a malformed request id or position is "not found", never a 500', async () => {
    for (const params of [{ requestId: 'nope', index: '0' }, { requestId, index: '-1' }, { requestId, index: '999' }]) {
      const hop = await handle({ ...get('/waiting/{requestId}/{index}', 'head', { params }) });
      expect(hop.statusCode).toBe(404);
    }
  });

  it('before the approval email is out the hop says so; after the decision it leads to the request page', async () => {
    w.approvals.callbacks.clear();
    const early = await handle({ ...waitingHop(), headers: { Authorization: 'Bearer head' } });
    expect(early.statusCode).toBe(409);
    expect(early.body).toContain('being prepared');
    await w.requests.closeCheckpoint(requestId, 0, ['pending'], 'cancelled', '2026-11-02T16:00:00.000Z');
    const closed = await handle({ ...waitingHop(), headers: { Authorization: 'Bearer head' } });
    expect(closed.statusCode).toBe(303);
    expect(closed.headers?.Location).toBe(`/requests/${requestId}`);
    expect((await handle(get('/waiting', 'head'))).body).toContain('Nothing waits for your decision');
  });
});

describe('all open requests', () => {
  it.each(['jordan', 'avery'])('%s (purchasing or auditor) sees the open request under its stage', async (who) => {
    const page = await handle(get('/purchasing', who));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Showing 1 of 1 open requests');
    expect(page.body).toContain(`href="/requests/${requestId}"`);
  });

  it('a requester or department head gets a 403 page inside the frame, without the data', async () => {
    for (const who of ['ana', 'head']) {
      const page = await handle(get('/purchasing', who));
      expect(page.statusCode).toBe(403);
      expect(page.body).not.toContain('Safety vests');
      expect(page.body).toContain('Signed in as');
    }
    expect((await handle(get('/purchasing', 'ana', { query: { format: 'csv' } }))).statusCode).toBe(403);
  });

  it('the CSV: text/csv, an attachment with a dated name, not sniffable', async () => {
    const csv = await handle(get('/purchasing', 'jordan', { query: { format: 'csv' } }));
    expect(csv.headers).toMatchObject({
      'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="open-requests-2026-11-02.csv"', 'X-Content-Type-Options': 'nosniff',
    });
    expect(csv.body.split('\r\n')).toHaveLength(3);
    expect(csv.body).toContain(requestId);
  });
});
