/**
 * The request contract of DESIGN §6, written once, as zod schemas: strict at every level (an
 * unknown field is a typo or a client on the wrong contract version, never something to ignore),
 * bounded strings under the one text rule (./text.ts), money as whole cents. Everything else
 * derives from these schemas: the TS types (./types.ts, by `z.output`), the API Gateway model
 * (infra/request-models.ts, by `z.toJSONSchema`) and, later, an OpenAPI document (`API_BODIES`).
 * Errors come back as one plain sentence per field.
 */
import * as z from 'zod';
import { isCalendarDate } from './dates';
import { DOCUMENT_LIMITS, documentId } from './documents';
import { LIMITS } from './limits';
import { lineCents, linesTotalCents, quantityProblem } from './lines';
import { centsToDollars, dollarsProblem, dollarsToCents, formatUsd, MAX_DOLLARS } from './money';
import { textProblem, type TextKind } from './text';
import type { FieldError, MethodEvidence, ParseResult, PriorRequest, PurchaseRequest } from './types';
import { CATEGORIES, FUNDING_SOURCES, METHOD_TYPES, SOLE_SOURCE_GROUNDS } from './vocabulary';

export { LIMITS };

const required = (otherwise: string) => (i: { input: unknown }) => (i.input === undefined ? 'is required' : otherwise);

/** Free text under the one text rule, trimmed before it is measured. */
const checkedText = (max: number, kind: TextKind) =>
  z
    .string({ error: kind === 'one-line' ? required('must be a string') : 'must be a string' })
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .superRefine((s, ctx) => {
      const problem = textProblem(s, kind);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
    });

/** One line of text that must not be empty: titles, names, departments, contract numbers. */
const text = (max: number) => checkedText(max, 'one-line').pipe(z.string().min(1, { error: 'must not be empty' }));

/** Text that may span lines (tab, line feed and carriage return allowed): descriptions, justifications. */
const freeText = (max: number) => checkedText(max, 'multi-line');

const email = z
  .string({ error: required('must be a string') })
  .trim()
  .max(LIMITS.email, { error: `must be at most ${LIMITS.email} characters` })
  .pipe(z.email({ error: 'must be a valid email address' }));

const calendarDate = z
  .string({ error: required('must be a date string YYYY-MM-DD') })
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s), { error: 'must be a date in the form YYYY-MM-DD', abort: true })
  .refine(isCalendarDate, { error: 'must be a real calendar date' });

const flag = z.boolean({ error: 'must be true or false' });

/** Dollars in, cents out; the refusal says exactly what is wrong with the number. */
export const money = z
  .custom<number>((v) => dollarsProblem(v) === null, {
    error: (i) => (i.input === undefined ? 'is required' : (dollarsProblem(i.input) ?? 'is not a valid amount')),
  })
  // What a JSON Schema can say of it (a number); the cent and range rules are the handler's.
  .meta({ type: 'number', description: 'US dollars, at most two decimals' })
  .transform(dollarsToCents);

const person = z.strictObject({ name: text(LIMITS.name), email });

/** The quote's own document (the written quote), by the id POST /documents gave it. */
const quote = z.strictObject({ vendor: text(LIMITS.name), amount: money, document: documentId.optional() });

/** Documents by id (from POST /documents): the method's own (contract, memo) or the request's. */
const documentIds = z
  .array(documentId, { error: 'must be a list of document ids' })
  .max(DOCUMENT_LIMITS.perRequest, { error: `must hold at most ${DOCUMENT_LIMITS.perRequest} documents` })
  .optional();
const methodDocuments = { documents: documentIds };

/** A number of units: positive, at most four decimals. */
const quantity = z
  .custom<number>((v) => quantityProblem(v) === null, {
    error: (i) => (i.input === undefined ? 'is required' : (quantityProblem(i.input) ?? 'is not a valid quantity')),
  })
  .meta({ type: 'number', description: 'units, greater than zero, at most four decimals' });

/** One line item; the account's shape is the policy's (checked against it after parsing). */
const line = z.strictObject({
  description: text(LIMITS.title),
  quantity,
  unitPrice: money,
  account: text(LIMITS.account),
  /** Several kinds of purchase under one contract (a registered contract's scope is checked line by line). */
  category: z.enum(CATEGORIES, { error: `must be one of: ${CATEGORIES.join(', ')}` })
    .meta({ description: "the line's category when it is not the request's; a registered contract's scope is checked per line" })
    .optional(),
});

