/**
 * The shapes the domain core takes and returns. Plain data only: handlers serialise them as is.
 * The request contract's types are inferred from its zod schemas (./schema.ts); the word lists
 * live in ./vocabulary.ts and are re-exported here for the domain's callers.
 */
import type { LineItem } from './lines';
import type { MethodBody, PersonBody, PriorRequestBody, PurchaseRequestBody, QuoteBody } from './schema';
import type { MethodType, RecordedField, RoutingStatus } from './vocabulary';

export * from './vocabulary';

export interface FieldError {
  /** Dotted path into the request, e.g. "vendor.name" or "method.quotes[1].amount". */
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Money crosses the API as dollars (`amount`) and lives in the domain as integer cents. */
type InCents<T> = Omit<T, 'amount'> & { amountCents: number };

export type Person = PersonBody;

export type Quote = InCents<QuoteBody>;

/**
 * Evidence for the chosen method. Fields a checklist verifies are optional on purpose: a missing
 * one fails its check (RETURNED, "what to fix") instead of refusing the whole request.
 */
export type MethodEvidence = MethodBody extends infer M
  ? M extends { type: 'quotes' } ? Omit<M, 'quotes'> & { quotes: Quote[] } : M
  : never;

/** The parsed, normalised request; money in integer cents. `neededBy` is YYYY-MM-DD. */
export type PurchaseRequest = Omit<InCents<PurchaseRequestBody>, 'method' | 'lines' | 'requester'> & { requester: Person; method?: MethodEvidence; lines?: LineItem[] };

export type { LineItem };

export type PriorRequest = Omit<InCents<PriorRequestBody>, 'id'> & {
  id: string;
  /** the human number (PR-2026-000123), when the store knows it */
  number?: string;
  /** ISO instant */
  submittedAt: string;
};

export interface Check {
  id: string;
  passed: boolean;
  detail: string;
  citation: string;
}

export interface Reason {
  code: string;
  message: string;
  field?: string;
  citation?: string;
  /** The failed check this reason reports, when it comes from a checklist. */
  checkId?: string;
}

export interface Checkpoint {
  index: number;
  role: string;
  roleTitle: string;
  approver: Person;
  /** Delegation: the approver acts on behalf of this person. */
  onBehalfOf?: Person;
  escalation: Person;
  reason: string;
  /** The policy rule(s) that put this checkpoint in the chain. */
  citation?: string;
  /** A governing-body checkpoint is recorded by the clerk with these fields. */
  requires?: RecordedField[];
}

/** An earlier request a split flag names, so an approver can look it up. */
export interface EarlierRequest {
  id: string;
  number?: string;
  department: string;
  vendor: string;
  amountCents: number;
  submittedAt: string;
}

export interface SplitFlag {
  type: 'split-suspected';
  detail: string;
  /** the earlier requests, oldest first, then this one when its id is known */
  requestIds: string[];
  /** the earlier requests with what an approver needs to find them */
  earlier?: EarlierRequest[];
  aggregateCents: number;
  window: { from: string; to: string };
  /**
   * When the policy aggregates per fiscal year: the year's first instant and what this vendor's
   * related requests of the year come to with this one (the aggregate's basis when the year is
   * the longer period).
   */
  fiscalYear?: { from: string; totalCents: number };
}

/** A contract method naming no registered contract: its self-declared checks await purchasing's verification. */
export interface UnverifiedContractFlag {
  type: 'contract-unverified';
  detail: string;
}

export type Flag = SplitFlag | UnverifiedContractFlag;

export interface RoutingDecision {
  status: RoutingStatus;
  policy: { id: string; version: string };
  tier: { id: string; reason: string; citation: string; basisCents: number };
  method: { type: MethodType; selectedBy: 'requester' | 'policy'; eligible: boolean; checks: Check[] };
  /** Empty when RETURNED. */
  checkpoints: Checkpoint[];
  flags: Flag[];
  /** One per problem when RETURNED; empty otherwise. */
  reasons: Reason[];
  routedAt: string;
}

export type Duration = { businessDays: number } | { seconds: number };

export interface Deadlines {
  remindAt: string;
  escalateAt: string;
  expireAt: string;
}
