/**
 * The new-request form and the API's request body, both ways. Pure: posted fields in, the body of
 * POST /requests out (and back, for "Copy and fix"), so the form can never accept what the API
 * refuses, nor refuse what it accepts. The schema (lambdas/domain/schema.ts) stays the one judge:
 * this module only turns text boxes into the body's shape and says where each of the schema's
 * field paths (`method.quotes[1].amount`) sits on the form.
 *
 * Every method's evidence has its own inputs on the page (the form works without JavaScript, so
 * all sections are present and the person fills the one for the method they choose); only the
 * chosen method's section goes into the body, the others are kept as typed and ignored.
 */
import { LIMITS } from '../domain/limits';
import { centsToDollars } from '../domain/money';
import type { FieldError, MethodEvidence, PurchaseRequest } from '../domain/types';
import { METHOD_TYPES, type MethodType } from '../domain/vocabulary';
import { registeredMethodBody } from './request-form-contracts';
import { readAttachedDocuments, withAttachedDocuments, type AttachedDocument } from './request-form-documents';

/** Blank quote rows a fresh form offers; "Add another quote" adds one at a time, up to the schema's limit. */
export const INITIAL_QUOTE_ROWS = 3;
export const MAX_QUOTE_ROWS = LIMITS.quotes;

export interface QuoteRow { vendor: string; amount: string }

/** The evidence inputs of each method that has some, as the person typed them (check boxes: 'yes' or ''). */
export interface MethodSections {
  quotes: QuoteRow[];
  cooperative: { alliance: string; contractNumber: string; expires: string; scopeCovers: string; contractId: string; contractSearch: string };
  piggyback: {
    leadAgency: string; leadAgencyIsPublic: string; contractNumber: string; expires: string; scopeCovers: string;
    competitivelyBid: string; cooperativeLanguage: string; procuredUnder2CFR200: string; contractId: string; contractSearch: string;
  };
  'state-contract': { state: string; contractNumber: string; expires: string; scopeCovers: string; contractId: string; contractSearch: string };
  'sole-source': { ground: string; justification: string };
  emergency: { justification: string };
}

/** A registered contract picked in the section (its id, '' for none) and the words it was searched by (lambdas/app/request-form-contracts.ts). */
export interface RegistryPick { contractId: string; contractSearch: string }
const noPick = (): RegistryPick => ({ contractId: '', contractSearch: '' });

/** Methods whose evidence the form asks for (direct and competitive need none at submission). */
export const SECTION_METHODS = ['quotes', 'cooperative', 'piggyback', 'state-contract', 'sole-source', 'emergency'] as const satisfies readonly MethodType[];
export type SectionMethod = (typeof SECTION_METHODS)[number];

/** Yes/no facts of each section, shown as check boxes: ticked sends `true`, unticked leaves the fact unshown. */
export const FLAG_FIELDS = {
  cooperative: ['scopeCovers'],
  piggyback: ['leadAgencyIsPublic', 'scopeCovers', 'competitivelyBid', 'cooperativeLanguage', 'procuredUnder2CFR200'],
  'state-contract': ['scopeCovers'],
} as const;

/** Everything the form holds, as text exactly as typed (so a refused form comes back unchanged). */
export interface RequestFormValues {
  policy: string;
  title: string;
  description: string;
  /** Dollars as typed: "1,250.00", "$1250" … */
  amount: string;
  category: string;
  vendor: string;
  fundingSource: string;
  neededBy: string;
  /** '' lets the policy choose (the tier's default method). */
  method: '' | MethodType;
  sections: MethodSections;
  /** One random value per form: the same submission posted twice (a double click) is one request. */
  submissionKey: string;
  /** Documents attached by the form's script (./request-form-documents.ts). */
  documents?: AttachedDocument[];
}

const emptySections = (rows = INITIAL_QUOTE_ROWS): MethodSections => ({
  quotes: Array.from({ length: rows }, () => ({ vendor: '', amount: '' })),
  cooperative: { alliance: '', contractNumber: '', expires: '', scopeCovers: '', ...noPick() },
  piggyback: {
    leadAgency: '', leadAgencyIsPublic: '', contractNumber: '', expires: '', scopeCovers: '',
    competitivelyBid: '', cooperativeLanguage: '', procuredUnder2CFR200: '', ...noPick(),
  },
  'state-contract': { state: '', contractNumber: '', expires: '', scopeCovers: '', ...noPick() },
  'sole-source': { ground: '', justification: '' },
  emergency: { justification: '' },
});

