/**
 * Split detection (Sample City Purchasing Policy §2.4; the same rule as FAR 13.003(c)(2) for
 * federal agencies): same department, same vendor key, trailing 90 days as of the routing
 * instant; route at the aggregate tier when it crosses one.
 */
import fc from 'fast-check';
import sampleCityJson from '../../../policies/sample-city.json';
import { foldedSkeleton, normaliseVendorName, parsePolicy, skeleton, splitHistoryFrom, splitKey, vendorKey, type PriorRequest } from '../../../lambdas/domain';
import { fiscalYearStart } from '../../../lambdas/domain/split';
import type { SplitFlag } from '../../../lambdas/domain/types';
import { AT, request, route } from './helpers';

const quotes = {
  type: 'quotes',
  quotes: [{ vendor: 'Acme Mobility', amount: 12000 }, { vendor: 'Ticketek', amount: 12900 }, { vendor: 'Citation Systems', amount: 13100 }],
};
const prior = (id: string, amount: number, submittedAt: string, over: Partial<PriorRequest> = {}): PriorRequest => ({
  id, department: 'Public Works', vendor: { name: 'ACME Mobility, Inc.' }, amountCents: Math.round(amount * 100), submittedAt, ...over,
});

describe('normaliseVendorName and splitKey', () => {
  it.each([
    ['Acme Mobility', 'acme mobility'],
    ['ACME  Mobility, Inc.', 'acme mobility'],
    ['Acme Mobility L.L.C.', 'acme mobility'],
    ['The Acme Mobility Corp', 'acme mobility'],
    ['Acme Mobility Co., Ltd.', 'acme mobility'],
    ['Smith & Sons', 'smith and sons'],
    ['Café Öko GmbH', 'cafe oko gmbh'],
    ['Inc', 'inc'],
  ])('%s → %s', (name, expected) => expect(normaliseVendorName(name)).toBe(expected));
  it('keys by department and the vendor key (a UTS #39 skeleton: "m" folds to "rn")', () => {
    expect(splitKey('Public Works', 'Acme, Inc.')).toBe('Public Works#acrne');
    expect(splitKey('Public Works', 'Acme, Inc.')).toBe(splitKey('Public Works', 'ACME'));
  });
});

describe('split-suspected (Sample City Purchasing Policy §2.4)', () => {
  const r = request({ amount: 12000, method: quotes });

  it('inside the window: $12,000 + $15,000 crosses into formal; routed at the aggregate tier with a flag', () => {
    const d = route(r, { history: [prior('p1', 15000, '2026-10-20T15:00:00Z')], requestId: 'req-9' });
    expect(d.tier).toMatchObject({ id: 'formal', basisCents: 2_700_000 });
    expect(d.tier.citation).toContain('Sample City Purchasing Policy §2.4');
    expect(d.flags).toEqual([
      expect.objectContaining({ type: 'split-suspected', requestIds: ['p1', 'req-9'], aggregateCents: 2_700_000, window: { from: '2026-09-02T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' } }),
    ]);
    // quotes are not a formal method, so the split request comes back
    expect(d.status).toBe('RETURNED');
    expect(d.reasons[0]!.code).toBe('method-not-permitted');
  });

  it('exactly 90 days back is inside; one millisecond earlier is outside', () => {
    expect(route(r, { history: [prior('p1', 15000, '2026-09-02T00:00:00.000Z')] }).flags).toHaveLength(1);
    expect(route(r, { history: [prior('p1', 15000, '2026-09-01T23:59:59.999Z')] }).flags).toEqual([]);
  });

  it.each([
    ['outside the window (older than 90 days)', prior('p1', 15000, '2026-06-01T00:00:00Z')],
    ['after the routing instant', prior('p1', 15000, '2026-12-02T00:00:00Z')],
    ['another department (Palo Alto-style cross-department splits are out of scope)', prior('p1', 15000, '2026-11-01T00:00:00Z', { department: 'Police' })],
    ['another vendor', prior('p1', 15000, '2026-11-01T00:00:00Z', { vendor: { name: 'Ticketek' } })],
    ['the request itself, by id', prior('req-9', 15000, '2026-11-01T00:00:00Z')],
  ])('no split: %s', (_case, p) => {
    const d = route(r, { history: [p], requestId: 'req-9' });
    expect(d.flags).toEqual([]);
    expect(d.tier).toMatchObject({ id: 'informal', basisCents: 1_200_000 });
  });

  it('related requests that do not cross a tier raise no flag', () => {
    const d = route(r, { history: [prior('p1', 1000, '2026-11-01T00:00:00Z')] });
    expect(d.flags).toEqual([]);
    expect(d.tier.basisCents).toBe(1_200_000);
  });

  it('micro buys adding up past $5,000 become informal (and need quotes)', () => {
    const d = route(request({ amount: 3000, method: undefined }), {
      history: [prior('p1', 1500, '2026-11-01T00:00:00Z'), prior('p2', 1000, '2026-10-01T00:00:00Z')],
    });
    expect(d.tier.id).toBe('informal');
    expect(d.flags[0]).toMatchObject({ type: 'split-suspected', requestIds: ['p2', 'p1'] });
    expect(d.reasons[0]!.code).toBe('method-required');
  });

  it('the aggregate also drives amount-based checkpoints (city manager from $100,000)', () => {
    const d = route(request({ amount: 60000, method: undefined }), { history: [prior('p1', 200000, '2026-11-01T00:00:00Z')], at: AT });
    expect(d.tier.id).toBe('governing-body');
    expect(d.checkpoints.map((c) => c.role)).toEqual(expect.arrayContaining(['city-manager', 'city-council']));
  });
});

