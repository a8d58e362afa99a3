/**
 * The checkpoint use cases (the RequestApproval and AdvanceDeadline tasks) on in-memory fakes of
 * the ports: opening inside the first wait, one mail per phase, retries after a crash at each step,
 * decisions that arrive while no token is live, and the deadline phases down to expiry.
 * sample-city's deadlines: reminder after 2 business days, escalation after 5, expiry after 10;
 * the fake clock starts on a Monday.
 */
import {
  advanceDeadline, CheckpointExpiredError, DEADLINE_TOLERANCE_MS, firstWaitSeconds, MIN_WAIT_SECONDS, phaseAt, requestApproval,
} from '../../../lambdas/app/checkpoints';
import { outcomeOf } from '../../../lambdas/app/task-input';
import { createPolicyRegistry } from '../../../lambdas/domain';
import { RequestCancelledError } from '../../../lambdas/shared/errors';
import { crash, world, type World } from './fakes';
import { askApprover, cancelAsRequester, post, submitAndRoute } from './flows';

const DAY = 86_400_000;

const trail = async (w: World, id: string) => (await w.deps.audit.list(id)).map((e) => e.type);
const count = async (w: World, id: string, type: string) => (await trail(w, id)).filter((t) => t === type).length;
const ask = (w: World, requestId: string, taskToken: string, extra: { index?: number; phase?: 'request' | 'reminder' | 'escalation' } = {}) =>
  requestApproval(w.deps, { requestId, phase: extra.phase ?? 'request', taskToken, ...(extra.index !== undefined ? { index: extra.index } : {}) });

describe('RequestApproval: the first wait opens the next checkpoint', () => {
  it('opens it with its deadlines, stores the token, mails the approver once and records both events', async () => {
    const w = world();
    const id = await submitAndRoute(w);
    await ask(w, id, 'token-a');

    const checkpoint = (await w.deps.requests.getCheckpoint(id, 0))!;
    expect(checkpoint).toMatchObject({ state: 'pending', openedAt: '2026-11-02T15:00:00.000Z', deadlines: { remindAt: '2026-11-04T15:00:00.000Z' } });
    expect((await w.deps.approvals.getCallback(id, 0))?.taskToken).toBe('token-a');
    expect(w.mailer.sent).toHaveLength(1);
    expect(await count(w, id, 'checkpoint-opened')).toBe(1);
    expect(await count(w, id, 'approval-requested')).toBe(1);
    expect((await w.deps.requests.get(id))?.currentIndex).toBe(0);

    // The same task again (a retry, or a replay after a restart): new token kept, no second mail or event.
    await ask(w, id, 'token-b');
    expect((await w.deps.approvals.getCallback(id, 0))?.taskToken).toBe('token-b');
    expect(w.mailer.sent).toHaveLength(1);
    expect(await count(w, id, 'checkpoint-opened')).toBe(1);
  });

  it.each(['storeToken', 'putLink', 'rememberLink', 'clearPending', 'putSealed'])('a crash at %s is retried to the same end: opened once, mailed once, each event once', async (method) => {
    const w = world();
    const id = await submitAndRoute(w);
    w.script.failOnce(method);
    await expect(ask(w, id, 'token-1')).rejects.toThrow(crash().message);
    await ask(w, id, 'token-2');
    expect(w.mailer.sent).toHaveLength(1);
    expect(await count(w, id, 'checkpoint-opened')).toBe(1);
    expect(await count(w, id, 'approval-requested')).toBe(1);
    expect((await w.deps.approvals.getCallback(id, 0))?.taskToken).toBe('token-2');
  });

  it('a mail transport that fails once is retried inside the task; one that stays down is recorded, and the wait goes on', async () => {
    const w = world();
    const id = await submitAndRoute(w);
    w.script.failOnce('send', Object.assign(new Error('421'), { name: 'SMTPError' }));
    await ask(w, id, 'token-1');
    expect(w.mailer.sent).toHaveLength(1);
    expect(await count(w, id, 'notification-failed')).toBe(0);

    const other = await submitAndRoute(w, 'informal-quotes');
    for (let i = 0; i < 4; i += 1) w.script.failOnce('send', Object.assign(new Error('421'), { name: 'SMTPError' }));
    await ask(w, other, 'token-x'); // resolves: the approver can still be reached by a resend
    expect(await count(w, other, 'notification-failed')).toBe(1);
    expect(await count(w, other, 'approval-requested')).toBe(0);
  }, 20_000);

  it('after an approval the next first wait opens the following checkpoint', async () => {
    const w = world();
    const id = await submitAndRoute(w, 'informal-quotes');
    const approvalId = await askApprover(w, id, 0);
    expect((await post(w, approvalId, { decision: 'approve' })).kind).toBe('recorded');
    expect(w.workflow.responses).toEqual([expect.objectContaining({ token: 'token-0', kind: 'succeed' })]);
    expect(JSON.parse(w.workflow.responses[0]!.detail)).toEqual({ decision: 'approve', index: 0 });

    await ask(w, id, 'token-1');
    expect((await w.deps.requests.getCheckpoint(id, 1))?.state).toBe('pending');
    expect((await w.deps.requests.get(id))?.currentIndex).toBe(1);
    expect(await count(w, id, 'checkpoint-opened')).toBe(2);
  });

  it('refuses to wait on a cancelled request (RequestCancelledError, caught by name in the ASL)', async () => {
    const w = world();
    const id = await submitAndRoute(w);
    await w.deps.requests.transition(id, ['PENDING_APPROVAL'], 'CANCELLED', {});
    await expect(ask(w, id, 'token-1')).rejects.toBeInstanceOf(RequestCancelledError);
    expect(w.mailer.sent).toHaveLength(0);
  });

  it('a cancellation landing after the checkpoint was read but before the token is stored ends the wait; nobody is asked', async () => {
    const w = world();
    const id = await submitAndRoute(w);
    await ask(w, id, 'token-0'); // opens checkpoint 0 and asks once; the cancel below races the next phase
    w.mailer.sent.length = 0;
    // The cancel closes the pending checkpoint and finds no live token to fail (it is not stored yet).
    w.script.before('storeToken', async () => { await cancelAsRequester(w.deps, id, {}); });
    await ask(w, id, 'token-1', { index: 0, phase: 'reminder' });
    expect(w.mailer.sent).toHaveLength(0);
    expect(await count(w, id, 'approval-requested')).toBe(1);
    expect(w.workflow.responses.filter((r) => r.token === 'token-1')).toEqual([expect.objectContaining({ kind: 'fail' })]);
  });
});

