/**
 * View models the renderers take. They are plain, already-formatted data (amounts arrive as
 * "$120,000.00"), so the renderers stay pure and the handlers decide what an approver may see.
 * The words (states, phases, outcomes) are the contract's own lists.
 */
import type { CheckpointState, Outcome, Phase, RecordedField } from '../domain/vocabulary';

export type { CheckpointState, Outcome, RecordedField };

export interface Person {
  name: string;
  email: string;
}

export interface CheckView {
  id: string;
  passed: boolean;
  detail: string;
  citation: string;
}

export interface RequestSummary {
  id: string;
  /** The number people read (PR-2026-000123); absent on requests stored before numbers existed. */
  number?: string;
  title: string;
  description?: string;
  department: string;
  requester: Person;
  /** Already formatted, e.g. "$120,000.00". */
  amount: string;
  category: string;
  vendor: string;
  fundingSource: string;
  neededBy?: string;
  status: string;
  tier: { id: string; reason: string; citation: string };
  method: { type: string; eligible: boolean; checks: CheckView[] };
  flags: FlagView[];
  /** The request's line items, amounts already formatted. */
  lines?: LineView[];
}

export interface LineView {
  description: string;
  quantity: string;
  unitPrice: string;
  total: string;
  account: string;
}

/** An earlier request a split flag names: its number (or id), amount and date. */
export interface EarlierRequestView {
  label: string;
  amount: string;
  submittedAt: string;
  department: string;
}

export interface FlagView {
  type: string;
  detail: string;
  earlier?: EarlierRequestView[];
  /** A split flag under a fiscal-year aggregate: the year's first instant and the vendor's total for it, this request included. */
  fiscalYear?: { from: string; total: string };
}

export interface CheckpointView {
  index: number;
  role: string;
  roleTitle: string;
  /** The person asked (a delegate or alternate when `onBehalfOf` is set). */
  approver: Person;
  /** The role holder the approver stands in for. */
  onBehalfOf?: Person;
  state: CheckpointState;
  /** ISO instant. */
  decidedAt?: string;
  decidedBy?: string;
  comment?: string;
  meetingDate?: string;
  resolutionNumber?: string;
}

export interface ApprovalPageView {
  request: RequestSummary;
  /** The whole chain, for history. */
  checkpoints: CheckpointView[];
  current: CheckpointView;
  /** Council checkpoint: the clerk records these; required to approve. */
  requires: RecordedField[];
  /** Relative path to POST to, e.g. "/approvals/abc"; may include the API stage prefix. */
  formAction: string;
  antiForgeryToken: string;
  /** ISO instant. */
  expiresAt: string;
  /** The request's verified documents, each with a download link made for this view. */
  documents?: DocumentView[];
  /** Method "quotes": the quotes received, the selected one marked. */
  quotes?: QuotesView;
}

export interface DocumentView {
  filename: string;
  /** "Written quote", "Contract"… */
  purpose: string;
  mediaType: string;
  /** Already formatted, e.g. "48 KB". */
  size: string;
  sha256: string;
  /** A presigned GET, minutes-long, answering as an attachment. */
  url: string;
}

export interface QuotesView {
  rows: Array<{ vendor: string; amount: string; selected: boolean; lowest: boolean; hasDocument: boolean }>;
  /** Set when the selected quote is not the lowest and the request gives no reason. */
  notLowestWarning?: string;
  /** The requester's reason for not taking the lowest quote. */
  selectionReason?: string;
}

/** What the approver typed, echoed back into the form when a POST is refused. */
export interface SubmittedValues {
  decision?: string;
  comment?: string;
  meetingDate?: string;
  resolutionNumber?: string;
}

export interface RenderedPage {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export type EmailPhase = Phase;

