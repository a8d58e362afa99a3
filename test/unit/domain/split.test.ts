/**
 * Split detection (FAR 13.003(c)(2); Cal. PCC 22033): same department, same normalised vendor,
 * trailing 90 days as of the routing instant; route at the aggregate tier when it crosses one.
 */
import { normaliseVendorName, splitKey, type PriorRequest } from '../../../lambdas/domain';
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
  it('keys by department and normalised vendor', () => {
    expect(splitKey('Public Works', 'Acme, Inc.')).toBe('Public Works#acme');
  });
});

describe('split-suspected (FAR 13.003(c)(2))', () => {
  const r = request({ amount: 12000, method: quotes });

  it('inside the window: $12,000 + $15,000 crosses into formal; routed at the aggregate tier with a flag', () => {
    const d = route(r, { history: [prior('p1', 15000, '2026-10-20T15:00:00Z')], requestId: 'req-9' });
    expect(d.tier).toMatchObject({ id: 'formal', basisCents: 2_700_000 });
    expect(d.tier.citation).toContain('13.003(c)(2)');
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
