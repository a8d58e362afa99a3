/**
 * Nothing stays half-submitted. A submission is three steps (store the request, write its
 * `request-submitted` event, start the workflow named after the request); a crash between them
 * (a `kill -9`, a Lambda timeout, a lost connection) leaves a request SUBMITTED with no workflow
 * to move it, and sometimes without its first audit event. The reconciler finds requests still
 * SUBMITTED after a grace period and finishes their submission through the same idempotent step
 * submit uses: the event is written once, and StartExecution under the request id is a no-op
 * while that execution runs, so a request whose workflow is merely slow is left as it is.
 */
import { ENV } from '../catalog';
import { logger } from '../shared/logger';
import type { Deps } from './deps';
import { completeSubmission } from './submit';

/**
 * Longer than any healthy submission takes to leave SUBMITTED (routing is the first task), and
 * longer than the submit function's timeout, so a submitter still at work is never raced.
 */
export const DEFAULT_GRACE_SECONDS = 120;

/** The grace period an environment asks for (RECONCILE_GRACE_SECONDS), else the default; nonsense is refused. */
export const graceSecondsFrom = (env: Readonly<Record<string, string | undefined>>): number => {
  const text = env[ENV.reconcileGraceSeconds]?.trim();
  if (!text) return DEFAULT_GRACE_SECONDS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`${ENV.reconcileGraceSeconds} must be a number of seconds, got "${text}"`);
  return seconds;
};

export interface ReconcileResult {
  /** Requests found SUBMITTED for longer than the grace period. */
  stuck: number;
  /** Of those, the ones whose submission was finished now (event written once, workflow started). */
  resumed: number;
  /** Ids that could not be finished this round (logged; the next round tries again). */
  failed: string[];
}

export const reconcileSubmissions = async (
  deps: Pick<Deps, 'requests' | 'audit' | 'workflow' | 'clock'>, options: { graceSeconds?: number } = {},
): Promise<ReconcileResult> => {
  const graceSeconds = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const before = new Date(deps.clock().getTime() - graceSeconds * 1000).toISOString();
  const stuck = await deps.requests.submittedBefore(before);
  const failed: string[] = [];
  for (const record of stuck) {
    try {
      await completeSubmission(deps, record);
    } catch (error) {
      // One bad request must not hold up the others; it stays SUBMITTED and is retried next round.
      failed.push(record.id);
      logger.warn('could not finish a stuck submission', { requestId: record.id, error: (error as Error).name });
    }
  }
  const result = { stuck: stuck.length, resumed: stuck.length - failed.length, failed };
  if (stuck.length > 0) logger.info('reconciled stuck submissions', { ...result });
  return result;
};
