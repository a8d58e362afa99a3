/**
 * `npm run policy:check -- my-policy.json`: is this policy file one the product will run?
 * Exit 0 with a summary (tiers with their ceilings in words, methods, the chain, the deadlines);
 * exit 1 with one `field: reason` line per problem; exit 2 on a usage error. The same checks run
 * when `npm run route -- --policy my-policy.json` or `npm start` loads the file.
 */
import { policyFileProblem, readPolicyFile } from '../lambdas/cli/policy-file';
import type { Policy } from '../lambdas/domain';
import { splitRuleWords } from '../lambdas/domain/split';
import { ceilingWords } from '../lambdas/domain/tiers';

const USAGE = 'usage: npm run policy:check -- <policy.json>';

const duration = (d: { businessDays: number } | { seconds: number }): string =>
  'businessDays' in d ? `${d.businessDays} business days` : `${d.seconds} s`;

/** What the policy says, in a few lines a person can check against the ordinance. */
export const policySummary = (policy: Policy): string => {
  const lines = [`policy "${policy.id}" (${policy.kind}, version ${policy.version}): ${policy.name}`, 'tiers:'];
  for (const tier of policy.tiers) {
    const ceilings = tier.ceilings.length ? tier.ceilings.map((c) => ceilingWords(c) + (c.effectiveFrom || c.effectiveUntil ? ` (${c.effectiveFrom ?? '…'} to ${c.effectiveUntil ?? '…'})` : '')).join('; ') : 'everything above';
    lines.push(`  ${tier.id}: ${tier.title}: ${ceilings}; methods ${tier.methods.join(', ')}`);
  }
  lines.push(`chain: ${policy.chain.map((rule) => rule.role).join(' → ') || 'none'}`);
  if (policy.kind === 'base') {
    lines.push(`departments: ${policy.departments.length}; roles: ${Object.keys(policy.roles).length}; delegations: ${policy.delegations.length}`);
    const { reminder, escalation, expiry } = policy.deadlines;
    lines.push(`deadlines: reminder after ${duration(reminder)}, escalation after ${duration(escalation)}, expiry after ${duration(expiry)}`);
    lines.push(`splitting: ${splitRuleWords(policy.splitting)}`);
  }
  return lines.join('\n');
};

export const main = (argv: string[]): { code: number; stdout: string; stderr: string } => {
  if (argv.length !== 1 || argv[0]!.startsWith('--')) return { code: 2, stdout: '', stderr: `${USAGE}\n` };
  const loaded = readPolicyFile(argv[0]!);
  if (!loaded.ok) return { code: 1, stdout: '', stderr: `${policyFileProblem(argv[0]!, loaded.errors)}\n` };
  return { code: 0, stdout: `valid: ${policySummary(loaded.policy)}\n`, stderr: '' };
};

if (require.main === module) {
  const result = main(process.argv.slice(2));
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
