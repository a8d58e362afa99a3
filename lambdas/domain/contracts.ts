/**
 * The registry of vetted contracts: cooperative (alliance / GPO) contracts, piggybacks on a lead
 * agency's contract, and state term contracts, each checked once by purchasing. A requester who
 * picks one (`method.contractId`) types none of the eligibility facts: the routing core receives
 * the registry's record and computes the method's checks from it, each verified fact saying who
 * verified it and when. Pure: schemas, the checks, the search and the watch's alert rule.
 *
 * Procurement background (../shared domain notes): a cooperative or piggyback contract satisfies
 * competition only if it is active for the whole period of use, covers the scope, was awarded by
 * a public agency through formal competition and carries cooperative language; with federal funds
 * the original procurement must also have complied with 2 CFR 200.317–200.327.
 */
import * as z from 'zod';
import { LIMITS } from './limits';
import { formatUsd } from './money';
import { calendarDate, flag, freeText, money, text, toFieldErrors } from './schema';
import type { Check, ParseResult } from './types';
import { CATEGORIES, type Category } from './vocabulary';

/** The vehicles, named as the method types that buy under them. */
export const VEHICLES = ['cooperative', 'piggyback', 'state-contract'] as const;
export type Vehicle = (typeof VEHICLES)[number];

export const VEHICLE_LABELS: Readonly<Record<Vehicle, string>> = {
  cooperative: 'Cooperative alliance / GPO',
  piggyback: 'Piggyback on a lead agency',
  'state-contract': 'State term contract',
};

/**
 * How a cooperative's contract was awarded: by a public GPO itself, or by a lead public agency
 * (named) that ran the solicitation on the alliance's behalf.
 */
export const GPO_MODELS = ['public-gpo', 'lead-agency'] as const;
export type GpoModel = (typeof GPO_MODELS)[number];

/** The facts purchasing verifies. Each is stored with who verified it and when. */
export const FACT_KEYS = ['leadAgencyPublic', 'competitivelyBid', 'cooperativeLanguage', 'addendumOnFile', 'procuredUnder2CFR200'] as const;
export type FactKey = (typeof FACT_KEYS)[number];

export const FACT_LABELS: Readonly<Record<FactKey, string>> = {
  leadAgencyPublic: 'The awarding agency is a public agency',
  competitivelyBid: 'Awarded through a formal competitive process',
  cooperativeLanguage: 'Solicitation and contract allow use by other agencies',
  addendumOnFile: 'Membership or participating addendum on file',
  procuredUnder2CFR200: 'Original procurement complied with 2 CFR 200.317–200.327',
};

/** Most contracts in a small registry; GET /contracts reads them all from one partition. */
export const MAX_DOCUMENT_IDS = 20;
export const MAX_SCOPE = 2000;

export interface Verifier { id: string; name: string; email: string }
export interface VerifiedFact { value: boolean; verifiedBy: Verifier; verifiedAt: string }

const factsBody = z.strictObject(Object.fromEntries(FACT_KEYS.map((k) => [k, flag.optional()])) as Record<FactKey, z.ZodOptional<typeof flag>>);

