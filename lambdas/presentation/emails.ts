/**
 * Email bodies (HTML and plain text, same facts in both) for approvers and requesters. The approval
 * link appears here and nowhere else, and nothing a person typed can pass for it:
 *  - the official action comes first, on its own, before any user text;
 *  - user text follows under a line saying it is quoted as the requester wrote it, the title in
 *    quotation marks and the description as a quoted block ("> " lines, a blockquote in HTML);
 *  - every address in user text is broken (`defang`), so no client makes it a link;
 *  - user text is escaped in the HTML part and flattened to single lines in the text part and
 *    subject, so a title cannot forge a "Link:" line or a mail header.
 */
import { defang, html, oneLine, plainBlock, truncate, type SafeHtml } from './html';
import {
  checklistSummary,
  councilLine,
  decisionLine,
  failedChecks,
  formatWhen,
  methodLine,
  tierLine,
  flagLabel as readableFlag,
} from './format';
import type { CheckpointView, EmailContent, EmailPhase, Outcome, Person, RequestSummary } from './types';

const SUBJECT_TITLE_MAX = 60;
const DESCRIPTION_MAX = 600;

function assertWebLink(link: string, what: string): void {
  let scheme = '';
  try {
    scheme = new URL(link).protocol;
  } catch {
    // fall through to the error below
  }
  if (scheme !== 'https:' && scheme !== 'http:') throw new Error(`${what} must be an absolute http(s) URL`);
}

/** One line of someone's words for an email: one line, no live address. */
const userLine = (s: string | undefined) => defang(oneLine(s));

/**
 * `Approval needed: title — amount (PR-2026-000123)`: the number people read and quote, last so
 * the words that say what the mail wants stay first in a narrow inbox list.
 */
function subjectFor(prefix: string, request: RequestSummary, number: string | undefined): string {
  const tag = number ? ` (${oneLine(number)})` : '';
  return oneLine(`${prefix}: ${truncate(userLine(request.title), SUBJECT_TITLE_MAX)} — ${oneLine(request.amount)}${tag}`);
}

// ---------------------------------------------------------------- shared blocks

interface Fact {
  label: string;
  value: string;
}

function summaryFacts(request: RequestSummary, number: string | undefined): Fact[] {
  return [
    ...(number ? [{ label: 'Request', value: number }] : []),
    { label: 'Amount', value: request.amount },
    { label: 'Vendor', value: defang(request.vendor) },
    { label: 'Department', value: defang(request.department) },
    { label: 'Requested by', value: `${defang(request.requester.name)} <${request.requester.email}>` },
    { label: 'Tier', value: tierLine(request) },
    { label: 'Method', value: methodLine(request) },
    { label: 'Checklist', value: checklistSummary(request.method.checks) },
  ];
}

function textFacts(request: RequestSummary, number: string | undefined): string[] {
  const lines = summaryFacts(request, number).map((f) => `${`${f.label}:`.padEnd(14)}${oneLine(f.value)}`);
  for (const c of failedChecks(request.method.checks)) {
    lines.push(`  ✗ Failed: ${userLine(c.detail)}${c.citation ? ` (${oneLine(c.citation)})` : ''}`);
  }
  for (const f of request.flags) lines.push(`Needs attention: ${flagLabel(f.type)}: ${userLine(f.detail)}`);
  return lines;
}

function flagLabel(type: string): string {
  return readableFlag(type).toLowerCase();
}

const CELL = 'padding:4px 12px 4px 0;vertical-align:top';

