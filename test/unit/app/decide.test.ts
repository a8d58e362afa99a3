/** A decision on in-memory fakes: one write with its event, lost races, and the truth after a cancellation. */
import { WORKFLOW_ERRORS } from '../../../statemachines/placeholders';
import { finalizeDecision } from '../../../lambdas/app/lifecycle';
import { RequestNotCancellableError } from '../../../lambdas/shared/errors';
import { world } from './fakes';
import { askApprover, cancelAsRequester, post, submitAndRoute } from './flows';

test('the approval, its event and the token answer; the last approval says the requester will be told it is approved', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  const approvalId = await askApprover(w, id, 0);
  const result = await post(w, approvalId, { decision: 'approve', comment: 'ok' });
  expect(result).toMatchObject({ kind: 'recorded', decision: 'approve', nextStep: expect.stringMatching(/will be told the request is approved/) });
  expect(w.audit.types(id).at(-1)).toBe('checkpoint-approved');
  expect(w.audit.events.get(id)!.at(-1)).toMatchObject({ eventKey: 'checkpoint-approved#0', actor: { kind: 'approver', name: 'Dana Ortiz' } });
  expect(w.workflow.responses).toEqual([expect.objectContaining({ token: 'token-0', kind: 'succeed' })]);
});

test('a second POST (double click) loses the conditional write: told who decided, no second event, no second token answer', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  const approvalId = await askApprover(w, id, 0);
  const [a, b] = await Promise.all([post(w, approvalId, { decision: 'approve' }), post(w, approvalId, { decision: 'reject', comment: 'no' })]);
  const kinds = [a.kind, b.kind].sort();
  expect(kinds).toEqual(['decided', 'recorded']);
  expect(w.audit.types(id).filter((t) => /^checkpoint-(approved|rejected)$/.test(t))).toHaveLength(1);
  expect(w.workflow.responses).toHaveLength(1);
});

test('a cancellation written between the approver\'s read and write: the approver is told the request was cancelled, the wait ends as cancelled', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  const approvalId = await askApprover(w, id, 0);
  // The approver's page was loaded; the requester cancels just before the decision is written.
  w.script.before('decideCheckpoint', async () => { await cancelAsRequester(w.deps, id, { reason: 'bought elsewhere' }); });
  const result = await post(w, approvalId, { decision: 'approve' });
  expect(result).toMatchObject({ kind: 'decided', decision: 'cancelled', by: 'Ana Ruiz' });
  expect(JSON.stringify(result)).not.toMatch(/approved/);
  expect(w.workflow.responses).toEqual([expect.objectContaining({ token: 'token-0', kind: 'fail', detail: WORKFLOW_ERRORS.requestCancelled })]);
  expect(w.audit.types(id)).not.toContain('checkpoint-approved');
});

test('a cancellation written between the approver\'s checkpoint write and its confirmation on the request: told cancelled, and the workflow is released', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  const approvalId = await askApprover(w, id, 0);
  w.script.before('settle', async () => { await cancelAsRequester(w.deps, id, {}); });
  const result = await post(w, approvalId, { decision: 'approve' });
  expect(result).toMatchObject({ kind: 'decided', decision: 'cancelled' });
  // The cancellation found no pending checkpoint to release; the approver's route released it.
  expect(w.workflow.responses).toEqual([expect.objectContaining({ token: 'token-0', kind: 'fail', detail: WORKFLOW_ERRORS.requestCancelled })]);
  expect(await finalizeDecision(w.deps, id, 'CANCELLED')).toEqual({ status: 'CANCELLED' });
  // The trail shows both acts in the order they were written: the approver's click, then the
  // cancellation that took effect before it could.
  expect(w.audit.types(id).slice(-4)).toEqual(['checkpoint-approved', 'request-cancelled', 'request-finalized', 'requester-notified']);
  expect((await w.deps.requests.get(id))!.settled).toBeUndefined();
});

test('the last approval settles the request: a cancellation after it is refused, and the approver\'s "approved" holds', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  const approvalId = await askApprover(w, id, 0);
  expect((await post(w, approvalId, { decision: 'approve' })).kind).toBe('recorded');
  await expect(cancelAsRequester(w.deps, id, {})).rejects.toBeInstanceOf(RequestNotCancellableError);
  expect(await finalizeDecision(w.deps, id, 'APPROVED')).toEqual({ status: 'APPROVED' });
  expect(w.audit.types(id)).not.toContain('request-cancelled');
});

test('an approval before the last does not settle the request: the requester can still cancel', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'informal-quotes');
  const approvalId = await askApprover(w, id, 0);
  expect(await post(w, approvalId, { decision: 'approve' })).toMatchObject({ kind: 'recorded', nextStep: expect.stringMatching(/moves on/) });
  expect((await cancelAsRequester(w.deps, id, {})).status).toBe('CANCELLED');
});

test('a crash after the decision write, before its event reached the chain: the approver still gets the answer, and the next task writes the event once', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'informal-quotes');
  const approvalId = await askApprover(w, id, 0);
  w.script.failOnce('putSealed', undefined, ([event]) => event.type === 'checkpoint-approved');
  expect((await post(w, approvalId, { decision: 'approve' })).kind).toBe('recorded');
  expect(w.requests.pending(id).map((e) => e.eventKey)).toEqual(['checkpoint-approved#0']);
  expect(w.workflow.responses).toHaveLength(1);

  await askApprover(w, id, 1); // OpenCheckpoint of the next checkpoint flushes first
  const types = w.audit.types(id);
  expect(types.filter((t) => t === 'checkpoint-approved')).toHaveLength(1);
  expect(types.indexOf('checkpoint-approved')).toBeLessThan(types.lastIndexOf('checkpoint-opened'));
});
