/**
 * The registry over HTTP on the local stack: purchasing registers and edits contracts (everyone
 * else gets 403), anyone signed in searches; a request naming a registered contract routes with
 * the registry's verified checks and no typed booleans, and its approval adds to the contract's
 * spend; an expired or out-of-scope contract is RETURNED with the reason; the watch, run on a
 * test clock, mails purchasing once per alert.
 */
import { approvalLink, decide, purchase, startHarness, type Harness } from './support/harness';
import { PURCHASING, REQUESTER } from './support/people';

const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const DAY_MS = 86_400_000;
const today = new Date();
const day = (days: number) => new Date(today.getTime() + days * DAY_MS).toISOString().slice(0, 10);

/** The watch's clock: the test moves it; the watch never reads the wall clock here. */
let watchNow = today;

let h: Harness;
beforeAll(async () => { h = await startHarness({ stack: { seedContracts: true, watchClock: () => watchNow } }); }, 60_000);
afterAll(async () => { await h?.close(); });

const purchasing = () => h.api.as(PURCHASING.email);
const requester = () => h.api.as(REQUESTER.email);

const handhelds = {
  vehicle: 'cooperative', number: 'NCPA 02-11', supplier: 'Rugged Handhelds Inc', gpo: 'NCPA', gpoModel: 'lead-agency', leadAgency: 'City of Fresno',
  facts: { leadAgencyPublic: true, competitivelyBid: true, cooperativeLanguage: true },
  categories: ['goods'], scope: 'Handheld citation writers', ceiling: 1500, termStart: day(-30), termEnd: day(100),
};

/** Polls GET /contracts/{id} until `done` holds (the workflow's tasks run asynchronously). */
const untilContract = async (id: string, done: (c: any) => boolean) => {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const read = await requester().call('GET', `/contracts/${id}`);
    if (done(read.body)) return read.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`contract ${id} never reached the expected state`);
};

const search = async (query: string) => {
  const found = await requester().call('GET', `/contracts?${query}`);
  expect(found.status).toBe(200);
  return found.body.items as Array<{ id: string; supplier: string; termEnd: string }>;
};

test('writes are purchasing only: 403 for anyone else, 404 for an unknown contract; facts record their verifier', async () => {
  expect((await requester().call('POST', '/contracts', handhelds)).status).toBe(403);
  const created = await purchasing().call('POST', '/contracts', handhelds);
  expect(created.status).toBe(201);
  expect(created.body.facts.competitivelyBid).toEqual({ value: true, verifiedBy: { id: PURCHASING.id, name: PURCHASING.name, email: PURCHASING.email }, verifiedAt: expect.any(String) });
  expect((await requester().call('PUT', `/contracts/${created.body.id}`, handhelds)).status).toBe(403);
  expect((await purchasing().call('PUT', '/contracts/01J00000000000000000000000', handhelds)).status).toBe(404);
  const bad = await purchasing().call('POST', '/contracts', { ...handhelds, categories: ['toys'] });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields[0]).toMatchObject({ field: 'categories[0]' });

  const edited = await purchasing().call('PUT', `/contracts/${created.body.id}`, { ...handhelds, scope: 'Handheld citation writers and printers' });
  expect(edited.status).toBe(200);
  expect(edited.body.version).toBe(2);
  const read = await requester().call('GET', `/contracts/${created.body.id}`);
  expect(read.body).toMatchObject({ scope: 'Handheld citation writers and printers', spend: 0, audit: { verified: true, events: 2 } });
});

test('anyone signed in finds contracts by supplier, scope or number, and by category', async () => {
  expect((await search('q=acme')).map((c) => c.supplier)).toEqual(['Acme Mobility']);
  expect((await search('q=street%20lighting')).map((c) => c.supplier)).toEqual(['Brightway Lighting']);
  expect((await search('q=KW-2025-117')).map((c) => c.supplier)).toEqual(['Harborline Technology']);
  expect((await search('category=services&active=true')).map((c) => c.supplier)).toEqual(['Harborline Technology']);
  expect((await requester().call('GET', '/contracts?category=toys')).status).toBe(400);
});