/** The body of `POST /contracts` and `PUT /contracts/{id}` (the whole contract each time), in dollars. */
export const contractBody = z
  .strictObject({
    vehicle: z.enum(VEHICLES, { error: (i) => (i.input === undefined ? 'is required' : `must be one of: ${VEHICLES.join(', ')}`) }),
    number: text(LIMITS.text),
    supplier: text(LIMITS.name),
    /** The alliance or GPO (cooperative). */
    gpo: text(LIMITS.text).optional(),
    gpoModel: z.enum(GPO_MODELS, { error: `must be one of: ${GPO_MODELS.join(', ')}` }).optional(),
    /** The agency that awarded the contract (piggyback; cooperative under the lead-agency model). */
    leadAgency: text(LIMITS.text).optional(),
    /** The state that awarded a state term contract. */
    state: text(LIMITS.text).optional(),
    /** Whether buying under it needs a membership or participating addendum. */
    addendumRequired: flag.default(false),
    facts: factsBody.default({}),
    categories: z
      .array(z.enum(CATEGORIES, { error: `must be one of: ${CATEGORIES.join(', ')}` }), { error: 'must be a list of categories' })
      .min(1, { error: 'must name at least one category' })
      .max(CATEGORIES.length, { error: `must hold at most ${CATEGORIES.length} categories` }),
    scope: freeText(MAX_SCOPE).default(''),
    ceiling: money.optional(),
    termStart: calendarDate,
    termEnd: calendarDate,
    /** Ids of the solicitation, award, contract, price list and amendments in the procurement file. */
    documentIds: z.array(text(LIMITS.id), { error: 'must be a list of document ids' }).max(MAX_DOCUMENT_IDS, { error: `must hold at most ${MAX_DOCUMENT_IDS} ids` }).default([]),
  })
  .superRefine((c, ctx) => {
    const need = (field: 'gpo' | 'gpoModel' | 'leadAgency' | 'state', why: string) => {
      if (c[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required ${why}`, input: undefined });
    };
    if (c.vehicle === 'cooperative') {
      need('gpo', 'for a cooperative contract');
      need('gpoModel', 'for a cooperative contract (public-gpo or lead-agency)');
      if (c.gpoModel === 'lead-agency') need('leadAgency', 'under the lead-agency model');
    }
    if (c.vehicle === 'piggyback') need('leadAgency', 'for a piggyback');
    if (c.vehicle === 'state-contract') need('state', 'for a state term contract');
    if (c.termEnd < c.termStart) ctx.addIssue({ code: 'custom', path: ['termEnd'], message: 'must not be before termStart', input: c.termEnd });
  })
  .meta({ title: 'Contract', description: 'A vetted contract of the registry; the facts are verified by the purchasing person who sends them. Amounts in US dollars.' });

export type ContractBody = z.output<typeof contractBody>;

/** A contract as entered, money in cents. */
export type ContractInput = Omit<ContractBody, 'ceiling' | 'facts'> & { ceilingCents?: number; facts: Partial<Record<FactKey, boolean>> };

/** What the routing core needs to know of a registered contract. */
export interface ContractFacts extends Omit<ContractInput, 'facts'> {
  id: string;
  facts: Partial<Record<FactKey, VerifiedFact>>;
}

export function parseContract(body: unknown): ParseResult<ContractInput> {
  const parsed = contractBody.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const { ceiling, ...rest } = parsed.data;
  const facts = Object.fromEntries(Object.entries(rest.facts).filter(([, v]) => v !== undefined)) as Partial<Record<FactKey, boolean>>;
  const value: ContractInput = { ...dropUndefined(rest), facts, ...(ceiling !== undefined ? { ceilingCents: ceiling } : {}) };
  return { ok: true, value };
}

/**
 * The verified facts after an edit: a fact whose answer is new or changed is verified now by the
 * person sending it; an unchanged answer keeps its first verification; a fact left out is dropped.
 */
export function verifyFacts(
  previous: Partial<Record<FactKey, VerifiedFact>>, answers: Partial<Record<FactKey, boolean>>, by: Verifier, at: string,
): Partial<Record<FactKey, VerifiedFact>> {
  const out: Partial<Record<FactKey, VerifiedFact>> = {};
  for (const key of FACT_KEYS) {
    const value = answers[key];
    if (value === undefined) continue;
    const before = previous[key];
    out[key] = before && before.value === value ? before : { value, verifiedBy: by, verifiedAt: at };
  }
  return out;
}

/** The fields that differ between two versions of a contract, for the audit event of an edit. */
export function changedFields(before: ContractFacts, after: ContractFacts): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete('id');
  return [...keys].filter((k) => JSON.stringify((before as unknown as Record<string, unknown>)[k]) !== JSON.stringify((after as unknown as Record<string, unknown>)[k])).sort();
}

/** The contract in a few words: "NCPA contract 01-97 (Acme Mobility)". */
export function contractLabel(c: Pick<ContractFacts, 'vehicle' | 'number' | 'supplier' | 'gpo' | 'leadAgency' | 'state'>): string {
  const by = c.vehicle === 'cooperative' ? c.gpo : c.vehicle === 'piggyback' ? c.leadAgency : `${c.state} state`;
  return `${by} contract ${c.number} (${c.supplier})`;
}

/** Active on `date` (YYYY-MM-DD): the term has begun and not ended. */
export const isActiveOn = (c: Pick<ContractFacts, 'termStart' | 'termEnd'>, date: string): boolean => c.termStart <= date && date <= c.termEnd;

// ---------------------------------------------------------------------------------------------
// The method's checks from the registry.

/** What is bought under the contract: the request's lines when it has some, else the request. */
export interface ScopeItem {
  /** "the request", "line 2 (Laser printers)" */
  label: string;
  category: Category;
}

export interface RegistryCheckContext {
  /** The method the requester chose; the contract's vehicle must be the same. */
  methodType: Vehicle;
  contractId: string;
  /** The routing date and the last day of use (needed-by or the routing date), YYYY-MM-DD. */
  date: string;
  useUntil: string;
  useLabel: string;
  items: readonly ScopeItem[];
  /** Federal funds under an overlay that requires it (2 CFR 200 procurement of the original contract). */
  requires2CFR200: boolean;
  /** Builds a check with its citation (methods.ts knows the policy layers). */
  check: (id: string, passed: boolean, detail: string, field?: string) => Check & { field?: string };
}

const verifiedNote = (f: VerifiedFact): string => `verified by ${f.verifiedBy.name} on ${f.verifiedAt.slice(0, 10)}`;

/**
 * The checks of a method that names a registered contract (`contract`), or the one failing check
 * when the id names no contract in the registry (`contract` undefined). Every failure points the
 * requester at `method.contractId`: what they would change is the contract they chose.
 */
export function registeredContractChecks(contract: ContractFacts | undefined, ctx: RegistryCheckContext): Array<Check & { field?: string }> {
  const field = 'method.contractId';
  const { check } = ctx;
  if (!contract) return [check('contract-identified', false, `no contract ${ctx.contractId} in the registry; choose a registered contract or describe an unregistered one`, field)];
  const label = contractLabel(contract);
  const checks = [
    check('contract-identified', true, `registered contract: ${label}`),
    check(
      'contract-vehicle',
      contract.vehicle === ctx.methodType,
      contract.vehicle === ctx.methodType
        ? `${VEHICLE_LABELS[contract.vehicle].toLowerCase()}`
        : `${label} is a ${VEHICLE_LABELS[contract.vehicle].toLowerCase()}, not a ${ctx.methodType} purchase; choose method ${contract.vehicle}`,
      field,
    ),
  ];
  const started = contract.termStart <= ctx.date;
  const covers = contract.termEnd >= ctx.useUntil;
  checks.push(check(
    ctx.methodType === 'piggyback' ? 'term-active' : 'contract-active',
    started && covers,
    !started
      ? `the contract term begins ${contract.termStart}, after the routing date ${ctx.date}`
      : covers
        ? `contract runs ${contract.termStart} to ${contract.termEnd}, covering ${ctx.useLabel} (registry)`
        : `contract ends ${contract.termEnd}, before ${ctx.useLabel}`,
    field,
  ));
  const outside = ctx.items.filter((item) => !contract.categories.includes(item.category));
  checks.push(check(
    'scope-covers',
    outside.length === 0,
    outside.length === 0
      ? `${ctx.items.length > 1 ? `all ${ctx.items.length} lines are` : `${ctx.items[0]?.label ?? 'the request'} is`} within the contract's scope (${contract.categories.join(', ')})`
      : outside.map((item) => `${item.label} is ${item.category}, outside the contract's scope (${contract.categories.join(', ')})`).join('; '),
    field,
  ));
  const fact = (id: string, key: FactKey, ok: string, bad: string): void => {
    const f = contract.facts[key];
    checks.push(check(
      id,
      f?.value === true,
      f === undefined ? `not verified in the registry: ${bad}` : f.value ? `${ok} — ${verifiedNote(f)}` : `${bad} — ${verifiedNote(f)}`,
      field,
    ));
  };
  const awardedBy = contract.vehicle === 'cooperative' && contract.gpoModel === 'public-gpo' ? `the GPO (${contract.gpo})` : `the lead agency (${contract.leadAgency ?? contract.state})`;
  if (contract.vehicle !== 'state-contract') {
    fact('lead-agency-public', 'leadAgencyPublic', `${awardedBy} is a public agency`, `${awardedBy} is not shown to be a public agency`);
    fact('competitively-bid', 'competitivelyBid', 'the contract came from a formal competitive process', 'the contract is not shown to come from a formal competitive process');
    fact('cooperative-language', 'cooperativeLanguage', 'the solicitation and contract allow use by other agencies', 'the solicitation and contract are not shown to allow use by other agencies (cooperative language)');
  }
  if (contract.addendumRequired) {
    const what = contract.vehicle === 'cooperative' ? 'the membership agreement' : 'the participating addendum';
    fact('addendum-on-file', 'addendumOnFile', `${what} is on file`, `${what} is not on file`);
  }
  if (ctx.requires2CFR200) {
    fact('procured-under-2cfr200', 'procuredUnder2CFR200', 'the original procurement complied with 2 CFR 200.317–200.327', 'with federal funds the original procurement must be shown to comply with 2 CFR 200.317–200.327');
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// Search.

export interface ContractSearch {
  /** Words that must each appear in the supplier, number, GPO, agency, state or scope (any case). */
  q?: string;
  category?: Category;
  /** Only contracts active on `date`. */
  active?: boolean;
  date: string;
}

const searchable = (c: ContractFacts): string =>
  [c.supplier, c.number, c.gpo, c.leadAgency, c.state, c.scope, ...c.categories].filter(Boolean).join(' ').toLowerCase();

/** The contracts matching a search, the ones ending soonest last: by supplier, then number. */
export function searchContracts<T extends ContractFacts>(contracts: readonly T[], search: ContractSearch): T[] {
  const words = (search.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return contracts
    .filter((c) => words.every((w) => searchable(c).includes(w)))
    .filter((c) => search.category === undefined || c.categories.includes(search.category))
    .filter((c) => !search.active || isActiveOn(c, search.date))
    .sort((a, b) => a.supplier.localeCompare(b.supplier) || a.number.localeCompare(b.number));
}

// ---------------------------------------------------------------------------------------------
// The watch: expiry and ceiling alerts, each sent once.

export const EXPIRY_NOTICE_DAYS = [90, 60, 30] as const;
export const SPEND_THRESHOLDS = [80, 100] as const;
export type AlertKey = `expiry-${(typeof EXPIRY_NOTICE_DAYS)[number]}` | `spend-${(typeof SPEND_THRESHOLDS)[number]}`;

export interface Alert { key: AlertKey; subject: string; text: string }

const DAY_MS = 86_400_000;
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/**
 * The alerts due for a contract on `today` and not yet sent. Only the tightest expiry notice is
 * due at once (a contract registered 20 days before its end gets the 30-day notice, not three
 * mails); the wider ones are then recorded as passed with it, so they never follow. Spend alerts
 * compare approved spend with the ceiling.
 */
export function dueAlerts(
  contract: Pick<ContractFacts, 'number' | 'supplier' | 'termEnd' | 'ceilingCents' | 'vehicle' | 'gpo' | 'leadAgency' | 'state'>,
  spentCents: number, sent: readonly string[], today: string,
): { send: Alert[]; record: AlertKey[] } {
  const label = contractLabel(contract);
  const send: Alert[] = [];
  const record: AlertKey[] = [];
  const left = daysBetween(today, contract.termEnd);
  const passed = EXPIRY_NOTICE_DAYS.filter((d) => left <= d && left >= 0);
  const tightest = passed.at(-1);
  if (tightest !== undefined && !sent.includes(`expiry-${tightest}`)) {
    send.push({
      key: `expiry-${tightest}`,
      subject: `Contract ends in ${left} day${left === 1 ? '' : 's'}: ${contract.number} (${contract.supplier})`,
      text: `${label} ends on ${contract.termEnd}, ${left} day${left === 1 ? '' : 's'} from ${today}. Renew it, register its successor, or plan a new solicitation; requests needed after ${contract.termEnd} are returned.`,
    });
    for (const d of passed) if (!sent.includes(`expiry-${d}`)) record.push(`expiry-${d}`);
  }
  if (contract.ceilingCents !== undefined && contract.ceilingCents > 0) {
    const percent = (spentCents * 100) / contract.ceilingCents;
    const reached = SPEND_THRESHOLDS.filter((t) => percent >= t);
    const top = reached.at(-1);
    if (top !== undefined && !sent.includes(`spend-${top}`)) {
      send.push({
        key: `spend-${top}`,
        subject: `Contract spend at ${Math.floor(percent)}% of its ceiling: ${contract.number} (${contract.supplier})`,
        text: `Approved requests under ${label} total ${formatUsd(spentCents)}, ${Math.floor(percent)}% of its ${formatUsd(contract.ceilingCents)} ceiling.${top >= 100 ? ' The ceiling is reached: further purchases need an amendment or another contract.' : ''}`,
      });
      for (const t of reached) if (!sent.includes(`spend-${t}`)) record.push(`spend-${t}`);
    }
  }
  return { send, record };
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------------
// The answers of the registry's routes, for the OpenAPI description (lambdas/app/openapi.ts).

const verifiedFactShape = z.object({
  value: z.boolean(),
  verifiedBy: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  verifiedAt: z.string().meta({ description: 'ISO instant' }),
});

export const contractView = z
  .looseObject({
    id: z.string(),
    vehicle: z.enum(VEHICLES),
    number: z.string(),
    supplier: z.string(),
    gpo: z.string().optional(),
    gpoModel: z.enum(GPO_MODELS).optional(),
    leadAgency: z.string().optional(),
    state: z.string().optional(),
    addendumRequired: z.boolean(),
    facts: z.object(Object.fromEntries(FACT_KEYS.map((k) => [k, verifiedFactShape.optional()]))).meta({ description: 'Each fact with who verified it and when.' }),
    categories: z.array(z.enum(CATEGORIES)),
    scope: z.string(),
    ceiling: z.number().optional().meta({ description: 'US dollars' }),
    spend: z.number().meta({ description: 'Approved requests under the contract, US dollars' }),
    termStart: z.string(),
    termEnd: z.string(),
    documentIds: z.array(z.string()),
    requests: z.array(z.looseObject({ requestId: z.string(), title: z.string(), amount: z.number(), status: z.string(), link: z.string() })),
    version: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ title: 'ContractView' });

export const contractList = z.object({ items: z.array(contractView) }).meta({ title: 'ContractList' });