describe('vendor keys that spelling cannot dodge (UTS #39 skeletons)', () => {
  it.each([
    ['a Cyrillic е (U+0435)', 'Acm\u0435 Mobility'],
    ['a Cyrillic А and С', '\u0410\u0421ME Mobility'],
    ['a Greek omicron for o', 'Acme M\u03bfbility'],
    ['a soft hyphen', 'Ac\u00adme Mobility'],
    ['a zero-width space', 'Ac\u200bme Mobility'],
    ['a zero-width joiner and a word joiner', 'A\u200dcme Mob\u2060ility'],
    ['full-width letters', '\uff21\uff23\uff2d\uff25 Mobility'],
    ['a Cyrillic suffix "Іnс."', 'Acme Mobility, \u0406n\u0441.'],
  ])('"Acme Mobility" with %s is the same vendor', (_case, name) => {
    expect(vendorKey(name)).toBe(vendorKey('Acme Mobility'));
  });

  it('a look-alike vendor name is caught as a split', () => {
    const r = request({ amount: 12000, vendor: { name: 'Acm\u0435 Mobility' }, method: quotes });
    const d = route(r, { history: [prior('p1', 15000, '2026-10-20T15:00:00Z', { vendor: { name: 'ACME\u00AD Mobility Inc' } })] });
    expect(d.flags).toHaveLength(1);
    expect(d.tier.id).toBe('formal');
  });

  it('names in Greek, Cyrillic or Arabic keep their letters: different vendors never share a key', () => {
    const names = ['Ελληνική Εταιρεία', 'Αθηναϊκή Προμήθεια', 'Северный поставщик', 'Южный склад', 'شركة التوريد', 'مؤسسة البناء'];
    const keys = names.map(vendorKey);
    expect(new Set(keys).size).toBe(names.length);
    for (const key of keys) expect(key).not.toBe('');
  });

  it('a Greek vendor and another Greek vendor are no split (they used to share the empty key)', () => {
    const r = request({ amount: 12000, vendor: { name: 'Ελληνική Εταιρεία' }, method: quotes });
    const d = route(r, { history: [prior('p1', 15000, '2026-11-01T00:00:00Z', { vendor: { name: 'Αθηναϊκή Προμήθεια' } })] });
    expect(d.flags).toEqual([]);
    expect(d.tier.id).toBe('informal');
  });

  it('a name that normalises to nothing matches only its own exact text, never every other such name', () => {
    expect(normaliseVendorName('!!!')).toBe('');
    expect(vendorKey('!!!')).not.toBe(vendorKey('???'));
    expect(vendorKey('\u200b')).not.toBe(vendorKey('\u00ad'));
    expect(vendorKey('!!!')).toBe(vendorKey(' !!! '));
    const r = request({ amount: 12000, vendor: { name: '***' }, method: quotes });
    expect(route(r, { history: [prior('p1', 15000, '2026-11-01T00:00:00Z', { vendor: { name: '---' } })] }).flags).toEqual([]);
  });

  it('the folded skeleton is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => foldedSkeleton(foldedSkeleton(s)) === foldedSkeleton(s)),
      { numRuns: 1000 },
    );
  });

  it('the vendor key ignores invisible characters anywhere in a name that has letters or digits (property)', () => {
    const invisible = fc.constantFrom('\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }), fc.nat(20), invisible, (s, at, mark) => {
        fc.pre(normaliseVendorName(s) !== '');
        const i = at % (s.length + 1);
        return vendorKey(s.slice(0, i) + mark + s.slice(i)) === vendorKey(s);
      }),
      { numRuns: 500 },
    );
  });

  it('a skeleton per UTS #39: Cyrillic е maps to Latin e, and the ASCII letters of "Acme" map to themselves', () => {
    expect(skeleton('\u0435')).toBe('e');
    expect(skeleton('Ace')).toBe('Ace');
  });
});

