/**
 * The list pages: my requests (home), waiting for me, and the overview of all open requests. Each
 * is a real table for a screen wide enough; on a phone the stylesheet turns every row into a card
 * whose cells carry their column's name (`data-label`), so nothing scrolls sideways. No script.
 */
import type { HomeView, OverviewView, RequestRow, WaitingRow } from '../app/lists';
import { formatWhen, requestStatusLabel } from './format';
import { html, type SafeHtml } from './html';
import { appPage, type PageViewer } from './layout';
import type { RenderedPage } from './types';

interface Frame { viewer: PageViewer; base: string }

function time(iso: string | undefined): SafeHtml {
  return iso ? html`<time datetime="${iso}">${formatWhen(iso)}</time>` : html``;
}

function due(row: { dueAt?: string; expiresAt?: string; overdue: boolean }): SafeHtml {
  if (!row.dueAt) return html`<span class="muted">—</span>`;
  return html`${row.overdue ? html`<strong class="overdue">Overdue</strong> ` : ''}${time(row.dueAt)}${
    row.expiresAt && row.expiresAt !== row.dueAt ? html`<span class="muted">expires ${time(row.expiresAt)}</span>` : ''}`;
}

function holder(row: RequestRow): SafeHtml {
  const h = row.holder;
  if (!h) return html`<span class="muted">—</span>`;
  return html`${h.name}${h.onBehalfOf ? html` <span class="muted">on behalf of ${h.onBehalfOf}</span>` : ''}<span class="muted">${h.roleTitle}</span>${
    h.escalatedTo ? html`<span class="muted">escalated to ${h.escalatedTo}</span>` : ''}`;
}

/** The status in words; its colour repeats what the words say (never colour alone). */
function statusBadge(row: RequestRow): SafeHtml {
  const tone = row.status === 'APPROVED' ? ' good' : row.status === 'REJECTED' || row.status === 'EXPIRED' ? ' bad' : '';
  return html`<span class="status${tone}">${requestStatusLabel(row.status)}</span>`;
}

const days = (n: number) => (n === 1 ? '1 day' : `${n} days`);

/** A table whose rows become cards on a phone: `cells` are [column, content] pairs. */
function table(caption: string, columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<SafeHtml | string>>): SafeHtml {
  return html`<table class="list">
<caption class="visually-hidden">${caption}</caption>
<thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>${rows.map((cells) => html`<tr>${cells.map((cell, i) =>
    i === 0 ? html`<th scope="row" data-label="${columns[i]!}">${cell}</th>` : html`<td data-label="${columns[i]!}"><div>${cell}</div></td>`)}</tr>`)}</tbody>
</table>`;
}

function requestLink(base: string, row: { id: string; number: string; title: string }): SafeHtml {
  return html`<a href="${base}/requests/${row.id}"><span class="number">${row.number}</span> ${row.title}</a>`;
}

// ---------------------------------------------------------------- my requests

export function renderHomePage(view: HomeView, frame: Frame): RenderedPage {
  const { base } = frame;
  const newRequest = html`<p class="actions"><a class="button-link" href="${base}/requests/new">Start a new request</a></p>`;
  let content: SafeHtml;
  if (view.rows.length === 0 && view.firstPage) {
    content = html`<h1>My requests</h1>
<section class="empty" aria-labelledby="empty-heading">
<h2 id="empty-heading">You have no purchase requests yet</h2>
<p>A purchase request asks for approval to buy something. You describe the purchase, the amount and the vendor; the purchasing policy then decides who must approve it, and you follow each step here.</p>
${newRequest}
</section>`;
  } else {
    const rows = view.rows.map((row) => [
      requestLink(base, row),
      html`<span class="money">${row.amount}</span>`,
      statusBadge(row),
      holder(row),
      time(row.since),
      due(row),
    ]);
    const pages = html`<nav class="pages" aria-label="More requests">${
      view.firstPage ? '' : html`<a href="${base}/">Newest requests</a>`}${
      view.nextCursor ? html`<a href="${base}/?${new URLSearchParams({ cursor: view.nextCursor }).toString()}" rel="next">Older requests</a>` : ''}</nav>`;
    content = html`<h1>My requests</h1>
${newRequest}
${view.rows.length ? table('My requests, newest first', ['Request', 'Amount', 'Status', 'With', 'Since', 'Due'], rows) : html`<p>No older requests.</p>`}
${view.nextCursor || !view.firstPage ? pages : ''}`;
  }
  return appPage({ title: 'My requests', viewer: frame.viewer, current: 'home', base, content, wide: true });
}

// ---------------------------------------------------------------- waiting for me

function roleCell(row: WaitingRow): SafeHtml {
  return html`${row.roleTitle}${row.onBehalfOf ? html`<span class="muted">on behalf of ${row.onBehalfOf}</span>` : ''}${
    row.escalatedFrom ? html`<span class="muted">escalated to you from ${row.escalatedFrom}</span>` : ''}`;
}

