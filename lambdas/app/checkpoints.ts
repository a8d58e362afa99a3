/**
 * One approval checkpoint through its life: opened with its deadlines, the approver asked by
 * email (the task token kept server side), reminded, escalated, and finally expired — never
 * approved by silence. Two tasks of the state machine drive it: RequestApproval (the callback
 * wait, which also opens the checkpoint) and AdvanceDeadline (after a wait timed out). Each is
 * safe to retry and tolerates a decision that arrived while no task token was live (the next
 * wait completes at once).
 */
import { deadlinesFor, type Person, type Policy } from '../domain';
import { requireBase } from '../domain/policy';
import { renderApprovalRequestEmail } from '../presentation';
import { WORKFLOW_ERRORS } from '../../statemachines/placeholders';
import { RequestCancelledError, RequestNotFoundError, WorkflowStateError } from '../shared/errors';
import { logger } from '../shared/logger';
import type { CallbackRecord, CheckpointRecord, Phase, RequestRecord } from '../store/records';
import type { OutgoingMail } from '../adapters/mailer';
import { MailConfigurationError } from '../adapters/mail-errors';
import { flushAudit } from '../store/audit-flush';
import { approvalNotDelivered, approvalSent, checkpointExpired, checkpointOpened } from './audit-events';
import type { Deps } from './deps';
import { checkpointView, requestSummary } from './views';

/**
 * The shortest callback wait. A wait armed for a second or two can time out before a cold-started
 * handler has even stored its token, and then loop; a deadline already due is handled by the task
 * itself instead of by a short wait.
 */
export const MIN_WAIT_SECONDS = 30;
/** A wait that ends this much before a deadline (timer granularity, the wait armed just before the checkpoint opened) counts as reaching it. */
export const DEADLINE_TOLERANCE_MS = 1000;

/** Thrown by AdvanceDeadline when the last deadline passed; the ASL catches it by this name. */
export class CheckpointExpiredError extends Error {
  override name = WORKFLOW_ERRORS.checkpointExpired;
}

/** What the next callback wait is about and how long it lasts (the ASL's `$.wait`). */
export interface WaitInstruction { index: number; phase: Phase; seconds: number }

const waitSeconds = (untilMs: number, now: Date) => Math.max(MIN_WAIT_SECONDS, Math.ceil((untilMs - now.getTime()) / 1000));

/**
 * The wait before a checkpoint's first deadline check, known at routing, before the checkpoint
 * opens: the reminder delay with business days counted as calendar days, so it never ends after
 * the reminder is due (opened before a weekend it ends early, and AdvanceDeadline waits the rest).
 */
export const firstWaitSeconds = (policy: Policy): number => {
  const reminder = requireBase(policy).deadlines.reminder;
  return Math.max(MIN_WAIT_SECONDS, 'seconds' in reminder ? reminder.seconds : reminder.businessDays * 86_400);
};

/** The deadline phase a checkpoint is in at `now`, and when the next one is due. */
export const phaseAt = (deadlines: NonNullable<CheckpointRecord['deadlines']>, now: Date): { phase: Phase; nextAt: number } | { phase: 'expired' } => {
  const reached = (iso: string) => now.getTime() >= Date.parse(iso) - DEADLINE_TOLERANCE_MS;
  if (reached(deadlines.expireAt)) return { phase: 'expired' };
  if (reached(deadlines.escalateAt)) return { phase: 'escalation', nextAt: Date.parse(deadlines.expireAt) };
  if (reached(deadlines.remindAt)) return { phase: 'reminder', nextAt: Date.parse(deadlines.escalateAt) };
  return { phase: 'request', nextAt: Date.parse(deadlines.remindAt) };
};

const load = async (deps: Pick<Deps, 'requests'>, requestId: string): Promise<{ record: RequestRecord; all: CheckpointRecord[] }> => {
  const { request: record, checkpoints } = await deps.requests.getWithCheckpoints(requestId);
  if (!record) throw new WorkflowStateError(`request ${requestId} does not exist`);
  if (record.status === 'CANCELLED') throw new RequestCancelledError('the request was cancelled');
  return { record, all: checkpoints };
};

const checkpointAt = (requestId: string, all: CheckpointRecord[], index: number): CheckpointRecord => {
  const checkpoint = all.find((c) => c.index === index);
  if (!checkpoint) throw new WorkflowStateError(`request ${requestId} has no checkpoint ${index}`);
  return checkpoint;
};

