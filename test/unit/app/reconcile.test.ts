/**
 * The reconciler on in-memory fakes of the ports: it finishes only submissions older than the
 * grace period (the event once, the workflow under the request id), and one request that cannot
 * be finished does not stop the others.
 */
import { DEFAULT_GRACE_SECONDS, graceSecondsFrom, reconcileSubmissions } from '../../../lambdas/app/reconcile';
import { world } from './fakes';
import { fixture, submitAsRequester } from './flows';

/** A submission that crashed after its write: stored SUBMITTED with its event pending, no workflow. */
const crashedSubmission = async (w: ReturnType<typeof world>) => {
  const ids = () => [...w.requests.items.values()].filter((i) => i.sk === 'REQUEST').map((i) => i.id as string);
  const before = ids();
  w.script.failOnce('putSealed');
  w.script.failOnce('start');
  await expect(submitAsRequester(w.deps, fixture('micro-direct'))).rejects.toThrow();
  return ids().find((id) => !before.includes(id))!;
};

test('finishes only submissions older than the grace period, each event once, each workflow under the request id', async () => {
  const w = world();
  const id = await crashedSubmission(w);
  expect(w.workflow.started).toEqual([]);
  expect(w.audit.types(id)).toEqual([]);

  // Within the grace period the submitter may still be at work: nothing is touched.
  expect(await reconcileSubmissions(w.deps, { graceSeconds: 120 })).toEqual({ stuck: 0, resumed: 0, failed: [] });
  w.tick(121_000);
  expect(await reconcileSubmissions(w.deps, { graceSeconds: 120 })).toEqual({ stuck: 1, resumed: 1, failed: [] });
  expect(w.workflow.started).toEqual([id]);
  // A second round (still SUBMITTED: the workflow has not routed it yet) adds no second event.
  await reconcileSubmissions(w.deps, { graceSeconds: 120 });
  expect(w.audit.types(id)).toEqual(['request-submitted']);
});

test('one request that cannot be finished is reported and does not hold up the others', async () => {
  const w = world();
  const first = await crashedSubmission(w);
  w.tick(1000);
  const second = await crashedSubmission(w);
  w.tick(200_000);
  w.script.failOnce('start', Object.assign(new Error('throttled'), { name: 'ThrottlingException' }), (args) => args[0] === first);
  expect(await reconcileSubmissions(w.deps, { graceSeconds: 120 })).toEqual({ stuck: 2, resumed: 1, failed: [first] });
  expect(w.workflow.started).toEqual([second]);
});

test('the grace period comes from RECONCILE_GRACE_SECONDS, else the default; nonsense is refused', () => {
  expect(graceSecondsFrom({})).toBe(DEFAULT_GRACE_SECONDS);
  expect(graceSecondsFrom({ RECONCILE_GRACE_SECONDS: '2' })).toBe(2);
  expect(() => graceSecondsFrom({ RECONCILE_GRACE_SECONDS: 'soon' })).toThrow(/RECONCILE_GRACE_SECONDS/);
  expect(() => graceSecondsFrom({ RECONCILE_GRACE_SECONDS: '-1' })).toThrow(/RECONCILE_GRACE_SECONDS/);
});
