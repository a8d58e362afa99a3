/**
 * One approval checkpoint through its life: opened with its deadlines, the approver asked by
 * email (the task token kept server side), reminded, escalated, and finally expired — never
 * approved by silence. Each task is safe to retry and tolerates a decision that arrived while no
 * task token was live (it completes the wait at once).
 */
import { deadlinesFor, type Person } from '../domain';
import { renderApprovalRequestEmail } from '../presentation';
import { WORKFLOW_ERRORS } from '../../statemachines/placeholders';
import { RequestCancelledError, RequestNotFoundError, WorkflowStateError } from '../shared/errors';
import { logger } from '../shared/logger';
import type { CallbackRecord, CheckpointRecord, Phase, RequestRecord } from '../store/records';
import type { OutgoingMail } from '../adapters/mailer';
import { flushAudit } from '../store/audit-flush';
import { approvalNotDelivered, approvalSent, checkpointExpired, checkpointOpened } from './audit-events';
import type { Deps } from './deps';
import { checkpointView, requestSummary } from './views';

export interface WaitInstruction { phase: Phase | 'expired'; seconds: number }

const secondsUntil = (iso: string, now: Date) => Math.max(1, Math.ceil((Date.parse(iso) - now.getTime()) / 1000));

const load = async (deps: Pick<Deps, 'requests'>, requestId: string, index: number): Promise<{ record: RequestRecord; checkpoint: CheckpointRecord; all: CheckpointRecord[] }> => {
  const { request: record, checkpoints } = await deps.requests.getWithCheckpoints(requestId);
  if (!record) throw new WorkflowStateError(`request ${requestId} does not exist`);
  const checkpoint = checkpoints.find((c) => c.index === index);
  if (!checkpoint) throw new WorkflowStateError(`request ${requestId} has no checkpoint ${index}`);
  return { record, checkpoint, all: checkpoints };
};

const failIfCancelled = (record: RequestRecord) => {
  if (record.status === 'CANCELLED') throw new RequestCancelledError('the request was cancelled');
};

/**
 * The OpenCheckpoint task: the checkpoint becomes the one holding the request; its clock starts.
 * The opening and its audit event are one write; the flush at the start writes whatever an
 * earlier task (or a decision) left pending.
 */
export const openCheckpoint = async (deps: Pick<Deps, 'requests' | 'audit' | 'policies' | 'clock'>, requestId: string, index: number): Promise<WaitInstruction> => {
  await flushAudit(deps, requestId);
  const { record, checkpoint } = await load(deps, requestId, index);
  failIfCancelled(record);
  const now = deps.clock();
  if (checkpoint.state === 'waiting') {
    const deadlines = deadlinesFor(deps.policies.get(record.request.policy), now);
    if (await deps.requests.openCheckpoint(requestId, index, { openedAt: now.toISOString(), deadlines }, [checkpointOpened(checkpoint, deadlines, now.toISOString())])) {
      await deps.requests.annotate(requestId, { currentIndex: index, updatedAt: now.toISOString() });
      await flushAudit(deps, requestId);
      logger.info('checkpoint opened', { requestId, index, role: checkpoint.role, deadlines });
      return { phase: 'request', seconds: secondsUntil(deadlines.remindAt, now) };
    }
  }
  const current = await deps.requests.getCheckpoint(requestId, index);
  // A retry after a failure right after opening the checkpoint: finish the bookkeeping.
  if (current?.state === 'pending' && current.deadlines) await deps.requests.annotate(requestId, { currentIndex: index });
  return { phase: 'request', seconds: current?.deadlines ? secondsUntil(current.deadlines.remindAt, now) : 1 };
};

const recipientFor = (checkpoint: CheckpointRecord, phase: Phase): { person: Person; kind: 'primary' | 'escalation' } =>
  phase === 'escalation' ? { person: checkpoint.escalation, kind: 'escalation' } : { person: checkpoint.approver, kind: 'primary' };

/**
 * The RequestApproval callback task: keep the live token, make sure the recipient has a link, and
 * email them once per phase. A decision recorded while no token was live is delivered right away.
 */
