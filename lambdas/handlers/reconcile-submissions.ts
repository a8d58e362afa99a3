/**
 * ReconcileSubmissions (scheduled: EventBridge Scheduler on AWS, a timer and start-up run in the
 * local stack): finishes submissions that a crash left SUBMITTED without a workflow. Returns
 * `{ stuck, resumed, failed }`.
 */
import { DEFAULT_GRACE_SECONDS, reconcileSubmissions } from '../app/reconcile';

/** The ports this handler uses; composed by lambdas/functions/reconcile-submissions.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof reconcileSubmissions>[0];

export const makeHandler = (deps: HandlerDeps, graceSeconds = DEFAULT_GRACE_SECONDS) => async () => reconcileSubmissions(deps, { graceSeconds });
