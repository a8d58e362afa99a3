/**
 * HTML pages for the approval link. Pure: a view in, `{ statusCode, headers, body }` out.
 * The pages hold no script and load nothing; Approve and Reject are two submit buttons of one
 * form, so a mail scanner that fetches (or even "clicks" through) the page changes nothing.
 * The only secret a page ever carries is the hidden anti-forgery value; the approval link itself
 * appears only as the form's action, never as a link or as text.
 */
import { LIMITS } from '../domain/limits';
import { HTTP_STATUS, type ErrorCode } from '../shared/error-codes';
import { registerContractAction } from './contracts';
import { html, SafeHtml } from './html';
import {
  checklistSummary,
  councilLine,
  decisionLine,
  formatWhen,
  fundingLabel,
  isDecided,
  methodLabel,
  requestStatusLabel,
  flagLabel,
} from './format';
import { documentPage } from './layout';
import type {
  ApprovalPageView,
  CheckpointView,
  FlagView,
  DocumentView,
  QuotesView,
  RecordedField,
  RenderedPage,
  RequestSummary,
  SubmittedValues,
} from './types';

/** The longest comment the form lets a person type: the server's limit, the same constant. */
export const COMMENT_MAX_LENGTH = LIMITS.comment;
const RESOLUTION_MAX_LENGTH = LIMITS.resolutionNumber;
/** A date input sends YYYY-MM-DD; nothing longer is echoed back. */
const DATE_LENGTH = 10;

function page(statusCode: number, title: string, content: SafeHtml): RenderedPage {
  return documentPage(statusCode, title, html`<main>
${content}
</main>`);
}

function time(iso: string | undefined): SafeHtml {
  if (!iso) return html``;
  return html`<time datetime="${iso}">${formatWhen(iso)}</time>`;
}

// ---------------------------------------------------------------- request summary

function headline(request: RequestSummary, eyebrow?: string): SafeHtml {
  return html`${eyebrow ? html`<p class="eyebrow">${eyebrow}</p>` : ''}
<h1>${request.title}</h1>
<p class="amount">${request.amount}</p>
<p class="vendor"><span class="muted">Vendor</span>${request.vendor}</p>`;
}

