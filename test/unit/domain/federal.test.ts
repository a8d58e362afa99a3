/**
 * The federal overlay (2 CFR 200 for a non-federal entity spending a federal award), each rule
 * checked against the current text and tested with its citation in the reason:
 *  - FAR 2.101 micro-purchase threshold (1): $2,000 for construction subject to Davis-Bacon, which
 *    for a recipient applies only where the program's legislation says so (2 CFR part 200,
 *    appendix II (D)); the $2,500 SCLS threshold (FAR 2.101 (2)) is for federal contracts, not a
 *    recipient's;
 *  - 2 CFR 200.320(a)(1)(iv): a self-certified micro-purchase threshold up to $50,000, annually;
 *  - 2 CFR 200.317–200.327 for cooperative and state contracts bought under with federal funds;
 *  - 2 CFR 200.324(a): a cost or price analysis above the simplified acquisition threshold;
 *  - 2 CFR 180.220(b)(1), 180.300: a SAM.gov exclusion check for contracts of $25,000 or more;
 *  - 2 CFR 200.216(a): the covered-telecommunications attestation for technology.
 */
import { parsePolicy, type RoutingDecision } from '../../../lambdas/domain';
import { AT, federalOk, loose, request, route, sampleCity } from './helpers';
import { looseCity } from '../../fixtures/policies';

const reasonFor = (d: RoutingDecision, checkId: string) => d.reasons.find((r) => r.checkId === checkId);
const checkIds = (d: RoutingDecision) => d.reasons.map((r) => r.checkId ?? r.code);

describe('Davis-Bacon and SCLS micro-purchase ceilings', () => {
  it('a federally funded $4,000 services purchase by direct award is a micro-purchase (no SCLS ceiling for a non-federal entity)', () => {
    const d = route(request({ amount: 4000, category: 'services', fundingSource: 'federal', method: { type: 'direct' } }));
    expect(d.status).toBe('PENDING_APPROVAL');
    expect(d.tier.id).toBe('micro');
    expect(d.tier.citation).not.toContain('Service Contract');
  });

  it('$4,000 construction subject to Davis-Bacon is above the $2,000 ceiling: informal, direct award returned, citing FAR 2.101 and appendix II (D)', () => {
    const d = route(request({ amount: 4000, category: 'construction', fundingSource: 'federal', method: { type: 'direct' }, federal: { davisBacon: true } }));
    expect(d.tier.id).toBe('informal');
    expect(d.tier.citation).toContain('Davis-Bacon');
    expect(d.tier.citation).toContain('appendix II, paragraph (D)');
    expect(d.status).toBe('RETURNED');
    expect(d.reasons[0]).toMatchObject({ code: 'method-not-permitted' });
  });

  it('$4,000 construction the request does not declare subject to Davis-Bacon stays a micro-purchase', () => {
    const d = route(request({ amount: 4000, category: 'construction', fundingSource: 'federal', method: { type: 'direct' } }));
    expect(d.tier.id).toBe('micro');
    expect(d.status).toBe('PENDING_APPROVAL');
  });

  it('a Davis-Bacon declaration without federal funds changes nothing (the overlay does not apply)', () => {
    const d = route(request({ amount: 4000, category: 'construction', fundingSource: 'local', method: { type: 'direct' }, federal: { davisBacon: true } }));
    expect(d.tier.id).toBe('micro');
  });
});

