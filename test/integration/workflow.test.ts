/**
 * The product's main job, end to end on the embedded local stack: a request goes in over HTTP,
 * approvers are asked by email in turn, they open the link and post their decision, and the
 * request comes out approved, rejected, returned or cancelled with every step in a verified
 * audit trail. Real dynalite, real aws-local-stepfunctions running the ASL file, real maildev.
 */
import { approvalLink, decide, openLink, postDecision, purchase, startHarness, type Harness } from './support/harness';
import { withDocuments } from './support/documents';

const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const PURCHASING = 'jordan.blake@sample-city.example';
const FINANCE = 'grace.kim@sample-city.example';
const CITY_MANAGER = 'alex.rivera@sample-city.example';
const REQUESTER = 'ana.ruiz@city.example';

const cooperative = {
  type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true,
};

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

const auditTypes = async (id: string) => {
  const audit = await h.api.audit(id);
  expect(audit.status).toBe(200);
  expect(audit.body.verified).toBe(true);
  return audit.body.events.map((e: { type: string }) => e.type) as string[];
};

test('a micro purchase goes to the department head alone and ends APPROVED, the requester told', async () => {
  const submitted = await h.api.submit(purchase({ title: 'Safety cones', amount: 1200, vendor: { name: 'Cone Co' } }));
  expect(submitted.status).toBe(202);
  expect(submitted.body).toMatchObject({ id: expect.any(String), status: 'SUBMITTED', links: { self: `/requests/${submitted.body.id}` } });
  const id = submitted.body.id as string;

  const mail = await h.mail.waitFor(DEPT_HEAD, /Safety cones/);
  const view = await h.api.get(id);
  expect(view.body).toMatchObject({ status: 'PENDING_APPROVAL', tier: { id: 'micro' }, method: { type: 'direct', eligible: true } });
  expect(view.body.checkpoints.map((c: { role: string }) => c.role)).toEqual(['department-head']);
  expect(view.body.currentCheckpoint).toMatchObject({ role: 'department-head', approver: { email: DEPT_HEAD } });

  const result = await decide(approvalLink(mail), { decision: 'approve', comment: 'fine' });
  expect(result.status).toBe(200);

  const done = await h.api.waitForStatus(id, 'APPROVED');
  expect(done.decision).toMatchObject({ status: 'APPROVED' });
  expect(done.checkpoints[0]).toMatchObject({ state: 'approved', decidedBy: 'Dana Ortiz', comment: 'fine' });
  const outcome = await h.mail.waitFor(REQUESTER, /approved/i);
  expect(outcome.text).toContain('Safety cones');
  // The mail goes out before `requester-notified` is appended: wait for that last event, so the
  // JSON trail and the CSV below are read from the same, finished trail.
  const trail = await h.api.waitForAudit(id, 'requester-notified');
  expect(trail.verified).toBe(true);
  const events = trail.events as Array<{ seq: number; type: string; hash: string }>;
  expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['request-submitted', 'request-routed', 'checkpoint-opened', 'approval-requested', 'checkpoint-approved', 'request-finalized']));

  // The auditor's export: the same events as CSV, with the verification in a header.
  const csv = await fetch(`${h.api.baseUrl}/requests/${id}/audit?format=csv`, { headers: await h.api.authorization('GET', `/requests/${id}/audit?format=csv`) });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  expect(csv.headers.get('x-audit-verified')).toBe('true');
  const rows = (await csv.text()).trim().split('\r\n');
  expect(rows).toHaveLength(events.length + 1);
  expect(rows.at(-1)).toMatch(new RegExp(`^${events.at(-1)!.seq},.*,${events.at(-1)!.hash}$`));
  expect((await h.api.call('GET', `/requests/${id}/audit?format=xml`)).body.error.fields).toEqual([{ field: 'format', message: 'must be json or csv' }]);
}, 60_000);

