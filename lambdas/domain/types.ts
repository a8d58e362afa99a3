/** The shapes the domain core takes and returns. Plain data only: handlers serialise them as is. */

export interface FieldError {
  /** Dotted path into the request, e.g. "vendor.name" or "method.quotes[1].amount". */
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

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

/** The five grounds of 2 CFR 200.320(c)(1)–(5), in that order. */
export const SOLE_SOURCE_GROUNDS = [
  'micro-purchase',
  'single-source',
  'public-emergency',
  'awarding-agency-approval',
  'inadequate-competition',
] as const;
export type SoleSourceGround = (typeof SOLE_SOURCE_GROUNDS)[number];

export interface Person {
  name: string;
  email: string;
}

export interface Quote {
  vendor: string;
  amountCents: number;
}

/**
 * Evidence for the chosen method. Fields a checklist verifies are optional on purpose: a missing
 * one fails its check (RETURNED, "what to fix") instead of refusing the whole request.
 */
export type MethodEvidence =
  | { type: 'direct' }
  | { type: 'competitive' }
  | { type: 'quotes'; quotes: Quote[] }
  | { type: 'cooperative'; alliance?: string; contractNumber?: string; expires?: string; scopeCovers?: boolean }
  | {
      type: 'piggyback';
      leadAgency?: string;
      leadAgencyIsPublic?: boolean;
      contractNumber?: string;
      expires?: string;
      scopeCovers?: boolean;
      competitivelyBid?: boolean;
      cooperativeLanguage?: boolean;
      procuredUnder2CFR200?: boolean;
    }
  | { type: 'state-contract'; state?: string; contractNumber?: string; expires?: string; scopeCovers?: boolean }
  | { type: 'sole-source'; ground?: SoleSourceGround; justification?: string }
  | { type: 'emergency'; justification?: string };

/** The parsed, normalised request; money in integer cents. */
export interface PurchaseRequest {
  policy: string;
  title: string;
  description?: string;
  department: string;
  requester: Person;
  category: Category;
  amountCents: number;
  currency: 'USD';
  vendor: { name: string };
  fundingSource: FundingSource;
  /** YYYY-MM-DD */
  neededBy?: string;
  method?: MethodEvidence;
}

export interface PriorRequest {
  id: string;
  department: string;
  vendor: { name: string };
  amountCents: number;
  /** ISO instant */
  submittedAt: string;
}

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

export type RecordedField = 'meetingDate' | 'resolutionNumber';

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

export interface Flag {
  type: 'split-suspected';
  detail: string;
  requestIds: string[];
  aggregateCents: number;
  window: { from: string; to: string };
}

export interface RoutingDecision {
  status: 'PENDING_APPROVAL' | 'RETURNED';
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
