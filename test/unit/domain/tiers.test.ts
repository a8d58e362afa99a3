/**
 * Tier classification (DESIGN §7): micro below $5,000; informal $5,000–$25,000 inclusive; formal
 * above $25,000; governing body above $250,000. With federal funds 2 CFR 200 applies as well and
 * the most restrictive tier wins; its thresholds are effective-dated (FAC 2025-06, 2025-10-01).
 */
import fc from 'fast-check';
import { AT, loose, request, route, sampleCity } from './helpers';

const competitive = { type: 'competitive' };

describe('sample-city tier boundaries', () => {
  it.each([
    ['Sample City Purchasing Policy §3.1: $4,999.99 is micro', 4999.99, 'micro', '§3.1'],
    ['Sample City Purchasing Policy §3.2: $5,000 is informal', 5000, 'informal', '§3.2'],
    ['Sample City Purchasing Policy §3.2: $25,000 is informal (inclusive)', 25000, 'informal', '§3.2'],
    ['Sample City Purchasing Policy §3.3: $25,000.01 is formal', 25000.01, 'formal', '§3.3'],
    ['Sample City Purchasing Policy §3.3: $100,000 is formal', 100000, 'formal', '§3.3'],
    ['Sample City Purchasing Policy §3.3: $250,000 is formal', 250000, 'formal', '§3.3'],
    ['Sample City Purchasing Policy §3.4: $250,000.01 needs the governing body', 250000.01, 'governing-body', '§3.4'],
  ])('%s', (_rule, amount, tier, section) => {
    const d = route(request({ amount, method: competitive }));
    expect(d.tier.id).toBe(tier);
    expect(d.tier.citation).toContain(section);
    expect(d.tier.basisCents).toBe(Math.round(amount * 100));
    expect(d.tier.reason).toContain('$');
  });
});

describe('federal funds: 2 CFR 200 thresholds over a looser local policy (loose-city: micro < $50,000, informal ≤ $500,000)', () => {
  const before = new Date('2025-09-30T23:59:59Z');
  const after = new Date('2025-10-01T00:00:00Z');
  it.each([
    ['FAR 2.101 MPT $10,000 before 2025-10-01: $10,000 federal goods is micro', 10000, 'goods', before, 'micro', 'loose'],
    ['FAR 2.101 MPT $10,000 before 2025-10-01: $10,000.01 federal goods is informal', 10000.01, 'goods', before, 'informal', 'before FAC 2025-06'],
    ['FAC 2025-06 MPT $15,000 from 2025-10-01: $12,000 federal goods is micro', 12000, 'goods', after, 'micro', 'loose'],
    ['FAC 2025-06 MPT $15,000 from 2025-10-01: $15,000.01 federal goods is informal', 15000.01, 'goods', after, 'informal', 'FAC 2025-06'],
    ['FAR 2.101 SAT $250,000 before 2025-10-01: $250,000.01 federal is formal', 250000.01, 'goods', before, 'formal', 'simplified acquisition'],
    ['FAC 2025-06 SAT $350,000 from 2025-10-01: $300,000 federal is informal', 300000, 'goods', after, 'informal', 'loose'],
    ['FAC 2025-06 SAT $350,000 from 2025-10-01: $350,000.01 federal is formal', 350000.01, 'goods', after, 'formal', 'FAC 2025-06'],
    ['FAR 2.101 (1) Davis-Bacon construction MPT $2,000: $2,000 Davis-Bacon construction is micro', 2000, 'construction', after, 'micro', 'loose', true],
    ['FAR 2.101 (1) Davis-Bacon construction MPT $2,000: $2,000.01 Davis-Bacon construction is informal', 2000.01, 'construction', after, 'informal', 'Davis-Bacon', true],
    ['2 CFR part 200 appendix II (D): construction the request does not declare subject to Davis-Bacon keeps the general MPT: $2,000.01 is micro', 2000.01, 'construction', after, 'micro', 'loose', false],
    ['2 CFR 200.1: no SCLS $2,500 ceiling for a non-federal entity: $2,500.01 services is micro', 2500.01, 'services', after, 'micro', 'loose', false],
    ['2 CFR 200.1: a federally funded $4,000 services purchase is a micro-purchase', 4000, 'services', after, 'micro', 'loose', false],
    ['FAR 2.101 general MPT still applies to professional services: $2,600 is micro', 2600, 'professional-services', after, 'micro', 'loose', false],
  ])('%s', (_rule, amount, category, at, tier, citationOrDecider, davisBacon = false) => {
    const d = route(request({ policy: 'loose-city', amount, category, fundingSource: 'federal', method: competitive, federal: { davisBacon } }), { policy: loose, at });
    expect(d.tier.id).toBe(tier);
    if (citationOrDecider === 'loose') expect(d.tier.citation).toContain('Loose City Code');
    else expect(d.tier.citation).toContain(citationOrDecider);
  });

  it('2 CFR 200 most restrictive wins: the same amount with local funds stays in the loose local tier', () => {
    const d = route(request({ policy: 'loose-city', amount: 40000, fundingSource: 'local', method: competitive }), { policy: loose });
    expect(d.tier.id).toBe('micro');
    const f = route(request({ policy: 'loose-city', amount: 40000, fundingSource: 'federal', method: competitive }), { policy: loose });
    expect(f.tier.id).toBe('informal');
    expect(f.tier.reason).toContain('stricter than the local tier micro');
  });

  it('2 CFR 200 most restrictive wins: a stricter local threshold is kept under federal funds (sample-city $7,000 is informal, federal micro)', () => {
    const d = route(request({ amount: 7000, fundingSource: 'federal', method: competitive }));
    expect(d.tier.id).toBe('informal');
    expect(d.tier.citation).toContain('Sample City');
  });

  it('2 CFR 200.320(a)(2): under federal funds direct purchase is not permitted above the federal MPT', () => {
    const d = route(request({ policy: 'loose-city', amount: 20000, fundingSource: 'federal', method: { type: 'direct' } }), { policy: loose, at: AT });
    expect(d.status).toBe('RETURNED');
    expect(d.reasons.map((r) => r.code)).toContain('method-not-permitted');
  });
});

describe('properties', () => {
  const order = sampleCity.tiers.map((t) => t.id);
  const categories = ['goods', 'services', 'construction', 'professional-services', 'technology'] as const;
  it('a larger amount never lands in a lower tier (local and federal, any date, any category)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200_000_000 }),
        fc.integer({ min: 1, max: 200_000_000 }),
        fc.constantFrom(...categories),
        fc.constantFrom('local', 'federal'),
        fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(sampleCity, loose),
        (a, b, category, fundingSource, at, policy) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const tierOf = (cents: number) =>
            route(request({ policy: policy.id, amount: cents / 100, category, fundingSource, method: competitive }), { policy, at }).tier.id;
          return order.indexOf(tierOf(lo)) <= order.indexOf(tierOf(hi));
        },
      ),
      { numRuns: 300 },
    );
  });
});