describe('a decision recorded while no token was live is delivered by the next wait', () => {
  const decidedWhileNoToken = async (decision: 'approve' | 'reject') => {
    const w = world();
    const id = await submitAndRoute(w);
    const approvalId = await askApprover(w, id, 0);
    w.script.failOnce(decision === 'approve' ? 'succeed' : 'fail'); // the token was not live: the answer is lost
    await post(w, approvalId, { decision, comment: decision === 'reject' ? 'over budget' : undefined }).catch(() => undefined);
    w.workflow.responses.length = 0;
    const advanced = await advanceDeadline(w.deps, id); // the wait timed out; the checkpoint is decided
    expect(advanced).toEqual({ index: 0, phase: 'request', seconds: MIN_WAIT_SECONDS });
    await ask(w, id, 'token-again', { index: advanced.index, phase: advanced.phase });
    return w;
  };

  it('an approval completes the wait with its index', async () => {
    const w = await decidedWhileNoToken('approve');
    expect(w.workflow.responses).toEqual([{ token: 'token-again', kind: 'succeed', detail: JSON.stringify({ decision: 'approve', index: 0 }) }]);
    expect(w.mailer.sent).toHaveLength(1); // nobody is mailed again
  });

  it('a rejection fails it with ApprovalRejectedError', async () => {
    const w = await decidedWhileNoToken('reject');
    expect(w.workflow.responses).toEqual([expect.objectContaining({ token: 'token-again', kind: 'fail', detail: 'ApprovalRejectedError' })]);
  });
});

