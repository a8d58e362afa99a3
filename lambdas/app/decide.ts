/**
 * Approval links (DESIGN §5). Opening a link renders the request and changes nothing, however
 * often a mail scanner fetches it. A decision is a POST carrying the page's anti-forgery value;
 * the first decision wins through a conditional write on the checkpoint (which carries its audit
 * event), and only the winner answers the waiting task token.
 *
 * A cancellation is written on the request item, not the checkpoint, so the winner then confirms
 * on the request item that the request is still PENDING_APPROVAL (`settle`): only then is it told
 * what happens next. A rejection or the last approval settles the request there, and a later
 * cancellation is refused, so "the requester will be told the request is approved" stays true.
 * When the cancellation came first, the approver is told the request was cancelled.
 */
import { WORKFLOW_ERRORS } from '../../statemachines/placeholders';
import { isCalendarDate, utcDate } from '../domain/dates';
import { LIMITS } from '../domain/limits';
import { textProblem } from '../domain/text';
import type { ApprovalPageView, CheckpointView, RequestSummary } from '../presentation';
import { sameMailbox } from '../domain/people';
import { dollarsToCents, formatUsd } from '../domain/money';
import { logger } from '../shared/logger';
import type { CheckpointRecord, DecisionRecord, LinkRecord, RequestRecord } from '../store/records';
import { flushAuditOrLeavePending } from '../store/audit-flush';
import { checkpointDecided } from './audit-events';
import type { Deps } from './deps';
import { checkAntiForgery, isWellFormedApprovalId, issueAntiForgery } from './tokens';
import { documentViews, quotesView } from './documents';
import { checkpointView, requestSummary } from './views';

type Loaded = { link: LinkRecord; record: RequestRecord; checkpoint: CheckpointRecord; all: CheckpointRecord[] };

/** Why a link cannot take a decision now, with what the page should say. */
export type Closed =
  | { kind: 'not-found' }
  | { kind: 'decided'; request: RequestSummary; decision: string; by?: string; at?: string }
  | { kind: 'expired'; request: RequestSummary; expiredAt: string }
  | { kind: 'forbidden'; message: string }
  /** Step-up: above the policy's amount the approver must be signed in; the page offers to sign in and come back. */
  | { kind: 'sign-in-required'; request: RequestSummary; approver: string; threshold: string; formActionBase: string; approvalPath: string };


/** The person the browser or script is signed in as, when it is (the link is bound to its recipient). */
export interface SignedIn { name: string; email: string }

/** The amount above which deciding takes a sign-in (the request's base policy, `approvals.signInRequiredAbove`), in cents. */
const signInThresholdCents = (deps: Pick<Deps, 'policies'>, record: RequestRecord): number | undefined => {
  let policy;
  try {
    policy = deps.policies.get(record.request.policy);
  } catch {
    return undefined; // a policy no longer shipped: its requests keep the rules they were routed with
  }
  const above = policy.kind === 'base' ? policy.approvals?.signInRequiredAbove : undefined;
  return above === undefined ? undefined : dollarsToCents(above);
};

/** Step-up: the link alone does not decide this one; a sign-in as its recipient does. */
const stepUp = (deps: Pick<Deps, 'policies'>, loaded: Loaded, approvalId: string, formActionBase: string, signedIn?: SignedIn): Closed | undefined => {
  const threshold = signInThresholdCents(deps, loaded.record);
  if (threshold === undefined || loaded.record.request.amountCents <= threshold || signedIn) return undefined;
  return {
    kind: 'sign-in-required', request: requestSummary(loaded.record), approver: loaded.link.recipient.name,
    threshold: formatUsd(threshold), formActionBase, approvalPath: `/approvals/${approvalId}`,
  };
};

const load = async (deps: Pick<Deps, 'approvals' | 'requests'>, approvalId: string): Promise<Loaded | undefined> => {
  if (!isWellFormedApprovalId(approvalId)) return undefined;
  const link = await deps.approvals.getLink(approvalId);
  if (!link) return undefined;
  const { request: record, checkpoints } = await deps.requests.getWithCheckpoints(link.requestId);
  const checkpoint = checkpoints.find((c) => c.index === link.index);
  if (!record || !checkpoint) return undefined;
  return { link, record, checkpoint, all: checkpoints };
};

