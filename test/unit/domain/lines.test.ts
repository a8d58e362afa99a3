/**
 * Line items and accounts: the amount is the sum of the lines in whole cents; an amount given
 * beside lines must equal it; each account follows the policy's pattern (fund-department-object).
 */
import fc from 'fast-check';
import sampleCityJson from '../../../policies/sample-city.json';
import { linesTotalCents, parsePolicy, parsePurchaseRequest, toPurchaseRequestJson, validateAgainstPolicy } from '../../../lambdas/domain';
import { accountProblem } from '../../../lambdas/domain/accounts';
import { lineCents, quantityProblem } from '../../../lambdas/domain/lines';
import { route, sampleCity, validBody } from './helpers';

const lines = [
  { description: 'Ruggedised tablet', quantity: 12, unitPrice: 1450, account: '101-21-5200' },
  { description: 'Installation, hours', quantity: 2.5, unitPrice: 95.5, account: '101-21-6100' },
];
const withLines = (over: Record<string, unknown>) => {
  const body: Record<string, unknown> = { ...validBody(), ...over };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return parsePurchaseRequest(body);
};

describe('the amount is the sum of the lines', () => {
  it('lines without amount: amount = Σ quantity × unit price, in cents', () => {
    const parsed = withLines({ amount: undefined, lines });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.value.amountCents).toBe(12 * 145_000 + 23_875);
    expect(parsed.value.lines).toEqual([
      { description: 'Ruggedised tablet', quantity: 12, unitPriceCents: 145_000, account: '101-21-5200' },
      { description: 'Installation, hours', quantity: 2.5, unitPriceCents: 9_550, account: '101-21-6100' },
    ]);
  });

  it('an amount equal to the sum is accepted', () => {
    expect(withLines({ amount: 17638.75, lines }).ok).toBe(true);
  });

  it('an amount that differs from the sum is refused, naming amount and the sum', () => {
    const parsed = withLines({ amount: 17638.74, lines });
    expect(parsed).toEqual({ ok: false, errors: [{ field: 'amount', message: expect.stringContaining('$17,638.75') }] });
  });

  it('neither amount nor lines: amount is required', () => {
    expect(withLines({ amount: undefined })).toEqual({ ok: false, errors: [{ field: 'amount', message: 'is required (or give lines)' }] });
  });

  it.each([
    ['quantity 0', { quantity: 0 }, 'lines[0].quantity', 'must be greater than zero'],
    ['negative quantity', { quantity: -1 }, 'lines[0].quantity', 'must be greater than zero'],
    ['quantity with five decimals', { quantity: 1.00001 }, 'lines[0].quantity', 'must have at most four decimals'],
    ['quantity × unit price not whole cents', { quantity: 0.5, unitPrice: 0.01 }, 'lines[0].quantity', 'quantity × unit price must come to whole cents'],
    ['unit price with three decimals', { unitPrice: 1.005 }, 'lines[0].unitPrice', 'must have at most two decimals (whole cents)'],
    ['no account', { account: undefined }, 'lines[0].account', 'is required'],
    ['an unknown field', { sku: 'X' }, 'lines[0].sku', 'is not a known field'],
  ])('%s → 400 naming %s', (_case, change, field, message) => {
    const line: Record<string, unknown> = { ...lines[0], ...change };
    for (const [k, v] of Object.entries(line)) if (v === undefined) delete line[k];
    const parsed = withLines({ amount: undefined, lines: [line] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors).toContainEqual({ field, message });
  });

  it('an empty list of lines is refused', () => {
    const parsed = withLines({ amount: undefined, lines: [] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]!.field).toBe('lines');
  });

  it('round trip: the API shape gives the lines back in dollars', () => {
    const parsed = withLines({ amount: undefined, lines });
    if (!parsed.ok) throw new Error('invalid');
    expect(toPurchaseRequestJson(parsed.value)).toMatchObject({ amount: 17638.75, lines });
  });

  it('the sum of the lines is the amount, for any lines (property)', () => {
    const cents = fc.integer({ min: 1, max: 10_000_000 });
    const line = fc.record({ quantity: fc.integer({ min: 1, max: 1000 }), unitCents: cents });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (items) => {
        const parsed = withLines({
          amount: undefined,
          lines: items.map((l, i) => ({ description: `item ${i}`, quantity: l.quantity, unitPrice: l.unitCents / 100, account: '101-21-5200' })),
        });
        if (!parsed.ok) return false;
        const expected = items.reduce((s, l) => s + l.quantity * l.unitCents, 0);
        return parsed.value.amountCents === expected && linesTotalCents(parsed.value.lines!) === expected;
      }),
      { numRuns: 300 },
    );
  });

  it('a line is whole cents exactly when quantity × unit price is (property: never rounded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999 }), fc.integer({ min: 1, max: 1_000_000 }), (q, unit) => {
        const quantity = q / 10_000;
        const cents = lineCents({ quantity, unitPriceCents: unit });
        return cents === null ? (q * unit) % 10_000 !== 0 : cents * 10_000 === q * unit;
      }),
    );
  });

  it('quantity rules', () => {
    expect(quantityProblem(1)).toBeNull();
    expect(quantityProblem(0.0001)).toBeNull();
    expect(quantityProblem(1_000_001)).toBe('must be at most 1,000,000');
    expect(quantityProblem('2')).toBe('must be a number');
  });
});

