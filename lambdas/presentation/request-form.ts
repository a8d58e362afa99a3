/**
 * The new-request form (GET/POST /requests/new). Pure: a view in, a page out.
 *
 * It works with no script at all. Every method's evidence section is on the page, under the
 * heading "Fill the section for the method you choose": a person switching methods loses nothing,
 * and one page holds the whole request, so Preview and Submit each take one round trip. Where the
 * browser supports CSS `:has()` the sections of the methods not chosen are hidden by the
 * stylesheet alone; elsewhere they all show. Quote rows grow with an "Add another quote" submit
 * button that brings the same form back with one more row.
 *
 * Errors follow the GOV.UK pattern: a summary at the top linking to each field, and each message
 * beside its field, with everything typed kept. "What will happen" shows the routing core's answer
 * for the form as it stands (tier, method checklist, approvers by name) before anything is stored.
 */
import {
  errorsByFormField,
  FLAG_FIELDS,
  formFieldOf,
  MAX_QUOTE_ROWS,
  METHOD_CHOICES,
  sectionFieldName,
  type RequestFormValues,
  type SectionMethod,
} from '../app/request-form';
import { isRegistryMethod, type FormRegistry } from '../app/request-form-contracts';
import { LIMITS } from '../domain/limits';
import { formatUsd } from '../domain/money';
import type { FieldError, RoutingDecision } from '../domain/types';
import { CATEGORIES, FUNDING_SOURCES, SOLE_SOURCE_GROUNDS, type MethodType } from '../domain/vocabulary';
import { flagLabel, formatWhen, fundingLabel, methodLabel } from './format';
import { html, SafeHtml } from './html';
import { appPage, formTokenField, type PageViewer } from './layout';
import { registryPicker } from './request-form-contracts';
import type { RenderedPage } from './types';
import { generalDocumentsSection, methodDocumentSlots, quoteDocumentSlot, withDocumentsScript } from './request-form-documents';

export interface PolicyChoice { id: string; name: string }

export interface RequestFormView {
  statusCode?: number;
  viewer: PageViewer;
  base: string;
  /** From the signed-in person's profile, never typed. */
  requester: { name: string; email: string };
  department: string;
  /** The base policies covering the department; one is sent hidden, several are a choice. */
  policies: PolicyChoice[];
  values: RequestFormValues;
  /** Field errors in the API's paths (`method.quotes[1].amount`); placed beside their inputs here. */
  errors?: readonly FieldError[];
  /** A sentence above the form (e.g. a submission that could not be repeated). */
  message?: string;
  /** "Copy and fix": the request copied from and, when it was returned, why. */
  copiedFrom?: { id: string; label: string; href: string; status: string; reasons: ReadonlyArray<{ message: string; citation?: string; field?: string }> };
  /** The routing core's answer for the form as it stands ("What will happen"). */
  preview?: RoutingDecision;
  /** The contracts registry, for the choice of a registered contract (./request-form-contracts.ts). */
  registry?: FormRegistry;
  /** The origin upload URLs name (the documents bucket's), which the form's script may send files to. */
  uploadOrigin?: string;
}

/** The page shown to a signed-in person the form cannot serve (no department on their profile). */
export interface NoFormView { viewer: PageViewer; base: string; message: string; statusCode?: number }

// ---------------------------------------------------------------- labels

const SOLE_SOURCE_LABELS: Record<(typeof SOLE_SOURCE_GROUNDS)[number], string> = {
  'micro-purchase': 'It is a micro-purchase (2 CFR 200.320(c)(1))',
  'single-source': 'The item is available only from a single source (c)(2)',
  'public-emergency': 'A public exigency or emergency will not permit the delay of competition (c)(3)',
  'awarding-agency-approval': 'The awarding agency approved it in writing (c)(4)',
  'inadequate-competition': 'Competition was inadequate after soliciting several sources (c)(5)',
};

