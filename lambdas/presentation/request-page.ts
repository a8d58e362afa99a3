/**
 * The request page: status in words, who holds it, the route drawn as an inline SVG (with the same
 * route as an ordered list for screen readers and text browsers), the checklist, the audit
 * timeline and the viewer's actions. Rendered on the server from a view model (app/request-page.ts);
 * no script, and nothing the CSP would block: the drawing is markup in the page, styled by the one
 * hashed stylesheet (its colours follow light and dark mode), with no external reference at all.
 */
import type { RequestPageView, RouteNode, RouteView } from '../app/request-page';
import { formatWhen } from './format';
import { html, SafeHtml, truncate } from './html';
import { appPage, formTokenField, type PageViewer } from './layout';
import type { RenderedPage } from './types';

/** Class names for the node states (short codes: the stylesheet never spells an outcome word). */
const STATE_CLASS: Record<RouteNode['state'], string> = { done: 'st-done', rejected: 'st-no', waiting: 'st-now', 'not-yet': 'st-ahead', skipped: 'st-skip' };
/** The colour of the status block's edge. */
const STATUS_TONE: Record<string, string> = { SUBMITTED: 'open', PENDING_APPROVAL: 'open', APPROVED: 'good', REJECTED: 'bad', RETURNED: 'bad', EXPIRED: 'bad', CANCELLED: 'neutral' };

/** Drawing units: the viewBox is this wide; the stylesheet scales it to the column. */
const WIDTH = 340;
const BOX_X = 40;
const BOX_W = WIDTH - BOX_X - 4;
const GAP = 18;
const LINE = 17;
/** Characters that fit one line of a box at the drawing's font size (the rest is cut with "…"; the list below has it whole). */
const TITLE_CHARS = 30;
const LINE_CHARS = 38;

const nodeLines = (node: RouteNode): string[] => {
  const lines: string[] = [];
  if (node.kind === 'checkpoint') {
    lines.push(node.onBehalfOf ? `${node.person} for ${node.onBehalfOf}` : node.person ?? '');
    if (node.decidedAt) lines.push(`${node.stateLabel} ${formatWhen(node.decidedAt)}${node.decidedBy ? ` by ${node.decidedBy}` : ''}`);
    else if (node.state === 'waiting' && node.dueAt) lines.push(`Waiting · due ${formatWhen(node.dueAt)}`);
    else lines.push(node.stateLabel);
  } else {
    lines.push(node.stateLabel);
  }
  return lines;
};

/** The mark inside each node's dot: its state in shape as well as colour (a tick, a cross, a ring…). */
const glyph = (state: RouteNode['state'], cx: number, cy: number): SafeHtml => {
  switch (state) {
    case 'done': return html`<path class="glyph" d="M${cx - 5} ${cy} l3.5 3.5 l6.5 -7"/>`;
    case 'rejected': return html`<path class="glyph" d="M${cx - 4} ${cy - 4} l8 8 M${cx + 4} ${cy - 4} l-8 8"/>`;
    case 'waiting': return html`<circle class="glyph-dot" cx="${cx}" cy="${cy}" r="3.5"/>`;
    default: return html``;
  }
};

/**
 * The route as an inline SVG: one box per node, top to bottom (phone-first: a column reads at any
 * width), joined by a rail of dots whose shape and colour say the state; the current node is
 * outlined thickly and marked "Now". `role="img"` with the heading and summary as its name: the
 * drawing is one image to a screen reader, and the ordered list after it carries the detail.
 */
