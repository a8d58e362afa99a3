/**
 * Purchasing methods (DESIGN §7, domain §3): each method's checklist, one reason per failed check,
 * methods not permitted in the tier, and the method the policy picks when none is named.
 */
import type { RoutingDecision } from '../../../lambdas/domain';
import { AT, federalOk, request, route } from './helpers';

const failed = (d: RoutingDecision) => d.method.checks.filter((c) => !c.passed).map((c) => c.id);

const coop = { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true };
const piggy = {
  type: 'piggyback', leadAgency: 'County of Riverside', leadAgencyIsPublic: true, contractNumber: 'RIV-114',
  expires: '2028-01-31', scopeCovers: true, competitivelyBid: true, cooperativeLanguage: true,
};
const stateContract = { type: 'state-contract', state: 'CA', contractNumber: '1-22-70-01', expires: '2028-01-31', scopeCovers: true };
const quotes = {
  type: 'quotes',
  quotes: [
    { vendor: 'Acme Mobility', amount: 12000 },
    { vendor: 'Ticketek', amount: 12900 },
    { vendor: 'Citation Systems', amount: 13100 },
  ],
};

describe('every failing check of every method returns the request with one reason per problem', () => {
  it.each([
    ['Sample City §5.1 cooperative: contract expired before neededBy', 120000, { ...coop, expires: '2027-02-28' }, {}, ['contract-active']],
    ['Sample City §5.1 cooperative: without neededBy the contract must be active at the routing date', 120000, { ...coop, expires: '2026-11-30' }, { neededBy: undefined }, ['contract-active']],
    ['Sample City §5.1 cooperative: scope not confirmed', 120000, { ...coop, scopeCovers: false }, {}, ['scope-covers']],
    ['Sample City §5.1 cooperative: alliance and contract number missing', 120000, { type: 'cooperative', expires: '2028-06-30', scopeCovers: true }, {}, ['contract-identified']],
    ['Sample City §5.1 cooperative: no expiry date given', 120000, { ...coop, expires: undefined }, {}, ['contract-active']],
    ['Sample City §5.2(a) piggyback: term not active for the period of use', 120000, { ...piggy, expires: '2027-01-01' }, {}, ['term-active']],
    ['Sample City §5.2(b) piggyback: items outside the scope', 120000, { ...piggy, scopeCovers: false }, {}, ['scope-covers']],
    ['Sample City §5.2(c) piggyback: lead agency not public', 120000, { ...piggy, leadAgencyIsPublic: false }, {}, ['lead-agency-public']],
    ['Sample City §5.2(d) piggyback: not competitively bid', 120000, { ...piggy, competitivelyBid: false }, {}, ['competitively-bid']],
    ['Sample City §5.2(e) piggyback: no cooperative language', 120000, { ...piggy, cooperativeLanguage: undefined }, {}, ['cooperative-language']],
    ['Sample City §5.2 piggyback: lead agency and contract not named', 120000, { ...piggy, leadAgency: undefined, contractNumber: undefined }, {}, ['contract-identified']],
    ['2 CFR 200.317–200.327 piggyback with federal funds: not procured under 2 CFR 200', 120000, piggy, { fundingSource: 'federal', federal: federalOk }, ['procured-under-2cfr200']],
    ['2 CFR 200.317–200.327 cooperative with federal funds: not procured under 2 CFR 200', 120000, coop, { fundingSource: 'federal', federal: federalOk }, ['procured-under-2cfr200']],
    ['2 CFR 200.317–200.327 cooperative with federal funds: not within the contract scope', 120000, { ...coop, scopeCovers: false, procuredUnder2CFR200: true }, { fundingSource: 'federal', federal: federalOk }, ['scope-covers']],
    ['2 CFR 200.317–200.327 state contract with federal funds: not procured under 2 CFR 200', 120000, stateContract, { fundingSource: 'federal', federal: federalOk }, ['procured-under-2cfr200']],
    ['Sample City §5.3 state contract: expired', 120000, { ...stateContract, expires: '2026-06-30' }, {}, ['contract-active']],
    ['Sample City §5.3 state contract: outside scope', 120000, { ...stateContract, scopeCovers: undefined }, {}, ['scope-covers']],
    ['Sample City §5.3 state contract: state and number missing', 120000, { type: 'state-contract', expires: '2028-01-31', scopeCovers: true }, {}, ['contract-identified']],
    ['Sample City §3.2 quotes: fewer than 3 written quotes', 12000, { type: 'quotes', quotes: quotes.quotes.slice(0, 2) }, {}, ['quotes-count']],
    ['Sample City §3.2 quotes: three quotes from the same vendor count once', 12000, { type: 'quotes', quotes: [{ vendor: 'Acme Mobility', amount: 12000 }, { vendor: 'ACME MOBILITY, Inc.', amount: 12100 }, { vendor: 'Ticketek', amount: 12900 }] }, {}, ['quotes-count']],
    ['Sample City §3.2 quotes: a quote above the informal ceiling', 12000, { type: 'quotes', quotes: [...quotes.quotes, { vendor: 'Big Co', amount: 25000.01 }] }, {}, ['quotes-within-ceiling']],
    ['Sample City §3.2 quotes: the selected vendor is not among the quotes', 12000, quotes, { vendor: { name: 'Other Vendor' } }, ['quotes-include-selected-vendor']],
    ['Sample City §3.2 quotes: no quotes attached', 12000, { type: 'quotes' }, {}, ['quotes-count', 'quotes-vendors-named', 'quotes-include-selected-vendor']],
    ['2 CFR 200.320(c) sole source: no ground named', 120000, { type: 'sole-source', justification: 'Only OEM parts fit' }, {}, ['ground-allowed']],
    ['2 CFR 200.320(c) sole source: no justification', 120000, { type: 'sole-source', ground: 'single-source', justification: '   ' }, {}, ['justification-documented']],
    ['2 CFR 200.320(c)(1) sole source: micro-purchase ground above the micro tier', 120000, { type: 'sole-source', ground: 'micro-purchase', justification: 'small' }, {}, ['ground-applies']],
    ['Sample City §5.5 emergency: no justification', 120000, { type: 'emergency' }, {}, ['justification-documented']],
  ])('%s', (_rule, amount, method, over, expected) => {
    const d = route(request({ amount, method, ...over }));
    expect(d.status).toBe('RETURNED');
    expect(d.method.eligible).toBe(false);
    expect(failed(d)).toEqual(expected);
    expect(d.reasons.map((r) => r.checkId)).toEqual(expected);
    expect(d.checkpoints).toEqual([]);
    for (const r of d.reasons) {
      expect(r.code).toBe('check-failed');
      expect(r.citation).toBeTruthy();
      expect(r.field).toMatch(/^(method|vendor)/);
    }
  });

  it('a check left unfailed by hand-built evidence: a quote without a vendor name (the schema refuses it at the API)', () => {
    const r = request({ amount: 12000, method: quotes });
    const built = { ...r, method: { type: 'quotes' as const, quotes: [...(r.method as { quotes: { vendor: string; amountCents: number }[] }).quotes, { vendor: ' ', amountCents: 100 }] } };
    const d = route(built);
    expect(failed(d)).toEqual(['quotes-vendors-named']);
    expect(d.reasons[0]!.field).toBe('method.quotes[3].vendor');
  });

  it('a sole-source ground the policy does not accept fails ground-allowed (hand-built request)', () => {
    const r = request({ method: { type: 'sole-source', ground: 'single-source', justification: 'x' } });
    const d = route({ ...r, method: { type: 'sole-source', ground: 'friendship' as never, justification: 'x' } });
    expect(failed(d)).toEqual(['ground-allowed']);
  });
});

