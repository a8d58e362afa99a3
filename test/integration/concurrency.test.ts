/**
 * Races on the embedded local stack. Three things must hold however requests interleave:
 * a checkpoint takes exactly one decision (one recorded decision, one audit event, one SendTask*
 * call that moves the workflow exactly once; everyone else gets 409), an Idempotency-Key
 * names exactly one request however many submissions carry it at once, and when a cancellation
 * and the last approval race, exactly one of them wins and everyone is told the same outcome.
 */
import { approvalLink, openLink, postDecision, purchase, startHarness, type Harness } from './support/harness';
import { withDocuments } from './support/documents';
import { startSfnObserver, type SfnObserver } from './support/sfn-observer';

const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const PURCHASING = 'jordan.blake@sample-city.example';
const REQUESTER = 'ana.ruiz@city.example';

const cooperative = { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true };

let h: Harness;
let sfn: SfnObserver;
beforeAll(async () => {
  sfn = startSfnObserver();
  // The functions' workflow port is watched by the observer; everything else is untouched.
  h = await startHarness({ stack: { wrapWorkflow: sfn.wrap } });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const run = Date.now().toString(36);

test('200 concurrent decision POSTs (approve and reject mixed, each with a valid anti-forgery value) on one checkpoint: one decision, one audit event, one SendTask*, 199 × 409', async () => {
  const title = `Race benches ${run}`;
  const submitted = await h.api.submit(await withDocuments(h.api, purchase({ title, amount: 15000, vendor: { name: 'Bench Makers' }, method: cooperative })));
  expect(submitted.status).toBe(202);
  const id = submitted.body.id as string;
  const link = approvalLink(await h.mail.waitFor(DEPT_HEAD, new RegExp(title)));
  await h.api.waitForAudit(id, 'approval-requested', { index: 0 });

  // Every racer opened the page first, as a person would: 200 valid anti-forgery values.
  const pages = await Promise.all(Array.from({ length: 200 }, () => openLink(link)));
  for (const page of pages) {
    expect(page.status).toBe(200);
    expect(page.antiForgery).toEqual(expect.any(String));
  }
  const sendTaskBefore = sfn.sendTaskCalls().length;
  const callsBefore = sfn.calls.length;

  const results = await Promise.all(pages.map((page, i) => {
    const decision = i % 2 === 0 ? 'approve' : 'reject';
    return postDecision(link, {
      decision, comment: decision === 'reject' ? `racer ${i} says no` : `racer ${i} says yes`, antiForgery: page.antiForgery,
    }, { json: i % 4 < 2 }).then((r) => ({ ...r, i, decision, json: i % 4 < 2 }));
  }));

  const statuses = results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  expect(statuses).toEqual({ 200: 1, 409: 199 });
  const winner = results.find((r) => r.status === 200)!;
  const word = winner.decision === 'approve' ? 'approved' : 'rejected';
  for (const loser of results.filter((r) => r.status === 409)) {
    if (loser.json) {
      expect(loser.body.error.code).toBe('already_decided');
      expect(loser.body.error.message).toContain(`already ${word} by Dana Ortiz`);
    } else {
      expect(loser.text).toContain('Dana Ortiz');
      expect(loser.text).toMatch(new RegExp(`already ${word}`, 'i'));
    }
  }

  // The workflow moved exactly once: to the next approver, or to REJECTED.
  if (winner.decision === 'approve') {
    await h.mail.waitFor(PURCHASING, new RegExp(title));
    await h.api.waitForAudit(id, 'approval-requested', { index: 1 });
    expect((await h.mail.to(PURCHASING)).filter((m) => m.subject.includes(title))).toHaveLength(1);
  } else {
    await h.api.waitForStatus(id, 'REJECTED');
    await h.api.waitForAudit(id, 'requester-notified');
    expect((await h.mail.to(PURCHASING)).filter((m) => m.subject.includes(title))).toHaveLength(0);
  }
  const view = (await h.api.get(id)).body;
  expect(view.checkpoints[0]).toMatchObject({ state: word, decidedBy: 'Dana Ortiz', comment: `racer ${winner.i} says ${winner.decision === 'approve' ? 'yes' : 'no'}` });
  expect(view.checkpoints.filter((c: { decidedAt?: string; state: string }) => ['approved', 'rejected'].includes(c.state))).toHaveLength(1);
  expect(view.status).toBe(winner.decision === 'approve' ? 'PENDING_APPROVAL' : 'REJECTED');

  const audit = (await h.api.audit(id)).body;
  expect(audit.verified).toBe(true);
  const decisions = audit.events.filter((e: { type: string }) => /^checkpoint-(approved|rejected)$/.test(e.type));
  expect(decisions).toHaveLength(1);
  expect(decisions[0]).toMatchObject({ type: `checkpoint-${word}`, data: { index: 0 } });
  expect(audit.events.filter((e: { type: string }) => e.type === 'checkpoint-opened')).toHaveLength(winner.decision === 'approve' ? 2 : 1);
  expect(audit.events.filter((e: { type: string }) => e.type === 'request-finalized')).toHaveLength(winner.decision === 'approve' ? 0 : 1);

  // Exactly one SendTask* call reached Step Functions, and it was accepted.
  const sendTask = sfn.sendTaskCalls(callsBefore);
  expect(sfn.sendTaskCalls().length - sendTaskBefore).toBe(1);
  expect(sendTask).toEqual([expect.objectContaining({ operation: winner.decision === 'approve' ? 'SendTaskSuccess' : 'SendTaskFailure', outcome: 'delivered' })]);
}, 120_000);

test('500 concurrent submissions over 50 Idempotency-Keys (10 each): exactly 50 requests, each key one id, no duplicate in GET /requests', async () => {
  const prefix = `Idem ${run}`;
  const keys = Array.from({ length: 50 }, (_, k) => `idem-${run}-${k}`);
  // Informal without a method: routed straight to RETURNED (one short workflow per request).
  const body = (k: number) => purchase({ title: `${prefix} #${k}`, amount: 6000 + k, vendor: { name: `Vendor ${k}` } });
  const jobs = Array.from({ length: 500 }, (_, i) => ({ k: i % 50 }));
  // Interleave the keys so that every key's ten submissions are in flight together.
  const results = await Promise.all(jobs.map(async ({ k }) => ({ k, response: await h.api.submit(body(k), { 'Idempotency-Key': keys[k]! }) })));

  const problems = results.filter((r) => r.response.status !== 202).map((r) => `${r.response.status} ${r.response.text.slice(0, 200)}`);
  expect(problems).toEqual([]);
  const idsByKey = new Map<number, Set<string>>();
  const createdByKey = new Map<number, number>();
  for (const { k, response } of results) {
    (idsByKey.get(k) ?? idsByKey.set(k, new Set()).get(k)!).add(response.body.id);
    if (response.body.created) createdByKey.set(k, (createdByKey.get(k) ?? 0) + 1);
  }
  for (let k = 0; k < 50; k += 1) {
    expect([k, idsByKey.get(k)!.size]).toEqual([k, 1]);
    expect([k, createdByKey.get(k) ?? 0]).toEqual([k, 1]);
  }
  const ids = new Set([...idsByKey.values()].flatMap((s) => [...s]));
  expect(ids.size).toBe(50);

  // What the service holds: 50 requests with these titles, the same 50 ids, no duplicates.
  const listed = (await h.api.listAll()).filter((r) => String(r.title).startsWith(`${prefix} #`));
  expect(listed).toHaveLength(50);
  expect(new Set(listed.map((r) => r.id))).toEqual(ids);
  expect(new Set(listed.map((r) => r.title)).size).toBe(50);
  // Small pages give the same answer (the cursor neither skips nor repeats).
  const paged = (await h.api.listAll({}, 7)).filter((r) => String(r.title).startsWith(`${prefix} #`));
  expect(paged.map((r) => r.id).sort()).toEqual(listed.map((r) => r.id).sort());

  // Each request was submitted once and started one workflow run (routed once).
  for (const id of ids) {
    await h.api.waitForStatus(id, 'RETURNED', 30_000);
    const audit = await h.api.waitForAudit(id, 'requester-notified', { timeoutMs: 30_000 });
    expect(audit.verified).toBe(true);
    const types = audit.events.map((e: { type: string }) => e.type);
    expect([id, types.filter((t: string) => t === 'request-submitted').length]).toEqual([id, 1]);
    expect([id, types.filter((t: string) => t === 'request-routed').length]).toEqual([id, 1]);
    expect([id, types.filter((t: string) => t === 'request-finalized').length]).toEqual([id, 1]);
  }
  // And each requester was told exactly once.
  const told = (await h.mail.to(REQUESTER)).filter((m) => m.subject.includes(prefix));
  const perTitle = new Map<string, number>();
  for (const m of told) {
    const k = /#(\d+)/.exec(m.subject)?.[1];
    perTitle.set(k!, (perTitle.get(k!) ?? 0) + 1);
  }
  expect(perTitle.size).toBe(50);
  expect([...perTitle.values()].every((n) => n === 1)).toBe(true);
}, 180_000);

test('cancel and the last approval racing, 8 pairs: exactly one wins, the final state is what both callers and the requester were told', async () => {
  const prefix = `Race cancel ${run}`;
  const ids = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
    const submitted = await h.api.submit(purchase({ title: `${prefix} #${i}`, amount: 800 + i, vendor: { name: `Racing Supply ${i}` } }));
    expect(submitted.status).toBe(202);
    return submitted.body.id as string;
  }));
  const outcomes = await Promise.all(ids.map(async (id, i) => {
    const title = `${prefix} #${i}`;
    const link = approvalLink(await h.mail.waitFor(DEPT_HEAD, new RegExp(`${title} —`), 60_000));
    await h.api.waitForAudit(id, 'approval-requested', { timeoutMs: 60_000 });
    const page = await openLink(link);
    expect(page.status).toBe(200);
    const json = i % 2 === 0;
    // Both leave together; which reaches the service first is up to the scheduler.
    const [approval, cancellation] = await Promise.all([
      postDecision(link, { decision: 'approve', comment: 'fine by me', antiForgery: page.antiForgery }, { json }),
      h.api.call('POST', `/requests/${id}/cancel`, { reason: 'bought elsewhere' }),
    ]);
    const final = await h.api.waitForStatus(id, ['APPROVED', 'CANCELLED'], 60_000);
    const audit = await h.api.waitForAudit(id, 'requester-notified', { timeoutMs: 60_000 });
    return { id, title, json, approval, cancellation, final, audit };
  }));

  for (const { id, title, json, approval, cancellation, final, audit } of outcomes) {
    const said = json ? JSON.stringify(approval.body) : approval.text;
    expect([id, [approval.status, cancellation.status].sort()]).toEqual([id, [200, 409]]);
    if (approval.status === 200) {
      expect([id, final.status]).toEqual([id, 'APPROVED']);
      expect(said).toMatch(/will be told the request is approved/);
      expect(cancellation.body.error.message).toMatch(/can no longer be cancelled/);
    } else {
      expect([id, final.status]).toEqual([id, 'CANCELLED']);
      expect(cancellation.body.status).toBe('CANCELLED');
      expect(said).toMatch(/already cancelled/i);
      expect(said).not.toMatch(/will be told the request is approved/);
      if (json) expect(approval.body.error.code).toBe('already_decided');
    }
    expect(audit.verified).toBe(true);
    const finalized = audit.events.filter((e: { type: string }) => e.type === 'request-finalized');
    expect([id, finalized.map((e: { data: { status: string } }) => e.data.status)]).toEqual([id, [final.status]]);
    expect(audit.events.filter((e: { type: string }) => e.type === 'request-cancelled')).toHaveLength(final.status === 'CANCELLED' ? 1 : 0);
    // The requester hears the same outcome, once.
    const told = (await h.mail.to(REQUESTER)).filter((m) => m.subject.includes(`${title} —`));
    expect([id, told.map((m) => m.subject)]).toEqual([id, [expect.stringMatching(new RegExp(`^${final.status === 'APPROVED' ? 'Approved' : 'Cancelled'}: ${title} —`))]]);
  }
}, 300_000);