export function renderWaitingPage(rows: readonly WaitingRow[], frame: Frame): RenderedPage {
  const { base } = frame;
  const overdue = rows.filter((r) => r.overdue).length;
  const content = rows.length === 0
    ? html`<h1>Waiting for me</h1>
<section class="empty" aria-labelledby="empty-heading">
<h2 id="empty-heading">Nothing waits for your decision</h2>
<p>When a request needs your approval it appears here, oldest first, and you also get an email with a link to it.</p>
</section>`
    : html`<h1>Waiting for me</h1>
<p>${rows.length === 1 ? '1 request waits' : `${rows.length} requests wait`} for your decision, oldest first${
      overdue ? html`; <strong class="overdue">${overdue} overdue</strong>` : ''}. Open one to read it and decide.</p>
${table('Requests waiting for my decision, oldest first', ['Request', 'Amount', 'From', 'You decide as', 'Waiting since', 'Due'], rows.map((row) => [
    html`<a href="${base}/waiting/${row.requestId}/${row.index}"><span class="number">${row.number}</span> ${row.title}</a>`,
    html`<span class="money">${row.amount}</span>`,
    html`${row.requester}<span class="muted">${row.department}</span>`,
    roleCell(row),
    time(row.since),
    due(row),
  ]))}`;
  return appPage({ title: 'Waiting for me', viewer: frame.viewer, current: 'waiting', base, content, wide: true });
}

/** The approval email has not gone out yet (the checkpoint opened a moment ago). */
export function renderApprovalNotReadyPage(frame: Frame): RenderedPage {
  const content = html`<h1>This approval is being prepared</h1>
<p>The request has just reached you; its approval email is on its way. Try again in a minute.</p>
<p><a href="${frame.base}/waiting">Back to waiting for me</a></p>`;
  return appPage({ statusCode: 409, title: 'Approval being prepared', viewer: frame.viewer, current: 'waiting', base: frame.base, content });
}

// ---------------------------------------------------------------- all open requests

function select(name: string, label: string, chosen: string | undefined, options: ReadonlyArray<{ value: string; label: string }>): SafeHtml {
  return html`<div class="filter"><label for="f-${name}">${label}</label>
<select id="f-${name}" name="${name}"><option value="">Any</option>${options.map(
    (o) => html`<option value="${o.value}"${o.value === chosen ? html` selected` : ''}>${o.label}</option>`)}</select></div>`;
}

/** The current filters as a query string (for the CSV link), without empty ones. */
export function overviewQuery(view: OverviewView, extra: Record<string, string> = {}): string {
  const { filters } = view;
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.department) params.set('department', filters.department);
  if (filters.stage) params.set('stage', filters.stage);
  if (filters.overdueOnly) params.set('overdue', 'yes');
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

export function renderOverviewPage(view: OverviewView, frame: Frame): RenderedPage {
  const { base } = frame;
  const { filters, options } = view;
  const form = html`<form method="get" action="${base}/purchasing" class="filters" aria-label="Filter open requests">
${select('status', 'Status', filters.status, [{ value: 'SUBMITTED', label: requestStatusLabel('SUBMITTED') }, { value: 'PENDING_APPROVAL', label: requestStatusLabel('PENDING_APPROVAL') }])}
${select('department', 'Department', filters.department, options.departments.map((d) => ({ value: d, label: d })))}
${select('stage', 'Stage', filters.stage, options.stages.map((s) => ({ value: s.key, label: s.label })))}
<div class="filter check"><input type="checkbox" id="f-overdue" name="overdue" value="yes"${filters.overdueOnly ? html` checked` : ''}><label for="f-overdue">Overdue only</label></div>
<div class="filter"><button type="submit">Show</button></div>
</form>`;
  const csvHref = `${base}/purchasing?${overviewQuery(view, { format: 'csv' })}`;
  const summary = html`<p class="summary">Showing ${view.shown} of ${view.total} open requests.${
    view.truncated ? html` <strong>Only the newest ${view.total} open requests are read; narrow the filters or use the API to see older ones.</strong>` : ''}
<a href="${csvHref}" download>Download these as CSV</a></p>`;
  const groups = view.groups.map((group, i) => html`<section aria-labelledby="stage-${i}">
<h2 id="stage-${i}">${group.stage} <span class="count">(${group.rows.length})</span></h2>
${table(`${group.stage}: open requests, oldest first`, ['Request', 'Department', 'Amount', 'Held by', 'Age', 'Due'], group.rows.map((row) => [
    requestLink(base, row),
    html`${row.department}<span class="muted">${row.requester.name}</span>`,
    html`<span class="money">${row.amount}</span>`,
    holder(row),
    html`${days(row.ageDays)}<span class="muted">since ${time(row.submittedAt)}</span>`,
    due(row),
  ]))}
</section>`);
  const content = html`<h1>All open requests</h1>
${form}
${summary}
${view.shown === 0 ? html`<p class="empty">No open request matches these filters.</p>` : groups}`;
  return appPage({ title: 'All open requests', viewer: frame.viewer, current: 'purchasing', base, content, wide: true });
}

/** 403 inside the product's frame: the person is signed in, just not allowed here. */
export function renderListForbiddenPage(message: string, frame: Frame): RenderedPage {
  const content = html`<h1>Not available to you</h1>
<p>${message}</p>
<p><a href="${frame.base}/">Back to my requests</a></p>`;
  return appPage({ statusCode: 403, title: 'Not available', viewer: frame.viewer, current: 'none', base: frame.base, content });
}

/** 400 inside the product's frame: what was wrong with the address, by field. */
export function renderListBadRequestPage(fields: ReadonlyArray<{ field: string; message: string }>, back: string, frame: Frame): RenderedPage {
  const content = html`<div class="error" role="alert" aria-labelledby="error-heading">
<h2 id="error-heading">This address could not be read</h2>
<ul>${fields.map((f) => html`<li><strong>${f.field}</strong>: ${f.message}</li>`)}</ul>
</div>
<h1>Nothing to show</h1>
<p><a href="${frame.base}${back}">Start again</a></p>`;
  return appPage({ statusCode: 400, title: 'Bad address', viewer: frame.viewer, current: 'none', base: frame.base, content });
}
