/**
 * The words of the contract, each list written once. The zod schemas, the TS types (`(typeof
 * X)[number]`), the task-input checks, the list filters and the presentation labels all read
 * these, so adding a status or a phase is one edit the compiler then walks you through.
 */

export const CATEGORIES = ['goods', 'services', 'construction', 'professional-services', 'technology'] as const;
export type Category = (typeof CATEGORIES)[number];

export const FUNDING_SOURCES = ['local', 'state', 'federal'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

export const METHOD_TYPES = [
  'direct',
  'quotes',
  'competitive',
  'cooperative',
  'piggyback',
  'state-contract',
  'sole-source',
  'emergency',
] as const;
export type MethodType = (typeof METHOD_TYPES)[number];

/** What people call each method: pages, emails and the reasons a request is returned. */
export const METHOD_NAMES: Readonly<Record<MethodType, string>> = {
  direct: 'Direct purchase',
  quotes: 'Written quotes',
  competitive: 'Competitive solicitation',
  cooperative: 'Cooperative contract',
  piggyback: 'Piggyback on another agency’s contract',
  'state-contract': 'State contract',
  'sole-source': 'Sole source',
  emergency: 'Emergency purchase',
};

/** The five grounds of 2 CFR 200.320(c)(1)–(5), in that order. */
export const SOLE_SOURCE_GROUNDS = [
  'micro-purchase',
  'single-source',
  'public-emergency',
  'awarding-agency-approval',
  'inadequate-competition',
] as const;
export type SoleSourceGround = (typeof SOLE_SOURCE_GROUNDS)[number];

/** Every status a request can have, in the order of its life. */
export const REQUEST_STATUSES = ['SUBMITTED', 'PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'RETURNED', 'EXPIRED', 'CANCELLED'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses from which a request can still move (and be cancelled). */
export const OPEN_STATUSES = ['SUBMITTED', 'PENDING_APPROVAL'] as const satisfies readonly RequestStatus[];

/** The final statuses: what FinalizeDecision records and the requester is told. */
export const OUTCOMES = ['APPROVED', 'REJECTED', 'RETURNED', 'EXPIRED', 'CANCELLED'] as const satisfies readonly RequestStatus[];
export type Outcome = (typeof OUTCOMES)[number];

/** What routing decides: the request goes to its approvers, or back to the requester. */
export const ROUTING_STATUSES = ['PENDING_APPROVAL', 'RETURNED'] as const satisfies readonly RequestStatus[];
export type RoutingStatus = (typeof ROUTING_STATUSES)[number];

/** The deadline phases of one checkpoint: first request, reminder, escalation. */
export const PHASES = ['request', 'reminder', 'escalation'] as const;
export type Phase = (typeof PHASES)[number];

export const CHECKPOINT_STATES = ['waiting', 'pending', 'approved', 'rejected', 'expired', 'cancelled'] as const;
export type CheckpointState = (typeof CHECKPOINT_STATES)[number];

/** The two answers an approver can give. */
export const DECISIONS = ['approve', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

/** What the clerk records at a governing-body checkpoint. */
export const RECORDED_FIELDS = ['meetingDate', 'resolutionNumber'] as const;
export type RecordedField = (typeof RECORDED_FIELDS)[number];