export const requestApproval = async (
  deps: Pick<Deps, 'requests' | 'approvals' | 'audit' | 'workflow' | 'mailer' | 'clock' | 'newApprovalId' | 'publicBaseUrl'>,
  input: { requestId: string; index: number; phase: Phase; taskToken: string },
): Promise<void> => {
  const { requestId, index, phase, taskToken } = input;
  const { record, checkpoint, all } = await load(deps, requestId, index);
  failIfCancelled(record);
  const callback = await deps.approvals.storeToken(requestId, index, taskToken, phase);
  // Leftovers of an earlier run reach the chain once the live token is stored: whoever reads
  // `approval-requested` there can answer this wait.
  await flushAudit(deps, requestId);

  if (checkpoint.state !== 'pending') {
    await deliverRecordedOutcome(deps, checkpoint, taskToken);
    return;
  }

  await notifyRecipient(deps, { record, checkpoint, all, callback, phase });
};

type NotifyDeps = Pick<Deps, 'requests' | 'approvals' | 'audit' | 'mailer' | 'clock' | 'newApprovalId' | 'publicBaseUrl'>;

/**
 * Makes sure this phase's recipient has a link and emails it once: `sent`, `already` (a retry
 * after the email went out) or `failed` (the transport stayed down through every retry; recorded
 * as `notification-failed`, and the wait goes on: the next deadline phase or a resend tries again).
 */
const notifyRecipient = async (
  deps: NotifyDeps,
  args: { record: RequestRecord; checkpoint: CheckpointRecord; all: CheckpointRecord[]; callback: CallbackRecord; phase: Phase; resend?: boolean },
): Promise<'sent' | 'already' | 'failed'> => {
  const { record, checkpoint, all, callback, phase } = args;
  const requestId = record.id;
  const { index } = checkpoint;
  const { person, kind } = recipientFor(checkpoint, phase);
  const linkField = kind === 'primary' ? 'primaryLinkId' : 'escalationLinkId';
  let approvalId = callback[linkField];
  const now = deps.clock();
  if (!approvalId) {
    const candidate = deps.newApprovalId();
    await deps.approvals.putLink({ approvalId: candidate, requestId, index, recipient: person, kind, createdAt: now.toISOString() });
    approvalId = await deps.approvals.rememberLink(requestId, index, linkField, candidate);
  }
  // This phase's email went out before a retry (its event was recorded with it).
  if (checkpoint.notified?.[phase]) return 'already';

  const email = renderApprovalRequestEmail({
    request: requestSummary(record),
    checkpoint: checkpointView(checkpoint),
    previous: all.filter((c) => c.decision).map(checkpointView),
    link: `${deps.publicBaseUrl}/approvals/${approvalId}`,
    phase,
    dueAt: checkpoint.deadlines?.expireAt ?? '',
    escalatedFrom: phase === 'escalation' ? checkpoint.approver : undefined,
  });
  const delivered = await sendWithRetry(deps, { to: person, ...email });
  if (!delivered.ok) {
    await deps.requests.recordEvents(requestId, [approvalNotDelivered(checkpoint, phase, person, delivered, deps.clock().toISOString(), Boolean(args.resend))], index);
    await flushAudit(deps, requestId);
    logger.warn('approval email could not be delivered', { requestId, index, phase, attempts: delivered.attempts, resend: Boolean(args.resend) });
    return 'failed';
  }
  const sentAt = deps.clock().toISOString();
  await deps.requests.markNotified(requestId, index, phase, sentAt, [approvalSent(checkpoint, phase, person, sentAt, Boolean(args.resend))]);
  await flushAudit(deps, requestId);
  logger.info('approval requested', { requestId, index, phase, ...(args.resend ? { resent: true } : {}) });
  return 'sent';
};

export type ResendResult =
  | { kind: 'sent'; index: number; role: string; phase: Phase }
  | { kind: 'failed'; index: number; role: string; phase: Phase }
  | { kind: 'nothing-to-resend'; reason: string };

/**
 * POST /requests/{id}/resend-notification: sends the current checkpoint's approval email again
 * when it could not be delivered (after a `notification-failed`). Only the mail whose delivery
 * failed is sent, to the person it was meant for, with the same link; a delivered one is not
 * repeated, so the route cannot be used to flood an approver.
 */
