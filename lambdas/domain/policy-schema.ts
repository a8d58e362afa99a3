/**
 * Policies are data, validated by this schema when loaded. Two kinds:
 * - `base`: a jurisdiction's whole purchasing policy (tiers, methods, departments, roles, chain,
 *   delegations, deadlines, split window);
 * - `overlay`: extra rules that apply on top of a base for some funding (2 CFR 200 for federal
 *   funds). Where both speak, the most restrictive wins (see tiers.ts, methods.ts, chain.ts).
 * Amounts are dollars here because people edit these files; the code converts to cents.
 * Every rule carries a `citation` so a decision can say where it comes from.
 */
import * as z from 'zod';
import { isCalendarDate } from './dates';
import { DOCUMENT_PURPOSES } from './documents';
import { hasAtMostTwoDecimals } from './money';
import { CATEGORIES, FUNDING_SOURCES, METHOD_TYPES, SOLE_SOURCE_GROUNDS } from './vocabulary';

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'must be a kebab-case id' });
const citation = z.string().trim().min(1, { error: 'a citation must not be empty' }).max(500);
const date = z.string().refine(isCalendarDate, { error: 'must be a real calendar date YYYY-MM-DD' });
const dollars = z
  .number()
  .nonnegative()
  .finite()
  .refine(hasAtMostTwoDecimals, { error: 'must have at most two decimals' });
const method = z.enum(METHOD_TYPES);
const category = z.enum(CATEGORIES);
const person = z.strictObject({ name: z.string().trim().min(1).max(200), email: z.email().max(254) });

/**
 * A tier's upper bound. Several may be listed: the ones in force at the routing date apply, a
 * category-specific one (Davis-Bacon construction, SCLS services) beats a general one, and among
 * what is left the lowest wins.
 */
const ceiling = z.strictObject({
  amount: dollars,
  /** true: "up to and including"; false: "below". */
  inclusive: z.boolean(),
  effectiveFrom: date.optional(),
  /** exclusive: the first day it no longer applies */
  effectiveUntil: date.optional(),
  categories: z.array(category).min(1).optional(),
  label: z.string().max(200).optional(),
  citation,
});

const tier = z.strictObject({
  id,
  title: z.string().min(1).max(200),
  /** empty only for the last, open-ended tier */
  ceilings: z.array(ceiling),
  methods: z.array(method).min(1),
  /** the method used when the request names none; null: the requester must choose (RETURNED) */
  defaultMethod: method.nullable().optional(),
  citation,
});

const methodRule = z.strictObject({
  citation,
  /** per-check citations, by check id, when a check rests on a different rule */
  checks: z.record(z.string(), citation).optional(),
  minQuotes: z.number().int().min(1).max(20).optional(),
  grounds: z.array(z.enum(SOLE_SOURCE_GROUNDS)).min(1).optional(),
  requireProcuredUnder2CFR200: z.boolean().optional(),
});

/** One condition of a chain rule: exactly one key. A rule fires when any of its conditions holds. */
const condition = z
  .strictObject({
    always: z.literal(true).optional(),
    tiers: z.array(id).min(1).optional(),
    methods: z.array(method).min(1).optional(),
    fundingSources: z.array(z.enum(FUNDING_SOURCES)).min(1).optional(),
    categories: z.array(category).min(1).optional(),
    amountAtLeast: dollars.optional(),
    amountAbove: dollars.optional(),
  })
  .refine((c) => Object.keys(c).length === 1, { error: 'a condition has exactly one key' });

const chainRule = z.strictObject({ role: id, when: z.array(condition).min(1), citation });

const contacts = z.strictObject({ approver: person, alternate: person.optional(), escalation: person });

const role = z.strictObject({
  title: z.string().min(1).max(200),
  approver: person.optional(),
  alternate: person.optional(),
  escalation: person.optional(),
  /** per-department people (department heads); departments not listed fall back to the fields above */
  byDepartment: z.record(z.string(), contacts).optional(),
  /** what the person recording this checkpoint must enter (council: meeting date, resolution number) */
  records: z.array(z.enum(['meetingDate', 'resolutionNumber'])).optional(),
  citation: citation.optional(),
});

const delegation = z.strictObject({
  role: id,
  /** only for a per-department role; absent: every department */
  department: z.string().optional(),
  from: person,
  to: person,
  /** inclusive calendar dates, judged in UTC */
  start: date,
  end: date,
  note: z.string().max(500).optional(),
});

/**
 * A document a purchase needs (lambdas/domain/documents.ts): met by a referenced, verified
 * document of one of `purposes`. `perQuote`: every quote carries its own. `atCheckpoint`: the
 * document comes into being at that checkpoint (the council's resolution after its meeting), so
 * submission does not ask for it. `methods` absent: every method.
 */
const documentRequirement = z.strictObject({
  id,
  title: z.string().trim().min(1).max(200),
  methods: z.array(method).min(1).optional(),
  purposes: z.array(z.enum(DOCUMENT_PURPOSES)).min(1),
  perQuote: z.boolean().optional(),
  atCheckpoint: id.optional(),
  citation,
});

const duration = z.union([
  z.strictObject({ businessDays: z.number().int().min(0).max(365) }),
  z.strictObject({ seconds: z.number().int().min(0).max(365 * 86400) }),
]);

const common = {
  id,
  version: z.string().min(1).max(50),
  name: z.string().min(1).max(200),
  tiers: z.array(tier).min(1),
  methods: z.partialRecord(method, methodRule),
  chain: z.array(chainRule),
  sources: z.array(z.string()).optional(),
  documents: z.strictObject({ required: z.array(documentRequirement) }).optional(),
};

const basePolicy = z.strictObject({
  ...common,
  kind: z.literal('base'),
  currency: z.literal('USD'),
  departments: z.array(z.string().trim().min(1).max(200)).min(1),
  roles: z.record(id, role),
  delegations: z.array(delegation).default([]),
  deadlines: z.strictObject({ reminder: duration, escalation: duration, expiry: duration, citation: citation.optional() }),
  splitting: z.strictObject({ windowDays: z.number().int().min(1).max(3660), citation }),
});

const overlayPolicy = z.strictObject({
  ...common,
  kind: z.literal('overlay'),
  appliesTo: z.strictObject({ fundingSources: z.array(z.enum(FUNDING_SOURCES)).min(1) }),
});

export const policySchema = z.discriminatedUnion('kind', [basePolicy, overlayPolicy]);

export type Policy = z.infer<typeof policySchema>;
export type BasePolicy = z.infer<typeof basePolicy>;
export type OverlayPolicy = z.infer<typeof overlayPolicy>;
export type Tier = z.infer<typeof tier>;
export type Ceiling = z.infer<typeof ceiling>;
export type MethodRule = z.infer<typeof methodRule>;
export type ChainRule = z.infer<typeof chainRule>;
export type Condition = z.infer<typeof condition>;
export type Role = z.infer<typeof role>;
export type Delegation = z.infer<typeof delegation>;
export type DocumentRequirement = z.infer<typeof documentRequirement>;