function facts(request: RequestSummary, full: boolean): SafeHtml {
  const rows: Array<[string, SafeHtml | string]> = [
    ['Department', request.department],
    ['Requested by', html`${request.requester.name} <span class="muted">${request.requester.email}</span>`],
  ];
  if (full) {
    rows.push(['Category', request.category], ['Funding', fundingLabel(request.fundingSource)]);
    if (request.neededBy) rows.push(['Needed by', time(request.neededBy)]);
    rows.push(['Status', requestStatusLabel(request.status)], ['Reference', request.number ?? request.id]);
  }
  return html`<dl>${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function flagsSection(request: RequestSummary): SafeHtml {
  if (request.flags.length === 0) return html``;
  return html`<section aria-labelledby="flags-heading">
<h2 id="flags-heading">⚠ Needs attention</h2>
<ul class="flags">${request.flags.map(
    (f) => html`<li><strong>${flagLabel(f.type)}:</strong> ${f.detail}${earlierRequests(f.earlier)}${fiscalYearTotal(f.fiscalYear)}</li>`,
  )}</ul>
</section>`;
}

/** The earlier requests a split flag names, so the approver can look each one up. */
function earlierRequests(earlier: FlagView['earlier']): SafeHtml {
  if (!earlier || earlier.length === 0) return html``;
  return html`<ul class="earlier" aria-label="Earlier requests">${earlier.map(
    (e) => html`<li><strong>${e.label}</strong> ${e.amount} <span class="muted">${e.department}, ${time(e.submittedAt)}</span></li>`,
  )}</ul>`;
}

/** Under a fiscal-year aggregate: what the vendor's requests of the year come to, this one included. */
function fiscalYearTotal(year: FlagView['fiscalYear']): SafeHtml {
  if (!year) return html``;
  return html`<p class="fiscal-year">Fiscal year from ${time(year.from.slice(0, 10))}: <strong>${year.total}</strong> to this vendor, this request included</p>`;
}

/**
 * Line items and the account each is charged to: what the finance checkpoint judges. A list, not
 * a table, so five columns never overflow a phone's width.
 */
function linesSection(request: RequestSummary): SafeHtml {
  if (!request.lines || request.lines.length === 0) return html``;
  return html`<section aria-labelledby="lines-heading">
<h2 id="lines-heading">Lines</h2>
<ol class="lines">${request.lines.map(
    (l) => html`<li><strong>${l.description}</strong> ${l.quantity} × ${l.unitPrice} = ${l.total}
<span class="muted">Account <code>${l.account}</code></span></li>`,
  )}</ol>
<p>Total of the lines: <strong>${request.amount}</strong></p>
</section>`;
}

function routingSection(request: RequestSummary): SafeHtml {
  const { tier, method } = request;
  const checks = method.checks;
  return html`<section aria-labelledby="tier-heading">
<h2 id="tier-heading">Tier: ${tier.id}</h2>
<p>${tier.reason}${tier.citation ? html`<cite>${tier.citation}</cite>` : ''}</p>
</section>
<section aria-labelledby="method-heading">
<h2 id="method-heading">Method: ${methodLabel(method.type)}</h2>
<p class="${method.eligible ? 'pass' : 'fail'}"><span class="mark" aria-hidden="true">${method.eligible ? '✓' : '✗'}</span><span class="verdict">${method.eligible ? 'Eligible' : 'Not eligible'}</span> for this tier</p>
<h3>Checklist: ${checklistSummary(checks)}</h3>
${
  checks.length === 0
    ? ''
    : html`<ul class="checks">${checks.map(
        (c) => html`<li class="${c.passed ? 'pass' : 'fail'}"><span class="mark" aria-hidden="true">${c.passed ? '✓' : '✗'}</span><span class="verdict">${c.passed ? 'Pass' : 'Fail'}:</span> ${c.detail}${c.citation ? html`<cite>${c.citation}</cite>` : ''}</li>`,
      )}</ul>`
}
</section>`;
}

function chainItem(cp: CheckpointView, current: CheckpointView | undefined): SafeHtml {
  const isCurrent = current !== undefined && cp.index === current.index;
  const council = councilLine(cp);
  return html`<li${isCurrent ? html` aria-current="step"` : ''}><strong>${cp.index + 1}. ${cp.roleTitle}</strong>${isCurrent ? ' (this link)' : ''}
<span class="muted">${isCurrent && !isDecided(cp) ? 'Waiting for you' : decisionLine(cp)}</span>${
    council ? html`<span class="muted">${council}</span>` : ''
  }${cp.comment && isDecided(cp) ? html`<p class="comment">“${cp.comment}”</p>` : ''}</li>`;
}

function chainSection(checkpoints: CheckpointView[], current?: CheckpointView): SafeHtml {
  const ordered = [...checkpoints].sort((a, b) => a.index - b.index);
  return html`<section aria-labelledby="chain-heading">
<h2 id="chain-heading">Approvals</h2>
<ol class="chain">${ordered.map((cp) => chainItem(cp, current))}</ol>
</section>`;
}

// ---------------------------------------------------------------- the approval form

const RECORDED_FIELDS: Record<RecordedField, { label: string; input: (value: string, invalid: SafeHtml) => SafeHtml }> = {
  meetingDate: {
    label: 'Council meeting date',
    input: (value, invalid) =>
      html`<input type="date" id="meetingDate" name="meetingDate" value="${value}" required autocomplete="off"${invalid}>`,
  },
  resolutionNumber: {
    label: 'Resolution number',
    input: (value, invalid) =>
      html`<input type="text" id="resolutionNumber" name="resolutionNumber" value="${value}" required maxlength="${RESOLUTION_MAX_LENGTH}" autocomplete="off" spellcheck="false"${invalid}>`,
  },
};

type FieldErrors = Map<string, string>;

function errorText(field: string, errors: FieldErrors): SafeHtml {
  const message = errors.get(field);
  return message ? html`<p class="field-error" id="${field}-error"><span aria-hidden="true">✗ </span>${message}</p>` : html``;
}

function describedBy(field: string, errors: FieldErrors, hint?: string): SafeHtml {
  const ids = [hint, errors.has(field) ? `${field}-error` : undefined].filter(Boolean).join(' ');
  const invalid = errors.has(field) ? html` aria-invalid="true"` : html``;
  return ids ? html`${invalid} aria-describedby="${ids}"` : invalid;
}

function decisionForm(view: ApprovalPageView, values: SubmittedValues, errors: FieldErrors): SafeHtml {
  const { current } = view;
  const asWho = current.onBehalfOf
    ? html`${current.approver.name} on behalf of ${current.onBehalfOf.name}`
    : html`${current.approver.name}`;
  const recorded = view.requires.map((field) => {
    const spec = RECORDED_FIELDS[field];
    return html`<label for="${field}">${spec.label} <span class="muted">Required to approve</span></label>
${errorText(field, errors)}${spec.input(values[field] ?? '', describedBy(field, errors))}`;
  });
  return html`<section id="decide" aria-labelledby="decide-heading">
<h2 id="decide-heading">Your decision</h2>
<p>You are deciding as <strong>${current.roleTitle}</strong>: ${asWho}.</p>
<p class="muted">This link expires on ${time(view.expiresAt)}. Nothing is recorded until you press Approve or Reject.</p>
<form method="post" action="${view.formAction}" accept-charset="utf-8">
<input type="hidden" name="antiForgery" value="${view.antiForgeryToken}">
${errorText('decision', errors)}${recorded}
<label for="comment">Comment <span class="muted">Required to reject</span></label>
<p class="hint" id="comment-hint">Say why when you reject; optional when you approve.</p>
${errorText('comment', errors)}<textarea id="comment" name="comment" rows="4" maxlength="${COMMENT_MAX_LENGTH}"${describedBy('comment', errors, 'comment-hint')}>${values.comment ?? ''}</textarea>
<div class="buttons">
<button type="submit" name="decision" value="approve" class="approve">✓ Approve</button>
<button type="submit" name="decision" value="reject" class="reject" formnovalidate>✗ Reject</button>
</div>
</form>
</section>`;
}

// ---------------------------------------------------------------- quotes and documents

function quotesSection(quotes: QuotesView | undefined): SafeHtml {
  if (!quotes || quotes.rows.length === 0) return html``;
  const rows = quotes.rows.map((q) => html`<tr${q.selected ? html` class="selected"` : ''}>
<th scope="row">${q.vendor}${q.selected ? html` <span class="tag">Selected</span>` : ''}${q.lowest ? html` <span class="tag">Lowest</span>` : ''}</th>
<td class="quote-amount">${q.amount}</td>
<td>${q.hasDocument ? 'Attached' : html`<strong>None</strong>`}</td>
</tr>`);
  return html`<section aria-labelledby="quotes-heading">
<h2 id="quotes-heading">Quotes</h2>
${quotes.notLowestWarning ? html`<p class="warning" role="note"><span aria-hidden="true">⚠ </span>${quotes.notLowestWarning}</p>` : ''}
${quotes.selectionReason ? html`<p><strong>Why this vendor:</strong> ${quotes.selectionReason}</p>` : ''}
<table class="quotes">
<thead><tr><th scope="col">Vendor</th><th scope="col" class="quote-amount">Amount</th><th scope="col">Document</th></tr></thead>
<tbody>${rows}</tbody>
</table>
</section>`;
}

function documentsSection(documents: DocumentView[] | undefined): SafeHtml {
  if (!documents) return html``;
  const items = documents.map((d) => html`<li>
<a href="${d.url}" download="${d.filename}">${d.filename}</a>
<span class="doc-meta">${d.purpose} · ${d.mediaType} · ${d.size}</span>
<span class="doc-meta">SHA-256 <code title="${d.sha256}">${d.sha256.slice(0, 12)}…</code></span>
</li>`);
  return html`<section aria-labelledby="documents-heading">
<h2 id="documents-heading">Documents</h2>
${documents.length
    ? html`<ul class="documents">${items}</ul>
<p class="muted">Links work for a few minutes; reload the page for new ones. Files download, they do not open in the page.</p>`
    : html`<p class="muted">No documents are attached to this request.</p>`}
</section>`;
}

function approvalContent(view: ApprovalPageView, values: SubmittedValues, errors: FieldErrors, alert?: SafeHtml): SafeHtml {
  const { request } = view;
  // The summary first, then a jump to the form: on a phone the decision is otherwise a long scroll away.
  return html`${alert ?? ''}${headline(request, `Approval needed · ${view.current.roleTitle}`)}
${facts(request, true)}
<p class="jump"><a class="button-link" href="#decide">Decide</a></p>
${request.description ? html`<p class="description">${request.description}</p>` : ''}
${flagsSection(request)}${registerContractAction(view)}
${linesSection(request)}
${routingSection(request)}
${quotesSection(view.quotes)}
${documentsSection(view.documents)}
${chainSection(view.checkpoints, view.current)}
${decisionForm(view, values, errors)}`;
}

/** 200: the request, its checklist and history, and the one form with Approve and Reject. */
export function renderApprovalPage(view: ApprovalPageView): RenderedPage {
  return page(200, `Approval needed: ${view.request.title}`, approvalContent(view, {}, new Map()));
}

// ---------------------------------------------------------------- after the POST, and refusals

/** 200 after a decision is recorded. */
export function renderDecisionRecordedPage(args: {
  request: RequestSummary;
  decision: 'approve' | 'reject';
  decidedAt: string;
  by: string;
  nextStep: string;
}): RenderedPage {
  const word = args.decision === 'approve' ? 'Approved' : 'Rejected';
  const mark = args.decision === 'approve' ? '✓' : '✗';
  const content = html`<p class="eyebrow ${args.decision === 'approve' ? 'pass' : 'fail'}"><span class="mark" aria-hidden="true">${mark}</span>Decision recorded</p>
${headline(args.request)}
${facts(args.request, false)}
<h2>${word} by ${args.by} on ${time(args.decidedAt)}</h2>
<p><strong>What happens next:</strong> ${args.nextStep}</p>
<p class="muted">You can close this page.</p>`;
  return page(200, `Decision recorded: ${word} — ${args.request.title}`, content);
}

const DECIDED_WORDS: Record<string, string> = {
  approved: 'approved',
  approve: 'approved',
  rejected: 'rejected',
  reject: 'rejected',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  expired: 'expired',
  returned: 'returned',
};

/** 409: somebody (perhaps this person, from another device) already decided; say who and when. */
export function renderAlreadyDecidedPage(args: {
  request: RequestSummary;
  decision: string;
  by?: string;
  at?: string;
}): RenderedPage {
  const word = DECIDED_WORDS[args.decision.toLowerCase()] ?? args.decision.toLowerCase();
  const content = html`<p class="eyebrow">Already decided</p>
${headline(args.request)}
${facts(args.request, false)}
<h2>This was already ${word}${args.by ? html` by ${args.by}` : ''}${args.at ? html` on ${time(args.at)}` : ''}.</h2>
<p>Nothing was changed. No further action is needed from you.</p>`;
  return page(HTTP_STATUS.already_decided, `Already decided: ${args.request.title}`, content);
}

/** 410: the checkpoint's deadline passed; the link no longer decides anything. */
export function renderExpiredPage(args: { request?: RequestSummary; expiredAt: string }): RenderedPage {
  const content = html`<p class="eyebrow">Link expired</p>
${args.request ? html`${headline(args.request)}\n${facts(args.request, false)}` : html`<h1>This approval link has expired</h1>`}
<h2>This link expired on ${time(args.expiredAt)}.</h2>
<p>Nothing was recorded through it. If a decision is still needed, contact the purchasing office.</p>`;
  return page(HTTP_STATUS.expired, 'Approval link expired', content);
}

/** 404 for unknown or altered ids: says nothing about whether anything exists. */
export function renderNotFoundPage(): RenderedPage {
  const content = html`<h1>Link not found</h1>
<p>This approval link is not valid. Open the full link from your email; if it still fails, contact the purchasing office.</p>`;
  return page(HTTP_STATUS.not_found, 'Link not found', content);
}

/** Any error status of the API (lambdas/shared/error-codes.ts): a refused form, a wrong content type, our own failure. */
export type FormErrorStatus = (typeof HTTP_STATUS)[ErrorCode];

const ERROR_TITLES: Partial<Record<FormErrorStatus, string>> = {
  400: 'Please correct the form',
  403: 'This form could not be accepted',
  413: 'The submission is too large',
  415: 'This kind of submission is not accepted',
  500: 'Something went wrong on our side',
};

const FIELD_LABELS: Record<string, string> = {
  comment: 'Comment',
  decision: 'Decision',
  meetingDate: 'Council meeting date',
  resolutionNumber: 'Resolution number',
  antiForgery: 'Form',
};

function clip(value: string | undefined, max: number): string | undefined {
  return value === undefined ? undefined : Array.from(value).slice(0, max).join('');
}

/** Fields that exist in the re-rendered form, so the error summary can jump to them. */
function inForm(field: string, view: ApprovalPageView | undefined): boolean {
  if (!view) return false;
  return field === 'comment' || (view.requires as string[]).includes(field);
}

/**
 * 400 / 403 / 413. With a view, the form comes back with the errors beside their fields and what
 * the person typed kept (pass `values`, or the handler may set `view.current.comment`), plus the
 * fresh anti-forgery value from the view.
 */
export function renderFormErrorPage(args: {
  statusCode: FormErrorStatus;
  message: string;
  fields?: Array<{ field: string; message: string }>;
  view?: ApprovalPageView;
  values?: SubmittedValues;
}): RenderedPage {
  const fields = args.fields ?? [];
  const heading = ERROR_TITLES[args.statusCode] ?? 'The form could not be accepted';
  const alert = html`<div class="error" role="alert" aria-labelledby="error-heading">
<h2 id="error-heading">${heading}</h2>
<p>${args.message.charAt(0).toUpperCase()}${args.message.slice(1)}</p>${
    fields.length
      ? html`<ul>${fields.map((f) =>
          inForm(f.field, args.view)
            ? html`<li><a href="#${f.field}">${FIELD_LABELS[f.field] ?? f.field}: ${f.message}</a></li>`
            : html`<li>${FIELD_LABELS[f.field] ?? f.field}: ${f.message}</li>`,
        )}</ul>`
      : ''
  }
</div>`;
  if (!args.view) {
    return page(args.statusCode, `Error: ${heading}`, html`${alert}<h1>${heading}</h1>`);
  }
  const typed: SubmittedValues = { comment: args.view.current.comment, ...args.values };
  // A refused POST may be refused for its size: echo back no more than the form would have sent.
  const values: SubmittedValues = {
    comment: clip(typed.comment, COMMENT_MAX_LENGTH),
    meetingDate: clip(typed.meetingDate, DATE_LENGTH),
    resolutionNumber: clip(typed.resolutionNumber, RESOLUTION_MAX_LENGTH),
  };
  const errors: FieldErrors = new Map(fields.map((f) => [f.field, f.message]));
  return page(
    args.statusCode,
    `Error: ${heading} — ${args.view.request.title}`,
    approvalContent(args.view, values, errors, alert),
  );
}
