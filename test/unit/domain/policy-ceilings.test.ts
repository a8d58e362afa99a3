/**
 * A tier's ceilings speak only through their numbers: the words in a routing reason are derived
 * from amount, inclusive and categories (a free-text label could contradict them and is refused),
 * and the ceilings must go up from tier to tier.
 */
import { parsePolicy } from '../../../lambdas/domain/policy';
import { PolicyInvalidError } from '../../../lambdas/domain/errors';
import { classifyIn } from '../../../lambdas/domain/tiers';
import federalJson from '../../../policies/federal.json';
import { sampleCity } from '../../fixtures/policies';

const problemsOf = (input: unknown): string[] => {
  try {
    parsePolicy(input);
    return [];
  } catch (error) {
    if (error instanceof PolicyInvalidError) return error.problems;
    throw error;
  }
};

describe('ceiling words', () => {
  it('come from the numbers: below the micro ceiling, above it and within the next', () => {
    const policy = parsePolicy(sampleCity());
    expect(classifyIn(policy, 300_000, 'goods', '2026-12-01').reason).toBe('Sample City purchasing policy: $3,000.00 is below $5,000.00 → Micro-purchase (micro)');
    expect(classifyIn(policy, 1_000_000, 'goods', '2026-12-01').reason)
      .toBe('Sample City purchasing policy: $10,000.00 is at or above $5,000.00 and at or below $25,000.00 → Informal (written quotes) (informal)');
  });

  it('name the categories a ceiling is for (Davis-Bacon construction, when the request says it is subject to it)', () => {
    const federal = parsePolicy(federalJson);
    expect(classifyIn(federal, 150_000, 'construction', '2026-12-01', { davisBacon: true }).reason).toMatch(/is at or below \$2,000\.00 for construction → /);
  });

  it('a label beside the numbers is refused, naming where it is', () => {
    const policy = sampleCity();
    (policy.tiers[1]!.ceilings[0] as Record<string, unknown>).label = '$5,000 to $25,000 inclusive';
    expect(problemsOf(policy)).toEqual([
      'tiers[1].ceilings[0].label: is no longer accepted: the wording is derived from amount, inclusive and categories; remove it',
    ]);
  });
});

describe('ceilings ascend', () => {
  it('a tier whose ceiling is not above the one before it is refused with both named', () => {
    const policy = sampleCity();
    policy.tiers[1]!.ceilings[0]!.amount = 4_000; // informal below micro's $5,000
    expect(problemsOf(policy)).toEqual([
      'tiers[1].ceilings[0].amount: $4000 is not above the ceiling of the tier before it ("micro", tiers[0].ceilings[0]: $5000); ceilings must ascend from tier to tier',
    ]);
  });

  it('an equal ceiling is refused too (the tier above would be empty), unless only "below" versus "at or below" tells them apart', () => {
    const equal = sampleCity();
    equal.tiers[2]!.ceilings[0]!.amount = 25_000; // formal at or below $25,000, as informal
    expect(problemsOf(equal)).toHaveLength(1);
    const below = sampleCity();
    below.tiers[1]!.ceilings[0]!.amount = 5_000; // informal at or below $5,000 over micro below $5,000: admits $5,000.00 only
    expect(problemsOf(below)).toEqual([]);
  });

  it('ceilings that are never in force together, or are for other categories, are not compared', () => {
    expect(problemsOf(federalJson)).toEqual([]); // construction $2,000 and services $2,500 under a $10,000 general micro ceiling
  });
});
