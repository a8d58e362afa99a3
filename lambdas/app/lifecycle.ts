/**
 * The ends of a request's life: the requester withdrawing it, and the workflow recording the
 * outcome and telling the requester.
 */
import { WORKFLOW_ERRORS } from '../../statemachines/placeholders';
import { LIMITS } from '../domain/limits';
import { textProblem } from '../domain/text';
import type { Outcome } from '../domain/vocabulary';
import { renderOutcomeEmail } from '../presentation';
import { RequestNotCancellableError, RequestNotFoundError, RequestValidationError, WorkflowStateError } from '../shared/errors';
import { logger } from '../shared/logger';
import { FINAL_STATUSES, OPEN_STATUSES, type CheckpointRecord, type RequestRecord, type RequestStatus } from '../store/records';
import { flushAudit, flushAuditOrLeavePending } from '../store/audit-flush';
import { outcomeNotDelivered, requestCancelled, requesterNotified, requestFinalized } from './audit-events';
import type { Deps } from './deps';
import { recordContractUse } from './contracts';
import { checkpointView, requestSummary } from './views';

type CancelledBy = NonNullable<NonNullable<RequestRecord['cancellation']>['by']>;

/**
 * POST /requests/{id}/cancel: only while SUBMITTED or PENDING_APPROVAL, and not once a decision
 * has settled the request (its approver was told the outcome; see decide.ts). `by` is the verified person.
 */
export const cancelRequest = async (
  deps: Pick<Deps, 'requests' | 'approvals' | 'audit' | 'workflow' | 'clock'>, id: string, body: { reason?: unknown }, by: CancelledBy,
): Promise<RequestRecord> => {
  if (body.reason !== undefined && (typeof body.reason !== 'string' || body.reason.length > LIMITS.cancelReason)) {
    throw new RequestValidationError([{ field: 'reason', message: `must be text of at most ${LIMITS.cancelReason} characters` }]);
  }
  const reasonProblem = typeof body.reason === 'string' ? textProblem(body.reason, 'multi-line') : undefined;
  if (reasonProblem) throw new RequestValidationError([{ field: 'reason', message: reasonProblem }]);
  const reason = typeof body.reason === 'string' ? body.reason.trim() || undefined : undefined;
  await flushAuditOrLeavePending(deps, id);
  const record = await deps.requests.get(id);
  if (!record) throw new RequestNotFoundError(`no request ${id}`);
  const now = deps.clock().toISOString();
  const cancellation = { at: now, reason, by };
  if (!(await deps.requests.cancel(id, { cancellation, updatedAt: now }, [requestCancelled(cancellation, record.status, by)]))) {
    const current = await deps.requests.get(id);
    throw new RequestNotCancellableError(current?.settled ? `${current.settled.decision === 'approve' ? 'approved' : 'rejected'} at its last checkpoint` : current?.status ?? record.status);
  }
  await flushAuditOrLeavePending(deps, id);
  // Release the wait, if one is live; a task that starts later sees CANCELLED and stops itself.
  const { checkpoints } = await deps.requests.getWithCheckpoints(id);
  for (const checkpoint of checkpoints.filter((c) => c.state === 'pending')) {
    if (!(await deps.requests.closeCheckpoint(id, checkpoint.index, ['pending'], 'cancelled', now))) continue;
    const callback = await deps.approvals.getCallback(id, checkpoint.index);
    if (callback?.taskToken) await deps.workflow.fail(callback.taskToken, WORKFLOW_ERRORS.requestCancelled, `cancelled by the ${by.kind}`);
  }
  return (await deps.requests.get(id))!;
};

/**
 * The FinalizeDecision task: record the outcome once (with its `request-finalized` event), tell the
 * requester (with `requester-notified`). Safe to retry: each step is a conditional write carrying
 * its event, and the flush at the start writes whatever an earlier run left pending.
 */
