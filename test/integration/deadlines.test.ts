/**
 * Deadlines (DESIGN §7): a reminder to the approver, escalation to the role's escalation contact,
 * and at the last deadline EXPIRED, never approved. The durations are shortened through test
 * policies (sample-city with `{ seconds }` deadlines, derived in test/fixtures/policies/index.ts)
 * run by the real ASL timeouts (RequestApproval's TimeoutSecondsPath → AdvanceDeadline →
 * AwaitDecision). A callback wait lasts at least 30 s, as on AWS; the local runner runs those
 * timeouts 15 times faster here (about 2 s). Nothing sleeps and nothing asserts on the wall clock.
 */
import { addBusinessDays } from '../../lambdas/domain/deadlines';
import { fastEscalation, fastExpiry, fastReminder } from '../fixtures/policies';
import { approvalLink, decide, openLink, purchase, startHarness, type Harness, type Mail } from './support/harness';

const DEPT_HEAD = 'dana.ortiz@sample-city.example';
/** The escalation contact of Public Works' department head in sample-city (and its copies). */
const ESCALATION = 'morgan.hale@sample-city.example';
const REQUESTER = 'ana.ruiz@city.example';

let h: Harness;
beforeAll(async () => { h = await startHarness({ extraPolicies: [fastExpiry, fastReminder, fastEscalation], timeScale: 15 }); }, 60_000);
afterAll(async () => { await h?.close(); });

const submit = async (policy: string, title: string): Promise<string> => {
  const submitted = await h.api.submit(purchase({ policy, title, amount: 1500, vendor: { name: `${title} Inc` } }));
  expect(submitted.status).toBe(202);
  return submitted.body.id as string;
};

const mailsAbout = async (address: string, title: string): Promise<Mail[]> => (await h.mail.to(address)).filter((m) => m.subject.includes(title));

const auditOf = async (id: string) => {
  const audit = await h.api.audit(id);
  expect(audit.status).toBe(200);
  expect(audit.body.verified).toBe(true);
  return audit.body.events as Array<{ type: string; actor: { kind: string; name?: string; email?: string }; data: Record<string, any> }>;
};

test('unanswered: reminder to the approver (same link), escalation to the contact (own link), then EXPIRED, links 410, requester told, all audited', async () => {
  const title = 'Bench repaint';
  const id = await submit('fast-expiry-city', title);

  const asked = await h.mail.waitFor(DEPT_HEAD, /^Approval needed: Bench repaint/);
  const primaryLink = approvalLink(asked);

  // Reminder (after 2 s): to the same approver, carrying the same link, which still opens.
  const reminder = await h.mail.waitFor(DEPT_HEAD, /^Reminder: approval needed: Bench repaint/);
  expect(approvalLink(reminder)).toBe(primaryLink);
  expect(reminder.text).toMatch(/Reminder: waiting for your decision/);

  // Escalation (after 4 s): to the role's escalation contact, with a link of their own.
  const escalated = await h.mail.waitFor(ESCALATION, /^Escalated: approval needed: Bench repaint/);
  const escalationLink = approvalLink(escalated);
  expect(escalationLink).not.toBe(primaryLink);
  expect(escalated.text).toContain('Dana Ortiz'); // names whom it was escalated from

  // Expiry (after 6 s): EXPIRED, never approved.
  const done = await h.api.waitForStatus(id, 'EXPIRED', 30_000);
  expect(done.decision).toMatchObject({ status: 'EXPIRED' });
  expect(done.checkpoints[0]).toMatchObject({ state: 'expired' });

  // Every link answers 410 Gone, for reading and for deciding.
  for (const link of [primaryLink, escalationLink]) {
    expect((await openLink(link)).status).toBe(410);
    expect((await decide(link, { decision: 'approve', comment: 'late' })).status).toBe(410);
  }

  // The requester is told, once.
  const told = await h.mail.waitFor(REQUESTER, /^Expired: Bench repaint/);
  expect(told.text).toMatch(/not approved/i);

  // Exactly one mail per phase; the escalation contact only once.
  expect((await mailsAbout(DEPT_HEAD, title)).map((m) => m.subject.split(':')[0])).toEqual(['Approval needed', 'Reminder']);
  expect(await mailsAbout(ESCALATION, title)).toHaveLength(1);
  expect(await mailsAbout(REQUESTER, title)).toHaveLength(1);

  await h.api.waitForAudit(id, 'requester-notified');
  const events = await auditOf(id);
  const types = events.map((e) => e.type);
  expect(types).toEqual(expect.arrayContaining(['checkpoint-opened', 'approval-requested', 'reminder-sent', 'approval-escalated', 'checkpoint-expired', 'request-finalized', 'requester-notified']));
  expect(types.indexOf('approval-requested')).toBeLessThan(types.indexOf('reminder-sent'));
  expect(types.indexOf('reminder-sent')).toBeLessThan(types.indexOf('approval-escalated'));
  expect(types.indexOf('approval-escalated')).toBeLessThan(types.indexOf('checkpoint-expired'));
  expect(types.filter((t) => t === 'reminder-sent')).toHaveLength(1);
  expect(types.filter((t) => t === 'approval-escalated')).toHaveLength(1);
  expect(types).not.toContain('checkpoint-approved');
  expect(events.find((e) => e.type === 'reminder-sent')!.data.recipient.email).toBe(DEPT_HEAD);
  expect(events.find((e) => e.type === 'approval-escalated')!.data.recipient.email).toBe(ESCALATION);
  expect(events.find((e) => e.type === 'request-finalized')!.data.status).toBe('EXPIRED');
}, 60_000);

