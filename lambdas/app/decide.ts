/**
 * Approval links (DESIGN §5). Opening a link renders the request and changes nothing, however
 * often a mail scanner fetches it. A decision is a POST carrying the page's anti-forgery value;
 * the first decision wins through a conditional write on the checkpoint, and only the winner
 * writes the audit event and answers the waiting task token.
 */
import { WORKFLOW_ERRORS } from '../../statemachines/placeholders';
import { COMMENT_MAX_LENGTH, type ApprovalPageView, type CheckpointView, type RequestSummary } from '../presentation';
import { sameMailbox } from '../domain/people';
import { logger } from '../shared/logger';
import type { CheckpointRecord, DecisionRecord, LinkRecord, RequestRecord } from '../store/records';
import { recordDecisionEvent } from './decision-audit';
import type { Deps } from './deps';
import { checkAntiForgery, isWellFormedApprovalId, issueAntiForgery } from './tokens';
import { checkpointView, requestSummary } from './views';

const RECORDED_FIELD_LIMIT = 100;

type Loaded = { link: LinkRecord; record: RequestRecord; checkpoint: CheckpointRecord; all: CheckpointRecord[] };

/** Why a link cannot take a decision now, with what the page should say. */
export type Closed =
  | { kind: 'not-found' }
  | { kind: 'decided'; request: RequestSummary; decision: string; by?: string; at?: string }
  | { kind: 'expired'; request: RequestSummary; expiredAt: string }
  | { kind: 'forbidden'; message: string };

const sameEmail = (a: string, b: string) => sameMailbox(a, b);

/** The person the browser or script is signed in as, when it is (the link is bound to its recipient). */
export interface SignedIn { name: string; email: string }

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
  if (signedIn && !sameEmail(signedIn.email, link.recipient.email)) {
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
  if (sameEmail(link.recipient.email, record.request.requester.email)) {
    return { kind: 'forbidden', message: 'a requester cannot decide their own request' };
  }
  // Routing keeps signers apart; this holds the line should a policy change or a link reach someone who already signed.
  const signed = loaded.all.find((c) => c.index !== checkpoint.index && c.decision && sameEmail(c.decision.decidedBy.email, link.recipient.email));
  if (signed) {
    return { kind: 'forbidden', message: `${link.recipient.name} already signed this request as the ${signed.roleTitle}; one person, one signature per request` };
  }
  return undefined;
};

const decidedByLine = (d: DecisionRecord) => (d.onBehalfOf ? `${d.decidedBy.name} on behalf of ${d.onBehalfOf.name}` : d.decidedBy.name);

const pageView = (loaded: Loaded, approvalId: string, formActionBase: string, antiForgeryToken: string): ApprovalPageView => {
  const current: CheckpointView = checkpointView(loaded.checkpoint);
  if (loaded.link.kind === 'escalation') current.approver = loaded.link.recipient;
  return {
    request: requestSummary(loaded.record),
    checkpoints: loaded.all.map(checkpointView),
    current,
    requires: loaded.checkpoint.requires ?? [],
    formAction: `${formActionBase}/approvals/${approvalId}`,
    antiForgeryToken,
    expiresAt: loaded.checkpoint.deadlines?.expireAt ?? '',
  };
};

/** GET /approvals/{id}: the page, or why it is closed. Reads only. */
export const openApprovalPage = async (
  deps: Pick<Deps, 'approvals' | 'requests' | 'linkSecret' | 'clock'>, approvalId: string, formActionBase: string, signedIn?: SignedIn,
): Promise<{ kind: 'open'; view: ApprovalPageView } | Closed> => {
  const loaded = await load(deps, approvalId);
  if (!loaded) return { kind: 'not-found' };
  const now = deps.clock();
  const closed = closedReason(loaded, now, signedIn);
  if (closed) return closed;
  const token = issueAntiForgery(await deps.linkSecret(), approvalId, now);
  return { kind: 'open', view: pageView(loaded, approvalId, formActionBase, token) };
};

export interface DecisionForm { decision?: string; comment?: string; antiForgery?: string; meetingDate?: string; resolutionNumber?: string }

