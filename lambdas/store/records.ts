/**
 * What the workflow stores, and the keys each record lives under. Records know their own keys
 * (pk/sk) so no caller builds a key string by hand.
 */
import type { Actor, ChainHead } from '../audit/chain';
import type { VerifiedDocument } from '../domain/documents';
import type { Checkpoint, CheckpointState, Deadlines, Decision, Person, Phase, PurchaseRequest, RequestStatus, RoutingDecision } from '../domain';

export { OPEN_STATUSES, OUTCOMES as FINAL_STATUSES, type CheckpointState, type Phase, type RequestStatus } from '../domain/vocabulary';

/**
 * An audit event riding on the item whose state change caused it (attribute `pendingAudit`), written
 * by the same conditional write as that change. `flushAudit` puts it on the hash chain once: the
 * `eventKey` names the fact (`checkpoint-approved#2`), so a second copy is recognised and skipped.
 */
export interface PendingEvent {
  eventKey: string;
  at: string;
  type: string;
  actor: Actor;
  data: Record<string, unknown>;
}

export type { ChainHead };

export interface RequestRecord {
  id: string;
  /**
   * The number people read and say (`PR-2026-000123`: the year and a sequence allocated
   * atomically at submission); the ULID `id` stays the API's key. Absent on requests stored
   * before numbers existed: show the id then.
   */
  number?: string;
  submittedAt: string;
  updatedAt: string;
  status: RequestStatus;
  request: PurchaseRequest;
  /** The documents the request references, as verified and hashed at submission (lambdas/app/documents.ts). */
  documents?: VerifiedDocument[];
  routing?: RoutingDecision;
  /** Index of the checkpoint that holds the request now. */
  currentIndex?: number;
  outcome?: { status: RequestStatus; at: string; reasons: Array<{ message: string; citation?: string }> };
  outcomeNotifiedAt?: string;
  /** Sends of the outcome email begun (claimed before sending; see RequestsTable.claimEmailSend). */
  outcomeEmailSends?: number;
  /** `by`: the verified person who cancelled (the requester, or purchasing with a reason). */
  cancellation?: { at: string; reason?: string; by?: { kind: 'requester' | 'purchasing'; id: string; name: string; email: string } };
  /**
   * Set by the decision that settles the request (a rejection, or the last approval) while it was
   * still open; from then on a cancellation is refused, so what that approver was told holds.
   */
  settled?: { index: number; decision: 'approve' | 'reject'; at: string };
  /** Moves forward only; absent on a request item only if someone removed it. */
  auditHead?: ChainHead;
}

export interface DecisionRecord {
  decision: Decision;
  comment?: string;
  decidedAt: string;
  /** Who decided: the person the link was sent to. */
  decidedBy: Person;
  onBehalfOf?: Person;
  meetingDate?: string;
  resolutionNumber?: string;
}

export interface CheckpointRecord extends Checkpoint {
  requestId: string;
  state: CheckpointState;
  openedAt?: string;
  deadlines?: Deadlines;
  decision?: DecisionRecord;
  closedAt?: string;
  /** When each deadline phase's approval email went out. */
  notified?: Partial<Record<Phase, string>>;
  /** Sends of each phase's approval email begun (claimed before sending; see RequestsTable.claimEmailSend). */
  requestEmailSends?: number;
  reminderEmailSends?: number;
  escalationEmailSends?: number;
}

/** Secret side of a checkpoint (approvals table): the task token and the link ids. */
export interface CallbackRecord {
  requestId: string;
  index: number;
  taskToken?: string;
  phase?: Phase;
  primaryLinkId?: string;
  escalationLinkId?: string;
}

/** An approval link: the opaque id in an email, and whom it was sent to. */
export interface LinkRecord {
  approvalId: string;
  requestId: string;
  index: number;
  recipient: Person;
  kind: 'primary' | 'escalation';
  createdAt: string;
}

/** An email sent at most once per fact: one approval email per checkpoint and phase, one outcome email per request. */
export type EmailSlot = { index: number; phase: Phase } | 'outcome';

/** The attribute counting an email's sends, and the one recording its delivery (on the checkpoint or the request item). */
export const emailAttributes = (email: EmailSlot): { sends: 'requestEmailSends' | 'reminderEmailSends' | 'escalationEmailSends' | 'outcomeEmailSends'; delivered: string } =>
  email === 'outcome' ? { sends: 'outcomeEmailSends', delivered: 'outcomeNotifiedAt' } : { sends: `${email.phase}EmailSends`, delivered: `notified.${email.phase}` };

const pad = (index: number) => String(index).padStart(2, '0');

export const keys = {
  request: (id: string) => ({ pk: `REQUEST#${id}`, sk: 'REQUEST' }),
  checkpoint: (requestId: string, index: number) => ({ pk: `REQUEST#${requestId}`, sk: `CHECKPOINT#${pad(index)}` }),
  checkpointPrefix: 'CHECKPOINT#',
  link: (approvalId: string) => ({ pk: `LINK#${approvalId}` }),
  callback: (requestId: string, index: number) => ({ pk: `CALLBACK#${requestId}#${pad(index)}` }),
};
