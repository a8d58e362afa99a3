/**
 * The register-a-contract form (GET/POST /contracts/new, purchasing only), both ways. Pure:
 * posted fields in, the body of POST /contracts out, so the form accepts exactly what the API
 * accepts (the contract schema stays the one judge).
 *
 * "Add it to the registry" from a request that named an unregistered contract starts this form
 * from the request: the facts its requester declared are filled in, and purchasing confirms
 * each one against the documents. A ticked fact is recorded as verified by the person who posts
 * the form, now; an unticked one is left unverified (routing then says so) — never "no" by default.
 */
import { FACT_KEYS, VEHICLES, type FactKey } from '../domain/contracts';
import type { FieldError, MethodEvidence, PurchaseRequest } from '../domain/types';
import { CATEGORIES } from '../domain/vocabulary';
import { parseDollars } from './request-form';

/** Everything the form holds, as text exactly as typed (check boxes: 'yes' or ''). */
export interface ContractFormValues {
  vehicle: string;
  number: string;
  supplier: string;
  gpo: string;
  gpoModel: string;
  leadAgency: string;
  state: string;
  addendumRequired: string;
  facts: Record<FactKey, string>;
  /** Each category's box: `category.goods` = 'yes'. */
  categories: Record<string, string>;
  scope: string;
  ceiling: string;
  termStart: string;
  termEnd: string;
  /** The request the form was started from (its id), kept so the page can say so. */
  fromRequest: string;
}

const noFacts = (): Record<FactKey, string> => Object.fromEntries(FACT_KEYS.map((k) => [k, ''])) as Record<FactKey, string>;
const noCategories = (): Record<string, string> => Object.fromEntries(CATEGORIES.map((c) => [c, '']));

export const emptyContractForm = (): ContractFormValues => ({
  vehicle: '', number: '', supplier: '', gpo: '', gpoModel: '', leadAgency: '', state: '', addendumRequired: '',
  facts: noFacts(), categories: noCategories(), scope: '', ceiling: '', termStart: '', termEnd: '', fromRequest: '',
});

export const factField = (key: FactKey): string => `fact.${key}`;
export const categoryField = (category: string): string => `category.${category}`;

/** The form's values from its posted fields (unknown fields ignored). */
export const readContractForm = (fields: Record<string, string>): ContractFormValues => {
  const text = (name: string): string => fields[name] ?? '';
  const form = emptyContractForm();
  for (const key of ['vehicle', 'number', 'supplier', 'gpo', 'gpoModel', 'leadAgency', 'state', 'addendumRequired', 'scope', 'ceiling', 'termStart', 'termEnd', 'fromRequest'] as const) {
    form[key] = text(key);
  }
  for (const key of FACT_KEYS) form.facts[key] = text(factField(key)) === 'yes' ? 'yes' : '';
  for (const c of CATEGORIES) form.categories[c] = text(categoryField(c)) === 'yes' ? 'yes' : '';
  return form;
};

const optional = (value: string): string | undefined => (value.trim() === '' ? undefined : value);

/** The body of POST /contracts for this form, and what the form itself can tell (a ceiling that is no number). */
export const contractBodyFromForm = (form: ContractFormValues): { body: Record<string, unknown>; problems: FieldError[] } => {
  const problems: FieldError[] = [];
  const ceiling = parseDollars(form.ceiling);
  if (ceiling && 'problem' in ceiling) problems.push({ field: 'ceiling', message: ceiling.problem });
  const facts = Object.fromEntries(FACT_KEYS.filter((k) => form.facts[k] === 'yes').map((k) => [k, true]));
  const body: Record<string, unknown> = {
    vehicle: form.vehicle,
    number: form.number,
    supplier: form.supplier,
    gpo: optional(form.gpo),
    gpoModel: optional(form.gpoModel),
    leadAgency: optional(form.leadAgency),
    state: optional(form.state),
    addendumRequired: form.addendumRequired === 'yes',
    facts,
    categories: CATEGORIES.filter((c) => form.categories[c] === 'yes'),
    scope: form.scope,
    ceiling: ceiling && 'value' in ceiling ? ceiling.value : undefined,
    termStart: form.termStart,
    termEnd: form.termEnd,
  };
  return { body: Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)), problems };
};

/** The form field an API field path sits at: `facts.competitivelyBid` → `fact.competitivelyBid`, `categories[0]` → `categories`. */
export const contractFormFieldOf = (path: string): string => {
  const fact = /^facts\.(\w+)$/.exec(path);
  if (fact) return factField(fact[1] as FactKey);
  if (path.startsWith('categories')) return 'categories';
  return path;
};

/**
 * The form started from a request that named an unregistered contract: the vehicle from its
 * method, the supplier from its vendor, the category it buys, the contract's number, awarding
 * body and end date, and each fact its requester declared (for purchasing to confirm).
 * Undefined when the request names no contract, or one the registry already holds.
 */
export const contractFormFromRequest = (request: PurchaseRequest, requestId: string): ContractFormValues | undefined => {
  const m: MethodEvidence | undefined = request.method;
  if (!m || !(VEHICLES as readonly string[]).includes(m.type)) return undefined;
  if ('contractId' in m && m.contractId !== undefined) return undefined;
  const declared = m as Extract<MethodEvidence, { type: 'cooperative' | 'piggyback' | 'state-contract' }>;
  const form = emptyContractForm();
  form.fromRequest = requestId;
  form.vehicle = m.type;
  form.supplier = request.vendor.name;
  form.number = declared.contractNumber ?? '';
  form.termEnd = declared.expires ?? '';
  form.categories[request.category] = 'yes';
  const yes = (v: boolean | undefined): string => (v === true ? 'yes' : '');
  if (declared.type === 'cooperative') form.gpo = declared.alliance ?? '';
  if (declared.type === 'piggyback') {
    form.leadAgency = declared.leadAgency ?? '';
    form.facts.leadAgencyPublic = yes(declared.leadAgencyIsPublic);
    form.facts.competitivelyBid = yes(declared.competitivelyBid);
    form.facts.cooperativeLanguage = yes(declared.cooperativeLanguage);
  }
  if (declared.type === 'state-contract') form.state = declared.state ?? '';
  form.facts.procuredUnder2CFR200 = yes(declared.procuredUnder2CFR200);
  return form;
};