export const finalizeDecision = async (deps: Pick<Deps, 'requests' | 'contracts' | 'audit' | 'mailer' | 'clock' | 'publicBaseUrl'>, requestId: string, outcome: Outcome): Promise<{ status: RequestStatus }> => {
  if (!FINAL_STATUSES.includes(outcome)) throw new WorkflowStateError(`unknown outcome ${outcome}`);
  await flushAudit(deps, requestId);
  const { request: record, checkpoints } = await deps.requests.getWithCheckpoints(requestId);
  if (!record) throw new WorkflowStateError(`request ${requestId} does not exist`);
  const now = deps.clock().toISOString();

  if (!record.outcome) {
    // The status may be the outcome already (RETURNED by routing, CANCELLED by the requester).
    const recorded = { status: outcome, at: now, reasons: outcomeReasons(record, checkpoints, outcome) };
    if (!(await deps.requests.recordOutcome(requestId, [outcome, ...OPEN_STATUSES], recorded, [requestFinalized(recorded)]))) {
      const current = await deps.requests.get(requestId);
      if (!current?.outcome && current?.status === 'CANCELLED') {
        // Cancelled while the workflow was finishing: cancellation wins, recorded as the outcome.
        const cancelled = { status: 'CANCELLED' as const, at: now, reasons: outcomeReasons(current, checkpoints, 'CANCELLED') };
        await deps.requests.recordOutcome(requestId, ['CANCELLED'], cancelled, [requestFinalized(cancelled)]);
      }
    }
    await flushAudit(deps, requestId);
  }
  const final = (await deps.requests.get(requestId))!;
  logger.info('request finalized', { requestId, status: final.status });
  // The contract's spend grows with each approval under it (once, however often this task runs).
  await recordContractUse(deps, final, final.outcome?.at ?? now);

  if (!final.outcomeNotifiedAt) await notifyRequester(deps, final, checkpoints);
  return { status: final.status };
};

/**
 * Tells the requester the outcome, once in the normal course and at most once more after a crash:
 * the send is claimed on the request item first (of two attempts racing, one sends), then sent,
 * then recorded; a retry after a crash between claim and record sends again with the same
 * Message-ID. The requester's links open pages: the request page, and for a RETURNED request the
 * new-request form filled in from it ("Copy and fix").
 */
const notifyRequester = async (deps: Pick<Deps, 'requests' | 'audit' | 'mailer' | 'clock' | 'publicBaseUrl'>, final: RequestRecord, checkpoints: CheckpointRecord[]): Promise<void> => {
  const requestId = final.id;
  const claimedBefore = final.outcomeEmailSends ?? 0;
  if (!(await deps.requests.claimEmailSend(requestId, 'outcome', claimedBefore))) {
    logger.info('outcome email claimed by another attempt', { requestId });
    return;
  }
  if (claimedBefore > 0) logger.warn('outcome email sent again after an interrupted send', { requestId, send: claimedBefore + 1 });
  const base = deps.publicBaseUrl;
  const email = renderOutcomeEmail({
    request: requestSummary(final),
    number: final.number ?? requestId,
    outcome: final.status as Outcome,
    reasons: final.outcome?.reasons ?? [],
    checkpoints: checkpoints.map(checkpointView),
    statusLink: base ? `${base}/requests/${encodeURIComponent(requestId)}` : undefined,
    resubmitLink: base ? `${base}/requests/new?from=${encodeURIComponent(requestId)}` : undefined,
  });
  try {
    await deps.mailer.send({ to: final.request.requester, ...email, messageKey: outcomeMessageKey(requestId) });
  } catch (error) {
    // The outcome is recorded; a lost email must not undo it or fail the workflow.
    logger.warn('outcome email could not be delivered', { requestId, error: (error as Error).name });
    await deps.requests.recordEvents(requestId, [outcomeNotDelivered(final, deps.clock().toISOString())]);
    await flushAudit(deps, requestId);
    return;
  }
  const notifiedAt = deps.clock().toISOString();
  await deps.requests.annotate(requestId, { outcomeNotifiedAt: notifiedAt }, [requesterNotified(final.status, notifiedAt)]);
  await flushAudit(deps, requestId);
};

/** The key of a request's outcome email: every send of it gets the same Message-ID. */
export const outcomeMessageKey = (requestId: string): string => `outcome.${requestId}`;

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