describe('AdvanceDeadline: the phase the clock reached, never an approval by silence', () => {
  const opened = async () => {
    const w = world();
    const id = await submitAndRoute(w);
    await ask(w, id, 'token-0');
    return { w, id };
  };

  it('a first wait that ended before the reminder was due waits the rest, at least 30 s', async () => {
    const { w, id } = await opened();
    w.tick(DAY); // opened on a Monday: the reminder is due on Wednesday
    expect(await advanceDeadline(w.deps, id)).toEqual({ index: 0, phase: 'request', seconds: DAY / 1000 });
    w.tick(DAY - 5_000); // five seconds before it: never a five-second wait
    expect(await advanceDeadline(w.deps, id)).toEqual({ index: 0, phase: 'request', seconds: MIN_WAIT_SECONDS });
  });

  it('reminds, escalates and expires in turn; each phase mails once; expiry is recorded once and thrown on every retry', async () => {
    const { w, id } = await opened();
    w.tick(2 * DAY); // Wednesday: reminder due; escalation the next Monday (5 business days from opening)
    const reminder = await advanceDeadline(w.deps, id);
    expect(reminder).toEqual({ index: 0, phase: 'reminder', seconds: 5 * DAY / 1000 });
    await ask(w, id, 'token-1', reminder);
    await ask(w, id, 'token-2', reminder); // a retry: no second reminder
    expect(w.mailer.sent.map((m) => m.subject.split(':')[0])).toEqual(['Approval needed', 'Reminder']);

    w.tick(5 * DAY);
    const escalation = await advanceDeadline(w.deps, id, 'reminder');
    expect(escalation).toMatchObject({ index: 0, phase: 'escalation' });
    await ask(w, id, 'token-3', escalation);
    expect(w.mailer.sent.at(-1)!.subject).toMatch(/^Escalated/);

    w.tick(7 * DAY);
    await expect(advanceDeadline(w.deps, id, 'escalation')).rejects.toBeInstanceOf(CheckpointExpiredError);
    await expect(advanceDeadline(w.deps, id, 'escalation')).rejects.toBeInstanceOf(CheckpointExpiredError);
    expect((await w.deps.requests.getCheckpoint(id, 0))?.state).toBe('expired');
    expect(await count(w, id, 'checkpoint-expired')).toBe(1);
    expect(await trail(w, id)).not.toContain('checkpoint-approved');
  });

  it('a wait that overran every deadline still goes through reminder and escalation, 30 s apart, before expiry', async () => {
    const { w, id } = await opened();
    w.tick(20 * DAY);
    expect(await advanceDeadline(w.deps, id, 'request')).toEqual({ index: 0, phase: 'reminder', seconds: MIN_WAIT_SECONDS });
    expect(await advanceDeadline(w.deps, id, 'reminder')).toEqual({ index: 0, phase: 'escalation', seconds: MIN_WAIT_SECONDS });
    await expect(advanceDeadline(w.deps, id, 'escalation')).rejects.toBeInstanceOf(CheckpointExpiredError);
  });

  it('a crash after expiring the checkpoint leaves its event for the retry, which still expires it', async () => {
    const { w, id } = await opened();
    w.tick(20 * DAY);
    w.script.failOnce('putSealed');
    await expect(advanceDeadline(w.deps, id, 'escalation')).rejects.toThrow(crash().message);
    await expect(advanceDeadline(w.deps, id, 'escalation')).rejects.toBeInstanceOf(CheckpointExpiredError);
    expect(await count(w, id, 'checkpoint-expired')).toBe(1);
  });

  it('the wait on an expired checkpoint fails with CheckpointExpiredError', async () => {
    const { w, id } = await opened();
    w.tick(20 * DAY);
    await expect(advanceDeadline(w.deps, id, 'escalation')).rejects.toBeInstanceOf(CheckpointExpiredError);
    await ask(w, id, 'late-token', { index: 0, phase: 'escalation' });
    expect(w.workflow.responses).toEqual([expect.objectContaining({ token: 'late-token', kind: 'fail', detail: 'CheckpointExpiredError' })]);
  });
});

describe('wait lengths and outcomes', () => {
  const sampleCity = createPolicyRegistry().get('sample-city');

  it('the first wait is the reminder delay in calendar days, and never under 30 s', () => {
    expect(firstWaitSeconds(sampleCity)).toBe(2 * 86_400);
    const fast = { ...sampleCity, deadlines: { reminder: { seconds: 2 }, escalation: { seconds: 4 }, expiry: { seconds: 6 } } } as typeof sampleCity;
    expect(firstWaitSeconds(fast)).toBe(MIN_WAIT_SECONDS);
  });

  it('a deadline counts as reached up to a second early', () => {
    const deadlines = { remindAt: '2026-11-04T15:00:00.000Z', escalateAt: '2026-11-09T15:00:00.000Z', expireAt: '2026-11-16T15:00:00.000Z' };
    expect(phaseAt(deadlines, new Date(Date.parse(deadlines.remindAt) - DEADLINE_TOLERANCE_MS - 1)).phase).toBe('request');
    expect(phaseAt(deadlines, new Date(Date.parse(deadlines.remindAt) - DEADLINE_TOLERANCE_MS)).phase).toBe('reminder');
    expect(phaseAt(deadlines, new Date(deadlines.expireAt)).phase).toBe('expired');
  });

  it('FinalizeDecision reads the outcome from $.result: the routing result or the caught error', () => {
    expect(outcomeOf({ status: 'RETURNED' })).toBe('RETURNED');
    expect(outcomeOf({ status: 'PENDING_APPROVAL' })).toBe('APPROVED');
    expect(outcomeOf({ Error: 'ApprovalRejectedError', Cause: 'over budget' })).toBe('REJECTED');
    expect(outcomeOf({ Error: 'RequestCancelledError' })).toBe('CANCELLED');
    expect(outcomeOf({ Error: 'CheckpointExpiredError' })).toBe('EXPIRED');
    expect(() => outcomeOf({ Error: 'States.Runtime' })).toThrow(/no outcome/);
  });
});