/** The checkpoint a new wait is about: the first one not approved (checkpoints open in order). */
const nextCheckpoint = (requestId: string, all: CheckpointRecord[]): CheckpointRecord => {
  const checkpoint = all.find((c) => c.state !== 'approved');
  if (!checkpoint) throw new WorkflowStateError(`request ${requestId} has no checkpoint left to ask`);
  return checkpoint;
};

/** The checkpoint a timed-out wait was about: the last one opened. */
const lastOpened = (requestId: string, all: CheckpointRecord[]): CheckpointRecord => {
  const checkpoint = all.filter((c) => c.state !== 'waiting').at(-1);
  if (!checkpoint) throw new WorkflowStateError(`request ${requestId} has no open checkpoint`);
  return checkpoint;
};

/**
 * The checkpoint becomes the one holding the request; its clock starts. The opening and its
 * audit event are one write. A retry after the write finds it open and finishes the bookkeeping.
 */
const openCheckpoint = async (deps: Pick<Deps, 'requests' | 'audit' | 'policies' | 'clock'>, record: RequestRecord, checkpoint: CheckpointRecord): Promise<CheckpointRecord> => {
  const requestId = record.id;
  const { index } = checkpoint;
  const now = deps.clock();
  if (checkpoint.state === 'waiting') {
    const deadlines = deadlinesFor(deps.policies.get(record.request.policy), now);
    if (await deps.requests.openCheckpoint(requestId, index, { openedAt: now.toISOString(), deadlines }, [checkpointOpened(checkpoint, deadlines, now.toISOString())])) {
      logger.info('checkpoint opened', { requestId, index, role: checkpoint.role, deadlines });
    }
  }
  if (record.currentIndex !== index) await deps.requests.annotate(requestId, { currentIndex: index, updatedAt: now.toISOString() });
  await flushAudit(deps, requestId);
  const opened = await deps.requests.getCheckpoint(requestId, index);
  if (!opened || opened.state === 'waiting') throw new WorkflowStateError(`checkpoint ${index} of ${requestId} did not open`);
  return opened;
};

/**
 * The RequestApproval callback task. Without an index (the first wait of a checkpoint) it opens
 * the next checkpoint; then it keeps the live token, makes sure the phase's recipient has a link
 * and emails them once per phase. A decision recorded while no token was live is delivered at once.
 */
export const requestApproval = async (
  deps: Pick<Deps, 'requests' | 'approvals' | 'audit' | 'workflow' | 'mailer' | 'policies' | 'clock' | 'newApprovalId' | 'publicBaseUrl'>,
  input: { requestId: string; index?: number; phase: Phase; taskToken: string },
): Promise<void> => {
  const { requestId, phase, taskToken } = input;
  const { record, all } = await load(deps, requestId);
  let checkpoint = input.index === undefined ? nextCheckpoint(requestId, all) : checkpointAt(requestId, all, input.index);
  if (checkpoint.state === 'waiting') checkpoint = await openCheckpoint(deps, record, checkpoint);
  const callback = await deps.approvals.storeToken(requestId, checkpoint.index, taskToken, phase);
  // The flush every task runs, here once this attempt's token is stored: whoever sees an event a
  // failed attempt left (say, its approval-requested) then also finds the token that is live.
  await flushAudit(deps, requestId);

  // The checkpoint's state is read again now that the token is stored: a cancellation or a decision
  // closes the checkpoint first and then looks for the token, so either it found this token and
  // answers it, or this read sees the checkpoint closed. Read before the token, a cancel landing in
  // between would be missed by both, and the workflow would wait with nobody left to answer it.
  const current = (await deps.requests.getCheckpoint(requestId, checkpoint.index)) ?? checkpoint;
  if (current.state !== 'pending') {
    await deliverRecordedOutcome(deps, current, taskToken);
    return;
  }
  checkpoint = current;

  await notifyRecipient(deps, { record, checkpoint, all, callback, phase });
};

const recipientFor = (checkpoint: CheckpointRecord, phase: Phase): { person: Person; kind: 'primary' | 'escalation' } =>
  phase === 'escalation' ? { person: checkpoint.escalation, kind: 'escalation' } : { person: checkpoint.approver, kind: 'primary' };

type NotifyDeps = Pick<Deps, 'requests' | 'approvals' | 'audit' | 'mailer' | 'clock' | 'newApprovalId' | 'publicBaseUrl'>;

