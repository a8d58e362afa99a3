/**
 * ReconcileSubmissions (scheduled: EventBridge Scheduler on AWS, a timer and start-up run in the
 * local stack): finishes submissions that a crash left SUBMITTED without a workflow. Returns
 * `{ stuck, resumed, failed }`. RECONCILE_GRACE_SECONDS overrides how old a submission must be.
 */
import { depsFor, type Deps } from '../app/deps';
import { graceSecondsFrom, reconcileSubmissions } from '../app/reconcile';

export const makeHandler = (deps: Deps, graceSeconds = graceSecondsFrom()) => async () => reconcileSubmissions(deps, { graceSeconds });

export const handler = makeHandler(depsFor('ReconcileSubmissions'));
