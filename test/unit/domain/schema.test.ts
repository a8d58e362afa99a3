/**
 * The request contract (DESIGN §6): strict, bounded, money in whole cents, one plain error per field.
 */
import { parsePriorRequests, parsePurchaseRequest, toPurchaseRequestJson } from '../../../lambdas/domain';
import { validBody } from './helpers';

const errorsFor = (over: Record<string, unknown>) => {
  const body: Record<string, unknown> = { ...validBody(), ...over };
  for (const [k, v] of Object.entries(over)) if (v === undefined) delete body[k];
  const r = parsePurchaseRequest(body);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('a valid request', () => {
  it('parses to integer cents with currency USD by default', () => {
    const { currency: _c, ...noCurrency } = validBody();
    const r = parsePurchaseRequest({ ...noCurrency, amount: 19.99 });
    expect(r).toMatchObject({ ok: true, value: { amountCents: 1999, currency: 'USD' } });
  });
  it.each([
    [0.1 + 0.2, 30],
    [1e12, 1e14],
    [999999999999.99, 99999999999999],
    [0.01, 1],
    [1234.5, 123450],
  ])('amount %p dollars is %p cents', (amount, cents) => {
    expect(parsePurchaseRequest({ ...validBody(), amount })).toMatchObject({ ok: true, value: { amountCents: cents } });
  });
  it('quote amounts are cents too, and toPurchaseRequestJson gives back the API shape', () => {
    const body = { ...validBody(), amount: 12000.5, method: { type: 'quotes', quotes: [{ vendor: 'A', amount: 1.1 }] } };
    const r = parsePurchaseRequest(body);
    if (!r.ok) throw new Error('invalid');
    expect(r.value.method).toEqual({ type: 'quotes', quotes: [{ vendor: 'A', amountCents: 110 }] });
    expect(toPurchaseRequestJson(r.value)).toEqual(body);
    expect(parsePurchaseRequest(toPurchaseRequestJson(r.value))).toEqual(r);
  });
});

describe('free text may span lines', () => {
  it('a description and a justification keep tabs and line breaks', () => {
    const r = parsePurchaseRequest({ ...validBody(), description: 'Line one\n\tLine two\r\n', method: { type: 'emergency', justification: 'Flood\nat the plant' } });
    expect(r).toMatchObject({ ok: true, value: { description: 'Line one\n\tLine two', method: { justification: 'Flood\nat the plant' } } });
  });
});

describe('bad inputs: each error names its field and says what is wrong', () => {
  it.each([
    ['missing title', { title: undefined }, 'title', 'is required'],
    ['missing requester', { requester: undefined }, 'requester', 'is required'],
    ['missing requester email', { requester: { name: 'Ana' } }, 'requester.email', 'is required'],
    ['missing vendor name', { vendor: {} }, 'vendor.name', 'is required'],
    ['missing amount', { amount: undefined }, 'amount', 'is required'],
    ['negative amount', { amount: -5 }, 'amount', 'must be greater than zero'],
    ['zero amount', { amount: 0 }, 'amount', 'must be greater than zero'],
    ['NaN amount', { amount: NaN }, 'amount', 'NaN'],
    ['Infinity amount', { amount: Infinity }, 'amount', 'finite'],
    ['-Infinity amount', { amount: -Infinity }, 'amount', 'finite'],
    ['three decimals', { amount: 10.005 }, 'amount', 'at most two decimals'],
    ['amount as a string', { amount: '120000' }, 'amount', 'must be a number'],
    ['amount over $1e12', { amount: 1e12 + 1 }, 'amount', 'at most $1,000,000,000,000.00'],
    ['three decimals in a quote', { method: { type: 'quotes', quotes: [{ vendor: 'A', amount: 1.001 }] } }, 'method.quotes[0].amount', 'two decimals'],
    ['title as a number', { title: 42 }, 'title', 'must be a string'],
    ['blank title', { title: '   ' }, 'title', 'must not be empty'],
    ['huge title', { title: 'x'.repeat(201) }, 'title', 'at most 200 characters'],
    ['huge description', { description: 'x'.repeat(4001) }, 'description', 'at most 4000 characters'],
    ['huge vendor name', { vendor: { name: 'v'.repeat(10_000) } }, 'vendor.name', 'at most 200 characters'],
    ['invalid email', { requester: { name: 'Ana', email: 'ana-at-city' } }, 'requester.email', 'valid email'],
    ['email over 254 characters', { requester: { name: 'Ana', email: `${'a'.repeat(250)}@x.example` } }, 'requester.email', 'at most 254'],
    ['unknown category', { category: 'food' }, 'category', 'must be one of: goods'],
    ['unknown funding source', { fundingSource: 'lottery' }, 'fundingSource', 'must be one of'],
    ['currency other than USD', { currency: 'EUR' }, 'currency', 'only USD'],
    ['unknown method type', { method: { type: 'barter' } }, 'method.type', 'must be one of: direct, quotes'],
    ['method not an object', { method: 'quotes' }, 'method', 'must be an object'],
    ['unknown sole-source ground', { method: { type: 'sole-source', ground: 'friendship' } }, 'method.ground', 'must be one of: micro-purchase'],
    ['scopeCovers not a boolean', { method: { type: 'cooperative', scopeCovers: 'yes' } }, 'method.scopeCovers', 'true or false'],
    ['unknown top-level field', { colour: 'blue' }, 'colour', 'is not a known field'],
    ['unknown nested field', { vendor: { name: 'Acme', taxId: '1' } }, 'vendor.taxId', 'is not a known field'],
    ['unknown method field', { method: { type: 'direct', note: 'x' } }, 'method.note', 'is not a known field'],
    ['unknown quote field', { method: { type: 'quotes', quotes: [{ vendor: 'A', amount: 1, x: 1 }] } }, 'method.quotes[0].x', 'is not a known field'],
    ['an amount that rounds to no cents (5e-324)', { amount: 5e-324 }, 'amount', 'at least $0.01'],
    ['a NUL in the title', { title: 'Cones\u0000' }, 'title', 'control characters'],
    ['a line break in the title (a forged email line)', { title: 'Cones\nBcc: x@evil.example' }, 'title', 'control characters'],
    ['an escape sequence in the vendor name', { vendor: { name: '\u001b[31mAcme' } }, 'vendor.name', 'control characters'],
    ['a C1 control in a requester name', { requester: { name: 'Ana\u0085', email: 'ana@city.example' } }, 'requester.name', 'control characters'],
    ['a bell in the description', { description: 'Line one\u0007' }, 'description', 'control characters'],
    ['a NUL in an emergency justification', { method: { type: 'emergency', justification: 'Flood\u0000' } }, 'method.justification', 'control characters'],
    ['neededBy not a date', { neededBy: '03/01/2027' }, 'neededBy', 'YYYY-MM-DD'],
    ['neededBy not a calendar date', { neededBy: '2027-02-29' }, 'neededBy', 'real calendar date'],
    ['expires not a calendar date', { method: { type: 'cooperative', expires: '2027-13-01' } }, 'method.expires', 'real calendar date'],
  ])('%s', (_case, over, field, message) => {
    const errors = errorsFor(over);
    expect(errors).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  it('reports every problem at once, one per field', () => {
    const errors = errorsFor({ title: undefined, amount: -1, colour: 'x', vendor: { name: '' } });
    expect(errors.map((e) => e.field).sort()).toEqual(['amount', 'colour', 'title', 'vendor.name']);
  });

  it.each([[null], [[]], ['text'], [42]])('a body that is not an object (%p)', (body) => {
    expect(parsePurchaseRequest(body)).toEqual({ ok: false, errors: [{ field: 'body', message: 'must be a JSON object' }] });
  });
});

describe('prior requests (CLI --history, store adapters)', () => {
  it('converts dollars to cents and numbers missing ids prior-1, prior-2', () => {
    const r = parsePriorRequests([
      { department: 'Police', vendor: { name: 'A' }, amount: 10.5, submittedAt: '2026-11-01T00:00:00Z' },
      { id: 'x', department: 'Police', vendor: { name: 'A' }, amount: 1, submittedAt: '2026-11-02T00:00:00+02:00' },
    ]);
    expect(r).toEqual({
      ok: true,
      value: [
        { id: 'prior-1', department: 'Police', vendor: { name: 'A' }, amountCents: 1050, submittedAt: '2026-11-01T00:00:00.000Z' },
        { id: 'x', department: 'Police', vendor: { name: 'A' }, amountCents: 100, submittedAt: '2026-11-01T22:00:00.000Z' },
      ],
    });
  });
  it('names the bad entry', () => {
    const r = parsePriorRequests([{ department: 'Police', vendor: { name: 'A' }, amount: 0, submittedAt: 'yesterday' }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toEqual(['[0].amount', '[0].submittedAt']);
  });
});