test('a request under a registered contract routes with verified checks, and its approval adds to the spend', async () => {
  const contract = (await search('q=rugged%20handhelds'))[0]!;
  const submitted = await requester().submit(purchase({ title: 'Citation writers', method: { type: 'cooperative', contractId: contract.id } }));
  expect(submitted.status).toBe(202);
  const routed = await h.api.waitForStatus(submitted.body.id, 'PENDING_APPROVAL');
  expect(routed.method.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);
  expect(routed.method.checks.find((c: { id: string }) => c.id === 'competitively-bid').detail).toMatch(/— verified by Jordan Blake on \d{4}-\d{2}-\d{2}$/);

  await decide(approvalLink(await h.mail.waitFor(DEPT_HEAD, /Citation writers/)), { decision: 'approve' });
  await decide(approvalLink(await h.mail.waitFor(PURCHASING.email, /Citation writers/)), { decision: 'approve' });
  await h.api.waitForStatus(submitted.body.id, 'APPROVED');
  // The spend is recorded by the same task, just after the outcome: wait for its audit event.
  const detail = await untilContract(contract.id, (c) => c.audit.events >= 4);
  expect(detail.spend).toBe(1200);
  expect(detail.requests).toEqual([expect.objectContaining({ requestId: submitted.body.id, status: 'APPROVED', amount: 1200 })]);
}, 60_000);

test('an expired or out-of-scope registered contract is RETURNED with the reason', async () => {
  const lighting = (await search('q=brightway'))[0]!;
  const late = await requester().submit(purchase({ title: 'Park lights', neededBy: day(60), method: { type: 'cooperative', contractId: lighting.id } }));
  const returned = await h.api.waitForStatus(late.body.id, 'RETURNED');
  expect(returned.reasons[0].message).toBe(`Cooperative contract: contract ends ${lighting.termEnd}, before ${day(60)} (needed by)`);

  const acme = (await search('q=acme'))[0]!;
  const consulting = await requester().submit(purchase({ title: 'Consulting', category: 'professional-services', method: { type: 'cooperative', contractId: acme.id } }));
  const outside = await h.api.waitForStatus(consulting.body.id, 'RETURNED');
  expect(outside.reasons[0].message).toContain("the request is professional-services, outside the contract's scope (goods, technology)");

  const typed = await requester().submit(purchase({ method: { type: 'cooperative', contractId: acme.id, scopeCovers: true } }));
  expect(typed.status).toBe(400);
  expect(typed.body.error.fields).toEqual([{ field: 'method.scopeCovers', message: 'comes from the registered contract (contractId); leave it out' }]);
}, 30_000);

test('the watch mails purchasing before a contract ends and at 80% of its ceiling, once each, on a test clock', async () => {
  const first = await h.stack.watchContracts();
  // The seeded contract ending in 21 days, and the handhelds contract at 80% of its ceiling.
  expect(first.failed).toEqual([]);
  await h.mail.waitFor(PURCHASING.email, /^Contract ends in 21 days: SW 062222-ELE \(Brightway Lighting\)$/);
  await h.mail.waitFor(PURCHASING.email, /^Contract spend at 80% of its ceiling: NCPA 02-11 \(Rugged Handhelds Inc\)$/);
  expect(first.sent).toHaveLength(2);
  expect((await h.stack.watchContracts()).sent).toEqual([]);

  // Ten days on, the handhelds contract has 90 days left.
  watchNow = new Date(today.getTime() + 10 * DAY_MS);
  const later = await h.stack.watchContracts();
  expect(later.sent).toHaveLength(1);
  const notice = await h.mail.waitFor(PURCHASING.email, /^Contract ends in 90 days: NCPA 02-11/);
  expect(notice.text).toContain(`ends on ${day(100)}`);
  expect((await h.mail.to(PURCHASING.email)).filter((m) => m.subject.startsWith('Contract '))).toHaveLength(3);
});
