/**
 * Each email once in the normal course, at most once more after a crash: the send is claimed on
 * the item before it goes out and recorded after; a retry after a crash between the two sends the
 * same email again under the same message key (so the same Message-ID), never a new one. Also: the
 * escalation email goes to, and greets, the escalation contact.
 */
import { advanceDeadline, approvalMessageKey, requestApproval } from '../../../lambdas/app/checkpoints';
import { finalizeDecision, outcomeMessageKey } from '../../../lambdas/app/lifecycle';
import { messageIdFor } from '../../../lambdas/adapters/mailer';
import { crash, world, type World } from './fakes';
import { askApprover, post, submitAndRoute } from './flows';

const DAY = 86_400_000;
const ask = (w: World, requestId: string, taskToken: string, phase: 'request' | 'reminder' | 'escalation' = 'request', index?: number) =>
  requestApproval(w.deps, { requestId, phase, taskToken, ...(index !== undefined ? { index } : {}) });
const approvalRequested = (w: World, id: string) => w.audit.types(id).filter((t) => t === 'approval-requested').length;

describe('approval emails', () => {
  it('a crash after the send, before it was recorded: the retry sends it once more with the same key, and no retry after that sends again', async () => {
    const w = world();
    const id = await submitAndRoute(w);
    w.script.failOnce('markNotified', crash());
    await expect(ask(w, id, 'token-1')).rejects.toThrow(crash().message);
    expect(w.mailer.sent).toHaveLength(1);

    await ask(w, id, 'token-2');
    await ask(w, id, 'token-3');
    expect(w.mailer.sent.map((m) => m.messageKey)).toEqual([approvalMessageKey(id, 0, 'request'), approvalMessageKey(id, 0, 'request')]);
    expect((await w.deps.requests.getCheckpoint(id, 0))?.requestEmailSends).toBe(2);
    expect(approvalRequested(w, id)).toBe(1);
  });

  it('a crash at the claim sends nothing; the retry sends once', async () => {
    const w = world();
    const id = await submitAndRoute(w);
    w.script.failOnce('claimEmailSend', crash());
    await expect(ask(w, id, 'token-1')).rejects.toThrow(crash().message);
    expect(w.mailer.sent).toHaveLength(0);
    await ask(w, id, 'token-2');
    expect(w.mailer.sent).toHaveLength(1);
  });

  it('two attempts that read the same state: the claim lets one send', async () => {
    const w = world();
    const id = await submitAndRoute(w);
    await ask(w, id, 'token-1'); // opens the checkpoint and mails the approver
    w.tick(2 * DAY);
    const reminder = await advanceDeadline(w.deps, id);
    // The second attempt runs to the end while the first is about to claim the reminder's send.
    w.script.before('claimEmailSend', () => ask(w, id, 'token-3', 'reminder', reminder.index));
    await ask(w, id, 'token-2', 'reminder', reminder.index);
    expect(w.mailer.sent.map((m) => m.messageKey)).toEqual([approvalMessageKey(id, 0, 'request'), approvalMessageKey(id, 0, 'reminder')]);
  });

  it('each phase is its own email: request, reminder and escalation have different keys', () => {
    const keys = (['request', 'reminder', 'escalation'] as const).map((phase) => approvalMessageKey('01JREQ', 0, phase));
    expect(new Set(keys).size).toBe(3);
    expect(new Set(keys.map((k) => messageIdFor(k, 'purchasing@city.example'))).size).toBe(3);
  });

  it('the escalation email goes to the escalation contact and greets them, naming the approver who did not decide', async () => {
    const w = world();
    const id = await submitAndRoute(w);
    await ask(w, id, 'token-1');
    const { approver, escalation } = (await w.deps.requests.getCheckpoint(id, 0))!;
    expect(escalation.email).not.toBe(approver.email);
    w.tick(2 * DAY);
    await advanceDeadline(w.deps, id);
    w.tick(5 * DAY);
    const escalated = await advanceDeadline(w.deps, id, 'reminder');
    expect(escalated.phase).toBe('escalation');
    await ask(w, id, 'token-2', 'escalation', escalated.index);

    const mail = w.mailer.sent.at(-1)!;
    expect(mail.to.email).toBe(escalation.email);
    expect(mail.text).toContain(`${escalation.name}, your decision is needed as the escalation contact`);
    expect(mail.text).toContain(`Escalated: ${approver.name} has not decided`);
    expect(mail.text).not.toContain(`${approver.name}, your decision is needed`);
  });
});

describe('the outcome email', () => {
  it('a crash after the send, before it was recorded: sent once more with the same key; then never again', async () => {
    const w = world();
    const id = await submitAndRoute(w);
    await post(w, await askApprover(w, id, 0), { decision: 'approve' });
    w.script.failOnce('annotate', crash(), ([, set]) => set.outcomeNotifiedAt !== undefined);
    await expect(finalizeDecision(w.deps, id, 'APPROVED')).rejects.toThrow(crash().message);
    await finalizeDecision(w.deps, id, 'APPROVED');
    await finalizeDecision(w.deps, id, 'APPROVED');
    const outcomeMails = w.mailer.sent.filter((m) => m.subject.startsWith('Approved'));
    expect(outcomeMails.map((m) => m.messageKey)).toEqual([outcomeMessageKey(id), outcomeMessageKey(id)]);
    expect(w.audit.types(id).filter((t) => t === 'requester-notified')).toHaveLength(1);
  });

  it('links the request page, names the request by its number, and a RETURNED one links "submit it again" to the copy-and-fix form', async () => {
    const w = world();
    const id = await submitAndRoute(w);
    await post(w, await askApprover(w, id, 0), { decision: 'approve' });
    await w.deps.requests.annotate(id, { number: 'PR-2026-000042' });
    await finalizeDecision(w.deps, id, 'APPROVED');
    const approved = w.mailer.sent.at(-1)!;
    expect(approved.subject).toMatch(/\(PR-2026-000042\)$/);
    expect(approved.text).toContain(`https://approvals.example/requests/${id}\n`);
    expect(approved.text).not.toContain('requests/new');

    const r = world();
    const returnedId = await submitAndRoute(r);
    await r.deps.requests.transition(returnedId, ['PENDING_APPROVAL'], 'RETURNED');
    await finalizeDecision(r.deps, returnedId, 'RETURNED');
    const returned = r.mailer.sent.at(-1)!;
    expect(returned.subject).toMatch(/^Returned for changes: .* \(PR-\d{4}-\d{6}\)$/);
    expect(returned.text).toContain(`https://approvals.example/requests/new?from=${returnedId}`);
  });
});

describe('messageIdFor', () => {
  it('is the key at the sender\'s domain, the same for every send, and a valid msg-id whatever the key holds', () => {
    expect(messageIdFor('approval.01JREQ.0.request', 'purchasing@sample-city.example')).toBe('<approval.01JREQ.0.request@sample-city.example>');
    expect(messageIdFor('outcome.01JREQ', '"Purchasing" <buy@city.gov>')).toBe('<outcome.01JREQ@city.gov>');
    expect(messageIdFor('a b<c>@d\r\n', 'x@y.example')).toBe('<abcd@y.example>');
  });
});
