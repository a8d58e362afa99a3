/** Human request numbers: allocated at submission, kept by a retry, given by the reconciler to a request without one. */
import { reconcileSubmissions } from '../../../lambdas/app/reconcile';
import { formatRequestNumber, isRequestNumber, numberingYear } from '../../../lambdas/domain/request-number';
import type { RequestRecord } from '../../../lambdas/store/records';
import { world } from './fakes';
import { fixture, submitAsRequester } from './flows';

test('the format: year and at least six digits; anything else is not a number', () => {
  expect(formatRequestNumber(2026, 123)).toBe('PR-2026-000123');
  expect(formatRequestNumber(2026, 1_234_567)).toBe('PR-2026-1234567');
  expect(isRequestNumber('PR-2026-000123')).toBe(true);
  for (const text of ['PR-2026-123', 'pr-2026-000123', 'PR-26-000123', 'PR-2026-000123 ', '01J00000000000000000000001']) expect(isRequestNumber(text)).toBe(false);
  expect(numberingYear('2027-01-01T00:00:00.000Z')).toBe(2027);
});

test('each submission gets the next number of its year, stored on the request and recorded by its request-submitted event', async () => {
  const w = world();
  const first = await submitAsRequester(w.deps, fixture('micro-direct'));
  const second = await submitAsRequester(w.deps, fixture('micro-direct'));
  expect([first.record.number, second.record.number]).toEqual(['PR-2026-000001', 'PR-2026-000002']);
  expect((await w.deps.requests.get(second.record.id))!.number).toBe('PR-2026-000002');
  expect(await w.deps.requests.idForNumber('PR-2026-000002')).toBe(second.record.id);
  expect(w.audit.events.get(first.record.id)![0]!.data).toMatchObject({ number: 'PR-2026-000001' });
});

test('a retried submission (same Idempotency-Key) keeps its number and allocates none', async () => {
  const w = world();
  const first = await submitAsRequester(w.deps, fixture('micro-direct'), 'key-n');
  const again = await submitAsRequester(w.deps, fixture('micro-direct'), 'key-n');
  expect(again.record.number).toBe(first.record.number);
  expect(w.script.calls.filter((c) => c === 'allocateNumber')).toHaveLength(1);
});

test('a crash after allocating and before storing wastes that number; the replay stores the request under the next one', async () => {
  const w = world();
  w.script.failOnce('create');
  await expect(submitAsRequester(w.deps, fixture('micro-direct'), 'key-c')).rejects.toThrow('signal: killed');
  const replay = await submitAsRequester(w.deps, fixture('micro-direct'), 'key-c');
  expect(replay.record.number).toBe('PR-2026-000002');
});

test('the reconciler gives a stuck request stored without a number its number, once, with a request-numbered event', async () => {
  const w = world();
  const { record } = await submitAsRequester(w.deps, fixture('micro-direct'));
  // A request as stored before numbers existed, and left SUBMITTED.
  const item = w.requests.items.get(`REQUEST#${record.id}|REQUEST`)!;
  delete item.number;
  w.tick(10 * 60 * 1000);
  await reconcileSubmissions(w.deps, { graceSeconds: 120 });
  const numbered = (await w.deps.requests.get(record.id)) as RequestRecord;
  expect(numbered.number).toBe('PR-2026-000002');
  expect(w.audit.types(record.id)).toEqual(['request-submitted', 'request-numbered']);
  expect(w.audit.events.get(record.id)![1]!.data).toEqual({ number: 'PR-2026-000002' });

  await reconcileSubmissions(w.deps, { graceSeconds: 120 });
  expect((await w.deps.requests.get(record.id))!.number).toBe('PR-2026-000002');
  expect(w.audit.types(record.id)).toEqual(['request-submitted', 'request-numbered']);
});
