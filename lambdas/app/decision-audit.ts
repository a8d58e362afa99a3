/**
 * The audit events that record a person's act: a checkpoint decided, a request cancelled. The
 * state change (a conditional write) comes first and can succeed while the event append fails;
 * the person's retry then sees "already decided". So the event is written with appendOnce where
 * the act happens, and again — once, never twice — by the workflow steps that follow it
 * (OpenCheckpoint of the next checkpoint, FinalizeDecision), which closes that gap.
 */
import type { AuditTable } from '../store/audit-table';
import type { CheckpointRecord, RequestRecord } from '../store/records';

export const recordDecisionEvent = (audit: AuditTable, checkpoint: CheckpointRecord, via?: 'primary' | 'escalation') => {
  const decision = checkpoint.decision;
  if (!decision) return Promise.resolve(undefined);
  return audit.appendOnce(checkpoint.requestId, {
    type: decision.decision === 'approve' ? 'checkpoint-approved' : 'checkpoint-rejected',
    actor: { kind: checkpoint.requires?.length ? 'clerk' : 'approver', name: decision.decidedBy.name, email: decision.decidedBy.email, onBehalfOf: decision.onBehalfOf },
    data: {
      index: checkpoint.index, role: checkpoint.role, comment: decision.comment ?? null, decidedAt: decision.decidedAt,
      ...(via ? { via } : {}), meetingDate: decision.meetingDate ?? null, resolutionNumber: decision.resolutionNumber ?? null,
    },
  }, (e) => e.data.index === checkpoint.index);
};

export const recordCancellationEvent = (audit: AuditTable, record: RequestRecord, previousStatus?: string) =>
  audit.appendOnce(record.id, {
    type: 'request-cancelled',
    actor: { kind: 'requester', name: record.request.requester.name, email: record.request.requester.email },
    data: { reason: record.cancellation?.reason ?? null, at: record.cancellation?.at ?? null, ...(previousStatus ? { previousStatus } : {}) },
  }, () => true);

/** Writes any decision or cancellation event a failure left out (each at most once). */
export const reconcileActs = async (audit: AuditTable, record: RequestRecord, checkpoints: CheckpointRecord[]) => {
  for (const checkpoint of checkpoints.filter((c) => c.decision)) await recordDecisionEvent(audit, checkpoint);
  if (record.status === 'CANCELLED' && record.cancellation) await recordCancellationEvent(audit, record);
};
