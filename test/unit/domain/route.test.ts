/**
 * The routing decision as a whole: its shape (what POST /routing/preview returns) and determinism.
 */
import fc from 'fast-check';
import { routeRequest, type PriorRequest } from '../../../lambdas/domain';
import { AT, federal, loose, request, route, sampleCity } from './helpers';

describe('routing decision', () => {
  it('DESIGN §6 example: formal cooperative, routed to four approvers', () => {
    const d = route(request());
    expect(d).toMatchObject({
      status: 'PENDING_APPROVAL',
      policy: { id: 'sample-city', version: sampleCity.version },
      tier: { id: 'formal', basisCents: 12_000_000 },
      method: { type: 'cooperative', selectedBy: 'requester', eligible: true },
      flags: [{ type: 'contract-unverified' }],
      reasons: [],
      routedAt: '2026-12-01T00:00:00.000Z',
    });
    expect(d.checkpoints.map((c) => c.role)).toEqual(['department-head', 'purchasing-agent', 'finance-director', 'city-manager']);
  });

  it('an unknown department is RETURNED rather than crashing when a caller skips validateAgainstPolicy', () => {
    const d = route({ ...request(), department: 'Space Program' });
    expect(d.status).toBe('RETURNED');
    expect(d.reasons[0]).toMatchObject({ code: 'invalid-for-policy', field: 'department' });
  });

  it('federal funds use the shipped federal overlay unless the caller passes one', () => {
    const r = request({ policy: 'loose-city', amount: 12000, fundingSource: 'federal', method: { type: 'competitive' } });
    const implicit = routeRequest(r, { policy: loose, history: [], at: new Date('2025-09-01T00:00:00Z') });
    const explicit = routeRequest(r, { policy: loose, history: [], at: new Date('2025-09-01T00:00:00Z'), federal });
    expect(implicit).toEqual(explicit);
    expect(implicit.tier.id).toBe('informal');
  });

  it('an overlay cannot be routed under on its own', () => {
    expect(() => routeRequest(request(), { policy: federal, history: [], at: AT })).toThrow(/overlay/);
  });
});

describe('properties', () => {
  it('the same input always gives the same decision', () => {
    const methods = [
      undefined,
      { type: 'competitive' },
      { type: 'direct' },
      { type: 'emergency', justification: 'storm' },
      { type: 'sole-source', ground: 'single-source', justification: 'OEM' },
      { type: 'quotes', quotes: [{ vendor: 'Acme Mobility', amount: 9000 }, { vendor: 'B', amount: 9500 }, { vendor: 'C', amount: 9900 }] },
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.constantFrom(...methods),
        fc.constantFrom('local', 'state', 'federal'),
        fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 3_000_000 }), daysAgo: fc.integer({ min: 0, max: 200 }) }), { maxLength: 4 }),
        (cents, method, fundingSource, at, past) => {
          const r = request({ amount: cents / 100, method, fundingSource });
          const history: PriorRequest[] = past.map((p, i) => ({
            id: `p${i}`, department: 'Public Works', vendor: { name: 'Acme Mobility' }, amountCents: p.amount,
            submittedAt: new Date(at.getTime() - p.daysAgo * 86_400_000).toISOString(),
          }));
          const first = route(r, { at, history });
          const second = route(structuredClone(r), { at: new Date(at.getTime()), history: structuredClone(history) });
          expect(second).toEqual(first);
          expect(JSON.stringify(second)).toBe(JSON.stringify(first));
        },
      ),
      { numRuns: 200 },
    );
  });
});
