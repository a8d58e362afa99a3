/**
 * What the workflow stores, and the keys each record lives under. Records know their own keys
 * (pk/sk) so no caller builds a key string by hand.
 */
import type { Checkpoint, Deadlines, Person, PurchaseRequest, RoutingDecision } from '../domain';

export type RequestStatus = 'SUBMITTED' | 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED' | 'RETURNED' | 'EXPIRED' | 'CANCELLED';
export const FINAL_STATUSES: readonly RequestStatus[] = ['APPROVED', 'REJECTED', 'RETURNED', 'EXPIRED', 'CANCELLED'];
export const OPEN_STATUSES: readonly RequestStatus[] = ['SUBMITTED', 'PENDING_APPROVAL'];

export interface RequestRecord {
  id: string;
  submittedAt: string;
  updatedAt: string;
  status: RequestStatus;
  request: PurchaseRequest;
  routing?: RoutingDecision;
  /** Index of the checkpoint that holds the request now. */
  currentIndex?: number;
  outcome?: { status: RequestStatus; at: string; reasons: Array<{ message: string; citation?: string }> };
  outcomeNotifiedAt?: string;
  /** `by`: the verified person who cancelled (the requester, or purchasing with a reason). */
  cancellation?: { at: string; reason?: string; by?: { kind: 'requester' | 'purchasing'; id: string; name: string; email: string } };
}

export type CheckpointState = 'waiting' | 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';
export type Phase = 'request' | 'reminder' | 'escalation';

export interface DecisionRecord {
  decision: 'approve' | 'reject';
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
}

/** Secret side of a checkpoint (approvals table): the task token and the link ids. */
export interface CallbackRecord {
  requestId: string;
  index: number;
  taskToken?: string;
  phase?: Phase;
  primaryLinkId?: string;
  escalationLinkId?: string;
  notified?: Partial<Record<Phase, string>>;
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

const pad = (index: number) => String(index).padStart(2, '0');

export const keys = {
  request: (id: string) => ({ pk: `REQUEST#${id}`, sk: 'REQUEST' }),
  checkpoint: (requestId: string, index: number) => ({ pk: `REQUEST#${requestId}`, sk: `CHECKPOINT#${pad(index)}` }),
  checkpointPrefix: 'CHECKPOINT#',
  link: (approvalId: string) => ({ pk: `LINK#${approvalId}` }),
  callback: (requestId: string, index: number) => ({ pk: `CALLBACK#${requestId}#${pad(index)}` }),
};
