/**
 * flushAudit on the fakes: events written with their state change reach the chain once, in the
 * order they happened, however many flushers run and wherever one of them stops.
 */
import { verifyTrail } from '../../../lambdas/audit/chain';
import { flushAudit } from '../../../lambdas/store/audit-flush';
import type { PendingEvent } from '../../../lambdas/store/records';
import { world } from './fakes';
import { submitAndRoute } from './flows';

const event = (eventKey: string, at: string): PendingEvent => ({ eventKey, at, type: eventKey.split('#')[0]!, actor: { kind: 'system' }, data: {} });

test('pending events reach the chain in the order they happened, each with its eventKey; the head is anchored and the lists emptied', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'informal-quotes');
  await w.deps.requests.recordEvents(id, [event('late#1', '2026-11-02T15:00:09.000Z')], 1);
  await w.deps.requests.recordEvents(id, [event('early#1', '2026-11-02T15:00:05.000Z')]);
  await flushAudit(w.deps, id);
  const trail = w.audit.events.get(id)!;
  expect(trail.map((e) => e.eventKey)).toEqual(['request-submitted', 'request-routed', 'early#1', 'late#1']);
  expect(w.requests.pending(id)).toEqual([]);
  const head = (await w.deps.requests.get(id))!.auditHead;
  expect(head).toEqual({ seq: 4, hash: trail.at(-1)!.hash });
  expect(verifyTrail(trail, head)).toMatchObject({ verified: true, count: 4 });
});

test('concurrent flushers write each event once, and the chain stays one chain', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  await w.deps.requests.recordEvents(id, Array.from({ length: 5 }, (_, i) => event(`note#${i}`, `2026-11-02T15:00:0${i}.500Z`)));
  await Promise.all(Array.from({ length: 8 }, () => flushAudit(w.deps, id)));
  const trail = w.audit.events.get(id)!;
  expect(trail.map((e) => e.eventKey).sort()).toEqual(['note#0', 'note#1', 'note#2', 'note#3', 'note#4', 'request-routed', 'request-submitted']);
  expect(verifyTrail(trail.sort((a, b) => a.seq - b.seq), (await w.deps.requests.get(id))!.auditHead)).toMatchObject({ verified: true, count: 7 });
});

test('a flush that stops after writing to the chain (before the head and the clearing) is finished by the next one, with nothing doubled', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  await w.deps.requests.recordEvents(id, [event('note#1', '2026-11-02T15:00:01.000Z')]);
  w.script.failOnce('clearPending');
  await expect(flushAudit(w.deps, id)).rejects.toThrow('signal: killed');
  expect(w.requests.pending(id).map((e) => e.eventKey)).toEqual(['note#1']);
  await flushAudit(w.deps, id);
  expect(w.audit.types(id)).toEqual(['request-submitted', 'request-routed', 'note']);
  expect(w.requests.pending(id)).toEqual([]);
  expect((await w.deps.requests.get(id))!.auditHead!.seq).toBe(3);
});

test('an event recorded while a flush runs stays pending for its own writer\'s flush', async () => {
  const w = world();
  const id = await submitAndRoute(w);
  await w.deps.requests.recordEvents(id, [event('first#1', '2026-11-02T15:00:01.000Z')]);
  // Another writer appends to the same item between this flush's read and its clearing.
  w.script.before('putSealed', () => w.deps.requests.recordEvents(id, [event('second#1', '2026-11-02T15:00:02.000Z')]));
  await flushAudit(w.deps, id);
  expect(w.requests.pending(id).map((e) => e.eventKey)).toEqual(['first#1', 'second#1']);
  await flushAudit(w.deps, id);
  expect(w.audit.types(id)).toEqual(['request-submitted', 'request-routed', 'first', 'second']);
  expect(w.requests.pending(id)).toEqual([]);
});