const METHOD_HINTS: Record<'' | MethodType, string> = {
  '': 'The policy picks the usual method for the amount. Preview shows which.',
  direct: 'Buy directly from the vendor (small purchases).',
  quotes: 'Written quotes from several vendors: fill in the quotes below.',
  competitive: 'A formal bid or proposal that purchasing runs.',
  cooperative: 'Buy from a cooperative contract (NCPA, Sourcewell, …).',
  piggyback: 'Use another public agency’s contract.',
  'state-contract': 'Buy from a state term contract.',
  'sole-source': 'Only one source can supply it: say on what ground.',
  emergency: 'An emergency that cannot wait for competition.',
};

const FIELD_LABELS: Record<string, string> = {
  policy: 'Policy',
  title: 'Title',
  description: 'Description',
  amount: 'Amount in US dollars',
  category: 'Category',
  vendor: 'Vendor',
  fundingSource: 'Funding source',
  neededBy: 'Needed by',
  method: 'Purchasing method',
  alliance: 'Alliance or purchasing group',
  contractId: 'Registered contract',
  contractNumber: 'Contract number',
  expires: 'Contract expires on',
  scopeCovers: 'The contract’s scope covers this purchase',
  leadAgency: 'Lead agency',
  leadAgencyIsPublic: 'The lead agency is a public agency',
  competitivelyBid: 'The lead agency’s contract came from a formal competitive process',
  cooperativeLanguage: 'The contract lets other agencies use it (cooperative language)',
  procuredUnder2CFR200: 'The contract was procured under 2 CFR 200 (federal funds)',
  state: 'State',
  ground: 'Ground for a sole source',
  justification: 'Justification',
};

