/**
 * The optional split settings of a base policy: a fiscal-year aggregate per vendor
 * (`splitting.fiscalYearStartMonth`; Knox County TN applies its thresholds to the aggregate per
 * vendor per fiscal year) and splits across departments (`splitting.acrossDepartments`; Palo Alto
 * §2.30.350). Both off in sample-city: one department, the trailing 90 days.
 */
import sampleCityJson from '../../../policies/sample-city.json';
import { parsePolicy, PolicyInvalidError, type PriorRequest } from '../../../lambdas/domain';
import { fiscalYearStart, relatedRequests, splitHistoryFrom, splitRuleWords } from '../../../lambdas/domain/split';
import type { SplitFlag } from '../../../lambdas/domain/types';
import { request, route, sampleCity } from './helpers';

const quotes = {
  type: 'quotes',
  quotes: [{ vendor: 'Acme Mobility', amount: 3000 }, { vendor: 'Ticketek', amount: 3100 }, { vendor: 'Citation Systems', amount: 3200 }],
};
/** A $3,000 micro-purchase alone; sample-city's micro tier ends below $5,000. */
const r = request({ amount: 3000, method: quotes, policy: 'split-city', department: 'Public Works', vendor: { name: 'Acme Mobility' } });
const prior = (id: string, amount: number, submittedAt: string, over: Partial<PriorRequest> = {}): PriorRequest => ({
  id, department: 'Public Works', vendor: { name: 'ACME Mobility, Inc.' }, amountCents: Math.round(amount * 100), submittedAt, ...over,
});
const withSplitting = (splitting: Record<string, unknown>) => {
  const json = structuredClone(sampleCityJson) as Record<string, unknown>;
  json.id = 'split-city';
  json.splitting = { ...(json.splitting as object), ...splitting };
  return parsePolicy(json);
};
const problemsOf = (splitting: Record<string, unknown>): string[] => {
  try {
    withSplitting(splitting);
  } catch (error) {
    if (error instanceof PolicyInvalidError) return error.problems;
    throw error;
  }
  return [];
};
const splitFlag = (d: ReturnType<typeof route>) => d.flags.find((f): f is SplitFlag => f.type === 'split-suspected');

describe('defaults: the shipped policy keeps one department and the trailing window', () => {
  it('sample-city sets neither setting', () => {
    const base = sampleCity.kind === 'base' ? sampleCity : undefined;
    expect(base?.splitting.fiscalYearStartMonth).toBeUndefined();
    expect(base?.splitting.acrossDepartments).toBeUndefined();
    expect(splitRuleWords(base!.splitting)).toBe('requests to one vendor from the same department are added up over 90 days');
  });

  it('without the fiscal year, a buy 91 days back does not count; one 89 days back does', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(route(r, { at, history: [prior('p1', 2500, '2026-08-31T23:59:59Z')] }).flags).toEqual([]);
    expect(splitFlag(route(r, { at, history: [prior('p1', 2500, '2026-09-03T00:00:00Z')] }))?.fiscalYear).toBeUndefined();
  });
});