describe('eligible methods pass every check and are routed', () => {
  it.each([
    ['Sample City §5.1 cooperative', 120000, coop, {}],
    ['Sample City §5.2 piggyback (five checks)', 120000, piggy, {}],
    ['2 CFR 200.317–200.327 piggyback with federal funds and procuredUnder2CFR200', 120000, { ...piggy, procuredUnder2CFR200: true }, { fundingSource: 'federal', federal: federalOk }],
    ['2 CFR 200.317–200.327 cooperative with federal funds, procured under 2 CFR 200 and within scope', 120000, { ...coop, procuredUnder2CFR200: true }, { fundingSource: 'federal', federal: federalOk }],
    ['2 CFR 200.317–200.327 state contract with federal funds, procured under 2 CFR 200 and within scope', 120000, { ...stateContract, procuredUnder2CFR200: true }, { fundingSource: 'federal', federal: federalOk }],
    ['Sample City §5.3 state contract', 120000, stateContract, {}],
    ['Sample City §3.2 three written quotes', 12000, quotes, {}],
    ['2 CFR 200.320(c)(2) sole source on single-source ground', 120000, { type: 'sole-source', ground: 'single-source', justification: 'Only the OEM services this fleet' }, {}],
    ['2 CFR 200.320(c)(1) sole source on micro-purchase ground within the micro tier', 3000, { type: 'sole-source', ground: 'micro-purchase', justification: 'Below the threshold' }, {}],
    ['Sample City §5.5 emergency with justification', 40000, { type: 'emergency', justification: 'Water main break' }, {}],
  ])('%s', (_rule, amount, method, over) => {
    const d = route(request({ amount, method, ...over }));
    expect(d.reasons).toEqual([]);
    expect(d.status).toBe('PENDING_APPROVAL');
    expect(d.method).toMatchObject({ selectedBy: 'requester', eligible: true });
    expect(d.method.checks.length).toBeGreaterThan(0);
    for (const c of d.method.checks) expect(c).toEqual({ id: expect.any(String), passed: true, detail: expect.any(String), citation: expect.any(String) });
  });
});