export const emptyForm = (policy: string, submissionKey: string): RequestFormValues => ({
  policy, title: '', description: '', amount: '', category: '', vendor: '', fundingSource: '', neededBy: '', method: '',
  sections: emptySections(), submissionKey,
});

/** The form field name of a section input: `cooperative.contractNumber`, `quotes[2].amount`. */
export const sectionFieldName = (method: SectionMethod, key: string, row?: number): string =>
  method === 'quotes' ? `quotes[${row ?? 0}].${key}` : `${method}.${key}`;

/** Posted quote rows: as many as the hidden `quoteRows` says (bounded), at least the initial number. */
const quoteRowCount = (fields: Record<string, string>): number => {
  const said = Number.parseInt(fields.quoteRows ?? '', 10);
  const highest = Object.keys(fields).reduce((max, name) => {
    const row = /^quotes\[(\d{1,3})\]\./.exec(name)?.[1];
    return row === undefined ? max : Math.max(max, Number(row) + 1);
  }, 0);
  const rows = Math.max(INITIAL_QUOTE_ROWS, Number.isFinite(said) ? said : 0, highest);
  return Math.min(rows, MAX_QUOTE_ROWS);
};

/** The form's values from its posted fields (unknown fields ignored, everything else kept as typed). */
export const readRequestForm = (fields: Record<string, string>): RequestFormValues => {
  const text = (name: string): string => fields[name] ?? '';
  const method = text('method');
  const sections = emptySections(quoteRowCount(fields));
  sections.quotes = sections.quotes.map((_, row) => ({
    vendor: text(sectionFieldName('quotes', 'vendor', row)),
    amount: text(sectionFieldName('quotes', 'amount', row)),
  }));
  for (const m of SECTION_METHODS) {
    if (m === 'quotes') continue;
    const section = sections[m] as Record<string, string>;
    for (const key of Object.keys(section)) section[key] = text(sectionFieldName(m, key));
  }
  return {
    policy: text('policy'),
    title: text('title'),
    description: text('description'),
    amount: text('amount'),
    category: text('category'),
    vendor: text('vendor'),
    fundingSource: text('fundingSource'),
    neededBy: text('neededBy'),
    // An unknown method stays as typed so the schema names it; '' is "let the policy choose".
    method: method as RequestFormValues['method'],
    sections,
    submissionKey: text('submissionKey'),
    documents: readAttachedDocuments(fields),
  };
};

/** The same form with one more blank quote row (up to the limit), for "Add another quote". */
export const withAnotherQuoteRow = (form: RequestFormValues): RequestFormValues => (
  form.sections.quotes.length >= MAX_QUOTE_ROWS
    ? form
    : { ...form, sections: { ...form.sections, quotes: [...form.sections.quotes, { vendor: '', amount: '' }] } }
);

const AMOUNT = /^\$?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$|^\$?\s*\.\d+$/;

/**
 * Dollars as a person types them ("$1,250.50", "1250", " 99.9 ") into the number the API takes; the
 * schema then judges it exactly as it judges a JSON number (cents, range). Text that is no number
 * at all comes back as a problem in words a person can act on.
 */
export const parseDollars = (typed: string): { value: number } | { problem: string } | undefined => {
  const trimmed = typed.trim();
  if (trimmed === '') return undefined;
  if (!AMOUNT.test(trimmed)) return { problem: 'must be an amount in dollars, such as 1250 or 1,250.00' };
  return { value: Number(trimmed.replace(/[$,\s]/g, '')) };
};

export interface FormBody {
  /** The body of POST /requests, in the API's shape; the schema has not judged it yet. */
  body: Record<string, unknown>;
  /** What the form itself can tell before the schema does: amounts that are not numbers. */
  problems: FieldError[];
}

const flag = (value: string): true | undefined => (value === 'yes' ? true : undefined);
const optionalText = (value: string): string | undefined => (value.trim() === '' ? undefined : value);