const closedReason = (loaded: Loaded, now: Date, signedIn?: SignedIn): Closed | undefined => {
  const { checkpoint, record, link } = loaded;
  if (signedIn && !sameMailbox(signedIn.email, link.recipient.email)) {
    return { kind: 'forbidden', message: `this approval link is for ${link.recipient.name}, and you are signed in as ${signedIn.name}; sign out, or ask ${link.recipient.name} to open it` };
  }
  const request = requestSummary(record);
  if (checkpoint.state === 'approved' || checkpoint.state === 'rejected') {
    return { kind: 'decided', request, decision: checkpoint.state, by: decidedByLine(checkpoint.decision!), at: checkpoint.decision!.decidedAt };
  }
  if (checkpoint.state === 'cancelled' || record.status === 'CANCELLED') {
    return { kind: 'decided', request, decision: 'cancelled', by: record.cancellation?.by?.name ?? record.request.requester.name, at: record.cancellation?.at ?? checkpoint.closedAt };
  }
  if (checkpoint.state === 'expired') return { kind: 'expired', request, expiredAt: checkpoint.closedAt ?? checkpoint.deadlines?.expireAt ?? now.toISOString() };
  if (checkpoint.state !== 'pending') return { kind: 'not-found' };
  if (checkpoint.deadlines && now.getTime() >= Date.parse(checkpoint.deadlines.expireAt)) {
    return { kind: 'expired', request, expiredAt: checkpoint.deadlines.expireAt };
  }
  if (sameMailbox(link.recipient.email, record.request.requester.email)) {
    return { kind: 'forbidden', message: 'a requester cannot decide their own request' };
  }
  // Routing keeps signers apart; this holds the line should a policy change or a link reach someone who already signed.
  const signed = loaded.all.find((c) => c.index !== checkpoint.index && c.decision && sameMailbox(c.decision.decidedBy.email, link.recipient.email));
  if (signed) {
    return { kind: 'forbidden', message: `${link.recipient.name} already signed this request as the ${signed.roleTitle}; one person, one signature per request` };
  }
  return undefined;
};

const decidedByLine = (d: DecisionRecord) => (d.onBehalfOf ? `${d.decidedBy.name} on behalf of ${d.onBehalfOf.name}` : d.decidedBy.name);

const pageView = (loaded: Loaded, approvalId: string, formActionBase: string, antiForgeryToken: string): ApprovalPageView => {
  const current: CheckpointView = checkpointView(loaded.checkpoint);
  if (loaded.link.kind === 'escalation') current.approver = loaded.link.recipient;
  const quotes = quotesView(loaded.record.request);
  return {
    request: requestSummary(loaded.record),
    checkpoints: loaded.all.map(checkpointView),
    current,
    requires: loaded.checkpoint.requires ?? [],
    formAction: `${formActionBase}/approvals/${approvalId}`,
    antiForgeryToken,
    expiresAt: loaded.checkpoint.deadlines?.expireAt ?? '',
    ...(quotes ? { quotes } : {}),
  };
};

/** GET /approvals/{id}: the page, or why it is closed. Reads only. */
export const openApprovalPage = async (
  deps: Pick<Deps, 'approvals' | 'requests' | 'linkSecret' | 'clock' | 'policies'> & Partial<Pick<Deps, 'documents'>>, approvalId: string, formActionBase: string, signedIn?: SignedIn,
): Promise<{ kind: 'open'; view: ApprovalPageView } | Closed> => {
  const loaded = await load(deps, approvalId);
  if (!loaded) return { kind: 'not-found' };
  const now = deps.clock();
  const closed = closedReason(loaded, now, signedIn) ?? stepUp(deps, loaded, approvalId, formActionBase, signedIn);
  if (closed) return closed;
  const token = issueAntiForgery(await deps.linkSecret(), approvalId, now);
  const view = pageView(loaded, approvalId, formActionBase, token);
  // Download links are made now, for this view only, and last minutes.
  if (loaded.record.documents && deps.documents) view.documents = await documentViews({ documents: deps.documents }, loaded.record.documents);
  return { kind: 'open', view };
};

export interface DecisionForm { decision?: string; comment?: string; antiForgery?: string; meetingDate?: string; resolutionNumber?: string }

export type DecisionResult =
  | { kind: 'recorded'; request: RequestSummary; decision: 'approve' | 'reject'; decidedAt: string; by: string; nextStep: string }
  | { kind: 'invalid'; fields: Array<{ field: string; message: string }>; view: ApprovalPageView }
  /** The form's anti-forgery value failed: the page again (a fresh value, what was typed kept), nothing recorded. */
  | { kind: 'bad-form'; message: string; view: ApprovalPageView }
  | Closed;

/** A meeting already held: "today" is the latest date anywhere (UTC+14), so no time zone is refused its own today. */
const latestToday = (now: Date) => utcDate(new Date(now.getTime() + 14 * 3600_000));

const validateForm = (form: DecisionForm, checkpoint: CheckpointRecord, now: Date) => {
  const fields: Array<{ field: string; message: string }> = [];
  const comment = (form.comment ?? '').trim();
  if (form.decision !== 'approve' && form.decision !== 'reject') fields.push({ field: 'decision', message: 'choose approve or reject' });
  if (comment.length > LIMITS.comment) fields.push({ field: 'comment', message: `keep the comment under ${LIMITS.comment} characters` });
  const commentProblem = textProblem(comment, 'multi-line');
  if (commentProblem) fields.push({ field: 'comment', message: `the comment ${commentProblem}` });
  if (form.decision === 'reject' && comment.length === 0) fields.push({ field: 'comment', message: 'a reason is required to reject' });
  if (form.decision === 'approve') {
    for (const required of checkpoint.requires ?? []) {
      const value = (form[required] ?? '').trim();
      const problem = textProblem(value, 'one-line');
      if (!value) fields.push({ field: required, message: required === 'meetingDate' ? 'the meeting date is required' : 'the resolution number is required' });
      else if (problem) fields.push({ field: required, message: problem });
      else if (required === 'resolutionNumber' && value.length > LIMITS.resolutionNumber) fields.push({ field: required, message: `keep it under ${LIMITS.resolutionNumber} characters` });
      else if (required === 'meetingDate' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) fields.push({ field: required, message: 'use the form YYYY-MM-DD' });
      else if (required === 'meetingDate' && !isCalendarDate(value)) fields.push({ field: required, message: 'must be a real calendar date' });
      else if (required === 'meetingDate' && value > latestToday(now)) fields.push({ field: required, message: 'must not be after today: record a meeting that was held' });
    }
  }
  return { fields, comment };
};

