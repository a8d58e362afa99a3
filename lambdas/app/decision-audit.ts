/**
 * The audit events that record a person's act: a checkpoint decided, a request cancelled. The
 * state change (a conditional write) comes first and can succeed while the event append fails;
 * the person's retry then sees "already decided". So the event is written with appendOnce where
 * the act happens, and again — once, never twice — by the workflow steps that follow it
 * (OpenCheckpoint of the next checkpoint, FinalizeDecision), which closes that gap.
 */
import type { AuditTable, OnceEntry } from '../store/audit-table';
import type { CheckpointRecord, RequestRecord } from '../store/records';

/** The event of a checkpoint's decision, written once per checkpoint. */
const decisionEntry = (checkpoint: CheckpointRecord, via?: 'primary' | 'escalation'): OnceEntry | undefined => {
  const decision = checkpoint.decision;
  if (!decision) return undefined;
  return {
    event: {
      type: decision.decision === 'approve' ? 'checkpoint-approved' : 'checkpoint-rejected',
      actor: { kind: checkpoint.requires?.length ? 'clerk' : 'approver', name: decision.decidedBy.name, email: decision.decidedBy.email, onBehalfOf: decision.onBehalfOf },
      data: {
        index: checkpoint.index, role: checkpoint.role, comment: decision.comment ?? null, decidedAt: decision.decidedAt,
        ...(via ? { via } : {}), meetingDate: decision.meetingDate ?? null, resolutionNumber: decision.resolutionNumber ?? null,
      },
    },
    isSame: (e) => e.data.index === checkpoint.index,
  };
};

const cancellationEntry = (record: RequestRecord, previousStatus?: string): OnceEntry => ({
  event: {
    type: 'request-cancelled',
    // The verified person who cancelled; records from before sign-in name the requester.
    actor: record.cancellation?.by ?? { kind: 'requester', name: record.request.requester.name, email: record.request.requester.email },
    data: { reason: record.cancellation?.reason ?? null, at: record.cancellation?.at ?? null, ...(previousStatus ? { previousStatus } : {}) },
  },
  isSame: () => true,
});

export const recordDecisionEvent = async (audit: AuditTable, checkpoint: CheckpointRecord, via?: 'primary' | 'escalation') => {
  const entry = decisionEntry(checkpoint, via);
  if (entry) await audit.appendOnce(checkpoint.requestId, entry.event, entry.isSame);
};

export const recordCancellationEvent = (audit: AuditTable, record: RequestRecord, previousStatus?: string) => {
  const entry = cancellationEntry(record, previousStatus);
  return audit.appendOnce(record.id, entry.event, entry.isSame);
};

/** The decision and cancellation events a failure may have left out, to write with appendEachOnce. */
export const missedActs = (record: RequestRecord, checkpoints: CheckpointRecord[]): OnceEntry[] => [
  ...checkpoints.map((c) => decisionEntry(c)).filter((e): e is OnceEntry => e !== undefined),
  ...(record.status === 'CANCELLED' && record.cancellation ? [cancellationEntry(record)] : []),
];