export type DecisionResult =
  | { kind: 'recorded'; request: RequestSummary; decision: 'approve' | 'reject'; decidedAt: string; by: string; nextStep: string }
  | { kind: 'invalid'; fields: Array<{ field: string; message: string }>; view: ApprovalPageView }
  | { kind: 'bad-form'; message: string }
  | Closed;

const validateForm = (form: DecisionForm, checkpoint: CheckpointRecord) => {
  const fields: Array<{ field: string; message: string }> = [];
  const comment = (form.comment ?? '').trim();
  if (form.decision !== 'approve' && form.decision !== 'reject') fields.push({ field: 'decision', message: 'choose approve or reject' });
  if (comment.length > COMMENT_MAX_LENGTH) fields.push({ field: 'comment', message: `keep the comment under ${COMMENT_MAX_LENGTH} characters` });
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(comment)) fields.push({ field: 'comment', message: 'the comment contains control characters' });
  if (form.decision === 'reject' && comment.length === 0) fields.push({ field: 'comment', message: 'a reason is required to reject' });
  if (form.decision === 'approve') {
    for (const required of checkpoint.requires ?? []) {
      const value = (form[required] ?? '').trim();
      if (!value) fields.push({ field: required, message: required === 'meetingDate' ? 'the meeting date is required' : 'the resolution number is required' });
      else if (value.length > RECORDED_FIELD_LIMIT) fields.push({ field: required, message: `keep it under ${RECORDED_FIELD_LIMIT} characters` });
      else if (required === 'meetingDate' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) fields.push({ field: required, message: 'use the form YYYY-MM-DD' });
    }
  }
  return { fields, comment };
};

/** POST /approvals/{id}. */
export const decideApproval = async (
  deps: Pick<Deps, 'approvals' | 'requests' | 'audit' | 'workflow' | 'linkSecret' | 'clock'>,
  approvalId: string, form: DecisionForm, formActionBase: string, signedIn?: SignedIn,
): Promise<DecisionResult> => {
  const loaded = await load(deps, approvalId);
  if (!loaded) return { kind: 'not-found' };
  const now = deps.clock();
  const closed = closedReason(loaded, now, signedIn);
  if (closed) return closed;
  const secret = await deps.linkSecret();
  if (!checkAntiForgery(secret, approvalId, form.antiForgery, now)) {
    return { kind: 'bad-form', message: 'this form has expired or did not come from the approval page; open the link from your email again' };
  }
  const { fields, comment } = validateForm(form, loaded.checkpoint);
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
  if (!(await deps.requests.decideCheckpoint(record.id, checkpoint.index, decision))) {
    // Somebody else decided first (a double click, a second approver, a cancellation).
    const again = await load(deps, approvalId);
    return (again && closedReason(again, now)) || { kind: 'not-found' };
  }

  await recordDecisionEvent(deps.audit, { ...checkpoint, state: decision.decision === 'approve' ? 'approved' : 'rejected', decision }, link.kind);

  const callback = await deps.approvals.getCallback(record.id, checkpoint.index);
  if (callback?.taskToken) {
    const outcome = decision.decision === 'approve'
      ? await deps.workflow.succeed(callback.taskToken, { decision: 'approve', index: checkpoint.index })
      : await deps.workflow.fail(callback.taskToken, WORKFLOW_ERRORS.approvalRejected, decision.comment ?? 'rejected');
    // A stale token means a deadline phase is changing hands; the next phase delivers the decision.
    if (outcome === 'stale') logger.info('decision recorded while the wait was between phases', { requestId: record.id, index: checkpoint.index });
  }

  const isLast = checkpoint.index === loaded.all.length - 1;
  const nextStep = decision.decision === 'reject'
    ? 'The request is rejected. The requester will be told your reason.'
    : isLast ? 'This was the last approval. The requester will be told the request is approved.'
      : `The request moves on to the ${loaded.all[checkpoint.index + 1]!.roleTitle}.`;
  return { kind: 'recorded', request: requestSummary(record), decision: decision.decision, decidedAt: decision.decidedAt, by: decidedByLine(decision), nextStep };
};
