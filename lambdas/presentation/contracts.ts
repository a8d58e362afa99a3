/**
 * The registry's pages (the search and one contract) and the watch's alert email. Plain server
 * HTML inside the shared frame (./layout.ts): no scripts, every value escaped by `html`.
 */
import {
  FACT_KEYS, FACT_LABELS, GPO_MODELS, VEHICLE_LABELS, isActiveOn, type ContractFacts, type VerifiedFact,
} from '../domain/contracts';
import { formatUsd } from '../domain/money';
import { CATEGORIES } from '../domain/vocabulary';
import { requestStatusLabel } from './format';
import { defang, html, oneLine, type SafeHtml } from './html';
import { appPage, type PageViewer } from './layout';
import type { RenderedPage } from './types';

export interface ContractRow extends ContractFacts {
  spentCents: number;
  uses?: Record<string, { requestId: string; number?: string; title: string; department: string; amountCents: number; status: string; at: string }>;
  updatedAt?: string;
  updatedBy?: { name: string };
  createdBy?: { name: string };
  createdAt?: string;
}

const GPO_MODEL_LABELS: Record<(typeof GPO_MODELS)[number], string> = { 'public-gpo': 'public GPO', 'lead-agency': 'lead-agency model' };

/** Who awarded the contract: the GPO (and its model), the lead agency, or the state. */
export const awardedBy = (c: ContractFacts): string => {
  if (c.vehicle === 'cooperative') {
    const model = c.gpoModel ? GPO_MODEL_LABELS[c.gpoModel] : '';
    return c.gpoModel === 'lead-agency' ? `${c.gpo} (${model}: ${c.leadAgency})` : `${c.gpo} (${model})`;
  }
  if (c.vehicle === 'piggyback') return c.leadAgency ?? '';
  return `State of ${c.state}`;
};

const spendLine = (c: ContractRow): string =>
  c.ceilingCents !== undefined
    ? `${formatUsd(c.spentCents)} of ${formatUsd(c.ceilingCents)} (${Math.floor((c.spentCents * 100) / Math.max(c.ceilingCents, 1))}%)`
    : `${formatUsd(c.spentCents)} (no ceiling)`;

/** The way from a contract to a request under it: the new-request form with this contract chosen. */
const useLink = (base: string, c: ContractFacts): SafeHtml =>
  html`<p class="contract-use"><a href="${base}/requests/new?contract=${c.id}">Use in a new request<span class="rf-visually-hidden">: ${c.supplier} ${c.number}</span></a></p>`;

export const statusWord = (c: ContractFacts, today: string): string => (isActiveOn(c, today) ? 'Active' : c.termStart > today ? 'Not yet started' : 'Ended');

export interface ContractsPageArgs {
  viewer: PageViewer;
  base: string;
  contracts: readonly ContractRow[];
  query: { q?: string; category?: string; active?: boolean };
  today: string;
}

/** GET /contracts (a browser): the search form and the matching contracts. */
export function renderContractsPage(args: ContractsPageArgs): RenderedPage {
  const { base, query, today } = args;
  const content = html`<h1>Contracts</h1>
<p class="muted">Cooperative, piggyback and state contracts purchasing has checked. Pick one on a request and its checks come from here.</p>
${args.viewer.roles.includes('purchasing') ? html`<p class="contract-register"><a href="${base}/contracts/new">Register a contract</a></p>` : ''}
<form method="get" action="${base}/contracts" class="contract-search" role="search">
<p><label for="q">Supplier, scope or number</label>
<input id="q" name="q" type="search" maxlength="200" value="${query.q ?? ''}"></p>
<p><label for="category">Category</label>
<select id="category" name="category"><option value="">Any category</option>${CATEGORIES.map(
    (c) => html`<option value="${c}"${query.category === c ? html` selected` : ''}>${c}</option>`,
  )}</select></p>
<p class="check"><input id="active" name="active" type="checkbox" value="true"${query.active ? html` checked` : ''}> <label for="active">Active only</label></p>
<p><button type="submit">Search</button></p>
</form>
<p role="status">${args.contracts.length === 0 ? 'No contract matches.' : `${args.contracts.length} contract${args.contracts.length === 1 ? '' : 's'}`}</p>
<ul class="contracts">${args.contracts.map((c) => html`<li>
<p class="contract-title"><a href="${base}/contracts/${c.id}">${c.supplier}</a> <span class="muted">${c.number}</span></p>
<p>${VEHICLE_LABELS[c.vehicle]} · ${awardedBy(c)}</p>
<p>${c.categories.join(', ')}${c.scope ? html` — ${oneLine(c.scope)}` : ''}</p>
<p><span class="${isActiveOn(c, today) ? 'ok' : 'bad'}">${statusWord(c, today)}</span> · ${c.termStart} to ${c.termEnd} · Spend ${spendLine(c)}</p>
${isActiveOn(c, today) ? useLink(base, c) : ''}
</li>`)}</ul>`;
  return appPage({ title: 'Contracts', viewer: args.viewer, current: 'contracts', base, content, wide: true });
}