const methodBody = (form: RequestFormValues, problems: FieldError[]): Record<string, unknown> | undefined => {
  const type = form.method;
  if (type === '') return undefined;
  const registered = registeredMethodBody(form);
  if (registered) return registered;
  const s = form.sections;
  switch (type) {
    case 'quotes': {
      // Blank rows are rows nobody used; a half-filled row is sent so the schema names what is missing.
      const quotes: Array<Record<string, unknown>> = [];
      s.quotes.forEach((row) => {
        if (row.vendor.trim() === '' && row.amount.trim() === '') return;
        const at = quotes.length;
        const amount = parseDollars(row.amount);
        if (amount && 'problem' in amount) problems.push({ field: `method.quotes[${at}].amount`, message: amount.problem });
        quotes.push({ vendor: row.vendor, ...(amount && 'value' in amount ? { amount: amount.value } : {}) });
      });
      return { type, quotes };
    }
    case 'cooperative':
      return pruned({
        type, alliance: optionalText(s.cooperative.alliance), contractNumber: optionalText(s.cooperative.contractNumber),
        expires: optionalText(s.cooperative.expires), scopeCovers: flag(s.cooperative.scopeCovers),
      });
    case 'piggyback': {
      const p = s.piggyback;
      return pruned({
        type, leadAgency: optionalText(p.leadAgency), leadAgencyIsPublic: flag(p.leadAgencyIsPublic),
        contractNumber: optionalText(p.contractNumber), expires: optionalText(p.expires), scopeCovers: flag(p.scopeCovers),
        competitivelyBid: flag(p.competitivelyBid), cooperativeLanguage: flag(p.cooperativeLanguage),
        procuredUnder2CFR200: flag(p.procuredUnder2CFR200),
      });
    }
    case 'state-contract': {
      const c = s['state-contract'];
      return pruned({
        type, state: optionalText(c.state), contractNumber: optionalText(c.contractNumber),
        expires: optionalText(c.expires), scopeCovers: flag(c.scopeCovers),
      });
    }
    case 'sole-source':
      return pruned({ type, ground: optionalText(s['sole-source'].ground), justification: optionalText(s['sole-source'].justification) });
    case 'emergency':
      return pruned({ type, justification: optionalText(s.emergency.justification) });
    default:
      // direct, competitive, or a value no radio button offers (the schema names it).
      return { type };
  }
};

