/**
 * Policies are data: validated by a schema when loaded, failing loudly with every problem listed.
 */
import { looseCity } from '../../fixtures/policies';
import sampleCityJson from '../../../policies/sample-city.json';
import {
  createPolicyRegistry,
  PolicyInvalidError,
  UnknownPolicyError,
  validateAgainstPolicy,
  type BasePolicy,
} from '../../../lambdas/domain';
import { federal, request, sampleCity } from './helpers';

describe('the shipped policies (DESIGN §7)', () => {
  const city = sampleCity as BasePolicy;
  it('ships sample-city and the federal overlay, each versioned', () => {
    const registry = createPolicyRegistry();
    expect(registry.ids()).toEqual(['sample-city', 'federal']);
    expect(city.version).toBeTruthy();
    expect(federal.version).toBeTruthy();
    expect(federal.kind).toBe('overlay');
  });
  it('sample-city has the five departments and the seven roles in chain order', () => {
    expect(city.departments).toEqual(['Public Works', 'Parks and Recreation', 'Police', 'Information Technology', 'Finance']);
    expect(city.chain.map((c) => c.role)).toEqual([
      'department-head', 'purchasing-agent', 'finance-director', 'city-attorney', 'grants-manager', 'city-manager', 'city-council',
    ]);
  });
  it('every rule carries a citation, and every person an address under sample-city.example', () => {
    for (const t of city.tiers) expect(t.citation).toBeTruthy();
    for (const c of city.chain) expect(c.citation).toBeTruthy();
    const emails = JSON.stringify(city.roles).match(/"email":"[^"]+"/g)!;
    for (const e of emails) expect(e).toMatch(/@sample-city\.example"$/);
  });
  it('deadlines default to 2, 5 and 10 business days', () => {
    expect(city.deadlines).toMatchObject({ reminder: { businessDays: 2 }, escalation: { businessDays: 5 }, expiry: { businessDays: 10 } });
  });
  it('policies are frozen so no caller can change a rule in flight', () => {
    expect(Object.isFrozen(city.tiers[0])).toBe(true);
  });
});

describe('registry', () => {
  it('an unknown policy throws UnknownPolicyError naming the known ones', () => {
    expect(() => createPolicyRegistry().get('atlantis')).toThrow(UnknownPolicyError);
    expect(() => createPolicyRegistry().get('atlantis')).toThrow('unknown policy "atlantis"; known: sample-city, federal');
    try {
      createPolicyRegistry().get('atlantis');
    } catch (e) {
      expect((e as Error).name).toBe('UnknownPolicyError');
    }
  });
  it('extra policies are registered through the same schema', () => {
    expect(createPolicyRegistry({ extra: [looseCity] }).ids()).toEqual(['sample-city', 'federal', 'loose-city']);
  });
  it('a duplicate id is refused', () => {
    expect(() => createPolicyRegistry({ extra: [sampleCityJson] })).toThrow(/already registered/);
  });
  it('an invalid policy throws PolicyInvalidError listing each problem', () => {
    const bad = structuredClone(looseCity) as Record<string, any>;
    bad.id = 'bad-city';
    bad.tiers[0].ceilings[0].amount = -1;
    bad.chain.push({ role: 'mayor', when: [{ always: true }], citation: 'x' });
    bad.delegations = [{ role: 'finance-director', from: bad.roles['finance-director'].approver, to: bad.roles['finance-director'].alternate, start: '2026-02-01', end: '2026-01-01' }];
    bad.surprise = true;
    let error: unknown;
    try {
      createPolicyRegistry({ extra: [bad] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyInvalidError);
    expect((error as PolicyInvalidError).name).toBe('PolicyInvalidError');
    expect((error as PolicyInvalidError).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('tiers[0].ceilings[0].amount'), expect.stringContaining('surprise')]),
    );
    delete bad.surprise;
    bad.tiers[0].ceilings[0].amount = 50000;
    try {
      createPolicyRegistry({ extra: [bad] });
    } catch (e) {
      expect((e as PolicyInvalidError).problems).toEqual([
        'chain[7].role: unknown role "mayor"',
        'delegations[0]: start 2026-02-01 is after end 2026-01-01',
      ]);
    }
  });
  it('a base policy must staff the roles the federal overlay requires (grants-manager)', () => {
    const bad = structuredClone(looseCity) as Record<string, any>;
    bad.id = 'no-grants';
    delete bad.roles['grants-manager'];
    bad.chain = bad.chain.filter((c: { role: string }) => c.role !== 'grants-manager');
    expect(() => createPolicyRegistry({ extra: [bad] })).toThrow(/requires role "grants-manager"/);
  });
});

describe('validateAgainstPolicy', () => {
  it('an unknown department lists the known ones', () => {
    expect(validateAgainstPolicy(request({ department: 'Space Program' }), sampleCity)).toEqual([
      { field: 'department', message: 'unknown department "Space Program"; known: Public Works, Parks and Recreation, Police, Information Technology, Finance' },
    ]);
  });
  it('a known department passes', () => {
    expect(validateAgainstPolicy(request(), sampleCity)).toEqual([]);
  });
  it('the federal overlay is not a policy to route under', () => {
    expect(validateAgainstPolicy(request({ policy: 'federal' }), federal)[0]!.field).toBe('policy');
  });
});