describe('2 CFR 200.320(a)(1)(iv): the self-certified micro-purchase threshold', () => {
  const selfCertified = (amount: number, certifiedOn: string) =>
    parsePolicy({
      ...looseCity,
      id: 'self-certified-city',
      federalAwards: {
        selfCertifiedMicroPurchase: { amount, certifiedOn, citation: '2 CFR 200.320(a)(1)(iv); Loose City self-certification of 2026-07-01' },
      },
    });
  const body = (amount: number) => request({ policy: 'self-certified-city', amount, fundingSource: 'federal', method: { type: 'direct' }, federal: federalOk });

  it('$40,000 federal goods is a micro-purchase while a $50,000 self-certification is in force', () => {
    const d = route(body(40000), { policy: selfCertified(50000, '2026-07-01') });
    expect(d.tier.id).toBe('micro');
    expect(d.status).toBe('PENDING_APPROVAL');
  });

  it('$45,000.01 is above a $45,000 self-certified threshold: informal, citing the certification', () => {
    const d = route(body(45000.01), { policy: selfCertified(45000, '2026-07-01') });
    expect(d.tier.id).toBe('informal');
    expect(d.tier.citation).toContain('2 CFR 200.320(a)(1)(iv)');
    expect(d.tier.reason).toContain('above $45,000.00');
    expect(d.tier.citation).toContain('self-certification of 2026-07-01');
  });

  it('the certification is annual: from a year after it, the FAR threshold ($15,000) applies again', () => {
    expect(route(body(40000), { policy: selfCertified(50000, '2025-12-01') }).tier.id).toBe('informal');
    expect(route(body(40000), { policy: selfCertified(50000, '2025-12-02') }).tier.id).toBe('micro');
    // not yet certified on the routing date
    expect(route(body(40000), { policy: selfCertified(50000, '2026-12-02') }).tier.id).toBe('informal');
  });

  it('the Davis-Bacon ceiling stays under a self-certified threshold', () => {
    const r = request({ policy: 'self-certified-city', amount: 4000, category: 'construction', fundingSource: 'federal', method: { type: 'direct' }, federal: { davisBacon: true } });
    expect(route(r, { policy: selfCertified(50000, '2026-07-01') }).tier.id).toBe('informal');
  });

  it('a self-certified threshold above $50,000 is refused at load (above needs the cognizant agency, (a)(1)(v))', () => {
    expect(() => selfCertified(50000.01, '2026-07-01')).toThrow('at most $50,000');
  });

  it('the shipped loose local policy without the setting keeps the FAR threshold', () => {
    expect(route(request({ policy: 'loose-city', amount: 40000, fundingSource: 'federal', method: { type: 'direct' } }), { policy: loose }).tier.id).toBe('informal');
  });
});