function htmlFacts(request: RequestSummary, number: string | undefined): SafeHtml {
  const failed = failedChecks(request.method.checks);
  return html`<table role="presentation" style="border-collapse:collapse;margin:8px 0 16px">${summaryFacts(request, number).map(
    (f) => html`<tr><th scope="row" style="${CELL};text-align:left;color:#4d4d4d;font-weight:normal">${f.label}</th><td style="${CELL}">${f.value}</td></tr>`,
  )}</table>${
    failed.length
      ? html`<p style="margin:8px 0 4px"><strong>Failed checks</strong></p><ul style="margin:0 0 16px;padding-left:20px">${failed.map(
          (c) => html`<li>✗ Failed: ${defang(c.detail)}${c.citation ? html` <span style="color:#4d4d4d">(${c.citation})</span>` : ''}</li>`,
        )}</ul>`
      : ''
  }${
    request.flags.length
      ? html`<ul style="margin:0 0 16px;padding-left:20px">${request.flags.map(
          (f) => html`<li><strong>Needs attention: ${flagLabel(f.type)}:</strong> ${defang(f.detail)}</li>`,
        )}</ul>`
      : ''
  }`;
}

function chainEntryText(cp: CheckpointView): string {
  const council = councilLine(cp);
  return [
    `${oneLine(cp.roleTitle)}: ${oneLine(decisionLine(cp))}`,
    council ? ` (${userLine(council)})` : '',
    cp.comment ? ` — “${userLine(cp.comment)}”` : '',
  ].join('');
}

function chainEntryHtml(cp: CheckpointView): SafeHtml {
  const council = councilLine(cp);
  return html`<li style="margin:0 0 8px"><strong>${cp.roleTitle}</strong>: ${decisionLine(cp)}${council ? html` (${defang(council)})` : ''}${
    cp.comment ? html`<br><span style="color:#4d4d4d">“${defang(cp.comment)}”</span>` : ''
  }</li>`;
}