describe('methods permitted per tier (Sample City §3)', () => {
  it.each([
    ['§3.3 direct is not allowed in formal', 30000, { type: 'direct' }],
    ['§3.3 quotes are not allowed in formal', 30000, quotes],
    ['§3.2 direct is not allowed in informal', 6000, { type: 'direct' }],
    ['§3.4 quotes are not allowed in governing-body', 300000, quotes],
  ])('%s', (_rule, amount, method) => {
    const d = route(request({ amount, method }));
    expect(d.status).toBe('RETURNED');
    expect(d.reasons[0]).toMatchObject({ code: 'method-not-permitted', field: 'method.type' });
  });

  it('§3.1 any method may be more rigorous than the tier needs: a competitive $3,000 buy', () => {
    expect(route(request({ amount: 3000, method: { type: 'competitive' } })).status).toBe('PENDING_APPROVAL');
  });
});

describe('no method named (DESIGN §7)', () => {
  it('§3.1 micro → direct, chosen by the policy', () => {
    const d = route(request({ amount: 1200, method: undefined }));
    expect(d.method).toEqual({ type: 'direct', selectedBy: 'policy', eligible: true, checks: [] });
    expect(d.status).toBe('PENDING_APPROVAL');
  });
  it('§3.2 informal → RETURNED: attach 3 quotes or name an alternative method', () => {
    const d = route(request({ amount: 12000, method: undefined }));
    expect(d.status).toBe('RETURNED');
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]).toMatchObject({ code: 'method-required', field: 'method' });
    expect(d.reasons[0]!.message).toMatch(/3 written quotes.*alternative method/);
  });
  it('§3.3 formal → competitive: the approval authorizes running the solicitation', () => {
    const d = route(request({ amount: 80000, method: undefined }));
    expect(d.method).toMatchObject({ type: 'competitive', selectedBy: 'policy', eligible: true });
    expect(d.status).toBe('PENDING_APPROVAL');
  });
  it('routing date decides contract expiry: the same cooperative contract is fine before and expired after', () => {
    const r = request({ neededBy: undefined, method: { ...coop, expires: '2026-12-01' } });
    expect(route(r, { at: AT }).status).toBe('PENDING_APPROVAL');
    expect(route(r, { at: new Date('2026-12-02T00:00:00Z') }).status).toBe('RETURNED');
  });
});