const categoryLabel = (c: string): string => {
  const words = c.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** "quotes[1].amount" → "Quote 2: amount"; "cooperative.contractNumber" → "Cooperative contract: Contract number". */
export function fieldLabel(field: string): string {
  const quote = /^quotes\[(\d+)\]\.(vendor|amount)$/.exec(field);
  if (quote) return `Quote ${Number(quote[1]) + 1}: ${quote[2] === 'vendor' ? 'vendor' : 'amount'}`;
  const section = /^([\w-]+)\.(\w+)$/.exec(field);
  if (section && section[1] !== 'vendor') return `${methodLabel(section[1]!)}: ${FIELD_LABELS[section[2]!] ?? section[2]}`;
  return FIELD_LABELS[field] ?? field;
}

/** The element id of a form field: `quotes[2].amount` → `f-quotes-2-amount`. */
export function inputId(field: string): string {
  return `f-${field.replace(/[^A-Za-z0-9-]+/g, '-').replace(/-+$/, '')}`;
}

/** Where the summary links for a field: radio groups link to their first option. */
function anchorOf(field: string): string {
  if (field === 'method') return `${inputId('method')}-policy`;
  if (field === 'fundingSource') return `${inputId('fundingSource')}-${FUNDING_SOURCES[0]}`;
  return inputId(field);
}

/** Form fields with an input on the page (errors on anything else are told in the summary only). */
function hasInput(field: string, view: RequestFormView): boolean {
  if (['title', 'description', 'amount', 'category', 'vendor', 'fundingSource', 'neededBy', 'method'].includes(field)) return true;
  if (field === 'policy') return view.policies.length > 1;
  const quote = /^quotes\[(\d+)\]\.(vendor|amount)$/.exec(field);
  if (quote) return Number(quote[1]) < view.values.sections.quotes.length;
  const section = /^([\w-]+)\.(\w+)$/.exec(field);
  if (!section || section[1] === 'quotes') return false;
  const values = view.values.sections[section[1] as Exclude<SectionMethod, 'quotes'>] as Record<string, string> | undefined;
  return values !== undefined && section[2]! in values;
}

// ---------------------------------------------------------------- pieces

type Errors = Map<string, string>;

function errorLine(field: string, errors: Errors): SafeHtml {
  const message = errors.get(field);
  return message ? html`<p class="field-error" id="${inputId(field)}-error"><span class="rf-visually-hidden">Error: </span>${message}</p>` : html``;
}

/** aria-invalid and aria-describedby for an input with an optional hint. */
function described(field: string, errors: Errors, hint?: string): SafeHtml {
  const ids = [hint ? `${inputId(field)}-hint` : undefined, errors.has(field) ? `${inputId(field)}-error` : undefined].filter(Boolean).join(' ');
  return html`${errors.has(field) ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`;
}

function hintLine(field: string, hint?: string): SafeHtml {
  return hint ? html`<p class="hint" id="${inputId(field)}-hint">${hint}</p>` : html``;
}

function group(field: string, errors: Errors, inner: SafeHtml): SafeHtml {
  return html`<div class="rf-field${errors.has(field) ? ' rf-invalid' : ''}">${inner}</div>`;
}

interface TextInput {
  field: string;
  value: string;
  label?: string;
  optional?: boolean;
  hint?: string;
  max?: number;
  type?: 'text' | 'date';
  attributes?: SafeHtml;
}

function textInput(errors: Errors, input: TextInput): SafeHtml {
  const { field } = input;
  const label = input.label ?? FIELD_LABELS[field.split('.').pop()!] ?? field;
  return group(field, errors, html`<label for="${inputId(field)}">${label}${input.optional ? html` <span class="rf-optional">(optional)</span>` : ''}</label>
${hintLine(field, input.hint)}${errorLine(field, errors)}<input type="${input.type ?? 'text'}" id="${inputId(field)}" name="${field}" value="${input.value}"${
    input.max ? html` maxlength="${input.max}"` : ''}${input.attributes ?? ''}${described(field, errors, input.hint)}>`);
}

function textArea(errors: Errors, input: TextInput): SafeHtml {
  const { field } = input;
  const label = input.label ?? FIELD_LABELS[field.split('.').pop()!] ?? field;
  return group(field, errors, html`<label for="${inputId(field)}">${label}${input.optional ? html` <span class="rf-optional">(optional)</span>` : ''}</label>
${hintLine(field, input.hint)}${errorLine(field, errors)}<textarea id="${inputId(field)}" name="${field}" rows="4"${
    input.max ? html` maxlength="${input.max}"` : ''}${described(field, errors, input.hint)}>${input.value}</textarea>`);
}

function checkBox(errors: Errors, field: string, checked: boolean): SafeHtml {
  return group(field, errors, html`${errorLine(field, errors)}<div class="rf-choice"><input type="checkbox" id="${inputId(field)}" name="${field}" value="yes"${
    checked ? html` checked` : ''}${described(field, errors)}><label for="${inputId(field)}">${FIELD_LABELS[field.split('.').pop()!] ?? field}</label></div>`);
}

function radios(errors: Errors, field: string, legend: string, value: string, options: ReadonlyArray<{ value: string; label: string; hint?: string; id: string }>, hint?: string): SafeHtml {
  return group(field, errors, html`<fieldset class="rf-radios"${described(field, errors, hint)}>
<legend>${legend}</legend>
${hintLine(field, hint)}${errorLine(field, errors)}${options.map((o) => html`<div class="rf-choice"><input type="radio" id="${o.id}" name="${field}" value="${o.value}"${
    o.value === value ? html` checked` : ''}${o.hint ? html` aria-describedby="${o.id}-hint"` : ''}><label for="${o.id}">${o.label}</label>${
    o.hint ? html`<p class="hint" id="${o.id}-hint">${o.hint}</p>` : ''}</div>`)}
</fieldset>`);
}

/** The fields in the order the page shows them; the summary follows the page (section fields come last). */
const PAGE_ORDER = ['policy', 'title', 'description', 'amount', 'category', 'vendor', 'fundingSource', 'neededBy', 'method'];
const pageOrder = (field: string): number => {
  const at = PAGE_ORDER.indexOf(field);
  return at < 0 ? PAGE_ORDER.length : at;
};

function errorSummary(view: RequestFormView, errors: readonly FieldError[]): SafeHtml {
  if (errors.length === 0) return html``;
  const seen = new Set<string>();
  const ordered = [...errors].sort((a, b) => pageOrder(formFieldOf(a.field, view.values)) - pageOrder(formFieldOf(b.field, view.values)));
  const items = ordered.flatMap((e) => {
    const field = formFieldOf(e.field, view.values);
    if (seen.has(field)) return [];
    seen.add(field);
    const text = `${fieldLabel(field)}: ${e.message}`;
    return [hasInput(field, view) ? html`<li><a href="#${anchorOf(field)}">${text}</a></li>` : html`<li>${text}</li>`];
  });
  return html`<div class="rf-summary" role="alert" aria-labelledby="rf-summary-heading">
<h2 id="rf-summary-heading">There is a problem</h2>
<p>Nothing was submitted. Fix ${seen.size === 1 ? 'this' : `these ${seen.size} things`} and try again:</p>
<ul>${items}</ul>
</div>`;
}

function reasonItem(view: RequestFormView, reason: { message: string; citation?: string; field?: string }): SafeHtml {
  const field = reason.field ? formFieldOf(reason.field, view.values) : undefined;
  const text = field && hasInput(field, view) ? html`<a href="#${anchorOf(field)}">${reason.message}</a>` : html`${reason.message}`;
  return html`<li>${text}${reason.citation ? html`<cite>${reason.citation}</cite>` : ''}</li>`;
}

function copiedNotice(view: RequestFormView): SafeHtml {
  const from = view.copiedFrom;
  if (!from) return html``;
  return html`<section class="rf-copied" aria-labelledby="rf-copied-heading">
<h2 id="rf-copied-heading">Copied from <a href="${from.href}">${from.label}</a></h2>
${from.reasons.length > 0
    ? html`<p>It was ${from.status.toLowerCase()} for ${from.reasons.length === 1 ? 'this reason' : 'these reasons'}. Fix ${from.reasons.length === 1 ? 'it' : 'them'} below, then preview and submit it as a new request:</p>
<ul class="rf-reasons">${from.reasons.map((r) => reasonItem(view, r))}</ul>`
    : html`<p>Change what you need below, then preview and submit it as a new request. The original stays as it is.</p>`}
</section>`;
}

// ---------------------------------------------------------------- "What will happen"

function previewSection(view: RequestFormView, d: RoutingDecision): SafeHtml {
  const returned = d.status === 'RETURNED';
  const selectedBy = d.method.selectedBy === 'policy' ? 'chosen by the policy' : 'your choice';
  return html`<section class="rf-preview${returned ? ' rf-preview-returned' : ''}" aria-labelledby="rf-preview-heading">
<h2 id="rf-preview-heading">What will happen</h2>
<p class="rf-outcome"><strong>${returned
    ? 'It would come back to you to fix, before any approver sees it.'
    : `It would go to ${d.checkpoints.length} ${d.checkpoints.length === 1 ? 'approver' : 'approvers'}, one after another.`}</strong> Nothing has been submitted yet.</p>
${returned ? html`<h3>What to fix</h3><ul class="rf-reasons">${d.reasons.map((r) => reasonItem(view, r))}</ul>` : ''}
<h3>Tier: ${d.tier.id}</h3>
<p>${d.tier.reason}${d.tier.citation ? html`<cite>${d.tier.citation}</cite>` : ''}</p>
<h3>Method: ${methodLabel(d.method.type)} <span class="rf-by">(${selectedBy})</span></h3>
<p class="${d.method.eligible ? 'pass' : 'fail'}"><span class="mark" aria-hidden="true">${d.method.eligible ? '✓' : '✗'}</span><span class="verdict">${d.method.eligible ? 'Eligible' : 'Not eligible'}</span> for this tier</p>
${d.method.checks.length === 0 ? '' : html`<ul class="checks">${d.method.checks.map(
    (c) => html`<li class="${c.passed ? 'pass' : 'fail'}"><span class="mark" aria-hidden="true">${c.passed ? '✓' : '✗'}</span><span class="verdict">${c.passed ? 'Pass' : 'Fail'}:</span> ${c.detail}${c.citation ? html`<cite>${c.citation}</cite>` : ''}</li>`,
  )}</ul>`}
${d.flags.length === 0 ? '' : html`<h3>Needs attention</h3><ul class="flags">${d.flags.map(
    (f) => html`<li><strong>${flagLabel(f.type)}:</strong> ${f.detail}${f.type === 'split-suspected' ? ` (together ${formatUsd(f.aggregateCents)})` : ''}</li>`,
  )}</ul>`}
${returned ? '' : html`<h3>Approvers, in order</h3>
<ol class="chain">${d.checkpoints.map((cp) => html`<li><strong>${cp.index + 1}. ${cp.roleTitle}: ${cp.approver.name}</strong>${
    cp.onBehalfOf ? html` <span class="rf-by">on behalf of ${cp.onBehalfOf.name}</span>` : ''}<span class="muted">${cp.reason}</span>${
    cp.citation ? html`<cite>${cp.citation}</cite>` : ''}</li>`)}</ol>`}
<p class="muted">Policy ${d.policy.id}, version ${d.policy.version}; as of ${formatWhen(d.routedAt)}. Approvers and deadlines are fixed when you submit.</p>
${returned ? '' : html`<div class="buttons"><button type="submit" name="action" value="submit" class="rf-primary">Submit this request</button></div>`}
</section>`;
}

// ---------------------------------------------------------------- the method sections

function quoteRows(view: RequestFormView, errors: Errors): SafeHtml {
  const rows = view.values.sections.quotes;
  return html`${rows.map((row, i) => html`<fieldset class="rf-quote">
<legend>Quote ${i + 1}</legend>
${textInput(errors, { field: sectionFieldName('quotes', 'vendor', i), value: row.vendor, label: 'Vendor', max: LIMITS.name, attributes: html` autocomplete="off"` })}
${textInput(errors, { field: sectionFieldName('quotes', 'amount', i), value: row.amount, label: 'Amount in US dollars', attributes: html` inputmode="decimal" autocomplete="off" spellcheck="false"` })}
${quoteDocumentSlot(view, view.values.documents ?? [], i)}
</fieldset>`)}
<input type="hidden" name="quoteRows" value="${rows.length}">
${rows.length < MAX_QUOTE_ROWS
    ? html`<button type="submit" name="action" value="add-quote" class="rf-secondary">Add another quote</button>`
    : html`<p class="hint">That is the most quotes one request can hold (${MAX_QUOTE_ROWS}).</p>`}`;
}

function methodSection(method: SectionMethod, view: RequestFormView, errors: Errors): SafeHtml {
  const s = view.values.sections;
  const f = (key: string) => sectionFieldName(method, key);
  const contract = (values: { contractNumber: string; expires: string }) => html`
${textInput(errors, { field: f('contractNumber'), value: values.contractNumber, max: LIMITS.text, attributes: html` autocomplete="off" spellcheck="false"` })}
${textInput(errors, { field: f('expires'), value: values.expires, type: 'date', attributes: html` autocomplete="off"` })}`;
  const flags = (values: Record<string, string>) =>
    ((FLAG_FIELDS as Record<string, readonly string[]>)[method] ?? []).map((key) => checkBox(errors, f(key), values[key] === 'yes'));
  let inner: SafeHtml;
  switch (method) {
    case 'quotes':
      inner = html`<p class="hint">One row per written quote. Leave rows you do not need empty.</p>${quoteRows(view, errors)}`;
      break;
    case 'cooperative':
      inner = html`${textInput(errors, { field: f('alliance'), value: s.cooperative.alliance, max: LIMITS.text, hint: 'For example NCPA or Sourcewell.' })}${contract(s.cooperative)}${flags(s.cooperative)}`;
      break;
    case 'piggyback':
      inner = html`${textInput(errors, { field: f('leadAgency'), value: s.piggyback.leadAgency, max: LIMITS.text, attributes: html` autocomplete="organization"` })}${contract(s.piggyback)}${flags(s.piggyback)}`;
      break;
    case 'state-contract':
      inner = html`${textInput(errors, { field: f('state'), value: s['state-contract'].state, max: LIMITS.text })}${contract(s['state-contract'])}${flags(s['state-contract'])}`;
      break;
    case 'sole-source':
      inner = html`${radios(errors, f('ground'), FIELD_LABELS.ground!, s['sole-source'].ground,
        SOLE_SOURCE_GROUNDS.map((g) => ({ value: g, label: SOLE_SOURCE_LABELS[g], id: `${inputId(f('ground'))}-${g}` })))}
${textArea(errors, { field: f('justification'), value: s['sole-source'].justification, max: LIMITS.justification, hint: 'Why no other source will do: what you looked for and where.' })}`;
      break;
    case 'emergency':
      inner = textArea(errors, { field: f('justification'), value: s.emergency.justification, max: LIMITS.justification, hint: 'What happened, and why it cannot wait for competition.' });
      break;
  }
  if (isRegistryMethod(method)) {
    inner = registryPicker({ method, values: view.values, registry: view.registry, base: view.base, error: errors.get(f('contractId')), typed: inner });
  }
  return html`<fieldset class="rf-section" id="rf-section-${method}">
<legend>${methodLabel(method)}</legend>
${inner}
${methodDocumentSlots(method, view, view.values.documents ?? [])}
</fieldset>`;
}

// ---------------------------------------------------------------- the page

function requestFields(view: RequestFormView, errors: Errors): SafeHtml {
  const v = view.values;
  const policy = view.policies.length > 1
    ? group('policy', errors, html`<label for="${inputId('policy')}">Policy</label>${errorLine('policy', errors)}<select id="${inputId('policy')}" name="policy"${described('policy', errors)}>${view.policies.map(
      (p) => html`<option value="${p.id}"${p.id === v.policy ? html` selected` : ''}>${p.name}</option>`)}</select>`)
    : html`<input type="hidden" name="policy" value="${view.policies[0]?.id ?? v.policy}">`;
  return html`<dl class="rf-who">
<dt>Requested by</dt><dd>${view.requester.name} <span class="muted">${view.requester.email}</span></dd>
<dt>Department</dt><dd>${view.department}</dd>
${view.policies.length === 1 ? html`<dt>Policy</dt><dd>${view.policies[0]!.name}</dd>` : ''}
</dl>
<p class="hint">From your profile. Ask your administrator if either is wrong.</p>
${policy}
${textInput(errors, { field: 'title', value: v.title, max: LIMITS.title, hint: 'What you are buying, in a few words.', attributes: html` autocomplete="off"` })}
${textArea(errors, { field: 'description', value: v.description, max: LIMITS.description, optional: true })}
${textInput(errors, { field: 'amount', value: v.amount, hint: 'The total, for example 1250.00.', attributes: html` inputmode="decimal" autocomplete="off" spellcheck="false" class="rf-amount"` })}
${group('category', errors, html`<label for="${inputId('category')}">Category</label>${errorLine('category', errors)}<select id="${inputId('category')}" name="category"${described('category', errors)}>
<option value=""${v.category === '' ? html` selected` : ''}>Choose a category</option>
${CATEGORIES.map((c) => html`<option value="${c}"${c === v.category ? html` selected` : ''}>${categoryLabel(c)}</option>`)}</select>`)}
${textInput(errors, { field: 'vendor', value: v.vendor, max: LIMITS.name, hint: 'The company you would buy from.', attributes: html` autocomplete="organization"` })}
${radios(errors, 'fundingSource', 'Funding source', v.fundingSource,
    FUNDING_SOURCES.map((f) => ({ value: f, label: fundingLabel(f), id: `${inputId('fundingSource')}-${f}` })),
    'Federal funds add the rules of 2 CFR 200.')}
${textInput(errors, { field: 'neededBy', value: v.neededBy, type: 'date', optional: true, attributes: html` autocomplete="off"` })}`;
}

function methodFields(view: RequestFormView, errors: Errors): SafeHtml {
  return html`${radios(errors, 'method', 'Purchasing method', view.values.method,
    METHOD_CHOICES.map((m) => ({
      value: m,
      label: m === '' ? 'Let the policy choose' : methodLabel(m),
      hint: METHOD_HINTS[m],
      id: `${inputId('method')}-${m === '' ? 'policy' : m}`,
    })))}
<h2 id="rf-sections-heading">Fill the section for the method you choose</h2>
<p class="hint rf-sections-hint">Only the chosen method’s section is sent; the others are kept as you typed them.</p>
${(['quotes', 'cooperative', 'piggyback', 'state-contract', 'sole-source', 'emergency'] as const).map((m) => methodSection(m, view, errors))}`;
}

/** 200 (or 400 with errors, 404 for a copy that is not there): the form, its errors and its preview. */
export function renderRequestForm(view: RequestFormView): RenderedPage {
  const apiErrors = view.errors ?? [];
  const errors: Errors = errorsByFormField(apiErrors, view.values);
  const action = `${view.base}/requests/new`;
  const content = html`<h1>New purchase request</h1>
${view.message ? html`<p class="rf-message" role="status">${view.message}</p>` : ''}
${errorSummary(view, apiErrors)}
${copiedNotice(view)}
<form method="post" action="${action}" accept-charset="utf-8" class="request-form" novalidate>
<button type="submit" name="action" value="preview" class="rf-default" tabindex="-1" aria-hidden="true">Preview</button>
${formTokenField(view.viewer)}<input type="hidden" name="submissionKey" value="${view.values.submissionKey}">
${view.copiedFrom ? html`<input type="hidden" name="copiedFrom" value="${view.copiedFrom.id}">` : ''}
${view.preview && apiErrors.length === 0 ? previewSection(view, view.preview) : ''}
<h2>The purchase</h2>
${requestFields(view, errors)}
<h2>How it will be bought</h2>
${methodFields(view, errors)}
${generalDocumentsSection(view, view.values.documents ?? [])}
<div class="buttons rf-actions">
<button type="submit" name="action" value="preview" class="rf-primary">Preview what will happen</button>
<button type="submit" name="action" value="submit" class="rf-secondary">Submit request</button>
</div>
<p class="hint">Preview stores nothing. Submit sends the request to its first approver.</p>
</form>`;
  const title = apiErrors.length > 0 ? 'Error: New purchase request' : view.preview ? 'Preview: New purchase request' : 'New purchase request';
  return withDocumentsScript(appPage({ statusCode: view.statusCode ?? (apiErrors.length > 0 ? 400 : 200), title, viewer: view.viewer, current: 'new', base: view.base, content }), view.uploadOrigin);
}

/** The form cannot be offered (no department on the profile, no policy for it): say why and who can fix it. */
export function renderNoRequestForm(view: NoFormView): RenderedPage {
  return appPage({
    statusCode: view.statusCode ?? 200,
    title: 'New purchase request',
    viewer: view.viewer,
    current: 'new',
    base: view.base,
    content: html`<h1>New purchase request</h1>
<p>${view.message}</p>
<p><a href="${view.base}/">Back to my requests</a></p>`,
  });
}
