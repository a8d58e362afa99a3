/**
 * Account codes on line items, checked against the template the policy defines, e.g.
 * "fund-department-object" with fund 3 digits, department 2 and object 4: "100-21-5200".
 * Pure; the policy loader calls `accountsRuleProblems` so a bad template fails at load.
 */
import type { AccountsRule } from './policy-schema';

type Token = { segment: string } | { separator: string };

function tokens(pattern: string): Token[] {
  return pattern.split(/([-.])/).map((part, i) => (i % 2 === 1 ? { separator: part } : { segment: part }));
}

/** What is wrong with the template itself (a segment without a length, a length for no segment). */
export function accountsRuleProblems(rule: AccountsRule): string[] {
  const named = tokens(rule.pattern).flatMap((t) => ('segment' in t ? [t.segment] : []));
  const problems: string[] = [];
  for (const name of named) if (!rule.segments[name]) problems.push(`accounts.segments: the pattern's segment "${name}" has no length`);
  for (const name of Object.keys(rule.segments))
    if (!named.includes(name)) problems.push(`accounts.segments.${name}: not a segment of the pattern "${rule.pattern}"`);
  if (new Set(named).size !== named.length) problems.push(`accounts.pattern: a segment appears more than once in "${rule.pattern}"`);
  if (problems.length === 0 && accountProblem(rule.example, rule) !== null)
    problems.push(`accounts.example: "${rule.example}" does not follow the pattern ${describeAccountPattern(rule)}`);
  return problems;
}

/** "fund-department-object (3-2-4 digits)", for messages. */
export function describeAccountPattern(rule: AccountsRule): string {
  const shape = tokens(rule.pattern)
    .map((t) => ('segment' in t ? String(rule.segments[t.segment]?.length ?? '?') : t.separator))
    .join('');
  const letters = Object.values(rule.segments).some((s) => s.characters === 'alphanumeric');
  return `${rule.pattern} (${shape} ${letters ? 'characters' : 'digits'})`;
}

function matcher(rule: AccountsRule): RegExp {
  const body = tokens(rule.pattern)
    .map((t) => {
      if ('separator' in t) return `\\${t.separator}`;
      const s = rule.segments[t.segment]!;
      return `${s.characters === 'alphanumeric' ? '[A-Za-z0-9]' : '[0-9]'}{${s.length}}`;
    })
    .join('');
  return new RegExp(`^${body}$`);
}

/** Why this account does not follow the policy's template, or null when it does. */
export function accountProblem(account: string, rule: AccountsRule): string | null {
  if (matcher(rule).test(account)) return null;
  return `must follow the account pattern ${describeAccountPattern(rule)}, e.g. ${rule.example}`;
}