describe('federal evidence requirements, each with its citation in the reason', () => {
  const coop = { type: 'cooperative', alliance: 'Sourcewell', contractNumber: '121923', expires: '2028-06-30', scopeCovers: true, procuredUnder2CFR200: true };

  it('2 CFR 200.324(a): above the simplified acquisition threshold a cost or price analysis is required', () => {
    const d = route(request({ amount: 400000, fundingSource: 'federal', method: coop, federal: { ...federalOk, costOrPriceAnalysis: undefined } }));
    expect(d.status).toBe('RETURNED');
    expect(checkIds(d)).toEqual(['cost-or-price-analysis']);
    expect(reasonFor(d, 'cost-or-price-analysis')).toMatchObject({ field: 'federal.costOrPriceAnalysis', citation: expect.stringContaining('2 CFR 200.324(a)') });
  });

  it('2 CFR 200.324(a): at or below the simplified acquisition threshold ($350,000) no analysis is asked', () => {
    const d = route(request({ amount: 350000, fundingSource: 'federal', method: coop, federal: { ...federalOk, costOrPriceAnalysis: undefined } }));
    expect(d.method.checks.map((c) => c.id)).not.toContain('cost-or-price-analysis');
    expect(d.status).toBe('PENDING_APPROVAL');
  });

  it('2 CFR 180.220(b)(1): $25,000 federally funded needs the SAM.gov exclusion check recorded', () => {
    const d = route(request({ amount: 25000, fundingSource: 'federal', method: { type: 'quotes', quotes: [{ vendor: 'Acme Mobility', amount: 25000 }, { vendor: 'B', amount: 25000 }, { vendor: 'C', amount: 25000 }] }, vendor: { name: 'Acme Mobility' } }));
    expect(checkIds(d)).toEqual(['exclusion-check']);
    expect(reasonFor(d, 'exclusion-check')).toMatchObject({ field: 'federal.exclusionCheck', citation: expect.stringContaining('2 CFR 180.220(b)(1)') });
    expect(reasonFor(d, 'exclusion-check')!.citation).toContain('2 CFR 180.300');
  });

  it('2 CFR 180.220(b)(1): $24,999.99 is not a covered transaction: no check asked', () => {
    const d = route(request({ amount: 24999.99, fundingSource: 'federal', method: { type: 'quotes', quotes: [{ vendor: 'Acme Mobility', amount: 24999.99 }, { vendor: 'B', amount: 24999.99 }, { vendor: 'C', amount: 25000 }] }, vendor: { name: 'Acme Mobility' } }));
    expect(d.method.checks.map((c) => c.id)).not.toContain('exclusion-check');
    expect(d.status).toBe('PENDING_APPROVAL');
  });

  it('the recorded check names who, when and the result, and the approver sees it', () => {
    const d = route(request({ amount: 120000, fundingSource: 'federal', method: coop, federal: federalOk }));
    expect(d.status).toBe('PENDING_APPROVAL');
    expect(d.method.checks.find((c) => c.id === 'exclusion-check')).toEqual({
      id: 'exclusion-check',
      passed: true,
      detail: 'SAM.gov exclusion check by Noor Rahman on 2026-11-30: not excluded',
      citation: expect.stringContaining('2 CFR 180.220(b)(1)'),
    });
  });

  it.each([
    ['an excluded vendor', { checkedBy: 'Noor Rahman', checkedOn: '2026-11-30', result: 'excluded' }, 'federal.exclusionCheck.result', 'no award to an excluded party'],
    ['a check dated after the routing date', { checkedBy: 'Noor Rahman', checkedOn: '2026-12-02', result: 'not-excluded' }, 'federal.exclusionCheck.checkedOn', 'after the routing date'],
  ])('2 CFR 180.300: %s is returned', (_case, exclusionCheck, field, detail) => {
    const d = route(request({ amount: 120000, fundingSource: 'federal', method: coop, federal: { ...federalOk, exclusionCheck } }));
    expect(d.status).toBe('RETURNED');
    expect(reasonFor(d, 'exclusion-check')).toMatchObject({ field, message: expect.stringContaining(detail), citation: expect.stringContaining('2 CFR 180.220') });
  });

  it('2 CFR 200.216(a): a federally funded technology purchase needs the covered-telecommunications attestation', () => {
    const d = route(request({ amount: 3000, category: 'technology', fundingSource: 'federal', method: { type: 'direct' } }));
    expect(d.status).toBe('RETURNED');
    expect(checkIds(d)).toEqual(['covered-telecom-attestation']);
    expect(reasonFor(d, 'covered-telecom-attestation')).toMatchObject({ field: 'federal.coveredTelecomAttestation', citation: expect.stringContaining('2 CFR 200.216(a)') });
    const attested = route(request({ amount: 3000, category: 'technology', fundingSource: 'federal', method: { type: 'direct' }, federal: { coveredTelecomAttestation: true } }));
    expect(attested.status).toBe('PENDING_APPROVAL');
  });

  it('none of the federal requirements apply to local funds', () => {
    const d = route(request({ amount: 400000, category: 'technology', fundingSource: 'local', method: coop }));
    expect(d.status).toBe('PENDING_APPROVAL');
    expect(d.method.checks.map((c) => c.id)).toEqual(['contract-identified', 'contract-active', 'scope-covers']);
  });

  it('a split that brings federal requests to $25,000 asks for the exclusion check on the total', () => {
    const d = route(request({ amount: 20000, fundingSource: 'federal', method: undefined }), {
      history: [{ id: 'p1', department: 'Public Works', vendor: { name: 'Acme Mobility' }, amountCents: 600_000, submittedAt: '2026-11-01T00:00:00Z' }],
      at: AT,
    });
    expect(d.flags).toHaveLength(1);
    expect(checkIds(d)).toContain('exclusion-check');
  });
});

describe('citations name the law that governs the case', () => {
  it('split detection cites the policy’s own rule; FAR 13.003 and PCC 22033 appear only as examples', () => {
    const citation = (sampleCity as { splitting: { citation: string } }).splitting.citation;
    expect(citation).toMatch(/^Sample City Purchasing Policy §2\.4/);
    expect(citation).toContain('as examples: FAR 13.003(c)(2) for federal agencies; Cal. PCC 22033 for public works projects');
  });
});