export function routeSvg(route: RouteView, labelledBy: string): SafeHtml {
  let y = 4;
  const parts: SafeHtml[] = [];
  const centres: number[] = [];
  for (const node of route.nodes) {
    const lines = nodeLines(node);
    const height = 14 + LINE * (lines.length + 1);
    const cy = y + height / 2;
    centres.push(cy);
    const text = [
      html`<text class="t" x="${BOX_X + 12}" y="${y + 8 + LINE}">${truncate(node.title, node.current ? TITLE_CHARS - 5 : TITLE_CHARS)}</text>`,
      ...lines.map((line, i) => html`<text class="s" x="${BOX_X + 12}" y="${y + 8 + LINE * (i + 2)}">${truncate(line, LINE_CHARS)}</text>`),
    ];
    parts.push(html`<g class="node ${STATE_CLASS[node.state]}${node.current ? ' current' : ''}" data-state="${node.state}">
<rect class="box" x="${BOX_X}" y="${y}" width="${BOX_W}" height="${height}" rx="8"/>
${text}${node.current ? html`<text class="now" x="${BOX_X + BOX_W - 10}" y="${y + 8 + LINE}" text-anchor="end">Now</text>` : ''}
<circle class="dot" cx="18" cy="${cy}" r="10"/>${glyph(node.state, 18, cy)}
</g>`);
    y += height + GAP;
  }
  const height = y - GAP + 4;
  const rail = centres.length > 1 ? html`<line class="rail" x1="18" y1="${centres[0]}" x2="18" y2="${centres[centres.length - 1]}"/>` : html``;
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="${labelledBy}" focusable="false">
${rail}
${parts}
</svg>`;
}

/** The same route as an ordered list: every node with its person, "on behalf of", decision time and due date, in full. */
export function routeList(route: RouteView): SafeHtml {
  return html`<ol class="route-text">${route.nodes.map((node) => {
    const who = node.person ? html` — ${node.person}${node.onBehalfOf ? html` on behalf of ${node.onBehalfOf}` : ''}` : '';
    const when: string[] = [];
    if (node.decidedAt) when.push(`${node.stateLabel} on ${formatWhen(node.decidedAt)}${node.decidedBy ? ` by ${node.decidedBy}` : ''}`);
    else when.push(node.stateLabel);
    if (node.state === 'waiting' && node.openedAt) when.push(`asked ${formatWhen(node.openedAt)}`);
    if ((node.state === 'waiting' || node.state === 'not-yet') && node.dueAt) when.push(`due ${formatWhen(node.dueAt)}`);
    return html`<li${node.current ? html` aria-current="step"` : ''}><strong>${node.title}</strong>${who}. ${when.join('; ')}.${
      node.detail ? html` <span class="muted">${node.detail}</span>` : ''}</li>`;
  })}</ol>`;
}

const statusBlock = (view: RequestPageView): SafeHtml => {
  const h = view.holder;
  let line: SafeHtml;
  if (h) {
    line = html`<p>Waiting for <strong>${h.name}</strong>${h.onBehalfOf ? html` on behalf of ${h.onBehalfOf}` : ''} (${h.roleTitle})${
      h.since ? html` since ${formatWhen(h.since)}` : ''}${h.dueAt ? html`; due ${formatWhen(h.dueAt)}` : ''}.</p>`;
  } else if (view.status === 'SUBMITTED') {
    line = html`<p>Submitted ${formatWhen(view.submittedAt)}; the policy is routing it.</p>`;
  } else if (view.status === 'PENDING_APPROVAL') {
    line = html`<p>Moving to the next approver.</p>`;
  } else if (view.status === 'CANCELLED') {
    const c = view.cancellation;
    line = html`<p>Cancelled${c?.by ? html` by ${c.by}` : ''}${view.endedAt ? html` on ${formatWhen(view.endedAt)}` : ''}.${c?.reason ? html` Reason: ${c.reason}` : ''}</p>`;
  } else {
    line = html`<p>${view.statusLabel}${view.endedAt ? html` on ${formatWhen(view.endedAt)}` : ''}.</p>`;
  }
  return html`<section class="status tone-${STATUS_TONE[view.status] ?? 'neutral'}" aria-labelledby="status-heading">
<h2 id="status-heading">${view.statusLabel}</h2>
${line}
</section>`;
};

const reasonsBlock = (view: RequestPageView, base: string): SafeHtml => {
  if (view.reasons.length === 0 || view.status === 'APPROVED') return html``;
  const heading = view.status === 'RETURNED' ? 'What to fix' : 'Reasons';
  return html`<section aria-labelledby="reasons-heading">
<h2 id="reasons-heading">${heading}</h2>
<ul class="checks">${view.reasons.map((r) => html`<li class="fail"><span class="mark" aria-hidden="true">✗</span>${r.message}${r.citation ? html`<cite>${r.citation}</cite>` : ''}</li>`)}</ul>
${view.actions.copyAndFix ? html`<p><a class="button-link" href="${base}/requests/new?from=${view.id}">Copy and fix</a></p>` : ''}
</section>`;
};

const checklist = (view: RequestPageView): SafeHtml => {
  const { checks } = view.method;
  return html`<section aria-labelledby="checklist-heading">
<h2 id="checklist-heading">Checklist: ${view.method.label}</h2>
${checks.length === 0
    ? html`<p class="muted">No checklist for this method.</p>`
    : html`<ul class="checks">${checks.map((c) => html`<li class="${c.passed ? 'pass' : 'fail'}"><span class="mark" aria-hidden="true">${c.passed ? '✓' : '✗'}</span><span class="visually-hidden">${c.passed ? 'Passed: ' : 'Failed: '}</span>${c.detail}${c.citation ? html`<cite>${c.citation}</cite>` : ''}</li>`)}</ul>`}
</section>`;
};

const timelineBlock = (view: RequestPageView, base: string): SafeHtml => html`<section aria-labelledby="timeline-heading">
<h2 id="timeline-heading">Audit trail</h2>
<p class="${view.trailVerified ? 'trail-ok' : 'trail-bad'}">${view.trailVerified ? 'The trail verifies: no event was changed or removed.' : 'The trail does not verify: tell purchasing.'}</p>
<p class="hint">Oldest first, as the chain runs.</p>
<ol class="timeline">${view.timeline.map((e) => html`<li><time datetime="${e.at}">${formatWhen(e.at)}</time> <strong>${e.what}</strong> <span class="muted">${e.who}</span>${e.note ? html`<p class="comment">${e.note}</p>` : ''}</li>`)}</ol>
<p><a href="${base}/requests/${view.id}/audit">The trail as JSON</a></p>
</section>`;

const actionsBlock = (view: RequestPageView, viewer: PageViewer, base: string): SafeHtml => {
  const { cancel, resend } = view.actions;
  if (!cancel && !resend) return html``;
  return html`<section aria-labelledby="actions-heading">
<h2 id="actions-heading">What you can do</h2>
${resend ? html`<form method="post" action="${base}/requests/${view.id}/resend-notification" accept-charset="utf-8">${formTokenField(viewer)}
<p class="hint">Sends the current approver’s email again, with the same link.</p>
<button type="submit" class="secondary">Resend notification</button></form>` : ''}
${cancel ? html`<form method="post" action="${base}/requests/${view.id}/cancel" accept-charset="utf-8">${formTokenField(viewer)}
<label for="reason">Reason for cancelling${cancel.reasonRequired ? ' (required)' : ' (optional)'}</label>
${cancel.reasonRequired ? html`<p class="hint" id="reason-hint">This is not your request: the requester and the audit trail will see why.</p>` : ''}
<textarea id="reason" name="reason" maxlength="1000"${cancel.reasonRequired ? html` required aria-describedby="reason-hint"` : ''}></textarea>
<button type="submit" class="danger">Cancel this request</button></form>` : ''}
</section>`;
};

export function renderRequestPage(args: { view: RequestPageView; viewer: PageViewer; base: string; notice?: string }): RenderedPage {
  const { view, viewer, base } = args;
  const content = html`<p class="eyebrow">${view.displayNumber} · ${view.department}</p>
<h1>${view.title}</h1>
${args.notice ? html`<p class="notice" role="status">${args.notice}</p>` : ''}
<p class="amount">${view.amount}</p>
<p class="vendor">${view.vendor}</p>
${statusBlock(view)}
${reasonsBlock(view, base)}
<section class="route" aria-labelledby="route-heading">
<h2 id="route-heading">Route</h2>
<p id="route-summary">${view.route.summary}</p>
${routeSvg(view.route, 'route-heading route-summary')}
<h3>The route step by step</h3>
${routeList(view.route)}
</section>
${actionsBlock(view, viewer, base)}
${checklist(view)}
<section aria-labelledby="details-heading">
<h2 id="details-heading">Details</h2>
<dl>
<dt>Requester</dt><dd>${view.requester}</dd>
<dt>Department</dt><dd>${view.department}</dd>
<dt>Submitted</dt><dd>${formatWhen(view.submittedAt)}</dd>
${view.neededBy ? html`<dt>Needed by</dt><dd>${formatWhen(view.neededBy)}</dd>` : ''}
<dt>Request id</dt><dd><code>${view.id}</code></dd>
</dl>
${view.description ? html`<p class="description">${view.description}</p>` : ''}
</section>
${timelineBlock(view, base)}`;
  return appPage({ title: `${view.displayNumber} ${view.title}`, viewer, current: 'none', base, content });
}

/** A refusal inside the signed-in frame (no such request, a refused form), with the way back. */
export function renderRequestProblemPage(args: {
  statusCode: number; viewer: PageViewer; base: string; heading: string; message: string;
  fields?: Array<{ field: string; message: string }>; back?: { href: string; label: string };
}): RenderedPage {
  const { base } = args;
  const back = args.back ?? { href: `${base}/`, label: 'Back to my requests' };
  const content = html`<h1>${args.heading}</h1>
<div class="error" role="alert"><p>${args.message}</p>${args.fields?.length ? html`<ul>${args.fields.map((f) => html`<li>${f.field}: ${f.message}</li>`)}</ul>` : ''}</div>
<p><a href="${back.href}">${back.label}</a></p>`;
  return appPage({ statusCode: args.statusCode, title: args.heading, viewer: args.viewer, current: 'none', base, content });
}
