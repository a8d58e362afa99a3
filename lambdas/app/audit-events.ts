/**
 * Every audit event the use cases record, built in one place with its `eventKey`: the fact it
 * records, unique on a request's chain (`checkpoint-approved#2`). An event rides on the write of
 * the state change that caused it (RequestsTable) and `flushAudit` puts it on the chain once,
 * however often a retried task or a second writer records it again.
 *
 * Actors are plain values passed in by the use case (who acted is the caller's knowledge).
 */
import type { Actor } from '../audit/chain';
import type { Person, RoutingDecision, VerifiedDocument } from '../domain';
import type { CheckpointRecord, DecisionRecord, PendingEvent, Phase, RequestRecord, RequestStatus } from '../store/records';

const SYSTEM: Actor = { kind: 'system' };

const documentAudit = (d: VerifiedDocument) => ({ documentId: d.id, purpose: d.purpose, filename: d.filename, mediaType: d.mediaType, size: d.size, sha256: d.sha256 });

export const requestSubmitted = (record: RequestRecord, actor: Actor): PendingEvent => {
  const r = record.request;
  return {
    eventKey: 'request-submitted', at: record.submittedAt, type: 'request-submitted', actor,
    data: {
      number: record.number ?? null, title: r.title, amountCents: r.amountCents, department: r.department, vendor: r.vendor.name, method: r.method?.type ?? null, policy: r.policy,
      // Each referenced document as the server verified it: its SHA-256 of the stored bytes goes on the chain.
      ...(record.documents?.length ? { documents: record.documents.map(documentAudit) } : {}),
    },
  };
};

/** A number given after the request was stored (a request from before numbers existed, finished by the reconciler). */
export const requestNumbered = (number: string, at: string): PendingEvent => ({
  eventKey: 'request-numbered', at, type: 'request-numbered', actor: SYSTEM, data: { number },
});

/** The routing decision: its flags, then `request-routed`. */
export const requestRouted = (decision: RoutingDecision, at: string): PendingEvent[] => [
  ...decision.flags.map((flag, i) => ({ eventKey: `${flag.type}#${i}`, at, type: flag.type, actor: SYSTEM, data: { ...flag } })),
  {
    eventKey: 'request-routed', at, type: 'request-routed', actor: SYSTEM,
    data: {
      status: decision.status,
      policy: decision.policy,
      tier: decision.tier,
      method: { type: decision.method.type, selectedBy: decision.method.selectedBy, eligible: decision.method.eligible, checks: decision.method.checks },
      checkpoints: decision.checkpoints.map((c) => ({ index: c.index, role: c.role, approver: c.approver, onBehalfOf: c.onBehalfOf ?? null, reason: c.reason })),
      reasons: decision.reasons,
    },
  },
];

export const checkpointOpened = (checkpoint: CheckpointRecord, deadlines: NonNullable<CheckpointRecord['deadlines']>, at: string): PendingEvent => ({
  eventKey: `checkpoint-opened#${checkpoint.index}`, at, type: 'checkpoint-opened', actor: SYSTEM,
  data: { index: checkpoint.index, role: checkpoint.role, approver: checkpoint.approver, onBehalfOf: checkpoint.onBehalfOf ?? null, deadlines },
});

const SENT_TYPE: Record<Phase, string> = { request: 'approval-requested', reminder: 'reminder-sent', escalation: 'approval-escalated' };

/** An approval email went out: once per checkpoint and phase, and once per resend after a failure. */
export const approvalSent = (checkpoint: CheckpointRecord, phase: Phase, recipient: Person, at: string, resent: boolean): PendingEvent => ({
  eventKey: `${SENT_TYPE[phase]}#${checkpoint.index}${resent ? `#resent#${at}` : ''}`, at, type: SENT_TYPE[phase], actor: SYSTEM,
  data: { index: checkpoint.index, role: checkpoint.role, recipient, dueAt: checkpoint.deadlines?.expireAt ?? null, ...(resent ? { resent: true } : {}) },
});

/** An approval email could not be delivered after every retry; each failure is its own event. */
export const approvalNotDelivered = (
  checkpoint: CheckpointRecord, phase: Phase, recipient: Person, failure: { attempts: number; error: string }, at: string, resend: boolean,
): PendingEvent => ({
  eventKey: `notification-failed#${checkpoint.index}#${phase}#${at}`, at, type: 'notification-failed', actor: SYSTEM,
  data: { index: checkpoint.index, role: checkpoint.role, phase, recipient, attempts: failure.attempts, error: failure.error, resend },
});

export const checkpointDecided = (checkpoint: CheckpointRecord, decision: DecisionRecord, via?: 'primary' | 'escalation'): PendingEvent => {
  const type = decision.decision === 'approve' ? 'checkpoint-approved' : 'checkpoint-rejected';
  return {
    eventKey: `${type}#${checkpoint.index}`, at: decision.decidedAt, type,
    actor: { kind: checkpoint.requires?.length ? 'clerk' : 'approver', name: decision.decidedBy.name, email: decision.decidedBy.email, onBehalfOf: decision.onBehalfOf },
    data: {
      index: checkpoint.index, role: checkpoint.role, comment: decision.comment ?? null, decidedAt: decision.decidedAt,
      ...(via ? { via } : {}), meetingDate: decision.meetingDate ?? null, resolutionNumber: decision.resolutionNumber ?? null,
    },
  };
};

export const checkpointExpired = (checkpoint: CheckpointRecord, at: string): PendingEvent => ({
  eventKey: `checkpoint-expired#${checkpoint.index}`, at, type: 'checkpoint-expired', actor: SYSTEM,
  data: { index: checkpoint.index, role: checkpoint.role, approver: checkpoint.approver },
});

export const requestCancelled = (cancellation: NonNullable<RequestRecord['cancellation']>, previousStatus: RequestStatus, actor: Actor): PendingEvent => ({
  eventKey: 'request-cancelled', at: cancellation.at, type: 'request-cancelled', actor,
  data: { reason: cancellation.reason ?? null, at: cancellation.at, previousStatus },
});

export const requestFinalized = (outcome: NonNullable<RequestRecord['outcome']>): PendingEvent => ({
  eventKey: 'request-finalized', at: outcome.at, type: 'request-finalized', actor: SYSTEM,
  data: { status: outcome.status, reasons: outcome.reasons },
});

export const requesterNotified = (status: RequestStatus, at: string): PendingEvent => ({
  eventKey: 'requester-notified', at, type: 'requester-notified', actor: SYSTEM, data: { status },
});

export const outcomeNotDelivered = (record: RequestRecord, at: string): PendingEvent => ({
  eventKey: `notification-failed#outcome#${at}`, at, type: 'notification-failed', actor: SYSTEM,
  data: { recipient: record.request.requester, status: record.status },
});
