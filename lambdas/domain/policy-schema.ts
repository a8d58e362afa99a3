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
  /**
   * Refused: words about a ceiling are derived from `amount`, `inclusive` and `categories`
   * (tiers.ts, `ceilingWords`), so no text can say "$5,000 to $25,000" over a $2,500 ceiling.
   */
  label: z.never({ error: 'is no longer accepted: the wording is derived from amount, inclusive and categories; remove it' }).optional(),
  /**
   * Applies only when the request says so: "davis-bacon" = construction the request declares
   * subject to the Davis-Bacon wage rate requirements (program legislation decides, not the category).
   */
  onlyWhen: z.enum(['davis-bacon']).optional(),
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

/**
 * Evidence an overlay requires beyond the method checklist, when every given condition holds
 * (the tier the overlay itself classifies, the amount, the category). Each id names what
 * satisfies it, so a document can satisfy it later under the same name.
 */
const requirement = z.strictObject({
  id: z.enum(['cost-or-price-analysis', 'exclusion-check', 'covered-telecom-attestation']),
  when: z
    .strictObject({
      overlayTiers: z.array(id).min(1).optional(),
      amountAtLeast: dollars.optional(),
      categories: z.array(category).min(1).optional(),
    })
    .refine((c) => Object.keys(c).length > 0, { error: 'name at least one condition' }),
  citation,
});

/**
 * Account codes on line items: a template of segment names joined by one separator
 * ("fund-department-object"), each segment a fixed number of digits (or letters and digits).
 */
const accounts = z.strictObject({
  pattern: z.string().regex(/^[a-z]+([-.][a-z]+)*$/, { error: 'must be segment names joined by "-" or ".", e.g. fund-department-object' }),
  segments: z.record(
    z.string(),
    z.strictObject({ length: z.number().int().min(1).max(20), characters: z.enum(['digits', 'alphanumeric']).default('digits') }),
  ),
  example: z.string().max(100),
  citation,
});

/** An agency's own federal settings: what 2 CFR 200 leaves to the recipient to decide. */
const federalAwards = z.strictObject({
  /**
   * 2 CFR 200.320(a)(1)(iv): a micro-purchase threshold above the FAR's, self-certified annually,
   * up to $50,000 (higher needs the cognizant agency's approval, (a)(1)(v)). In force for one year
   * from `certifiedOn`.
   */
  selfCertifiedMicroPurchase: z
    .strictObject({
      amount: dollars.refine((d) => d > 0 && d <= 50000, { error: 'a self-certified threshold is above $0 and at most $50,000 (2 CFR 200.320(a)(1)(iv))' }),
      certifiedOn: date,
      citation,
    })
    .optional(),
});

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

/** Cents admitted at most by a ceiling: "below $5,000" admits up to $4,999.99. */
export const maxAdmittedCents = (c: { amount: number; inclusive: boolean }): number => Math.round(c.amount * 100) - (c.inclusive ? 0 : 1);

type CeilingInput = z.infer<typeof ceiling>;
/** Two ceilings can be in force on the same day for the same category. */
const canMeet = (a: CeilingInput, b: CeilingInput): boolean => {
  const from = [a.effectiveFrom, b.effectiveFrom].filter(Boolean).sort().at(-1);
  const until = [a.effectiveUntil, b.effectiveUntil].filter(Boolean).sort()[0];
  const overlapInTime = !from || !until || from < until;
  const sameCategories = !a.categories || !b.categories || a.categories.some((c) => b.categories!.includes(c));
  return overlapInTime && sameCategories;
};

/**
 * Tiers go up: each ceiling admits more than every ceiling of the tier before it that can be in
 * force at the same time for the same category. A descending list would send a larger amount to
 * a lower tier, so it is refused with the two ceilings named.
 */
const tiersAscend = (tiers: Array<z.infer<typeof tier>>, context: z.RefinementCtx): void => {
  tiers.forEach((upper, i) => {
    const lower = tiers[i - 1];
    if (!lower) return;
    upper.ceilings.forEach((high, j) => lower.ceilings.forEach((low, k) => {
      if (!canMeet(high, low) || maxAdmittedCents(high) > maxAdmittedCents(low)) return;
      context.addIssue({
        code: 'custom',
        path: [i, 'ceilings', j, 'amount'],
        message: `$${high.amount} is not above the ceiling of the tier before it ("${lower.id}", tiers[${i - 1}].ceilings[${k}]: $${low.amount}${low.inclusive ? ' inclusive' : ''}); ceilings must ascend from tier to tier`,
      });
    }));
  });
};

const common = {
  id,
  version: z.string().min(1).max(50),
  name: z.string().min(1).max(200),
  tiers: z.array(tier).min(1).superRefine(tiersAscend),
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
  splitting: z.strictObject({
    /**
     * The trailing window. At most a year: every routing reads the vendor's requests of the whole
     * period, so the read stays bounded; a yearly aggregate is `fiscalYearStartMonth`.
     */
    windowDays: z.number({ error: 'must be a whole number of days, 1 to 366' })
      .int({ error: 'must be a whole number of days, 1 to 366' })
      .min(1, { error: 'must be at least 1 day' })
      .max(366, { error: 'must be at most 366 days (a yearly aggregate is splitting.fiscalYearStartMonth)' }),
    /**
     * Optional, off by default. Also aggregate per vendor over the fiscal year that starts on the
     * first of this month (7: July 1), as Knox County TN applies its thresholds to the aggregate per
     * vendor per fiscal year (the domain notes, §2): the year's total decides the tier.
     */
    fiscalYearStartMonth: z.number({ error: 'must be a month number, 1 (January) to 12 (December): the fiscal year starts on the first of it' })
      .int({ error: 'must be a month number, 1 (January) to 12 (December): the fiscal year starts on the first of it' })
      .min(1, { error: 'must be a month number, 1 (January) to 12 (December): the fiscal year starts on the first of it' })
      .max(12, { error: 'must be a month number, 1 (January) to 12 (December): the fiscal year starts on the first of it' })
      .optional(),
    /**
     * Optional, off by default (requests of one department are related). true: requests to one
     * vendor from any department are related (Palo Alto §2.30.350 covers splits across departments).
     */
    acrossDepartments: z.boolean({ error: 'must be true or false' }).optional(),
    citation,
  }),
  accounts: accounts.optional(),
  federalAwards: federalAwards.optional(),
  /**
   * Optional. `signInRequiredAbove`: above this amount, an approval link alone does not decide; the
   * approver must be signed in as the person the link was sent to (step-up). Absent: links decide.
   */
  approvals: z.strictObject({ signInRequiredAbove: dollars.optional(), citation: citation.optional() }).optional(),
});

const overlayPolicy = z.strictObject({
  ...common,
  kind: z.literal('overlay'),
  appliesTo: z.strictObject({ fundingSources: z.array(z.enum(FUNDING_SOURCES)).min(1) }),
  requirements: z.array(requirement).default([]),
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
export type Requirement = z.infer<typeof requirement>;
export type AccountsRule = z.infer<typeof accounts>;
export type DocumentRequirement = z.infer<typeof documentRequirement>;