function emailHtml(title: string, content: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
</head>
<body style="margin:0;padding:0;background:#f4f4f4">
<div style="max-width:600px;margin:0 auto;padding:16px 20px;background:#ffffff;color:#1a1a1a;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.5">
${content}
</div>
</body>
</html>
`.value;
}

// ---------------------------------------------------------------- approver: request, reminder, escalation

const SUBJECT_PREFIX: Record<EmailPhase, string> = {
  request: 'Approval needed',
  reminder: 'Reminder: approval needed',
  escalation: 'Escalated: approval needed',
};

function phaseLine(phase: EmailPhase, checkpoint: CheckpointView, escalatedFrom?: Person): string | undefined {
  if (phase === 'reminder') return 'Reminder: waiting for your decision';
  if (phase === 'escalation') {
    const who = escalatedFrom?.name ?? checkpoint.onBehalfOf?.name ?? 'the approver';
    return `Escalated: ${who} has not decided`;
  }
  return undefined;
}

/** Greets the person the email goes to: in an escalation that is the contact, not the approver who did not decide. */
function askLine(recipient: Person, checkpoint: CheckpointView, phase: EmailPhase): string {
  if (phase === 'escalation') return `${recipient.name}, your decision is needed as the escalation contact for ${checkpoint.roleTitle}.`;
  const behalf = checkpoint.onBehalfOf ? ` on behalf of ${checkpoint.onBehalfOf.name}` : '';
  return `${recipient.name}, your decision is needed as ${checkpoint.roleTitle}${behalf}.`;
}

export function renderApprovalRequestEmail(args: {
  request: RequestSummary;
  /** The human number (`PR-2026-000123`), or the id of a request stored before numbers existed. */
  number?: string;
  /** Whom the email goes to: the approver, or in an escalation the escalation contact. */
  recipient: Person;
  checkpoint: CheckpointView;
  previous: CheckpointView[];
  link: string;
  phase: EmailPhase;
  dueAt: string;
  escalatedFrom?: Person;
}): EmailContent {
  const { request, number, checkpoint, previous, link, phase, dueAt } = args;
  assertWebLink(link, 'link');
  const subject = subjectFor(SUBJECT_PREFIX[phase], request, number);
  const banner = phaseLine(phase, checkpoint, args.escalatedFrom);
  const ask = askLine(args.recipient, checkpoint, phase);
  const description = request.description ? defang(truncate(plainBlock(request.description), DESCRIPTION_MAX)) : '';
  const due = formatWhen(dueAt);
  const earlier = [...previous].sort((a, b) => a.index - b.index);
  const requester = userLine(request.requester.name);

  const text = [
    ...(banner ? [oneLine(banner), ''] : []),
    oneLine(ask),
    '',
    // The official action first, on its own: nothing a requester wrote comes before it.
    'Review and decide on the request page (opening it records nothing; you decide on the page):',
    link,
    `Please decide by ${oneLine(due)}.`,
    '',
    `---- The request, quoted as ${requester} wrote it ----`,
    'Web addresses in the requester’s words are shown broken ("[.]") on purpose: they are not links from us.',
    '',
    `Title:        “${userLine(request.title)}”`,
    ...(description ? ['Description (the requester’s words):', ...description.split('\n').map((line) => `  > ${line}`)] : []),
    '',
    ...textFacts(request, number),
    '',
    'Earlier decisions:',
    ...(earlier.length ? earlier.map((cp) => `  - ${chainEntryText(cp)}`) : ['  none: you are the first to decide']),
    '',
  ].join('\n');

  const content = html`${banner ? html`<p style="margin:0 0 12px;padding:8px 12px;border-left:4px solid #a4161a;font-weight:700">${banner}</p>` : ''}
<p style="margin:0 0 12px">${ask}</p>
<p style="margin:0 0 8px"><a href="${link}" style="display:inline-block;padding:14px 22px;background:#0b57d0;color:#ffffff;font-weight:700;text-decoration:none;border-radius:6px">Review and decide</a></p>
<p style="margin:0 0 8px"><strong>Please decide by ${due}.</strong></p>
<p style="margin:0 0 16px;font-size:14px;color:#4d4d4d">Opening the link records nothing; you approve or reject on the page. If the button does not work, copy this address: <span style="word-break:break-all;overflow-wrap:anywhere">${link}</span></p>
<hr style="border:0;border-top:1px solid #d0d0d0;margin:16px 0">
<p style="margin:0 0 8px;font-size:14px;color:#4d4d4d">The request, quoted as ${requester} wrote it. Web addresses in it are shown broken on purpose: they are not links from us.</p>
<h1 style="font-size:20px;line-height:1.3;margin:0 0 4px">${defang(request.title)}</h1>
<p style="font-size:28px;font-weight:700;margin:0">${request.amount}</p>
<p style="font-size:18px;font-weight:600;margin:0 0 8px">${defang(request.vendor)}</p>
${description ? html`<blockquote style="margin:0 0 8px;padding:0 0 0 12px;border-left:4px solid #d0d0d0"><p style="margin:0;font-size:14px;color:#4d4d4d">The requester’s words:</p><p style="margin:0;white-space:pre-line">${description}</p></blockquote>` : ''}
${htmlFacts(request, number)}
<h2 style="font-size:17px;margin:16px 0 8px">Earlier decisions</h2>
${earlier.length ? html`<ul style="margin:0 0 16px;padding-left:20px">${earlier.map(chainEntryHtml)}</ul>` : html`<p style="margin:0 0 16px">None: you are the first to decide.</p>`}`;

  return { subject, text, html: emailHtml(subject, content) };
}

// ---------------------------------------------------------------- requester: the outcome

const OUTCOME_SUBJECT: Record<Outcome, string> = {
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  RETURNED: 'Returned for changes',
  EXPIRED: 'Expired',
  CANCELLED: 'Cancelled',
};

const OUTCOME_SENTENCE: Record<Outcome, string> = {
  APPROVED: 'Your purchase request was approved.',
  REJECTED: 'Your purchase request was rejected.',
  RETURNED: 'Your purchase request was returned: it cannot proceed as submitted. Fix the items below and submit it again.',
  EXPIRED: 'Your purchase request expired: nobody decided before the last deadline. It was not approved.',
  CANCELLED: 'Your purchase request was cancelled.',
};

const REASONS_HEADING: Record<Outcome, string> = {
  APPROVED: 'Notes',
  REJECTED: 'Reasons',
  RETURNED: 'What to fix',
  EXPIRED: 'Reasons',
  CANCELLED: 'Reasons',
};

export function renderOutcomeEmail(args: {
  request: RequestSummary;
  /** The human number (`PR-2026-000123`), or the id of a request stored before numbers existed. */
  number?: string;
  outcome: Outcome;
  reasons: Array<{ message: string; citation?: string }>;
  checkpoints: CheckpointView[];
  /** The request page (`<base>/requests/{id}`). */
  statusLink?: string;
  /** A RETURNED request's "Copy and fix" form (`<base>/requests/new?from={id}`). */
  resubmitLink?: string;
}): EmailContent {
  const { request, number, outcome, reasons, statusLink } = args;
  if (statusLink !== undefined) assertWebLink(statusLink, 'statusLink');
  const resubmitLink = outcome === 'RETURNED' ? args.resubmitLink : undefined;
  if (resubmitLink !== undefined) assertWebLink(resubmitLink, 'resubmitLink');
  const subject = subjectFor(OUTCOME_SUBJECT[outcome] ?? outcome, request, number);
  const sentence = OUTCOME_SENTENCE[outcome] ?? `Your purchase request is ${outcome}.`;
  const reasonsHeading = REASONS_HEADING[outcome] ?? 'Reasons';
  const chain = [...args.checkpoints].sort((a, b) => a.index - b.index);

  const text = [
    sentence,
    // Our one link first, before any words of the requester or an approver.
    ...(resubmitLink ? ['', 'Submit it again (a copy of this request to fix):', resubmitLink] : []),
    ...(statusLink ? ['', 'See the request’s status:', statusLink] : []),
    '',
    `“${userLine(request.title)}”`,
    '',
    ...textFacts(request, number),
    ...(reasons.length
      ? ['', `${reasonsHeading}:`, ...reasons.map((r) => `  - ${userLine(r.message)}${r.citation ? ` (${oneLine(r.citation)})` : ''}`)]
      : []),
    '',
    'Approvals:',
    ...(chain.length ? chain.map((cp) => `  ${cp.index + 1}. ${chainEntryText(cp)}`) : ['  none: the request did not reach an approver']),
    '',
  ].join('\n');

  const content = html`<p style="margin:0 0 12px;font-size:18px;font-weight:700">${sentence}</p>
${resubmitLink ? html`<p style="margin:0 0 8px"><a href="${resubmitLink}" style="display:inline-block;padding:14px 22px;background:#0b57d0;color:#ffffff;font-weight:700;text-decoration:none;border-radius:6px">Submit it again</a></p><p style="margin:0 0 12px;font-size:14px;color:#4d4d4d">Opens a copy of this request in the form, with what to fix shown beside it.</p>` : ''}
${statusLink ? html`<p style="margin:0 0 16px"><a href="${statusLink}" style="color:#0b57d0">See the request’s status</a></p>` : ''}
<h1 style="font-size:20px;line-height:1.3;margin:0 0 4px">${defang(request.title)}</h1>
${htmlFacts(request, number)}
${
  reasons.length
    ? html`<h2 style="font-size:17px;margin:16px 0 8px">${reasonsHeading}</h2><ul style="margin:0 0 16px;padding-left:20px">${reasons.map(
        (r) => html`<li style="margin:0 0 6px">${defang(r.message)}${r.citation ? html` <span style="color:#4d4d4d">(${r.citation})</span>` : ''}</li>`,
      )}</ul>`
    : ''
}
<h2 style="font-size:17px;margin:16px 0 8px">Approvals</h2>
${chain.length ? html`<ol style="margin:0 0 16px;padding-left:20px">${chain.map(chainEntryHtml)}</ol>` : html`<p>None: the request did not reach an approver.</p>`}`;

  return { subject, text, html: emailHtml(subject, content) };
}