/** POST /approvals/{id}. */
export const decideApproval = async (
  deps: Pick<Deps, 'approvals' | 'requests' | 'audit' | 'workflow' | 'linkSecret' | 'clock' | 'policies'>,
  approvalId: string, form: DecisionForm, formActionBase: string, signedIn?: SignedIn,
): Promise<DecisionResult> => {
  const loaded = await load(deps, approvalId);
  if (!loaded) return { kind: 'not-found' };
  const now = deps.clock();
  const closed = closedReason(loaded, now, signedIn) ?? stepUp(deps, loaded, approvalId, formActionBase, signedIn);
  if (closed) return closed;
  const secret = await deps.linkSecret();
  if (!checkAntiForgery(secret, approvalId, form.antiForgery, now)) {
    // The page is shown again as a GET of the link would show it (with a fresh value), so the
    // approver can decide from here without losing what they typed; nothing is recorded.
    return {
      kind: 'bad-form',
      message: 'this form has expired or did not come from the approval page; check your decision below and send it again',
      view: pageView(loaded, approvalId, formActionBase, issueAntiForgery(secret, approvalId, now)),
    };
  }
  const { fields, comment } = validateForm(form, loaded.checkpoint, now);
  if (fields.length > 0) {
    return { kind: 'invalid', fields, view: pageView(loaded, approvalId, formActionBase, issueAntiForgery(secret, approvalId, now)) };
  }

  const { link, checkpoint, record } = loaded;
  const decision: DecisionRecord = {
    decision: form.decision as 'approve' | 'reject',
    comment: comment || undefined,
    decidedAt: now.toISOString(),
    decidedBy: link.recipient,
    onBehalfOf: link.kind === 'escalation' ? checkpoint.approver : checkpoint.onBehalfOf,
    meetingDate: form.decision === 'approve' ? form.meetingDate?.trim() || undefined : undefined,
    resolutionNumber: form.decision === 'approve' ? form.resolutionNumber?.trim() || undefined : undefined,
  };
  if (!(await deps.requests.decideCheckpoint(record.id, checkpoint.index, decision, [checkpointDecided(checkpoint, decision, link.kind)]))) {
    // Somebody else decided first (a double click, a second approver, a cancellation).
    const again = await load(deps, approvalId);
    return (again && closedReason(again, now)) || { kind: 'not-found' };
  }
  const isLast = checkpoint.index === loaded.all.length - 1;
  const settles = decision.decision === 'reject' || isLast;
  const tookEffect = await deps.requests.settle(record.id, { index: checkpoint.index, decision: decision.decision, at: decision.decidedAt }, settles);
  await flushAuditOrLeavePending(deps, record.id);

  const callback = await deps.approvals.getCallback(record.id, checkpoint.index);
  if (!tookEffect) {
    // The requester cancelled first: the wait ends as cancelled, and the approver hears so.
    if (callback?.taskToken) await deps.workflow.fail(callback.taskToken, WORKFLOW_ERRORS.requestCancelled, 'cancelled by the requester');
    const current = (await deps.requests.get(record.id)) ?? record;
    logger.info('decision came after a cancellation', { requestId: record.id, index: checkpoint.index, status: current.status });
    return { kind: 'decided', request: requestSummary(current), decision: current.status === 'CANCELLED' ? 'cancelled' : current.status.toLowerCase(), by: record.request.requester.name, at: current.cancellation?.at };
  }
  if (callback?.taskToken) {
    const outcome = decision.decision === 'approve'
      ? await deps.workflow.succeed(callback.taskToken, { decision: 'approve', index: checkpoint.index })
      : await deps.workflow.fail(callback.taskToken, WORKFLOW_ERRORS.approvalRejected, decision.comment ?? 'rejected');
    // A stale token means a deadline phase is changing hands; the next phase delivers the decision.
    if (outcome === 'stale') logger.info('decision recorded while the wait was between phases', { requestId: record.id, index: checkpoint.index });
  }

  const nextStep = decision.decision === 'reject'
    ? 'The request is rejected. The requester will be told your reason.'
    : isLast ? 'This was the last approval. The requester will be told the request is approved.'
      : `The request moves on to the ${loaded.all[checkpoint.index + 1]!.roleTitle}.`;
  return { kind: 'recorded', request: requestSummary(record), decision: decision.decision, decidedAt: decision.decidedAt, by: decidedByLine(decision), nextStep };
};