describe('split settings a policy may turn on', () => {
  const withSplitting = (splitting: Record<string, unknown>) => {
    const json = structuredClone(sampleCityJson) as Record<string, unknown>;
    json.id = 'split-city';
    json.splitting = { ...(json.splitting as object), ...splitting };
    return parsePolicy(json);
  };
  const r = request({ amount: 12000, method: quotes, policy: 'split-city' });

  it('fiscal-year aggregate: a buy 200 days back in the same fiscal year (from July) counts; one in the last fiscal year does not', () => {
    const policy = withSplitting({ fiscalYearStartMonth: 7 });
    const sameYear = route(r, { policy, history: [prior('p1', 15000, '2026-07-02T00:00:00Z')] });
    expect(sameYear.flags).toHaveLength(1);
    expect(sameYear.flags[0]!.detail).toContain('in the fiscal year from 2026-07-01');
    expect((sameYear.flags[0] as SplitFlag).window.from).toBe('2026-07-01T00:00:00.000Z');
    expect(route(r, { policy, history: [prior('p1', 15000, '2026-06-30T23:59:59Z')] }).flags).toEqual([]);
    // without the setting only the 90-day window counts
    expect(route(r, { history: [prior('p1', 15000, '2026-07-02T00:00:00Z')] }).flags).toEqual([]);
  });

  it('fiscal-year start: the year that holds the instant', () => {
    expect(fiscalYearStart(new Date('2026-12-01T00:00:00Z'), 7).toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(fiscalYearStart(new Date('2026-03-01T00:00:00Z'), 7).toISOString()).toBe('2025-07-01T00:00:00.000Z');
    expect(fiscalYearStart(new Date('2026-03-01T00:00:00Z'), 1).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('cross-department: another department buying from the same vendor counts when the policy says so', () => {
    const policy = withSplitting({ acrossDepartments: true });
    const d = route(r, { policy, history: [prior('p1', 15000, '2026-11-01T00:00:00Z', { department: 'Police' })] });
    expect(d.flags).toHaveLength(1);
    expect(d.flags[0]!.detail).toContain('from any department');
    expect(route(r, { history: [prior('p1', 15000, '2026-11-01T00:00:00Z', { department: 'Police' })] }).flags).toEqual([]);
  });

  it('the flag names the earlier requests, by number when known', () => {
    const d = route(r, {
      history: [prior('01J0A', 9000, '2026-10-01T00:00:00Z', { number: 'PR-2026-000041' }), prior('01J0B', 6000, '2026-11-01T00:00:00Z')],
      requestId: 'req-9',
    });
    const flag = d.flags[0] as SplitFlag;
    expect(flag.earlier).toEqual([
      { id: '01J0A', number: 'PR-2026-000041', department: 'Public Works', vendor: 'ACME Mobility, Inc.', amountCents: 900_000, submittedAt: '2026-10-01T00:00:00Z' },
      { id: '01J0B', department: 'Public Works', vendor: 'ACME Mobility, Inc.', amountCents: 600_000, submittedAt: '2026-11-01T00:00:00Z' },
    ]);
    expect(flag.requestIds).toEqual(['01J0A', '01J0B', 'req-9']);
  });

  it('splitHistoryFrom tells a store how far back to read', () => {
    expect(splitHistoryFrom({ windowDays: 90 }, new Date('2026-12-01T00:00:00Z')).toISOString()).toBe('2026-09-02T00:00:00.000Z');
    expect(splitHistoryFrom({ windowDays: 90, fiscalYearStartMonth: 7 }, new Date('2026-12-01T00:00:00Z')).toISOString()).toBe('2026-07-01T00:00:00.000Z');
  });
});
