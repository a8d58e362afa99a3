/** Cancel and FinalizeDecision on in-memory fakes: the outcome and its events once, the retries. */
import { requestApproval } from '../../../lambdas/app/checkpoints';
import { finalizeDecision } from '../../../lambdas/app/lifecycle';
import { RequestNotCancellableError, RequestCancelledError } from '../../../lambdas/shared/errors';
import { WORKFLOW_ERRORS } from '../../../statemachines/placeholders';
import { crash, world } from './fakes';
import { askApprover, cancelAsRequester, post, submitAndRoute } from './flows';

test('a cancellation records its event with the status change, closes the pending checkpoint and ends the wait', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  await askApprover(w, id, 0);
  const record = await cancelAsRequester(w.deps, id, { reason: ' bought elsewhere ' });
  expect(record).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'bought elsewhere' } });
  expect(w.audit.events.get(id)!.at(-1)).toMatchObject({ type: 'request-cancelled', eventKey: 'request-cancelled', actor: { kind: 'requester' }, data: { previousStatus: 'PENDING_APPROVAL', reason: 'bought elsewhere' } });
  expect((await w.deps.requests.getCheckpoint(id, 0))!.state).toBe('cancelled');
  expect(w.workflow.responses).toEqual([expect.objectContaining({ token: 'token-0', kind: 'fail', detail: WORKFLOW_ERRORS.requestCancelled })]);
  // A task that starts later sees it and stops.
  await expect(requestApproval(w.deps, { requestId: id, index: 0, phase: 'reminder', taskToken: 'token-1' })).rejects.toBeInstanceOf(RequestCancelledError);
  await expect(cancelAsRequester(w.deps, id, {})).rejects.toBeInstanceOf(RequestNotCancellableError);
  expect(w.audit.types(id).filter((t) => t === 'request-cancelled')).toHaveLength(1);
});

test('finalize records the outcome and request-finalized, mails the requester and records requester-notified; a re-run does nothing again', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  await post(w, await askApprover(w, id, 0), { decision: 'approve' });
  expect(await finalizeDecision(w.deps, id, 'APPROVED')).toEqual({ status: 'APPROVED' });
  expect(await finalizeDecision(w.deps, id, 'APPROVED')).toEqual({ status: 'APPROVED' });
  expect(w.audit.types(id).slice(-2)).toEqual(['request-finalized', 'requester-notified']);
  expect(w.audit.types(id).filter((t) => t === 'request-finalized')).toHaveLength(1);
  expect(w.mailer.sent.filter((m) => m.subject.startsWith('Approved'))).toHaveLength(1);
  expect((await w.deps.requests.get(id))!.outcome).toMatchObject({ status: 'APPROVED' });
});

test('a crash after the outcome write, before its event reached the chain: the retried task writes it once and mails once', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  await post(w, await askApprover(w, id, 0), { decision: 'reject', comment: 'over budget' });
  w.script.failOnce('putSealed', crash(), ([event]) => event.type === 'request-finalized');
  await expect(finalizeDecision(w.deps, id, 'REJECTED')).rejects.toThrow('signal: killed');
  expect((await w.deps.requests.get(id))!.status).toBe('REJECTED');
  expect(w.mailer.sent.filter((m) => m.subject.startsWith('Rejected'))).toHaveLength(0);

  expect(await finalizeDecision(w.deps, id, 'REJECTED')).toEqual({ status: 'REJECTED' });
  expect(w.audit.types(id).slice(-2)).toEqual(['request-finalized', 'requester-notified']);
  expect(w.audit.types(id).filter((t) => t === 'request-finalized')).toHaveLength(1);
  expect(w.mailer.sent.filter((m) => m.subject.startsWith('Rejected'))).toHaveLength(1);
});

test('a cancellation that lands while the workflow finishes wins: the outcome is CANCELLED, recorded once', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'informal-quotes');
  await post(w, await askApprover(w, id, 0), { decision: 'approve' });
  w.script.before('recordOutcome', async () => { await cancelAsRequester(w.deps, id, {}); });
  expect(await finalizeDecision(w.deps, id, 'APPROVED')).toEqual({ status: 'CANCELLED' });
  const finalized = w.audit.events.get(id)!.filter((e) => e.type === 'request-finalized');
  expect(finalized.map((e) => e.data.status)).toEqual(['CANCELLED']);
  expect(w.mailer.sent.filter((m) => m.subject.startsWith('Cancelled'))).toHaveLength(1);
});

test('an outcome email that cannot be sent is recorded as notification-failed, not as requester-notified', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  await post(w, await askApprover(w, id, 0), { decision: 'approve' });
  w.script.failOnce('send', Object.assign(new Error('refused'), { name: 'MailDeliveryError' }), ([mail]) => mail.subject.startsWith('Approved'));
  expect(await finalizeDecision(w.deps, id, 'APPROVED')).toEqual({ status: 'APPROVED' });
  expect(w.audit.types(id).slice(-2)).toEqual(['request-finalized', 'notification-failed']);
  expect(w.audit.types(id)).not.toContain('requester-notified');
});