test('a formal cooperative purchase walks four checkpoints in order, each approver emailed only on their turn', async () => {
  const submitted = await h.api.submit(await withDocuments(h.api, purchase({ title: 'Street sweeper', amount: 120000, vendor: { name: 'Sweepers Inc' }, method: cooperative })));
  expect(submitted.status).toBe(202);
  const id = submitted.body.id as string;
  const chain = [DEPT_HEAD, PURCHASING, FINANCE, CITY_MANAGER];

  for (let i = 0; i < chain.length; i += 1) {
    const mail = await h.mail.waitFor(chain[i]!, /Street sweeper/);
    // Nobody later in the chain has been asked yet.
    for (const later of chain.slice(i + 1)) {
      expect((await h.mail.to(later)).filter((m) => /Street sweeper/.test(m.subject))).toHaveLength(0);
    }
    const view = (await h.api.get(id)).body;
    expect(view.currentCheckpoint.approver.email).toBe(chain[i]);
    const result = await decide(approvalLink(mail), { decision: 'approve' });
    expect(result.status).toBe(200);
  }
  const done = await h.api.waitForStatus(id, 'APPROVED');
  expect(done.tier.id).toBe('formal');
  expect(done.method.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);
  expect(done.checkpoints.map((c: { role: string; state: string }) => `${c.role}:${c.state}`)).toEqual([
    'department-head:approved', 'purchasing-agent:approved', 'finance-director:approved', 'city-manager:approved',
  ]);
  const trail = await h.api.waitForAudit(id, 'request-finalized');
  expect(trail.verified).toBe(true);
  expect(trail.events.filter((e: { type: string }) => e.type === 'checkpoint-approved')).toHaveLength(4);
}, 90_000);

test('a rejection at the second checkpoint stops the chain: nobody after it is emailed, the requester is told why', async () => {
  const submitted = await h.api.submit(await withDocuments(h.api, purchase({ title: 'Bridge paint', amount: 60000, vendor: { name: 'Paint Corp' }, method: cooperative })));
  const id = submitted.body.id as string;
  await decide(approvalLink(await h.mail.waitFor(DEPT_HEAD, /Bridge paint/)), { decision: 'approve' });

  const secondLink = approvalLink(await h.mail.waitFor(PURCHASING, /Bridge paint/));
  const withoutReason = await decide(secondLink, { decision: 'reject' });
  expect(withoutReason.status).toBe(400); // a reason is required to reject
  const rejected = await decide(secondLink, { decision: 'reject', comment: 'Use the state contract instead' });
  expect(rejected.status).toBe(200);

  const done = await h.api.waitForStatus(id, 'REJECTED');
  expect(done.checkpoints[1]).toMatchObject({ state: 'rejected', comment: 'Use the state contract instead' });
  expect(done.checkpoints[2].state).toBe('waiting');
  const told = await h.mail.waitFor(REQUESTER, /Bridge paint/);
  expect(told.text).toContain('Use the state contract instead');
  expect((await h.mail.to(FINANCE)).filter((m) => /Bridge paint/.test(m.subject))).toHaveLength(0);
  expect((await h.api.waitForAudit(id, 'checkpoint-rejected')).verified).toBe(true);
}, 60_000);

test('a piggyback on a contract from a private lead agency is RETURNED with the failed check, nobody asked to approve', async () => {
  const submitted = await h.api.submit(purchase({
    title: 'Radios', amount: 80000, vendor: { name: 'Radio Works' },
    method: {
      type: 'piggyback', leadAgency: 'Acme Buying Club', leadAgencyIsPublic: false, contractNumber: 'X-1', expires: '2028-01-01',
      scopeCovers: true, competitivelyBid: true, cooperativeLanguage: true,
    },
  }));
  const id = submitted.body.id as string;
  const done = await h.api.waitForStatus(id, 'RETURNED');
  expect(done.method.eligible).toBe(false);
  expect(done.reasons.length).toBeGreaterThan(0);
  expect(done.checkpoints).toEqual([]);
  const told = await h.mail.waitFor(REQUESTER, /Radios/);
  expect(told.text).toMatch(/public/i);
}, 60_000);