const pruned = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * The body of POST /requests for this form, submitted by `viewer` of `department`. Empty optional
 * fields are left out (the API's "absent"); empty required ones are sent empty so the schema
 * says "must not be empty" beside them.
 */
export const requestBodyFromForm = (
  form: RequestFormValues,
  viewer: { name: string; email: string },
  department: string,
): FormBody => {
  const problems: FieldError[] = [];
  const amount = parseDollars(form.amount);
  if (amount && 'problem' in amount) problems.push({ field: 'amount', message: amount.problem });
  const method = methodBody(form, problems);
  const body = pruned({
    policy: form.policy,
    title: form.title,
    description: optionalText(form.description),
    department,
    requester: { name: viewer.name, email: viewer.email },
    category: optionalText(form.category),
    amount: amount && 'value' in amount ? amount.value : undefined,
    currency: 'USD',
    vendor: { name: form.vendor },
    fundingSource: optionalText(form.fundingSource),
    neededBy: optionalText(form.neededBy),
    method,
  });
  const attached = withAttachedDocuments(body, form, form.documents ?? []);
  return { body: attached.body, problems: [...problems, ...attached.problems] };
};

/** Cents back to what a person would type: 120000.5 → "120000.50", 1200 → "1200". */
export const typedDollars = (cents: number): string =>
  cents % 100 === 0 ? String(centsToDollars(cents)) : centsToDollars(cents).toFixed(2);

const yes = (value: boolean | undefined): string => (value === true ? 'yes' : '');

/** A stored request as the form would have held it: "Copy and fix" starts from here. */
export const formFromRequest = (request: PurchaseRequest, policy: string, submissionKey: string): RequestFormValues => {
  const form = emptyForm(policy, submissionKey);
  form.title = request.title;
  form.description = request.description ?? '';
  form.amount = typedDollars(request.amountCents);
  form.category = request.category;
  form.vendor = request.vendor.name;
  form.fundingSource = request.fundingSource;
  form.neededBy = request.neededBy ?? '';
  const method: MethodEvidence | undefined = request.method;
  if (!method) return form;
  if ('contractId' in method && method.contractId !== undefined) {
    form.method = method.type;
    (form.sections[method.type] as RegistryPick).contractId = method.contractId;
    return form;
  }
  form.method = method.type;
  const s = form.sections;
  switch (method.type) {
    case 'quotes': {
      const rows = method.quotes.map((q) => ({ vendor: q.vendor, amount: typedDollars(q.amountCents) }));
      while (rows.length < INITIAL_QUOTE_ROWS) rows.push({ vendor: '', amount: '' });
      s.quotes = rows.slice(0, MAX_QUOTE_ROWS);
      break;
    }
    case 'cooperative':
      s.cooperative = { alliance: method.alliance ?? '', contractNumber: method.contractNumber ?? '', expires: method.expires ?? '', scopeCovers: yes(method.scopeCovers), ...noPick() };
      break;
    case 'piggyback':
      s.piggyback = {
        leadAgency: method.leadAgency ?? '', leadAgencyIsPublic: yes(method.leadAgencyIsPublic), contractNumber: method.contractNumber ?? '',
        expires: method.expires ?? '', scopeCovers: yes(method.scopeCovers), competitivelyBid: yes(method.competitivelyBid),
        cooperativeLanguage: yes(method.cooperativeLanguage), procuredUnder2CFR200: yes(method.procuredUnder2CFR200), ...noPick(),
      };
      break;
    case 'state-contract':
      s['state-contract'] = { state: method.state ?? '', contractNumber: method.contractNumber ?? '', expires: method.expires ?? '', scopeCovers: yes(method.scopeCovers), ...noPick() };
      break;
    case 'sole-source':
      s['sole-source'] = { ground: method.ground ?? '', justification: method.justification ?? '' };
      break;
    case 'emergency':
      s.emergency = { justification: method.justification ?? '' };
      break;
    default:
      break;
  }
  return form;
};

/**
 * The form field an API field path belongs to, so an error lands beside the input that caused
 * it: `vendor.name` → `vendor`, `method.contractNumber` → `cooperative.contractNumber` when the
 * method is cooperative, `method.quotes[1].amount` → the second *filled* quote row's amount input
 * (blank rows were never sent). Paths the form has no input for (`requester`, `department`) come
 * back as they are: the page shows those at the top only.
 */
export const formFieldOf = (path: string, form: RequestFormValues): string => {
  if (path === 'vendor.name' || path === 'vendor') return 'vendor';
  if (path === 'method.type' || path === 'method') return 'method';
  const quote = /^method\.quotes\[(\d+)\](?:\.(vendor|amount))?$/.exec(path);
  if (quote) {
    const sent = form.sections.quotes
      .map((row, index) => ({ row, index }))
      .filter(({ row }) => row.vendor.trim() !== '' || row.amount.trim() !== '');
    const row = sent[Number(quote[1])]?.index ?? 0;
    return sectionFieldName('quotes', quote[2] ?? 'vendor', row);
  }
  if (path === 'method.quotes') return sectionFieldName('quotes', 'vendor', 0);
  const inMethod = /^method\.(\w+)$/.exec(path);
  if (inMethod && (SECTION_METHODS as readonly string[]).includes(form.method)) {
    return sectionFieldName(form.method as SectionMethod, inMethod[1]!);
  }
  return path;
};

/** The method choices in the order of the contract's list, with "let the policy choose" first. */
export const METHOD_CHOICES: ReadonlyArray<'' | MethodType> = ['', ...METHOD_TYPES];

/** Field errors keyed by form field, the first message per field kept (the one to fix first). */
export const errorsByFormField = (errors: readonly FieldError[], form: RequestFormValues): Map<string, string> => {
  const out = new Map<string, string>();
  for (const e of errors) {
    const field = formFieldOf(e.field, form);
    if (!out.has(field)) out.set(field, e.message);
  }
  return out;
};
