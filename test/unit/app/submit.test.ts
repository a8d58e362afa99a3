/** Submitting, on in-memory fakes of the ports: the request and its first event, the retries. */
import { routeSubmittedRequest } from '../../../lambdas/app/routing';
import { IdempotencyKeyReusedError } from '../../../lambdas/shared/errors';
import { world } from './fakes';
import { fixture, submitAsRequester } from './flows';

test('a submission is stored with its request-submitted event on the chain, the head anchored, and one workflow started under the request id', async () => {
  const w = world();
  const { created, record } = await submitAsRequester(w.deps, fixture('micro-direct'));
  expect(created).toBe(true);
  expect(w.audit.types(record.id)).toEqual(['request-submitted']);
  expect(w.audit.events.get(record.id)![0]).toMatchObject({ eventKey: 'request-submitted', actor: { kind: 'requester', name: 'Ana Ruiz' }, at: record.submittedAt });
  expect((await w.deps.requests.get(record.id))!.auditHead).toEqual({ seq: 1, hash: w.audit.events.get(record.id)![0]!.hash });
  expect(w.workflow.started).toEqual([record.id]);
});

test('a crash between the write and the flush still starts the workflow; the event waits on the request and RouteRequest writes it, once', async () => {
  const w = world();
  w.script.failOnce('putSealed');
  const { record } = await submitAsRequester(w.deps, fixture('micro-direct'));
  expect(w.workflow.started).toEqual([record.id]);
  expect(w.audit.types(record.id)).toEqual([]);
  expect(w.requests.pending(record.id).map((e) => e.eventKey)).toEqual(['request-submitted']);

  await routeSubmittedRequest(w.deps, record.id);
  expect(w.audit.types(record.id)).toEqual(['request-submitted', 'request-routed']);
  expect(w.requests.pending(record.id)).toEqual([]);
});

test('a replayed Idempotency-Key returns the same request without a second event or workflow; another body under the key is refused', async () => {
  const w = world();
  const first = await submitAsRequester(w.deps, fixture('micro-direct'), 'key-1');
  const again = await submitAsRequester(w.deps, fixture('micro-direct'), 'key-1');
  expect(again).toMatchObject({ created: false, record: { id: first.record.id } });
  expect(w.audit.types(first.record.id)).toEqual(['request-submitted']);
  expect(w.requests.items.size).toBe(1);
  expect(w.workflow.started).toEqual([first.record.id]);
  await expect(submitAsRequester(w.deps, { ...fixture('micro-direct'), title: 'Something else' }, 'key-1')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
});

test('a first submission that died between claiming its key and storing the request is finished by the replay, under the claimed id', async () => {
  const w = world();
  w.script.failOnce('create');
  await expect(submitAsRequester(w.deps, fixture('micro-direct'), 'key-2')).rejects.toThrow('signal: killed');
  const claimed = w.idempotency.records.get('key-2')!.requestId;
  expect(w.requests.items.size).toBe(0);

  const replay = await submitAsRequester(w.deps, fixture('micro-direct'), 'key-2');
  expect(replay.record.id).toBe(claimed);
  expect(w.audit.types(claimed)).toEqual(['request-submitted']);
  expect(w.workflow.started).toEqual([claimed]);
});