/** What 2 CFR 200 asks the requester to state or record when federal funds pay (see the federal overlay). */
const federalFacts = z.strictObject({
  /** construction subject to the Davis-Bacon wage rate requirements under the program's legislation */
  davisBacon: flag.optional(),
  /** 2 CFR 200.324(a): a cost or price analysis was performed (above the simplified acquisition threshold) */
  costOrPriceAnalysis: flag.optional(),
  /** 2 CFR 180.300: the vendor checked in SAM.gov for exclusions */
  exclusionCheck: z
    .strictObject({
      checkedBy: text(LIMITS.name),
      checkedOn: calendarDate,
      result: z.enum(['not-excluded', 'excluded'], { error: 'must be one of: not-excluded, excluded' }),
    })
    .optional(),
  /** 2 CFR 200.216: no covered telecommunications or video surveillance equipment or services */
  coveredTelecomAttestation: flag.optional(),
});

/**
 * A contract of the registry (lambdas/domain/contracts.ts), by id: its facts come from the
 * registry, verified by purchasing, so the requester declares none of them beside it.
 */
const contractId = text(LIMITS.id).meta({ description: 'A registered contract (GET /contracts); its verified facts replace the self-declared ones.' });

/** The facts a requester declares for an unregistered contract; with a `contractId` the registry holds them. */
const SELF_DECLARED = ['alliance', 'state', 'leadAgency', 'contractNumber', 'expires', 'scopeCovers', 'leadAgencyIsPublic', 'competitivelyBid', 'cooperativeLanguage', 'procuredUnder2CFR200'] as const;

const methodBody = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('direct'), ...methodDocuments }),
    z.strictObject({ type: z.literal('competitive'), ...methodDocuments }),
    z.strictObject({
      type: z.literal('quotes'),
      ...methodDocuments,
      quotes: z
        .array(quote, { error: 'must be a list of quotes' })
        .max(LIMITS.quotes, { error: `must hold at most ${LIMITS.quotes} quotes` })
        .default([]),
      /** Why the selected vendor is not the lowest quote (shown to approvers beside the quotes). */
      selectionReason: freeText(LIMITS.justification).optional(),
    }),
    z.strictObject({
      type: z.literal('cooperative'),
      ...methodDocuments,
      contractId: contractId.optional(),
      alliance: text(LIMITS.text).optional(),
      contractNumber: text(LIMITS.text).optional(),
      expires: calendarDate.optional(),
      scopeCovers: flag.optional(),
      procuredUnder2CFR200: flag.optional(),
    }),
    z.strictObject({
      type: z.literal('piggyback'),
      ...methodDocuments,
      contractId: contractId.optional(),
      leadAgency: text(LIMITS.text).optional(),
      leadAgencyIsPublic: flag.optional(),
      contractNumber: text(LIMITS.text).optional(),
      expires: calendarDate.optional(),
      scopeCovers: flag.optional(),
      competitivelyBid: flag.optional(),
      cooperativeLanguage: flag.optional(),
      procuredUnder2CFR200: flag.optional(),
    }),
    z.strictObject({
      type: z.literal('state-contract'),
      ...methodDocuments,
      contractId: contractId.optional(),
      state: text(LIMITS.text).optional(),
      contractNumber: text(LIMITS.text).optional(),
      expires: calendarDate.optional(),
      scopeCovers: flag.optional(),
      procuredUnder2CFR200: flag.optional(),
    }),
    z.strictObject({
      type: z.literal('sole-source'),
      ...methodDocuments,
      ground: z.enum(SOLE_SOURCE_GROUNDS, { error: `must be one of: ${SOLE_SOURCE_GROUNDS.join(', ')}` }).optional(),
      justification: freeText(LIMITS.justification).optional(),
    }),
    z.strictObject({
      type: z.literal('emergency'),
      ...methodDocuments,
      justification: freeText(LIMITS.justification).optional(),
    }),
  ],
  {
    error: (i) =>
      i.input === undefined || i.input === null || typeof i.input !== 'object'
        ? 'must be an object with a "type"'
        : `must be one of: ${METHOD_TYPES.join(', ')}`,
  },
).superRefine((m, ctx) => {
  if (!('contractId' in m) || m.contractId === undefined) return;
  for (const key of SELF_DECLARED) {
    if ((m as Record<string, unknown>)[key] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'comes from the registered contract (contractId); leave it out', input: (m as Record<string, unknown>)[key] });
    }
  }
});