test('a requester can cancel while pending; the open link then says so and takes no decision', async () => {
  const submitted = await h.api.submit(purchase({ title: 'Office chairs', amount: 2400, vendor: { name: 'Chairs R Us' } }));
  const id = submitted.body.id as string;
  const link = approvalLink(await h.mail.waitFor(DEPT_HEAD, /Office chairs/));
  const page = await openLink(link);

  const cancelled = await h.api.call('POST', `/requests/${id}/cancel`, { reason: 'bought elsewhere' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.status).toBe('CANCELLED');
  await h.api.waitForStatus(id, 'CANCELLED');

  const late = await decide(link, { decision: 'approve' });
  expect(late.status).toBe(409);
  expect(page.antiForgery).toBeDefined();
  const again = await h.api.call('POST', `/requests/${id}/cancel`, {});
  expect(again.status).toBe(409);
  const types = await auditTypes(id);
  expect(types).toContain('request-cancelled');
  expect(types).not.toContain('checkpoint-approved');
}, 60_000);

test('the same Idempotency-Key twice creates one request', async () => {
  const body = purchase({ title: 'Printer toner', amount: 300, vendor: { name: 'Toner Town' } });
  const first = await h.api.submit(body, { 'Idempotency-Key': 'toner-2026-11' });
  const second = await h.api.submit(body, { 'Idempotency-Key': 'toner-2026-11' });
  expect(first.status).toBe(202);
  expect(second.status).toBe(202);
  expect(second.body.id).toBe(first.body.id);
  const differentBody = await h.api.submit({ ...body, amount: 301 }, { 'Idempotency-Key': 'toner-2026-11' });
  expect(differentBody.status).toBe(422);
  const listed = await h.api.call('GET', '/requests?department=Public%20Works&limit=100');
  expect(listed.body.items.filter((r: { title: string }) => r.title === 'Printer toner')).toHaveLength(1);
}, 60_000);

test('a second POST on a decided link gets "already decided" naming who decided and when', async () => {
  const submitted = await h.api.submit(purchase({ title: 'Traffic cones', amount: 900, vendor: { name: 'Cone Depot' } }));
  const link = approvalLink(await h.mail.waitFor(DEPT_HEAD, /Traffic cones/));
  const page = await openLink(link);
  const first = await decide(link, { decision: 'approve' });
  expect(first.status).toBe(200);
  const second = await postDecision(link, { decision: 'reject', comment: 'changed my mind', antiForgery: page.antiForgery });
  expect(second.status).toBe(409);
  expect(second.text).toContain('Dana Ortiz');
  const reopened = await openLink(link);
  expect(reopened.status).toBe(409);
  const done = await h.api.waitForStatus(submitted.body.id, 'APPROVED');
  expect(done.checkpoints[0].state).toBe('approved');
}, 60_000);

test('a restart of the stack mid-approval loses nothing: the old link still works and the workflow continues', async () => {
  const submitted = await h.api.submit(await withDocuments(h.api, purchase({ title: 'Park benches', amount: 15000, vendor: { name: 'Bench Makers' }, method: cooperative })));
  const id = submitted.body.id as string;
  const firstLink = approvalLink(await h.mail.waitFor(DEPT_HEAD, /Park benches/));

  await h.restart();

  expect((await h.api.get(id)).body.status).toBe('PENDING_APPROVAL');
  expect((await decide(firstLink, { decision: 'approve' })).status).toBe(200);
  const second = approvalLink(await h.mail.waitFor(PURCHASING, /Park benches/));
  expect((await decide(second, { decision: 'approve' })).status).toBe(200);
  const done = await h.api.waitForStatus(id, 'APPROVED');
  expect(done.checkpoints.map((c: { state: string }) => c.state)).toEqual(['approved', 'approved']);
  expect((await h.mail.to(DEPT_HEAD)).filter((m) => /Park benches/.test(m.subject))).toHaveLength(1);
  await auditTypes(id);
}, 90_000);