describe('tiers, splits and limits use the total', () => {
  it('$4,000 + $2,000 of lines is $6,000: informal, not micro', () => {
    const parsed = withLines({
      amount: undefined,
      method: undefined,
      lines: [
        { description: 'Benches', quantity: 4, unitPrice: 1000, account: '101-21-5200' },
        { description: 'Delivery', quantity: 1, unitPrice: 2000, account: '101-21-5200' },
      ],
    });
    if (!parsed.ok) throw new Error('invalid');
    const d = route(parsed.value);
    expect(d.tier).toMatchObject({ id: 'informal', basisCents: 600_000 });
  });
});

describe('accounts follow the policy pattern (Sample City Chart of Accounts §1: fund-department-object)', () => {
  const rule = (sampleCity as { accounts?: Parameters<typeof accountProblem>[1] }).accounts!;

  it.each(['101-21-5200', '999-00-0000'])('%s follows fund-department-object (3-2-4 digits)', (a) => expect(accountProblem(a, rule)).toBeNull());
  it.each(['101-21-520', '1012-21-5200', '101.21.5200', 'ABC-21-5200', '101-21-5200 ', ''])('%j does not', (a) =>
    expect(accountProblem(a, rule)).toBe('must follow the account pattern fund-department-object (3-2-4 digits), e.g. 101-21-5200'),
  );

  it('a request whose second line has a bad account: 400 naming lines[1].account', () => {
    const parsed = withLines({ amount: undefined, lines: [lines[0], { ...lines[1], account: '10-21-6100' }] });
    if (!parsed.ok) throw new Error('invalid');
    expect(validateAgainstPolicy(parsed.value, sampleCity)).toEqual([
      { field: 'lines[1].account', message: expect.stringContaining('fund-department-object') },
    ]);
  });

  it('a policy without an account pattern accepts any account text', () => {
    const json = structuredClone(sampleCityJson) as Record<string, unknown>;
    delete json.accounts;
    json.id = 'no-accounts-city';
    const policy = parsePolicy(json);
    const parsed = withLines({ amount: undefined, lines: [{ ...lines[0], account: 'Parks / furniture' }] });
    if (!parsed.ok) throw new Error('invalid');
    expect(validateAgainstPolicy(parsed.value, policy)).toEqual([]);
  });

  it.each([
    ['a segment without a length', { pattern: 'fund-department-object', segments: { fund: { length: 3 }, department: { length: 2 } }, example: '101-21', citation: 'x' }, 'segment "object" has no length'],
    ['a length for no segment', { pattern: 'fund-object', segments: { fund: { length: 3 }, object: { length: 4 }, project: { length: 2 } }, example: '101-5200', citation: 'x' }, 'accounts.segments.project'],
    ['an example that does not fit', { pattern: 'fund-object', segments: { fund: { length: 3 }, object: { length: 4 } }, example: '1-5200', citation: 'x' }, 'accounts.example'],
    ['a pattern that is not segment names', { pattern: 'fund_object', segments: {}, example: '', citation: 'x' }, 'accounts.pattern'],
  ])('a policy with %s fails at load', (_case, accounts, message) => {
    const json = structuredClone(sampleCityJson) as Record<string, unknown>;
    json.accounts = accounts;
    expect(() => parsePolicy(json)).toThrow(message);
  });
});
