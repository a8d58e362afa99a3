/**
 * One approval checkpoint through its life: opened with its deadlines, the approver asked by
 * email (the task token kept server side), reminded, escalated, and finally expired — never
 * approved by silence. Each task is safe to retry and tolerates a decision that arrived while no
 * task token was live (it completes the wait at once).
 */
import { deadlinesFor, type Person } from '../domain';
import { renderApprovalRequestEmail } from '../presentation';
import { WORKFLOW_ERRORS } from '../../statemachines/placeholders';
import { RequestCancelledError, WorkflowStateError } from '../shared/errors';
import { logger } from '../shared/logger';
import type { CheckpointRecord, Phase, RequestRecord } from '../store/records';
import type { OutgoingMail } from '../adapters/mailer';
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

/** The OpenCheckpoint task: the checkpoint becomes the one holding the request; its clock starts. */
export const openCheckpoint = async (deps: Pick<Deps, 'requests' | 'audit' | 'policies' | 'clock'>, requestId: string, index: number): Promise<WaitInstruction> => {
  const { record, checkpoint } = await load(deps, requestId, index);
  failIfCancelled(record);
  const now = deps.clock();
  if (checkpoint.state === 'waiting') {
    const deadlines = deadlinesFor(deps.policies.get(record.request.policy), now);
    if (await deps.requests.openCheckpoint(requestId, index, { openedAt: now.toISOString(), deadlines })) {
      await deps.requests.annotate(requestId, { currentIndex: index, updatedAt: now.toISOString() });
      await deps.audit.append(requestId, {
        type: 'checkpoint-opened', actor: { kind: 'system' },
        data: { index, role: checkpoint.role, approver: checkpoint.approver, onBehalfOf: checkpoint.onBehalfOf ?? null, deadlines },
      });
      logger.info('checkpoint opened', { requestId, index, role: checkpoint.role, deadlines });
      return { phase: 'request', seconds: secondsUntil(deadlines.remindAt, now) };
    }
  }
  const current = await deps.requests.getCheckpoint(requestId, index);
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

  if (checkpoint.state !== 'pending') {
    await deliverRecordedOutcome(deps, checkpoint, taskToken);
    return;
  }

  const { person, kind } = recipientFor(checkpoint, phase);
  const linkField = kind === 'primary' ? 'primaryLinkId' : 'escalationLinkId';
  let approvalId = callback[linkField];
  const now = deps.clock();
  if (!approvalId) {
    const candidate = deps.newApprovalId();
    await deps.approvals.putLink({ approvalId: candidate, requestId, index, recipient: person, kind, createdAt: now.toISOString() });
    approvalId = await deps.approvals.rememberLink(requestId, index, linkField, candidate);
  }
  if (callback.notified?.[phase]) return; // this phase's email went out before a retry

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
    // The checkpoint stays pending (the wait goes on); the next deadline phase or a resend tries again.
    await deps.audit.append(requestId, {
      type: 'notification-failed', actor: { kind: 'system' },
      data: { index, role: checkpoint.role, phase, recipient: person, attempts: delivered.attempts, error: delivered.error },
    });
    logger.warn('approval email could not be delivered', { requestId, index, phase, attempts: delivered.attempts });
    return;
  }
  await deps.approvals.markNotified(requestId, index, phase, now.toISOString());
  await deps.audit.append(requestId, {
    type: phase === 'request' ? 'approval-requested' : phase === 'reminder' ? 'reminder-sent' : 'approval-escalated',
    actor: { kind: 'system' },
    data: { index, role: checkpoint.role, recipient: person, dueAt: checkpoint.deadlines?.expireAt ?? null },
  });
  logger.info('approval requested', { requestId, index, phase });
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
  const { record, checkpoint } = await load(deps, requestId, index);
  failIfCancelled(record);
  const now = deps.clock();
  // Decided while the token was changing hands: go back to RequestApproval, which delivers it.
  if (checkpoint.state !== 'pending') return { phase: checkpoint.state === 'expired' ? 'expired' : phase, seconds: 1 };
  const step = NEXT_PHASE[phase];
  if (step.next === 'expired' || !checkpoint.deadlines) {
    const expired = await deps.requests.closeCheckpoint(requestId, index, ['pending'], 'expired', now.toISOString());
    if (!expired) return { phase, seconds: 1 };
    await deps.audit.append(requestId, { type: 'checkpoint-expired', actor: { kind: 'system' }, data: { index, role: checkpoint.role, approver: checkpoint.approver } });
    logger.info('checkpoint expired', { requestId, index, role: checkpoint.role });
    return { phase: 'expired', seconds: 0 };
  }
  logger.info('deadline reached', { requestId, index, from: phase, next: step.next });
  return { phase: step.next, seconds: secondsUntil(checkpoint.deadlines[step.until!], now) };
};