describe('fiscal-year aggregate (splitting.fiscalYearStartMonth)', () => {
  const july = withSplitting({ fiscalYearStartMonth: 7 });

  it.each([
    // [routing instant, start month, the fiscal year's first instant]
    ['2026-07-01T00:00:00Z', 7, '2026-07-01'], // the first instant of a year is in it
    ['2026-06-30T23:59:59Z', 7, '2025-07-01'], // the last instant of the year before
    ['2026-12-31T23:59:59Z', 1, '2026-01-01'], // calendar-year fiscal year
    ['2027-01-15T00:00:00Z', 10, '2026-10-01'], // October 1 (the federal fiscal year)
    ['2026-11-30T00:00:00Z', 12, '2025-12-01'],
    ['2026-12-01T00:00:00Z', 12, '2026-12-01'],
  ])('at %s with start month %i the fiscal year began %s', (at, month, start) => {
    expect(fiscalYearStart(new Date(at), month).toISOString()).toBe(`${start}T00:00:00.000Z`);
  });

  it('sums the vendor\'s requests of the fiscal year, however far apart: 5 months back counts, the day before the year does not', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    const flagged = splitFlag(route(r, { policy: july, at, history: [prior('p1', 2500, '2026-07-01T00:00:00Z')] }));
    expect(flagged).toMatchObject({ aggregateCents: 550_000, fiscalYear: { from: '2026-07-01T00:00:00.000Z', totalCents: 550_000 } });
    expect(flagged!.detail).toBe(
      '2 requests from Public Works to Acme Mobility in the fiscal year from 2026-07-01 total $5,500.00: tier informal, ' +
      'while this request alone ($3,000.00) is tier micro; routed at the aggregate tier',
    );
    expect(route(r, { policy: july, at, history: [prior('p1', 2500, '2026-06-30T23:59:59Z')] }).flags).toEqual([]);
  });

  it('routes at the tier the year\'s total reaches (the thresholds apply to the aggregate)', () => {
    const at = new Date('2027-03-01T00:00:00Z');
    const history = [prior('p1', 4000, '2026-08-01T00:00:00Z'), prior('p2', 4500, '2026-10-01T00:00:00Z'), prior('p3', 4900, '2027-01-10T00:00:00Z'), prior('p4', 4900, '2027-02-10T00:00:00Z')];
    // $4,000 + $4,500 + $4,900 + $4,900 + this $3,000 = $21,300: informal (at or below $25,000)
    const d = route(r, { policy: july, at, history });
    expect(d.tier).toMatchObject({ id: 'informal', basisCents: 2_130_000 });
    // one more $4,000 in February: $25,300, formal
    const more = route(r, { policy: july, at, history: [...history, prior('p5', 4000, '2027-02-25T00:00:00Z')] });
    expect(more.tier).toMatchObject({ id: 'formal', basisCents: 2_530_000 });
    expect(splitFlag(more)!.earlier!.map((e) => e.id)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('a year whose total stays within the single purchase\'s tier raises no flag', () => {
    const d = route(r, { policy: july, at: new Date('2026-12-01T00:00:00Z'), history: [prior('p1', 1000, '2026-08-01T00:00:00Z')] });
    expect(d.flags).toEqual([]);
    expect(d.tier.id).toBe('micro');
  });

  it('early in a year the trailing window reaches into the last one: the window decides, and the flag gives the year\'s own total apart', () => {
    const at = new Date('2026-07-15T00:00:00Z');
    const history = [prior('p1', 2500, '2026-06-20T00:00:00Z'), prior('p2', 100, '2026-07-02T00:00:00Z')];
    expect(splitHistoryFrom({ windowDays: 90, fiscalYearStartMonth: 7 }, at).toISOString()).toBe('2026-04-16T00:00:00.000Z');
    const flag = splitFlag(route(r, { policy: july, at, history }))!;
    expect(flag.aggregateCents).toBe(560_000);
    expect(flag.fiscalYear).toEqual({ from: '2026-07-01T00:00:00.000Z', totalCents: 310_000 });
    expect(flag.detail).toContain('3 requests from Public Works to Acme Mobility within 90 days total $5,600.00; this fiscal year (from 2026-07-01) $3,100.00:');
  });

  it('relatedRequests reports the fiscal year\'s sum without the request being routed', () => {
    const related = relatedRequests(r, [prior('p1', 2500, '2026-06-20T00:00:00Z'), prior('p2', 100, '2026-07-02T00:00:00Z')], new Date('2026-07-15T00:00:00Z'), { windowDays: 90, fiscalYearStartMonth: 7 });
    expect(related).toMatchObject({ sumCents: 260_000, fiscalYear: { from: '2026-07-01T00:00:00.000Z', sumCents: 10_000 } });
    expect(relatedRequests(r, [], new Date('2026-07-15T00:00:00Z'), { windowDays: 90 }).fiscalYear).toBeUndefined();
  });

  it('does not relate another department\'s requests unless the policy says so', () => {
    const d = route(r, { policy: july, at: new Date('2026-12-01T00:00:00Z'), history: [prior('p1', 2500, '2026-08-01T00:00:00Z', { department: 'Police' })] });
    expect(d.flags).toEqual([]);
  });
});

describe('across departments (splitting.acrossDepartments)', () => {
  const at = new Date('2026-12-01T00:00:00Z');
  // The same vendor typed by Police with a Cyrillic е and a zero-width space
  const policeLookalike = prior('p1', 2500, '2026-11-01T00:00:00Z', { department: 'Police', vendor: { name: 'Acm\u0435 Mo\u200bbility' } });

  it('on: a look-alike spelling of the vendor in another department counts, and the flag says from which', () => {
    const flag = splitFlag(route(r, { policy: withSplitting({ acrossDepartments: true }), at, history: [policeLookalike] }))!;
    expect(flag.detail).toContain('2 requests from any department to Acme Mobility within 90 days total $5,500.00');
    expect(flag.earlier).toEqual([expect.objectContaining({ id: 'p1', department: 'Police', vendor: 'Acm\u0435 Mo\u200bbility' })]);
  });

  it('off (explicitly or by default): the same history raises nothing', () => {
    expect(route(r, { policy: withSplitting({ acrossDepartments: false }), at, history: [policeLookalike] }).flags).toEqual([]);
    expect(route(r, { policy: withSplitting({}), at, history: [policeLookalike] }).flags).toEqual([]);
  });

  it('on: another vendor, or a vendor whose name has no letters at all, never matches', () => {
    const policy = withSplitting({ acrossDepartments: true });
    expect(route(r, { policy, at, history: [prior('p1', 2500, '2026-11-01T00:00:00Z', { department: 'Police', vendor: { name: 'Acme Mobilty' } })] }).flags).toEqual([]);
    const symbols = request({ amount: 3000, method: quotes, policy: 'split-city', vendor: { name: '***' } });
    expect(route(symbols, { policy, at, history: [prior('p1', 2500, '2026-11-01T00:00:00Z', { department: 'Police', vendor: { name: '---' } })] }).flags).toEqual([]);
  });

  it('both on: the fiscal year of every department', () => {
    const policy = withSplitting({ acrossDepartments: true, fiscalYearStartMonth: 7 });
    const flag = splitFlag(route(r, { policy, at, history: [{ ...policeLookalike, submittedAt: '2026-07-05T00:00:00Z' }] }))!;
    expect(flag).toMatchObject({ aggregateCents: 550_000, fiscalYear: { totalCents: 550_000 } });
    expect(flag.detail).toContain('2 requests from any department to Acme Mobility in the fiscal year from 2026-07-01 total $5,500.00');
    expect(splitRuleWords((policy.kind === 'base' ? policy : undefined)!.splitting))
      .toBe('requests to one vendor from any department are added up over 90 days and over the fiscal year starting July 1');
  });
});

describe('policy checks of the split settings', () => {
  const MONTH = 'splitting.fiscalYearStartMonth: must be a month number, 1 (January) to 12 (December): the fiscal year starts on the first of it';
  it.each([
    [{ fiscalYearStartMonth: 0 }, [MONTH]],
    [{ fiscalYearStartMonth: 13 }, [MONTH]],
    [{ fiscalYearStartMonth: 6.5 }, [MONTH]],
    [{ fiscalYearStartMonth: '7' }, [MONTH]],
    [{ acrossDepartments: 'yes' }, ['splitting.acrossDepartments: must be true or false']],
    [{ windowDays: 400 }, ['splitting.windowDays: must be at most 366 days (a yearly aggregate is splitting.fiscalYearStartMonth)']],
    [{ windowDays: 0 }, ['splitting.windowDays: must be at least 1 day']],
    [{ fiscalYear: 7 }, [expect.stringContaining('fiscalYear')]],
  ])('%j → %j', (splitting, problems) => {
    expect(problemsOf(splitting)).toEqual(problems);
  });

  it.each([[{ fiscalYearStartMonth: 1 }], [{ fiscalYearStartMonth: 12 }], [{ acrossDepartments: true }], [{ windowDays: 366 }]])('%j is accepted', (splitting) => {
    expect(problemsOf(splitting)).toEqual([]);
  });
});
