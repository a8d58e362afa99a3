/**
 * The registry on the new-request form: in the cooperative, piggyback and state-contract
 * sections, a choice of the registered contracts of that vehicle (radio buttons, each with its
 * supplier, number, term, scope and who verified it), a "Find" box that narrows the list by
 * supplier, scope or number, and "Not in the registry" for a contract purchasing has not seen.
 *
 * No script: "Find" is a submit button that brings the same form back with everything typed kept.
 * The self-declared questions sit below the choice; where the browser has CSS `:has()` they are
 * hidden while a registered contract is chosen (the stylesheet's "Documents and contracts"
 * section), and whatever they hold is not sent then (lambdas/app/request-form-contracts.ts).
 */
import { sectionChoices, offeredToday, type FormRegistry, type RegistryMethod } from '../app/request-form-contracts';
import { sectionFieldName, type RequestFormValues } from '../app/request-form';
import { FACT_KEYS, FACT_LABELS, VEHICLE_LABELS, type ContractFacts } from '../domain/contracts';
import { LIMITS } from '../domain/limits';
import { awardedBy, factLine, statusWord } from './contracts';
import { html, oneLine, type SafeHtml } from './html';

/** The element id of a form field (the form's own rule, repeated to keep this module standalone). */
const idOf = (field: string): string => `f-${field.replace(/[^A-Za-z0-9-]+/g, '-').replace(/-+$/, '')}`;

const NOUNS: Record<RegistryMethod, string> = {
  cooperative: 'cooperative contracts',
  piggyback: 'contracts of other agencies',
  'state-contract': 'state term contracts',
};

/** The facts the routing core will check for this contract, each with who verified it and when. */
const verifiedFacts = (c: ContractFacts): SafeHtml => {
  const keys = FACT_KEYS.filter((k) => (k === 'addendumOnFile' ? c.addendumRequired : c.facts[k] !== undefined));
  return html`<div class="rfc-facts">
<dl class="contract-facts">
<dt>Awarded by</dt><dd>${awardedBy(c)}</dd>
<dt>Term</dt><dd>${c.termStart} to ${c.termEnd}</dd>
<dt>Scope</dt><dd>${c.categories.join(', ')}${c.scope ? html`<br>${oneLine(c.scope)}` : ''}</dd>
</dl>
<p class="rfc-facts-heading">Verified by purchasing</p>
<ul class="checks">${keys.map((k) => factLine(FACT_LABELS[k], c.facts[k]))}</ul>
</div>`;
};

/** One line on who verified the contract: the latest verification. */
const verifiedSummary = (c: ContractFacts): string => {
  const facts = Object.values(c.facts);
  if (facts.length === 0) return 'no facts verified yet';
  const latest = facts.reduce((a, b) => (a.verifiedAt >= b.verifiedAt ? a : b));
  return `verified by ${latest.verifiedBy.name} on ${latest.verifiedAt.slice(0, 10)}`;
};

function option(field: string, id: string, c: ContractFacts, chosen: boolean, registry: FormRegistry): SafeHtml {
  const active = offeredToday(c, registry);
  return html`<div class="rf-choice rfc-choice"><input type="radio" class="rfc-registered" id="${id}" name="${field}" value="${c.id}"${chosen ? html` checked` : ''} aria-describedby="${id}-hint"><label for="${id}">${c.supplier} · ${c.number}</label>
<div class="hint rfc-hint" id="${id}-hint"><p>${VEHICLE_LABELS[c.vehicle]} · ${awardedBy(c)} · ${active ? '' : html`<strong class="bad">${statusWord(c, registry.today)}</strong> · `}until ${c.termEnd}</p>
<p>${c.categories.join(', ')}${c.scope ? ` — ${oneLine(c.scope)}` : ''}</p>
<p>${verifiedSummary(c)}</p></div>
${chosen ? verifiedFacts(c) : ''}</div>`;
}

/**
 * The registry's part of a method section, in front of the section's own (typed) fields, which it
 * wraps so the stylesheet can hide them while a registered contract is chosen.
 */
export function registryPicker(args: {
  method: RegistryMethod;
  values: RequestFormValues;
  registry: FormRegistry | undefined;
  base: string;
  /** The error for `<method>.contractId` (from routing: unknown, ended, out of scope …), if any. */
  error?: string;
  typed: SafeHtml;
}): SafeHtml {
  const { method, registry } = args;
  if (!registry) return args.typed;
  const section = args.values.sections[method];
  const field = sectionFieldName(method, 'contractId');
  const searchField = sectionFieldName(method, 'contractSearch');
  const chosenId = section.contractId.trim();
  const { listed, more, total } = sectionChoices(registry, method, section.contractSearch, chosenId);
  const typedSomething = Object.entries(section).some(([k, v]) => k !== 'contractId' && k !== 'contractSearch' && v.trim() !== '');
  const id = (i: number): string => (i === 0 ? idOf(field) : `${idOf(field)}-${i}`);
  const errorId = `${idOf(field)}-error`;
  // An error summary links to the field's id: the first contract, or "Not in the registry" when none is listed.
  const noneId = listed.length === 0 ? idOf(field) : `${idOf(field)}-none`;
  const search = total > 0 ? html`<div class="rfc-find">
<label for="${idOf(searchField)}">Find a registered contract by supplier, scope or number</label>
<div class="rfc-find-row"><input type="search" id="${idOf(searchField)}" name="${searchField}" value="${section.contractSearch}" maxlength="${LIMITS.text}" autocomplete="off">
<button type="submit" name="action" value="find-contract" class="rf-secondary">Find</button></div>
</div>` : '';
  const emptyNote = total === 0
    ? html`<p class="hint">Purchasing has registered no ${NOUNS[method]} in use today.</p>`
    : listed.length === 0 ? html`<p class="hint" role="status">No registered contract matches “${section.contractSearch}”. Try other words, or <a href="${args.base}/contracts">search all contracts</a>.</p>` : '';
  return html`<div class="rfc-picker">
${search}
<fieldset class="rf-radios rfc-choices${args.error ? ' rf-invalid' : ''}"${args.error ? html` aria-describedby="${errorId}"` : ''}>
<legend>Registered contract</legend>
<p class="hint">Checked once by purchasing. Choose one and its checks come from the registry: you answer none of the questions about the contract.</p>
${args.error ? html`<p class="field-error" id="${errorId}"><span class="rf-visually-hidden">Error: </span>${args.error}</p>` : ''}
${emptyNote}
${listed.map((c, i) => option(field, id(i), c, c.id === chosenId, registry))}
${more > 0 ? html`<p class="hint">${more} more match${more === 1 ? 'es' : ''}: add words to “Find” to narrow the list.</p>` : ''}
<div class="rf-choice"><input type="radio" class="rfc-unregistered" id="${noneId}" name="${field}" value=""${chosenId === '' && (typedSomething || listed.length === 0) ? html` checked` : ''} aria-describedby="${noneId}-hint"><label for="${noneId}">Not in the registry: I will describe it</label>
<p class="hint" id="${noneId}-hint">Purchasing verifies what you declare at its checkpoint, and may add the contract to the registry.</p></div>
</fieldset>
</div>
<div class="rfc-typed">${args.typed}</div>`;
}
