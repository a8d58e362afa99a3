/**
 * The register-a-contract page (GET/POST /contracts/new, purchasing only). Plain server HTML in
 * the shared frame, no script; errors in a summary at the top and beside each field, everything
 * typed kept. Started from a request, it says which one and that the ticked facts are the
 * requester's declarations until purchasing confirms them by registering.
 */
import { categoryField, contractFormFieldOf, factField, type ContractFormValues } from '../app/contract-form';
import { FACT_KEYS, FACT_LABELS, GPO_MODELS, VEHICLE_LABELS, VEHICLES } from '../domain/contracts';
import type { FieldError } from '../domain/types';
import { CATEGORIES } from '../domain/vocabulary';
import { html, type SafeHtml } from './html';
import { appPage, formTokenField, type PageViewer } from './layout';
import type { RenderedPage } from './types';

export interface ContractFormView {
  viewer: PageViewer;
  base: string;
  values: ContractFormValues;
  errors?: readonly FieldError[];
  /** The request the form was started from: its number (or id) and page. */
  from?: { label: string; href: string };
  statusCode?: number;
  message?: string;
}

const LABELS: Record<string, string> = {
  vehicle: 'Vehicle',
  number: 'Contract number',
  supplier: 'Supplier',
  gpo: 'Alliance or GPO',
  gpoModel: 'How the alliance’s contract was awarded',
  leadAgency: 'Lead agency',
  state: 'State',
  addendumRequired: 'Buying under it needs a membership or participating addendum',
  categories: 'Categories it covers',
  scope: 'Scope',
  ceiling: 'Ceiling in US dollars',
  termStart: 'Term starts',
  termEnd: 'Term ends',
  ...Object.fromEntries(FACT_KEYS.map((k) => [factField(k), FACT_LABELS[k]])),
};

const GPO_MODEL_LABELS: Record<string, string> = {
  'public-gpo': 'By the alliance itself, a public purchasing group',
  'lead-agency': 'By a lead public agency on the alliance’s behalf (name it below)',
};

const idOf = (field: string): string => `c-${field.replace(/[^A-Za-z0-9-]+/g, '-')}`;

type Errors = Map<string, string>;

const errorLine = (field: string, errors: Errors): SafeHtml =>
  errors.has(field) ? html`<p class="field-error" id="${idOf(field)}-error"><span class="rf-visually-hidden">Error: </span>${errors.get(field)!}</p>` : html``;
const invalid = (field: string, errors: Errors): SafeHtml =>
  errors.has(field) ? html` aria-invalid="true" aria-describedby="${idOf(field)}-error"` : html``;
const group = (field: string, errors: Errors, inner: SafeHtml): SafeHtml =>
  html`<div class="rf-field${errors.has(field) ? ' rf-invalid' : ''}">${inner}</div>`;

function textInput(errors: Errors, field: string, value: string, options: { type?: string; hint?: string; optional?: boolean } = {}): SafeHtml {
  return group(field, errors, html`<label for="${idOf(field)}">${LABELS[field]}${options.optional ? html` <span class="rf-optional">(optional)</span>` : ''}</label>
${options.hint ? html`<p class="hint">${options.hint}</p>` : ''}${errorLine(field, errors)}<input type="${options.type ?? 'text'}" id="${idOf(field)}" name="${field}" value="${value}" autocomplete="off"${invalid(field, errors)}>`);
}

function checkBox(errors: Errors, field: string, checked: boolean, label = LABELS[field]!): SafeHtml {
  return group(field, errors, html`${errorLine(field, errors)}<div class="rf-choice"><input type="checkbox" id="${idOf(field)}" name="${field}" value="yes"${checked ? html` checked` : ''}${invalid(field, errors)}><label for="${idOf(field)}">${label}</label></div>`);
}

function radios(errors: Errors, field: string, value: string, options: ReadonlyArray<{ value: string; label: string }>, hint?: string): SafeHtml {
  return group(field, errors, html`<fieldset class="rf-radios"${invalid(field, errors)}>
<legend>${LABELS[field]}</legend>${hint ? html`<p class="hint">${hint}</p>` : ''}${errorLine(field, errors)}
${options.map((o, i) => html`<div class="rf-choice"><input type="radio" id="${i === 0 ? idOf(field) : `${idOf(field)}-${o.value || 'none'}`}" name="${field}" value="${o.value}"${o.value === value ? html` checked` : ''}><label for="${i === 0 ? idOf(field) : `${idOf(field)}-${o.value || 'none'}`}">${o.label}</label></div>`)}
</fieldset>`);
}

