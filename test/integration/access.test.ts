/**
 * Identity and access against the embedded local stack (issue 9): every JSON route but /health
 * refuses anonymous and forged callers with 401 and a Bearer challenge; the requester is the
 * signed-in person; each role sees and does what the authorization table says (404 for what it
 * may not see, 403 for what it may only read); the audit trail names the verified person; the
 * alias self-approval and the double signature cannot happen; approval links stay one-tap but
 * refuse a browser signed in as somebody else.
 */
import { approvalLink, openLink, postDecision, purchase, startHarness, type Api, type Harness } from './support/harness';
import { AUDITOR, personByEmail, PURCHASING, REQUESTER, untrustedIssuer } from './support/people';

const DANA = personByEmail('dana.ortiz@sample-city.example')!; // head of Public Works
const PRIYA = personByEmail('priya.nair@sample-city.example')!; // head of Parks and Recreation
const KIM = personByEmail('kim.lowe@sample-city.example')!; // a requester of Parks and Recreation
const SAM_LEE = 'sam.lee@sample-city.example'; // Public Works' alternate head

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

let counter = 0;
const unique = (label: string) => `${label} ${Date.now().toString(36)}-${(counter += 1)}`;

/** A micro purchase submitted by `person` (the body names them, as a client would). */
const submitAs = async (person: { name: string; email: string }, overrides: Record<string, unknown> = {}) => {
  const title = unique('Access check');
  const response = await h.api.as(person.email).submit(purchase({
    title, amount: 1200, vendor: { name: `Vendor of ${title}` }, requester: { name: person.name, email: person.email }, ...overrides,
  }));
  expect(response.status).toBe(202);
  return { id: response.body.id as string, title };
};

const challenge = (response: { headers: Headers }) => response.headers.get('www-authenticate') ?? '';

describe('authentication', () => {
  // Three entries each: a shorter row would hand the test a `done` callback instead of the body.
  const ROUTES: Array<[string, string, unknown]> = [
    ['POST', '/requests', purchase()],
    ['GET', '/requests', undefined],
    ['GET', '/requests/01AAAAAAAAAAAAAAAAAAAAAAAA', undefined],
    ['GET', '/requests/01AAAAAAAAAAAAAAAAAAAAAAAA/audit', undefined],
    ['POST', '/requests/01AAAAAAAAAAAAAAAAAAAAAAAA/cancel', {}],
    ['POST', '/requests/01AAAAAAAAAAAAAAAAAAAAAAAA/resend-notification', undefined],
    ['POST', '/routing/preview', purchase()],
  ];

  test.each(ROUTES)('anonymous %s %s → 401 with a Bearer challenge, nothing stored', async (method, path, body) => {
    const before = await h.api.countRequests();
    const response = await h.api.anonymous().call(method, path, body);
    expect(response.status).toBe(401);
    expect(challenge(response)).toBe('Bearer realm="purchase-approval"');
    expect(response.body.error.code).toBe('unauthorized');
    expect(await h.api.countRequests()).toBe(before);
  });

  test('GET /health stays public', async () => {
    expect((await h.api.anonymous().call('GET', '/health')).status).toBe(200);
  });

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
  test.each([
    ['a real token with its subject changed to the department head', async () => {
      const real = await h.api.tokenFor(REQUESTER.email);
      const [header, , signature] = real.split('.');
      return `${header}.${b64({ ...claimsOf(real), sub: personByEmail('dana.ortiz@sample-city.example')!.id })}.${signature}`;
    }],
    ['alg: none with the local issuer\'s claims', async () => {
      const real = await h.api.tokenFor(REQUESTER.email);
      return `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claimsOf(real))}.`;
    }],
    ['a token from an issuer the stack does not trust', async () => (await untrustedIssuer()).mint({ subject: REQUESTER.id, email: REQUESTER.email, extra: { email_verified: true } })],
    ['garbage', async () => 'not-a-token'],
  ])('%s → 401 invalid_token', async (_name, token) => {
    const response = await h.api.anonymous().call('GET', '/requests', undefined, { authorization: `Bearer ${await token()}` });
    expect(response.status).toBe(401);
    expect(challenge(response)).toMatch(/^Bearer realm="purchase-approval", error="invalid_token", error_description="[^"]+"$/);
  });

  test('a token in the query string is refused (401 invalid_request), even with a good header', async () => {
    const token = await h.api.tokenFor(REQUESTER.email);
    const response = await h.api.call('GET', `/requests?access_token=${token}`);
    expect(response.status).toBe(401);
    expect(challenge(response)).toMatch(/error="invalid_request"/);
    expect(response.text).not.toContain(token);
  });
});

