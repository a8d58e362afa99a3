/**
 * The reconciler against in-memory ports: it finishes only submissions older than the grace
 * period, writes the first audit event once, starts the workflow under the request id, and one
 * failing request does not stop the others.
 */
import { reconcileSubmissions, graceSecondsFrom, DEFAULT_GRACE_SECONDS } from '../../../lambdas/app/reconcile';
import type { Deps } from '../../../lambdas/app/deps';
import type { RequestRecord } from '../../../lambdas/store/records';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const record = (id: string, submittedAt: string): RequestRecord => ({
  id, submittedAt, updatedAt: submittedAt, status: 'SUBMITTED',
  request: {
    title: `Request ${id}`, amountCents: 120000, department: 'Public Works', policy: 'sample-city',
    requester: { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' }, vendor: { name: 'Cone Co' },
  } as unknown as RequestRecord['request'],
});

const fakes = (stored: RequestRecord[], options: { failStartFor?: string } = {}) => {
  const trails = new Map<string, Array<{ type: string }>>();
  const started: string[] = [];
  const asked: string[] = [];
  const deps = {
    clock: () => NOW,
    requests: {
      submittedBefore: async (before: string) => { asked.push(before); return stored.filter((r) => r.submittedAt < before); },
    },
    audit: {
      appendOnce: async (id: string, event: { type: string }, isSame: () => boolean) => {
        const trail = trails.get(id) ?? [];
        if (!trail.some((e) => e.type === event.type && isSame())) trail.push(event);
        trails.set(id, trail);
      },
    },
    workflow: {
      start: async (name: string, input: Record<string, unknown>) => {
        if (name === options.failStartFor) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        expect(input).toEqual({ requestId: name });
        started.push(name);
      },
    },
  } as unknown as Pick<Deps, 'requests' | 'audit' | 'workflow' | 'clock'>;
  return { deps, trails, started, asked };
};

test('finishes only submissions older than the grace period, each event once, each workflow under the request id', async () => {
  const old = record('A', '2026-11-28T09:57:00.000Z');
  const recent = record('B', '2026-11-28T09:59:30.000Z');
  const { deps, trails, started, asked } = fakes([old, recent]);
  expect(await reconcileSubmissions(deps, { graceSeconds: 120 })).toEqual({ stuck: 1, resumed: 1, failed: [] });
  expect(asked).toEqual(['2026-11-28T09:58:00.000Z']);
  expect(started).toEqual(['A']);
  // A second round (the request still SUBMITTED: the workflow has not routed it yet) adds no second event.
  await reconcileSubmissions(deps, { graceSeconds: 120 });
  expect(trails.get('A')!.map((e) => e.type)).toEqual(['request-submitted']);
  expect(trails.has('B')).toBe(false);
});

test('one request that cannot be finished is reported and does not hold up the others', async () => {
  const { deps, started } = fakes([record('A', '2026-11-28T09:00:00.000Z'), record('B', '2026-11-28T09:01:00.000Z')], { failStartFor: 'A' });
  expect(await reconcileSubmissions(deps)).toEqual({ stuck: 2, resumed: 1, failed: ['A'] });
  expect(started).toEqual(['B']);
});

test('the grace period comes from RECONCILE_GRACE_SECONDS, else the default; nonsense is refused', () => {
  expect(graceSecondsFrom({})).toBe(DEFAULT_GRACE_SECONDS);
  expect(graceSecondsFrom({ RECONCILE_GRACE_SECONDS: '2' })).toBe(2);
  expect(() => graceSecondsFrom({ RECONCILE_GRACE_SECONDS: 'soon' })).toThrow(/RECONCILE_GRACE_SECONDS/);
  expect(() => graceSecondsFrom({ RECONCILE_GRACE_SECONDS: '-1' })).toThrow(/RECONCILE_GRACE_SECONDS/);
});