function summary(errors: readonly FieldError[]): SafeHtml {
  if (errors.length === 0) return html``;
  const seen = new Set<string>();
  const items = errors.flatMap((e) => {
    const field = contractFormFieldOf(e.field);
    if (seen.has(field)) return [];
    seen.add(field);
    return [html`<li><a href="#${idOf(field)}">${LABELS[field] ?? field}: ${e.message}</a></li>`];
  });
  return html`<div class="rf-summary" role="alert" aria-labelledby="c-summary-heading">
<h2 id="c-summary-heading">There is a problem</h2>
<p>Nothing was registered. Fix ${seen.size === 1 ? 'this' : `these ${seen.size} things`} and try again:</p>
<ul>${items}</ul>
</div>`;
}

/** 200 (400 with errors): the form to register a contract. */
export function renderContractForm(view: ContractFormView): RenderedPage {
  const v = view.values;
  const apiErrors = view.errors ?? [];
  const errors: Errors = new Map();
  for (const e of apiErrors) {
    const field = contractFormFieldOf(e.field);
    if (!errors.has(field)) errors.set(field, e.message);
  }
  const content = html`<p><a href="${view.base}/contracts">← All contracts</a></p>
<h1>Register a contract</h1>
${view.message ? html`<p class="rf-message" role="status">${view.message}</p>` : ''}
${summary(apiErrors)}
${view.from ? html`<section class="rf-copied" aria-labelledby="c-from-heading">
<h2 id="c-from-heading">From request <a href="${view.from.href}">${view.from.label}</a></h2>
<p>Filled in with what its requester declared. Check each fact against the contract’s documents: registering records every ticked fact as verified by you, today. Leave a fact unticked if you cannot confirm it.</p>
</section>` : ''}
<form method="post" action="${view.base}/contracts/new" accept-charset="utf-8" class="request-form contract-form" novalidate>
${formTokenField(view.viewer)}${v.fromRequest ? html`<input type="hidden" name="fromRequest" value="${v.fromRequest}">` : ''}
<h2>The contract</h2>
${radios(errors, 'vehicle', v.vehicle, VEHICLES.map((x) => ({ value: x, label: VEHICLE_LABELS[x] })))}
${textInput(errors, 'supplier', v.supplier)}
${textInput(errors, 'number', v.number)}
${textInput(errors, 'gpo', v.gpo, { optional: true, hint: 'Cooperative contracts: NCPA, Sourcewell, MAPC …' })}
${radios(errors, 'gpoModel', v.gpoModel, [...GPO_MODELS.map((m) => ({ value: m, label: GPO_MODEL_LABELS[m]! })), { value: '', label: 'Not a cooperative contract' }])}
${textInput(errors, 'leadAgency', v.leadAgency, { optional: true, hint: 'Piggyback, or a cooperative awarded by a lead agency.' })}
${textInput(errors, 'state', v.state, { optional: true, hint: 'State term contracts.' })}
${textInput(errors, 'termStart', v.termStart, { type: 'date' })}
${textInput(errors, 'termEnd', v.termEnd, { type: 'date' })}
${textInput(errors, 'ceiling', v.ceiling, { optional: true })}
<h2>What it covers</h2>
${group('categories', errors, html`<fieldset class="rf-radios"${invalid('categories', errors)}><legend>${LABELS.categories}</legend>${errorLine('categories', errors)}
${CATEGORIES.map((c, i) => html`<div class="rf-choice"><input type="checkbox" id="${i === 0 ? idOf('categories') : idOf(categoryField(c))}" name="${categoryField(c)}" value="yes"${v.categories[c] === 'yes' ? html` checked` : ''}><label for="${i === 0 ? idOf('categories') : idOf(categoryField(c))}">${c.replace(/-/g, ' ')}</label></div>`)}
</fieldset>`)}
${group('scope', errors, html`<label for="${idOf('scope')}">${LABELS.scope} <span class="rf-optional">(optional)</span></label>${errorLine('scope', errors)}<textarea id="${idOf('scope')}" name="scope" rows="3"${invalid('scope', errors)}>${v.scope}</textarea>`)}
<h2>Facts you verify</h2>
<p class="hint">Each ticked fact is recorded with your name and today’s date, and shown to every approver of a request under this contract.</p>
${checkBox(errors, 'addendumRequired', v.addendumRequired === 'yes')}
${FACT_KEYS.map((k) => checkBox(errors, factField(k), v.facts[k] === 'yes'))}
<div class="buttons rf-actions"><button type="submit" class="rf-primary">Register the contract</button></div>
</form>`;
  return appPage({
    statusCode: view.statusCode ?? (apiErrors.length > 0 ? 400 : 200),
    title: apiErrors.length > 0 ? 'Error: Register a contract' : 'Register a contract',
    viewer: view.viewer, current: 'contracts', base: view.base, content,
  });
}
