/**
 * The request contract of DESIGN §6 as a zod schema: strict at every level (an unknown field is a
 * typo or a client on the wrong contract version, never something to ignore), bounded strings,
 * money as whole cents. Errors come back as one plain sentence per field.
 */
import * as z from 'zod';
import { isCalendarDate } from './dates';
import { centsToDollars, dollarsProblem, dollarsToCents } from './money';
import {
  CATEGORIES,
  FUNDING_SOURCES,
  METHOD_TYPES,
  SOLE_SOURCE_GROUNDS,
  type FieldError,
  type MethodEvidence,
  type ParseResult,
  type PriorRequest,
  type PurchaseRequest,
} from './types';

export const LIMITS = { title: 200, description: 4000, name: 200, email: 254, text: 200, justification: 4000, quotes: 50 };

/**
 * Control characters end up in emails, subjects and audit records, where they can forge lines or
 * confuse terminals; no purchase request needs them. Free text (description, justification) may
 * span lines: tab, line feed and carriage return are allowed there, nowhere else.
 */
const ONE_LINE_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const noControl = { error: 'must not contain control characters' };

const text = (max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((s) => !ONE_LINE_CONTROL.test(s), noControl);

const freeText = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .refine((s) => !MULTI_LINE_CONTROL.test(s), noControl);

const email = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
  .trim()
  .max(LIMITS.email, { error: `must be at most ${LIMITS.email} characters` })
  .pipe(z.email({ error: 'must be a valid email address' }));

const calendarDate = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a date string YYYY-MM-DD') })
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s), { error: 'must be a date in the form YYYY-MM-DD', abort: true })
  .refine(isCalendarDate, { error: 'must be a real calendar date' });

const flag = z.boolean({ error: 'must be true or false' });

/** Dollars in, cents out; the refusal says exactly what is wrong with the number. */
export const money = z
  .custom<number>((v) => dollarsProblem(v) === null, {
    error: (i) => (i.input === undefined ? 'is required' : (dollarsProblem(i.input) ?? 'is not a valid amount')),
  })
  .transform(dollarsToCents);

const person = z.strictObject({ name: text(LIMITS.name), email });

const quote = z.strictObject({ vendor: text(LIMITS.name), amount: money });

const methodSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('direct') }),
    z.strictObject({ type: z.literal('competitive') }),
    z.strictObject({
      type: z.literal('quotes'),
      quotes: z
        .array(quote, { error: 'must be a list of quotes' })
        .max(LIMITS.quotes, { error: `must hold at most ${LIMITS.quotes} quotes` })
        .default([]),
    }),
    z.strictObject({
      type: z.literal('cooperative'),
      alliance: text(LIMITS.text).optional(),
      contractNumber: text(LIMITS.text).optional(),
      expires: calendarDate.optional(),
      scopeCovers: flag.optional(),
    }),
    z.strictObject({
      type: z.literal('piggyback'),
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
      state: text(LIMITS.text).optional(),
      contractNumber: text(LIMITS.text).optional(),
      expires: calendarDate.optional(),
      scopeCovers: flag.optional(),
    }),
    z.strictObject({
      type: z.literal('sole-source'),
      ground: z.enum(SOLE_SOURCE_GROUNDS, { error: `must be one of: ${SOLE_SOURCE_GROUNDS.join(', ')}` }).optional(),
      justification: freeText(LIMITS.justification).optional(),
    }),
    z.strictObject({
      type: z.literal('emergency'),
      justification: freeText(LIMITS.justification).optional(),
    }),
  ],
  {
    error: (i) =>
      i.input === undefined || i.input === null || typeof i.input !== 'object'
        ? 'must be an object with a "type"'
        : `must be one of: ${METHOD_TYPES.join(', ')}`,
  },
);

const requestSchema = z.strictObject({
  policy: text(100),
  title: text(LIMITS.title),
  description: freeText(LIMITS.description).optional(),
  department: text(LIMITS.text),
  requester: person,
  category: z.enum(CATEGORIES, {
    error: (i) => (i.input === undefined ? 'is required' : `must be one of: ${CATEGORIES.join(', ')}`),
  }),
  amount: money,
  currency: z.literal('USD', { error: 'only USD is supported' }).default('USD'),
  vendor: z.strictObject({ name: text(LIMITS.name) }),
  fundingSource: z.enum(FUNDING_SOURCES, {
    error: (i) => (i.input === undefined ? 'is required' : `must be one of: ${FUNDING_SOURCES.join(', ')}`),
  }),
  neededBy: calendarDate.optional(),
  method: methodSchema.optional(),
});

export function parsePurchaseRequest(body: unknown): ParseResult<PurchaseRequest> {
  const parsed = requestSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const { amount, description, neededBy, method, ...rest } = parsed.data;
  const value: PurchaseRequest = {
    ...rest,
    amountCents: amount,
    ...(description ? { description } : {}),
    ...(neededBy ? { neededBy } : {}),
    ...(method ? { method: normaliseMethod(method) } : {}),
  };
  return { ok: true, value };
}

type ParsedMethod = z.infer<typeof methodSchema>;

function normaliseMethod(method: ParsedMethod): MethodEvidence {
  if (method.type === 'quotes') {
    return { type: 'quotes', quotes: method.quotes.map((q) => ({ vendor: q.vendor, amountCents: q.amount })) };
  }
  return dropUndefined(method) as MethodEvidence;
}

/** Back to the API shape (amounts in dollars), for display and echo. */
export function toPurchaseRequestJson(r: PurchaseRequest): Record<string, unknown> {
  const { amountCents, method, ...rest } = r;
  const out: Record<string, unknown> = { ...rest, amount: centsToDollars(amountCents) };
  if (method) {
    out.method =
      method.type === 'quotes'
        ? { type: 'quotes', quotes: method.quotes.map((q) => ({ vendor: q.vendor, amount: centsToDollars(q.amountCents) })) }
        : { ...method };
  }
  return dropUndefined(out);
}

const priorSchema = z.array(
  z.strictObject({
    id: text(100).optional(),
    department: text(LIMITS.text),
    vendor: z.strictObject({ name: text(LIMITS.name) }),
    amount: money,
    submittedAt: z.iso.datetime({ offset: true, error: 'must be an ISO date-time, e.g. 2026-05-01T12:00:00Z' }),
  }),
  { error: 'must be a list of prior requests' },
);

/** Prior requests in the API shape (dollars); missing ids become prior-1, prior-2, … */
export function parsePriorRequests(body: unknown): ParseResult<PriorRequest[]> {
  const parsed = priorSchema.safeParse(body, { reportInput: true });
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