export const resendNotification = async (deps: Pick<Deps, 'requests'> & NotifyDeps, requestId: string): Promise<ResendResult> => {
  const { request: record, checkpoints } = await deps.requests.getWithCheckpoints(requestId);
  if (!record) throw new RequestNotFoundError('no such request');
  if (record.status !== 'PENDING_APPROVAL') return { kind: 'nothing-to-resend', reason: `the request is ${record.status}` };
  const checkpoint = checkpoints.find((c) => c.state === 'pending');
  if (!checkpoint) return { kind: 'nothing-to-resend', reason: 'no approver is being asked right now' };
  const callback = await deps.approvals.getCallback(requestId, checkpoint.index);
  if (!callback?.phase) return { kind: 'nothing-to-resend', reason: 'the approval email is still being sent' };
  const phase = callback.phase;
  if (checkpoint.notified?.[phase]) return { kind: 'nothing-to-resend', reason: 'the approval email was delivered' };
  const sent = await notifyRecipient(deps, { record, checkpoint, all: checkpoints, callback, phase, resend: true });
  const about = { index: checkpoint.index, role: checkpoint.role, phase };
  if (sent === 'already') return { kind: 'nothing-to-resend', reason: 'the approval email was delivered' };
  return { kind: sent, ...about };
};

/** Backoff before each retry of a failed send; a transport that stays down is recorded, not fatal. */
export const MAIL_RETRY_DELAYS_MS = [250, 1000, 4000];

const sendWithRetry = async (deps: Pick<Deps, 'mailer'>, mail: OutgoingMail): Promise<{ ok: true } | { ok: false; attempts: number; error: string }> => {
  let lastError = '';
  for (let attempt = 0; attempt <= MAIL_RETRY_DELAYS_MS.length; attempt += 1) {
    try {
      await deps.mailer.send(mail);
      return { ok: true };
    } catch (error) {
      lastError = error instanceof Error ? error.name : 'Error';
      const delay = MAIL_RETRY_DELAYS_MS[attempt];
      if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random() / 2)));
    }
  }
  return { ok: false, attempts: MAIL_RETRY_DELAYS_MS.length + 1, error: lastError };
};

/** Completes the wait with a decision that was recorded while the previous token was not live. */
const deliverRecordedOutcome = async (deps: Pick<Deps, 'workflow'>, checkpoint: CheckpointRecord, taskToken: string) => {
  if (checkpoint.state === 'approved') {
    await deps.workflow.succeed(taskToken, { decision: 'approve', index: checkpoint.index });
  } else if (checkpoint.state === 'rejected') {
    await deps.workflow.fail(taskToken, WORKFLOW_ERRORS.approvalRejected, checkpoint.decision?.comment ?? 'rejected');
  } else if (checkpoint.state === 'cancelled') {
    await deps.workflow.fail(taskToken, WORKFLOW_ERRORS.requestCancelled, 'the request was cancelled');
  } else if (checkpoint.state === 'expired') {
    // AdvanceDeadline will see the expiry on the next timeout; nothing to deliver.
  } else {
    throw new WorkflowStateError(`checkpoint ${checkpoint.index} of ${checkpoint.requestId} was never opened`);
  }
};

const NEXT_PHASE: Record<Phase, { next: Phase | 'expired'; until: 'escalateAt' | 'expireAt' | null }> = {
  request: { next: 'reminder', until: 'escalateAt' },
  reminder: { next: 'escalation', until: 'expireAt' },
  escalation: { next: 'expired', until: null },
};

/** The AdvanceDeadline task, after a wait timed out: remind, escalate, or expire the checkpoint. */
export const advanceDeadline = async (deps: Pick<Deps, 'requests' | 'audit' | 'clock'>, requestId: string, index: number, phase: Phase): Promise<WaitInstruction> => {
  await flushAudit(deps, requestId);
  const { record, checkpoint } = await load(deps, requestId, index);
  failIfCancelled(record);
  const now = deps.clock();
  // Decided while the token was changing hands: go back to RequestApproval, which delivers it.
  if (checkpoint.state === 'expired') return { phase: 'expired', seconds: 1 }; // a retry after expiring it
  if (checkpoint.state !== 'pending') return { phase, seconds: 1 };
  const step = NEXT_PHASE[phase];
  if (step.next === 'expired' || !checkpoint.deadlines) {
    const expired = await deps.requests.closeCheckpoint(requestId, index, ['pending'], 'expired', now.toISOString(), [checkpointExpired(checkpoint, now.toISOString())]);
    if (!expired) return { phase, seconds: 1 };
    await flushAudit(deps, requestId);
    logger.info('checkpoint expired', { requestId, index, role: checkpoint.role });
    return { phase: 'expired', seconds: 0 };
  }
  logger.info('deadline reached', { requestId, index, from: phase, next: step.next });
  return { phase: step.next, seconds: secondsUntil(checkpoint.deadlines[step.until!], now) };
};