/** The body of `POST /requests` and `POST /routing/preview`, in the API's shape (dollars). */
export const purchaseRequestBody = z
  .strictObject({
    policy: text(LIMITS.id),
    title: text(LIMITS.title),
    description: freeText(LIMITS.description).optional(),
    department: text(LIMITS.text),
    /** Optional: the signed-in person is the requester; when given, it must be that person. */
    requester: person.optional(),
    category: z.enum(CATEGORIES, { error: required(`must be one of: ${CATEGORIES.join(', ')}`) }),
    /** required unless `lines` are given; with lines it must equal their sum */
    amount: money.optional(),
    lines: z
      .array(line, { error: 'must be a list of line items' })
      .min(1, { error: 'must hold at least one line item (or leave lines out and give amount)' })
      .max(LIMITS.lines, { error: `must hold at most ${LIMITS.lines} line items` })
      .optional(),
    currency: z.literal('USD', { error: 'only USD is supported' }).default('USD'),
    vendor: z.strictObject({ name: text(LIMITS.name) }),
    fundingSource: z.enum(FUNDING_SOURCES, { error: required(`must be one of: ${FUNDING_SOURCES.join(', ')}`) }),
    neededBy: calendarDate.optional(),
    method: methodBody.optional(),
    federal: federalFacts.optional(),
    documents: documentIds,
  })
  .superRefine((body, ctx) => {
    if (body.lines === undefined) {
      if (body.amount === undefined) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'is required (or give lines)', input: undefined });
      return;
    }
    let total = 0;
    let wholeCents = true;
    body.lines.forEach((l, i) => {
      const cents = lineCents({ quantity: l.quantity, unitPriceCents: l.unitPrice });
      if (cents !== null) total += cents;
      else {
        wholeCents = false;
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'quantity'], message: 'quantity × unit price must come to whole cents', input: l.quantity });
      }
    });
    if (!wholeCents) return;
    if (total > MAX_DOLLARS * 100)
      ctx.addIssue({ code: 'custom', path: ['lines'], message: `must total at most ${formatUsd(MAX_DOLLARS * 100)}`, input: body.lines });
    else if (body.amount !== undefined && body.amount !== total)
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `must equal the sum of the lines, ${formatUsd(total)} (got ${formatUsd(body.amount)}); or leave amount out`,
        input: centsToDollars(body.amount),
      });
  }, {
    // Also when other fields are wrong (an empty form): the amount is asked for in the same answer.
    // Only when amount and lines themselves parsed, so the check reads well-formed values.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value)
      && !payload.issues.some((issue) => (issue.path ?? []).length === 0 || issue.path?.[0] === 'amount' || issue.path?.[0] === 'lines'),
  })
  .meta({ title: 'PurchaseRequest', description: 'A purchase request as submitted (DESIGN §6); amounts in US dollars.' });

/** Prior purchases for a split-detection preview (the CLI), in the API's shape (dollars). */
export const priorRequestsBody = z
  .array(
    z.strictObject({
      id: text(LIMITS.id).optional(),
      department: text(LIMITS.text),
      vendor: z.strictObject({ name: text(LIMITS.name) }),
      amount: money,
      submittedAt: z.iso.datetime({ offset: true, error: 'must be an ISO date-time, e.g. 2026-05-01T12:00:00Z' }),
    }),
    { error: 'must be a list of prior requests' },
  )
  .meta({ title: 'PriorRequests', description: 'Earlier purchases of the same department, for split detection.' });

/**
 * The request bodies of the public API by name: the API Gateway model is generated from them
 * now, and an OpenAPI 3.1 document can be (`z.toJSONSchema(schema, { io: 'input' })` per body,
 * draft 2020-12 being OpenAPI 3.1's dialect).
 */
export const API_BODIES = { PurchaseRequest: purchaseRequestBody } as const;

/** The field builders, for the other bodies written in this style (./contracts.ts). */
export { text, freeText, calendarDate, flag };