test('a decision between the reminder and the escalation completes normally; nobody is escalated to', async () => {
  const title = 'Hose reels';
  const id = await submit('fast-reminder-city', title);
  const primaryLink = approvalLink(await h.mail.waitFor(DEPT_HEAD, /^Approval needed: Hose reels/));
  const reminder = await h.mail.waitFor(DEPT_HEAD, /^Reminder: approval needed: Hose reels/);
  expect(approvalLink(reminder)).toBe(primaryLink);
  await h.api.waitForAudit(id, 'reminder-sent');

  const decided = await decide(approvalLink(reminder), { decision: 'approve', comment: 'after the nudge' });
  expect(decided.status).toBe(200);
  const done = await h.api.waitForStatus(id, 'APPROVED');
  expect(done.checkpoints[0]).toMatchObject({ state: 'approved', decidedBy: 'Dana Ortiz', comment: 'after the nudge' });
  await h.mail.waitFor(REQUESTER, /^Approved: Hose reels/);

  const types = (await auditOf(id)).map((e) => e.type);
  expect(types).toEqual(expect.arrayContaining(['approval-requested', 'reminder-sent', 'checkpoint-approved', 'request-finalized']));
  expect(types).not.toContain('approval-escalated');
  expect(types).not.toContain('checkpoint-expired');
  expect(await mailsAbout(ESCALATION, title)).toHaveLength(0);
  expect((await openLink(primaryLink)).status).toBe(409); // decided: names who and when
}, 60_000);

test('the escalation contact decides through their own link, recorded on behalf of the approver', async () => {
  const title = 'Pump station valves';
  const id = await submit('fast-escalation-city', title);
  const primaryLink = approvalLink(await h.mail.waitFor(DEPT_HEAD, /^Approval needed: Pump station valves/));
  const escalationLink = approvalLink(await h.mail.waitFor(ESCALATION, /^Escalated: approval needed: Pump station valves/));
  await h.api.waitForAudit(id, 'approval-escalated');

  expect((await decide(escalationLink, { decision: 'approve', comment: 'covering for Dana' })).status).toBe(200);
  const done = await h.api.waitForStatus(id, 'APPROVED');
  expect(done.checkpoints[0].state).toBe('approved');
  expect((await openLink(primaryLink)).status).toBe(409);

  const events = await auditOf(id);
  const approved = events.find((e) => e.type === 'checkpoint-approved')!;
  expect(approved.actor).toMatchObject({ name: 'Morgan Hale', email: ESCALATION, onBehalfOf: { email: DEPT_HEAD } });
  expect(approved.data.via).toBe('escalation');
  expect(events.map((e) => e.type)).not.toContain('checkpoint-expired');
}, 60_000);

test('sample-city keeps the default deadlines: reminder after 2 business days, escalation after 5', async () => {
  const id = await submit('sample-city', 'Default deadline gloves');
  const opened = (await h.api.waitForAudit(id, 'checkpoint-opened')).events.find((e: { type: string }) => e.type === 'checkpoint-opened');
  const openedAt = new Date((await h.api.waitForCheckpoint(id, 0)).checkpoints[0].openedAt);
  expect(opened.data.deadlines).toEqual({
    remindAt: addBusinessDays(openedAt, 2).toISOString(),
    escalateAt: addBusinessDays(openedAt, 5).toISOString(),
    expireAt: addBusinessDays(openedAt, 10).toISOString(),
  });
  await h.api.call('POST', `/requests/${id}/cancel`, { reason: 'only checking the deadlines' });
}, 60_000);
