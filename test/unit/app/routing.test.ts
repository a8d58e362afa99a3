/** The RouteRequest task on in-memory fakes: the decision and its events as one write, the retries. */
import { routeSubmittedRequest } from '../../../lambdas/app/routing';
import { RequestCancelledError } from '../../../lambdas/shared/errors';
import { world } from './fakes';
import { cancelAsRequester, fixture, submitAsRequester } from './flows';

test('routing stores the decision and the request-routed event together; a re-run returns the stored decision and writes nothing twice', async () => {
  const w = world();
  const { record } = await submitAsRequester(w.deps, fixture('informal-quotes'));
  const first = await routeSubmittedRequest(w.deps, record.id);
  expect(first).toEqual({ status: 'PENDING_APPROVAL', checkpointCount: 2 });
  expect(w.audit.types(record.id)).toEqual(['request-submitted', 'request-routed']);
  expect(w.audit.events.get(record.id)![1]!.data).toMatchObject({ status: 'PENDING_APPROVAL', checkpoints: [{ index: 0 }, { index: 1 }] });

  expect(await routeSubmittedRequest(w.deps, record.id)).toEqual(first);
  expect(w.audit.types(record.id)).toEqual(['request-submitted', 'request-routed']);
});

test('a crash after the routing write, before its event reached the chain: the retried task writes the event once', async () => {
  const w = world();
  const { record } = await submitAsRequester(w.deps, fixture('informal-quotes'));
  w.script.failOnce('putSealed', undefined, ([event]) => event.type === 'request-routed');
  await expect(routeSubmittedRequest(w.deps, record.id)).rejects.toThrow('signal: killed');
  expect((await w.deps.requests.get(record.id))!.status).toBe('PENDING_APPROVAL');
  expect(w.requests.pending(record.id).map((e) => e.eventKey)).toEqual(['request-routed']);

  expect(await routeSubmittedRequest(w.deps, record.id)).toEqual({ status: 'PENDING_APPROVAL', checkpointCount: 2 });
  expect(w.audit.types(record.id)).toEqual(['request-submitted', 'request-routed']);
  expect(w.requests.pending(record.id)).toEqual([]);
});

test('a cancellation that wins the race with routing stops the task; no routing is recorded', async () => {
  const w = world();
  const { record } = await submitAsRequester(w.deps, fixture('informal-quotes'));
  // The requester cancels while the task is deciding (after its read, before its write).
  w.script.before('transition', async () => { await cancelAsRequester(w.deps, record.id, {}); });
  await expect(routeSubmittedRequest(w.deps, record.id)).rejects.toBeInstanceOf(RequestCancelledError);
  expect(w.audit.types(record.id)).toEqual(['request-submitted', 'request-cancelled']);
  expect((await w.deps.requests.get(record.id))!.routing).toBeUndefined();
});