export const factLine = (label: string, f: VerifiedFact | undefined): SafeHtml =>
  f === undefined
    ? html`<li class="fail"><span class="mark" aria-hidden="true">?</span> ${label}: <strong>not verified</strong></li>`
    : html`<li class="${f.value ? 'pass' : 'fail'}"><span class="mark" aria-hidden="true">${f.value ? '✓' : '✗'}</span> ${label}: <strong>${f.value ? 'yes' : 'no'}</strong> <span class="muted">verified by ${f.verifiedBy.name} on ${f.verifiedAt.slice(0, 10)}</span></li>`;

export interface ContractPageArgs {
  viewer: PageViewer;
  base: string;
  contract: ContractRow;
  today: string;
  auditVerified: boolean;
  auditEvents: number;
}

/** GET /contracts/{id} (a browser): the facts with their verifiers, documents, requests and spend. */
export function renderContractPage(args: ContractPageArgs): RenderedPage {
  const { contract: c, base, today } = args;
  const uses = Object.values(c.uses ?? {}).sort((a, b) => (a.at < b.at ? 1 : -1));
  const facts = FACT_KEYS.filter((k) => k !== 'addendumOnFile' || c.addendumRequired);
  const content = html`<p><a href="${base}/contracts">← All contracts</a></p>
<h1>${c.supplier} <span class="muted">${c.number}</span></h1>
<dl class="contract-facts">
<dt>Vehicle</dt><dd>${VEHICLE_LABELS[c.vehicle]}</dd>
<dt>Awarded by</dt><dd>${awardedBy(c)}</dd>
<dt>Term</dt><dd>${c.termStart} to ${c.termEnd} · <span class="${isActiveOn(c, today) ? 'ok' : 'bad'}">${statusWord(c, today)}</span></dd>
<dt>Scope</dt><dd>${c.categories.join(', ')}${c.scope ? html`<br>${c.scope}` : ''}</dd>
<dt>Spend</dt><dd>${spendLine(c)}</dd>
</dl>
${isActiveOn(c, today) ? useLink(base, c) : ''}
<section aria-labelledby="facts-heading">
<h2 id="facts-heading">Verified facts</h2>
<ul class="checks">${facts.map((k) => factLine(FACT_LABELS[k], c.facts[k]))}</ul>
${c.addendumRequired ? '' : html`<p class="muted">No membership or participating addendum is needed for this contract.</p>`}
</section>
<section aria-labelledby="docs-heading">
<h2 id="docs-heading">Documents</h2>
${c.documentIds.length === 0 ? html`<p class="muted">No documents filed yet.</p>` : html`<ul>${c.documentIds.map((d) => html`<li><code>${d}</code></li>`)}</ul>`}
</section>
<section aria-labelledby="requests-heading">
<h2 id="requests-heading">Requests under this contract</h2>
${uses.length === 0 ? html`<p class="muted">No requests yet.</p>` : html`<ul class="contracts uses">${uses.map((u) => html`<li>
<p class="contract-title"><a href="${base}/requests/${u.requestId}">${u.number ?? u.title}</a>${u.number ? html` <span class="muted">${u.title}</span>` : ''}</p>
<p>${u.department} · ${formatUsd(u.amountCents)} · <span class="${u.status === 'APPROVED' ? 'ok' : u.status === 'PENDING_APPROVAL' ? '' : 'bad'}">${requestStatusLabel(u.status)}</span></p>
</li>`)}</ul>`}
</section>
<p class="muted">Registered by ${c.createdBy?.name ?? 'purchasing'}${c.createdAt ? ` on ${c.createdAt.slice(0, 10)}` : ''}; last changed by ${c.updatedBy?.name ?? 'purchasing'}${c.updatedAt ? ` on ${c.updatedAt.slice(0, 10)}` : ''}. Audit trail: ${args.auditEvents} event${args.auditEvents === 1 ? '' : 's'}, ${args.auditVerified ? 'chain verified' : 'chain NOT verified'}.</p>`;
  return appPage({ title: `${c.supplier} ${c.number}`, viewer: args.viewer, current: 'contracts', base, content });
}

/** A watch alert to purchasing: plain text and the same words as HTML. */
export function renderContractAlertEmail(args: { subject: string; text: string; link?: string }): { subject: string; text: string; html: string } {
  const text = `${oneLine(args.text)}\n${args.link ? `\nThe contract: ${args.link}\n` : ''}`;
  const body = html`<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>${defang(args.text)}</p>${args.link ? html`<p><a href="${args.link}">Open the contract</a></p>` : ''}
</body></html>`;
  return { subject: oneLine(args.subject), text, html: body.value };
}

/**
 * On the approval page of a request that named an unregistered contract: the one step for
 * purchasing to add it to the registry (the register form filled in from the request). Shown
 * beside the flag whatever the checkpoint, since the policy names its checkpoints; the form
 * itself is purchasing's only (403 for others).
 */
export function registerContractAction(view: {
  request: { id: string; flags: ReadonlyArray<{ type: string }> };
  /** The approval form's path (`/approvals/{id}`, maybe behind a stage prefix): the base is what comes before. */
  formAction: string;
}): SafeHtml {
  if (!view.request.flags.some((f) => f.type === 'contract-unverified')) return html``;
  const base = view.formAction.replace(/\/approvals\/[^/]*$/, '');
  return html`<p class="contract-register"><a href="${base}/contracts/new?from=${view.request.id}">Purchasing: add this contract to the registry</a> <span class="muted">after checking its facts, so later requests can pick it.</span></p>`;
}
