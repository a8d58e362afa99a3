/**
 * The ends of a request's life: the requester withdrawing it, and the workflow recording the
 * outcome and telling the requester.
 */
import { WORKFLOW_ERRORS } from '../../statemachines/placeholders';
import { renderOutcomeEmail } from '../presentation';
import { RequestNotCancellableError, RequestNotFoundError, RequestValidationError, WorkflowStateError } from '../shared/errors';
import { logger } from '../shared/logger';
import { FINAL_STATUSES, OPEN_STATUSES, type CheckpointRecord, type RequestRecord, type RequestStatus } from '../store/records';
import { missedActs, recordCancellationEvent } from './decision-audit';
import type { Deps } from './deps';
import { checkpointView, requestSummary } from './views';

const REASON_LIMIT = 1000;

type CancelledBy = NonNullable<NonNullable<RequestRecord['cancellation']>['by']>;

/** POST /requests/{id}/cancel: only while SUBMITTED or PENDING_APPROVAL; `by` is the verified person. */
export const cancelRequest = async (
  deps: Pick<Deps, 'requests' | 'approvals' | 'audit' | 'workflow' | 'clock'>, id: string, body: { reason?: unknown }, by: CancelledBy,
): Promise<RequestRecord> => {
  if (body.reason !== undefined && (typeof body.reason !== 'string' || body.reason.length > REASON_LIMIT)) {
    throw new RequestValidationError([{ field: 'reason', message: `must be text of at most ${REASON_LIMIT} characters` }]);
  }
  const reason = typeof body.reason === 'string' ? body.reason.trim() || undefined : undefined;
  const record = await deps.requests.get(id);
  if (!record) throw new RequestNotFoundError(`no request ${id}`);
  const now = deps.clock().toISOString();
  if (!(await deps.requests.transition(id, OPEN_STATUSES, 'CANCELLED', { cancellation: { at: now, reason, by }, updatedAt: now }))) {
    const current = await deps.requests.get(id);
    throw new RequestNotCancellableError(current?.status ?? record.status);
  }
  await recordCancellationEvent(deps.audit, (await deps.requests.get(id))!, record.status);
  // Release the wait, if one is live; a task that starts later sees CANCELLED and stops itself.
  const { checkpoints } = await deps.requests.getWithCheckpoints(id);
  for (const checkpoint of checkpoints.filter((c) => c.state === 'pending')) {
    if (!(await deps.requests.closeCheckpoint(id, checkpoint.index, ['pending'], 'cancelled', now))) continue;
    const callback = await deps.approvals.getCallback(id, checkpoint.index);
    if (callback?.taskToken) await deps.workflow.fail(callback.taskToken, WORKFLOW_ERRORS.requestCancelled, `cancelled by the ${by.kind}`);
  }
  return (await deps.requests.get(id))!;
};

type Outcome = Extract<RequestStatus, 'APPROVED' | 'REJECTED' | 'RETURNED' | 'EXPIRED' | 'CANCELLED'>;

/** The FinalizeDecision task: record the outcome once, audit it, tell the requester. Safe to retry. */
export const finalizeDecision = async (deps: Pick<Deps, 'requests' | 'audit' | 'mailer' | 'clock' | 'publicBaseUrl'>, requestId: string, outcome: Outcome): Promise<{ status: RequestStatus }> => {
  if (!FINAL_STATUSES.includes(outcome)) throw new WorkflowStateError(`unknown outcome ${outcome}`);
  const { request: record, checkpoints } = await deps.requests.getWithCheckpoints(requestId);
  if (!record) throw new WorkflowStateError(`request ${requestId} does not exist`);
  const now = deps.clock().toISOString();
  const reasons = outcomeReasons(record, checkpoints, outcome);

  if (!record.outcome) {
    const from: RequestStatus[] = outcome === 'CANCELLED' ? ['CANCELLED', ...OPEN_STATUSES] : [...OPEN_STATUSES];
    const moved = await deps.requests.transition(requestId, from, outcome, { outcome: { status: outcome, at: now, reasons }, updatedAt: now });
    if (!moved) {
      const current = await deps.requests.get(requestId);
      if (!current?.outcome) {
        // Cancelled while the workflow was finishing: cancellation wins, recorded as the outcome.
        await deps.requests.transition(requestId, ['CANCELLED'], 'CANCELLED', { outcome: { status: 'CANCELLED', at: now, reasons: outcomeReasons(current!, checkpoints, 'CANCELLED') }, updatedAt: now });
      }
    }
  }
  // Written on every run, once: a retry after a failure right after the transition still records
  // them, and a decision or cancellation whose own event was lost is recorded here too.
  const final = (await deps.requests.get(requestId))!;
  await deps.audit.appendEachOnce(requestId, [
    ...missedActs(final, checkpoints),
    { event: { type: 'request-finalized', actor: { kind: 'system' }, data: { status: final.status, reasons: final.outcome?.reasons ?? [] } }, isSame: () => true },
  ]);
  logger.info('request finalized', { requestId, status: final.status });

  let notifiedAt = final.outcomeNotifiedAt;
  if (!notifiedAt) {
    const email = renderOutcomeEmail({
      request: requestSummary(final),
      outcome: final.status as Outcome,
      reasons: final.outcome?.reasons ?? [],
      checkpoints: checkpoints.map(checkpointView),
      statusLink: deps.publicBaseUrl ? `${deps.publicBaseUrl}/requests/${requestId}` : undefined,
    });
    try {
      await deps.mailer.send({ to: final.request.requester, ...email });
      notifiedAt = deps.clock().toISOString();
      await deps.requests.annotate(requestId, { outcomeNotifiedAt: notifiedAt });
    } catch (error) {
      // The outcome is recorded; a lost email must not undo it or fail the workflow.
      logger.warn('outcome email could not be delivered', { requestId, error: (error as Error).name });
      await deps.audit.append(requestId, { type: 'notification-failed', actor: { kind: 'system' }, data: { recipient: final.request.requester, status: final.status } });
      notifiedAt = undefined;
    }
  }
  if (notifiedAt) {
    await deps.audit.appendOnce(requestId, { type: 'requester-notified', actor: { kind: 'system' }, data: { status: final.status } }, () => true);
  }
  return { status: final.status };
};

const outcomeReasons = (record: RequestRecord, checkpoints: CheckpointRecord[], outcome: Outcome): Array<{ message: string; citation?: string }> => {
  switch (outcome) {
    case 'RETURNED':
      return (record.routing?.reasons ?? []).map((r) => ({ message: r.message, citation: r.citation }));
    case 'REJECTED': {
      const rejected = checkpoints.find((c) => c.state === 'rejected');
      return rejected ? [{ message: `Rejected by the ${rejected.roleTitle} (${rejected.decision?.decidedBy.name}): ${rejected.decision?.comment ?? ''}` }] : [{ message: 'Rejected.' }];
    }
    case 'EXPIRED': {
      const expired = checkpoints.find((c) => c.state === 'expired');
      return [{ message: expired ? `Nobody decided at the ${expired.roleTitle} checkpoint before the deadline; the request was not approved.` : 'The request expired without a decision.' }];
    }
    case 'CANCELLED':
    {
      const who = record.cancellation?.by?.kind === 'purchasing' ? `purchasing (${record.cancellation.by.name})` : 'the requester';
      return [{ message: record.cancellation?.reason ? `Cancelled by ${who}: ${record.cancellation.reason}` : `Cancelled by ${who}.` }];
    }
    default:
      return [];
  }
};