describe('the requester is the signed-in person', () => {
  test('a body naming someone else → 400 naming requester; nothing stored', async () => {
    const before = await h.api.countRequests();
    const response = await h.api.as(DANA.email).submit(purchase({ title: unique('On behalf'), requester: { name: REQUESTER.name, email: REQUESTER.email } }));
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([expect.objectContaining({ field: 'requester', message: expect.stringContaining(DANA.email) })]);
    expect(await h.api.countRequests()).toBe(before);
  });

  test('the alias self-approval of issue 9 cannot happen: the department head submitting as dana.ortiz+req@ is the requester, and Sam Lee approves', async () => {
    const title = unique('Alias');
    const submitted = await h.api.as(DANA.email).submit(purchase({
      title, amount: 1200, vendor: { name: `Vendor of ${title}` }, requester: { name: 'D. Ortiz', email: 'Dana.Ortiz+req@sample-city.example' },
    }));
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    const link = approvalLink(await h.mail.waitFor(SAM_LEE, new RegExp(title)));
    const view = (await h.api.as(DANA.email).get(id)).body;
    expect(view.request.requester).toEqual({ name: DANA.name, email: DANA.email });
    expect(view.checkpoints[0].approver.email).toBe(SAM_LEE);
    expect(view.checkpoints[0].reason).toMatch(/Dana Ortiz is the requester/);
    expect((await h.mail.to(DANA.email)).filter((m) => m.subject.includes(title) && /\/approvals\//.test(m.text))).toEqual([]);
    await h.api.as(DANA.email).call('POST', `/requests/${id}/cancel`, { reason: 'test done' });
    expect((await openLink(link)).status).toBe(409);
  }, 30_000);

  test('the audit names the verified person (id, name, email) for the submission and the cancellation', async () => {
    const { id } = await submitAs(REQUESTER);
    expect((await h.api.as(REQUESTER.email).call('POST', `/requests/${id}/cancel`, { reason: 'no longer needed' })).status).toBe(200);
    const audit = await h.api.as(AUDITOR.email).waitForAudit(id, 'request-cancelled');
    const actors = Object.fromEntries(audit.events.map((e: { type: string; actor: unknown }) => [e.type, e.actor]));
    const ana = { id: REQUESTER.id, name: REQUESTER.name, email: REQUESTER.email };
    expect(actors['request-submitted']).toEqual({ kind: 'requester', ...ana });
    expect(actors['request-cancelled']).toEqual({ kind: 'requester', ...ana });
  }, 30_000);
});

describe('authorization on the running stack (the README table)', () => {
  let anas: string;
  beforeAll(async () => { anas = (await submitAs(REQUESTER)).id; }, 30_000);

  const as = (email: string): Api => h.api.as(email);

  test.each([
    ['the requester', REQUESTER.email, 200],
    ['the head of their department', DANA.email, 200],
    ['purchasing', PURCHASING.email, 200],
    ['the auditor', AUDITOR.email, 200],
    ['another department\'s requester', KIM.email, 404],
    ['another department\'s head', PRIYA.email, 404],
  ])('read a Public Works request as %s (%s) → %s (request and trail alike)', async (_who, email, status) => {
    expect((await as(email).get(anas)).status).toBe(status);
    expect((await as(email).audit(anas)).status).toBe(status);
  });

  test.each([
    ['the auditor', AUDITOR.email, 200],
    ['purchasing', PURCHASING.email, 403],
    ['the department head', DANA.email, 403],
    ['the requester', REQUESTER.email, 403],
    ['another department\'s requester', KIM.email, 404],
  ])('export the trail as CSV as %s (%s) → %s', async (_who, email, status) => {
    expect((await as(email).call('GET', `/requests/${anas}/audit?format=csv`)).status).toBe(status);
  });

  test('lists: the requester sees only their own, a department head their department, the auditor everything', async () => {
    const kims = (await submitAs(KIM, { department: 'Parks and Recreation' })).id;
    const ids = async (email: string, query: Record<string, string> = {}) => (await as(email).listAll(query)).map((r) => r.id as string);
    expect(await ids(REQUESTER.email)).toEqual(expect.arrayContaining([anas]));
    expect(await ids(REQUESTER.email)).not.toContain(kims);
    expect(await ids(KIM.email)).toEqual([kims]);
    expect(await ids(DANA.email)).toEqual(expect.arrayContaining([anas]));
    expect(await ids(DANA.email)).not.toContain(kims);
    expect(await ids(AUDITOR.email)).toEqual(expect.arrayContaining([anas, kims]));
    const otherDepartment = await as(DANA.email).call('GET', '/requests?department=Parks%20and%20Recreation');
    expect(otherDepartment.status).toBe(400);
    expect(otherDepartment.body.error.fields[0].field).toBe('department');
  }, 30_000);

  test('cancel: another department 404, the department head and the auditor 403, purchasing needs a reason; the audit names purchasing', async () => {
    const { id } = await submitAs(REQUESTER);
    const cancel = (email: string, body: unknown = {}) => as(email).call('POST', `/requests/${id}/cancel`, body);
    expect((await cancel(KIM.email)).status).toBe(404);
    expect((await cancel(DANA.email)).status).toBe(403);
    expect((await cancel(AUDITOR.email)).status).toBe(403);
    const noReason = await cancel(PURCHASING.email);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields[0].field).toBe('reason');
    expect((await h.api.get(id)).body.status).not.toBe('CANCELLED');
    expect((await cancel(PURCHASING.email, { reason: 'duplicate of an open order' })).status).toBe(200);
    const audit = await as(AUDITOR.email).waitForAudit(id, 'request-finalized');
    expect(audit.events.find((e: { type: string }) => e.type === 'request-cancelled').actor).toEqual({ kind: 'purchasing', id: PURCHASING.id, name: PURCHASING.name, email: PURCHASING.email });
    expect((await h.api.get(id)).body.decision.reasons[0].message).toBe(`Cancelled by purchasing (${PURCHASING.name}): duplicate of an open order`);
  }, 30_000);

  test('resend a notification: purchasing may (409: nothing to resend), the requester and the auditor may not (403), another department 404', async () => {
    const resend = (email: string) => as(email).call('POST', `/requests/${anas}/resend-notification`);
    expect((await resend(PURCHASING.email)).status).toBe(409);
    expect((await resend(REQUESTER.email)).status).toBe(403);
    expect((await resend(AUDITOR.email)).status).toBe(403);
    expect((await resend(KIM.email)).status).toBe(404);
  });

  test('preview is anyone\'s, for themselves only', async () => {
    expect((await as(KIM.email).call('POST', '/routing/preview', purchase({ department: 'Parks and Recreation', requester: { name: KIM.name, email: KIM.email } }))).status).toBe(200);
    const forSomeoneElse = await as(KIM.email).call('POST', '/routing/preview', purchase());
    expect(forSomeoneElse.status).toBe(400);
    expect(forSomeoneElse.body.error.fields[0].field).toBe('requester');
  });
});

describe('one person, one signature per request', () => {
  test('the purchasing agent\'s escalation does not go to the Finance Director, who signs the same request', async () => {
    const { id } = await submitAs(REQUESTER, { amount: 30000 }); // formal tier, competitive by default
    const view = await h.api.waitForStatus(id, 'PENDING_APPROVAL');
    const roles = view.checkpoints.map((c: { role: string; approver: { name: string } }) => `${c.role}:${c.approver.name}`);
    expect(roles).toEqual(expect.arrayContaining(['purchasing-agent:Jordan Blake', 'finance-director:Grace Kim']));
    const purchasing = view.checkpoints.find((c: { role: string }) => c.role === 'purchasing-agent');
    expect(purchasing.reason).toMatch(/not to Grace Kim, who already signs this request as the Finance Director \(one person, one signature per request\)/);
    await h.api.call('POST', `/requests/${id}/cancel`, {});
  }, 30_000);
});

describe('approval links stay one-tap, bound to their recipient', () => {
  test('signed in as someone else: the page says so and refuses (GET and POST); without a sign-in or as the recipient it works', async () => {
    const { id, title } = await submitAs(REQUESTER);
    const link = approvalLink(await h.mail.waitFor(DANA.email, new RegExp(title)));
    await h.api.waitForAudit(id, 'approval-requested', { index: 0 });
    const asKim = { authorization: `Bearer ${await h.api.tokenFor(KIM.email)}` };

    const refused = await fetch(link, { headers: asKim });
    const page = await refused.text();
    expect(refused.status).toBe(403);
    expect(page).toContain(`you are signed in as ${KIM.name}`);
    expect(page).not.toMatch(/name="antiForgery"/);

    const opened = await openLink(link);
    expect(opened.status).toBe(200);
    const posted = await fetch(link, {
      method: 'POST', headers: { ...asKim, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ decision: 'approve', antiForgery: opened.antiForgery! }).toString(),
    });
    expect(posted.status).toBe(403);
    expect((await h.api.get(id)).body.checkpoints[0].state).toBe('pending');

    const asDana = await fetch(link, { headers: { authorization: `Bearer ${await h.api.tokenFor(DANA.email)}` } });
    expect(asDana.status).toBe(200);
    await asDana.text();
    expect((await postDecision(link, { decision: 'approve', antiForgery: opened.antiForgery })).status).toBe(200);
    await h.api.waitForStatus(id, 'APPROVED');
  }, 30_000);
});