/** The zod output of each body, before money is renamed to cents (see ./types.ts). */
export type PurchaseRequestBody = z.output<typeof purchaseRequestBody>;
export type MethodBody = z.output<typeof methodBody>;
export type QuoteBody = z.output<typeof quote>;
export type PersonBody = z.output<typeof person>;
export type PriorRequestBody = z.output<typeof priorRequestsBody>[number];
export type LineBody = z.output<typeof line>;
export type FederalFactsBody = z.output<typeof federalFacts>;

export function parsePurchaseRequest(body: unknown, defaults: { requester?: PurchaseRequest['requester'] } = {}): ParseResult<PurchaseRequest> {
  const parsed = purchaseRequestBody.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const { amount, lines, description, neededBy, method, federal, documents, requester: given, ...rest } = parsed.data;
  // The API takes the requester from the sign-in (`defaults`); a body without either names nobody.
  const requester = given ?? defaults.requester;
  if (!requester) return { ok: false, errors: [{ field: 'requester', message: 'is required (the signed-in person, or name and email)' }] };
  const items = lines?.map((l) => ({ description: l.description, quantity: l.quantity, unitPriceCents: l.unitPrice, account: l.account, ...(l.category ? { category: l.category } : {}) }));
  const value: PurchaseRequest = {
    ...rest,
    requester,
    ...(documents?.length ? { documents } : {}),
    // the refinement above guarantees one of the two, and that they agree
    amountCents: items ? linesTotalCents(items) : amount!,
    ...(items ? { lines: items } : {}),
    ...(federal && Object.keys(dropUndefined(federal)).length > 0 ? { federal: dropUndefined(federal) } : {}),
    ...(description ? { description } : {}),
    ...(neededBy ? { neededBy } : {}),
    ...(method ? { method: normaliseMethod(method) } : {}),
  };
  return { ok: true, value };
}

function normaliseMethod(method: MethodBody): MethodEvidence {
  if (method.type === 'quotes') {
    return dropUndefined({
      type: 'quotes' as const,
      quotes: method.quotes.map((q) => ({ vendor: q.vendor, amountCents: q.amount, ...(q.document ? { document: q.document } : {}) })),
      documents: method.documents?.length ? method.documents : undefined,
      selectionReason: method.selectionReason || undefined,
    });
  }
  return dropUndefined(method);
}

/** Back to the API shape (amounts in dollars), for display and echo. */
export function toPurchaseRequestJson(r: PurchaseRequest): Record<string, unknown> {
  const { amountCents, method, lines, ...rest } = r;
  const out: Record<string, unknown> = { ...rest, amount: centsToDollars(amountCents) };
  if (lines)
    out.lines = lines.map((l) => ({ description: l.description, quantity: l.quantity, unitPrice: centsToDollars(l.unitPriceCents), account: l.account }));
  if (method) {
    out.method =
      method.type === 'quotes'
        ? dropUndefined({
            type: 'quotes',
            quotes: method.quotes.map((q) => ({ vendor: q.vendor, amount: centsToDollars(q.amountCents), ...(q.document ? { document: q.document } : {}) })),
            documents: method.documents,
            selectionReason: method.selectionReason,
          })
        : { ...method };
  }
  return dropUndefined(out);
}

/** Prior requests in the API shape (dollars); missing ids become prior-1, prior-2, … */
export function parsePriorRequests(body: unknown): ParseResult<PriorRequest[]> {
  const parsed = priorRequestsBody.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  return {
    ok: true,
    value: parsed.data.map((p, i) => ({
      id: p.id ?? `prior-${i + 1}`,
      department: p.department,
      vendor: p.vendor,
      amountCents: p.amount,
      submittedAt: new Date(p.submittedAt).toISOString(),
    })),
  };
}

/** One error per field (an unknown key is its own field), in the order zod found them. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: formatPath([...issue.path, key]), message: 'is not a known field' });
      continue;
    }
    if (issue.code === 'invalid_type' && issue.expected === 'object') {
      const root = issue.path.length === 0;
      const message = issue.input === undefined && !root ? 'is required' : root ? 'must be a JSON object' : 'must be an object';
      out.push({ field: formatPath(issue.path), message });
      continue;
    }
    out.push({ field: formatPath(issue.path), message: issue.message });
  }
  return out;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || 'body';
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