/**
 * Makes sure this phase's recipient has a link and emails it once: `sent`, `already` (a retry
 * after the email went out, or another attempt is sending it) or `failed` (the transport stayed
 * down through every retry; recorded as `notification-failed`, and the wait goes on: the next
 * deadline phase or a resend tries again).
 *
 * Once in the normal course, at most once more after a crash: the send is claimed on the
 * checkpoint item first (a conditional write, so of two attempts racing one sends), then sent,
 * then recorded as delivered. A crash between the claim and the record leaves the claim; the
 * retry takes the next claim and sends again with the same Message-ID, which clients thread or
 * drop as the same message.
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
  const email = { index, phase };
  const claimedBefore = checkpoint[`${phase}EmailSends` as const] ?? 0;
  if (!(await deps.requests.claimEmailSend(requestId, email, claimedBefore))) {
    // Delivered meanwhile, or another attempt claimed this send and is sending it now.
    logger.info('approval email claimed by another attempt', { requestId, index, phase });
    return 'already';
  }
  if (claimedBefore > 0) logger.warn('approval email sent again after an interrupted send', { requestId, index, phase, send: claimedBefore + 1 });

  const content = renderApprovalRequestEmail({
    request: requestSummary(record),
    number: record.number ?? record.id,
    recipient: person,
    checkpoint: checkpointView(checkpoint),
    previous: all.filter((c) => c.decision).map(checkpointView),
    link: `${deps.publicBaseUrl}/approvals/${approvalId}`,
    phase,
    dueAt: checkpoint.deadlines?.expireAt ?? '',
    escalatedFrom: phase === 'escalation' ? checkpoint.approver : undefined,
  });
  const delivered = await sendWithRetry(deps, { to: person, ...content, messageKey: approvalMessageKey(requestId, index, phase) });
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

/** The key of a phase's approval email: every send of it (a retry, a resend) gets the same Message-ID. */
export const approvalMessageKey = (requestId: string, index: number, phase: Phase): string => `approval.${requestId}.${index}.${phase}`;

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
      // SES configuration refusals (unverified identity, sandbox, AccessDenied) never heal by retrying.
      if (error instanceof MailConfigurationError) return { ok: false, attempts: attempt + 1, error: lastError };
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
    await deps.workflow.fail(taskToken, WORKFLOW_ERRORS.checkpointExpired, 'the checkpoint expired');
  } else {
    throw new WorkflowStateError(`checkpoint ${checkpoint.index} of ${checkpoint.requestId} was never opened`);
  }
};

const PHASES: ReadonlyArray<Phase | 'expired'> = ['request', 'reminder', 'escalation', 'expired'];

/**
 * The AdvanceDeadline task, after a wait timed out: the phase reached by the clock (request,
 * reminder, escalation) and the wait until the next deadline, or the checkpoint expired. A
 * checkpoint decided while the token was changing hands goes back to the wait, which delivers it.
 */
export const advanceDeadline = async (deps: Pick<Deps, 'requests' | 'audit' | 'clock'>, requestId: string, from: Phase = 'request'): Promise<WaitInstruction> => {
  await flushAudit(deps, requestId);
  const { all } = await load(deps, requestId);
  const checkpoint = lastOpened(requestId, all);
  const { index } = checkpoint;
  const now = deps.clock();
  if (checkpoint.state === 'expired') throw new CheckpointExpiredError(`checkpoint ${index} expired`); // a retry after expiring it
  const byClock = checkpoint.deadlines ? phaseAt(checkpoint.deadlines, now) : { phase: 'expired' as const };
  // One phase at a time: a wait that overran several deadlines still sends each email, 30 s apart.
  const following = PHASES[PHASES.indexOf(from) + 1]!;
  const reached = PHASES.indexOf(byClock.phase) > PHASES.indexOf(following) ? { phase: following, nextAt: 0 } : byClock;
  if (checkpoint.state !== 'pending') {
    return { index, phase: reached.phase === 'expired' ? 'escalation' : reached.phase, seconds: MIN_WAIT_SECONDS };
  }
  if (reached.phase === 'expired') {
    if (await deps.requests.closeCheckpoint(requestId, index, ['pending'], 'expired', now.toISOString(), [checkpointExpired(checkpoint, now.toISOString())])) {
      await flushAudit(deps, requestId);
      logger.info('checkpoint expired', { requestId, index, role: checkpoint.role });
      throw new CheckpointExpiredError(`checkpoint ${index} expired`);
    }
    // Decided just now: the wait delivers the decision.
    return { index, phase: 'escalation', seconds: MIN_WAIT_SECONDS };
  }
  logger.info('deadline check', { requestId, index, from, phase: reached.phase });
  return { index, phase: reached.phase, seconds: waitSeconds(reached.nextAt, now) };
};
