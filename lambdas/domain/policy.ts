/**
 * Loading and checking policies. Shipped policies are static JSON imports so esbuild bundles them
 * into each function (no file system at run time); `extra` policies (tests, local dev) go through
 * the same schema. A bad policy fails loudly at load, listing every problem, never at routing time.
 */
import federalJson from '../../policies/federal.json';
import sampleCityJson from '../../policies/sample-city.json';
import { accountProblem, accountsRuleProblems } from './accounts';
import { PolicyInvalidError, UnknownPolicyError } from './errors';
import { policySchema, type BasePolicy, type OverlayPolicy, type Policy } from './policy-schema';
import { formatPath } from './schema';
import type { FieldError, PurchaseRequest } from './types';

export interface PolicyRegistry {
  /** @throws UnknownPolicyError */
  get(id: string): Policy;
  ids(): string[];
}

const SHIPPED: unknown[] = [sampleCityJson, federalJson];

/** Validate one policy object: the schema, then the rules a schema cannot say. */
export function parsePolicy(input: unknown): Policy {
  const parsed = policySchema.safeParse(input);
  const idGuess =
    typeof input === 'object' && input !== null && typeof (input as { id?: unknown }).id === 'string'
      ? (input as { id: string }).id
      : '(no id)';
  if (!parsed.success) {
    throw new PolicyInvalidError(
      idGuess,
      parsed.error.issues.map((i) =>
        i.code === 'unrecognized_keys'
          ? `${formatPath(i.path)}: unknown field(s) ${i.keys.join(', ')}`
          : `${formatPath(i.path)}: ${i.message}`,
      ),
    );
  }
  const policy = parsed.data;
  const problems = policyProblems(policy);
  if (problems.length > 0) throw new PolicyInvalidError(policy.id, problems);
  return deepFreeze(policy);
}

function policyProblems(p: Policy): string[] {
  const problems: string[] = [];
  const tierIds = p.tiers.map((t) => t.id);
  duplicates(tierIds).forEach((d) => problems.push(`tiers: tier id "${d}" appears more than once`));
  p.tiers.forEach((t, i) => {
    const last = i === p.tiers.length - 1;
    if (last && t.ceilings.length > 0) problems.push(`tiers[${i}].ceilings: the last tier "${t.id}" must be open-ended (no ceilings)`);
    if (!last && t.ceilings.length === 0) problems.push(`tiers[${i}].ceilings: tier "${t.id}" needs a ceiling (only the last tier is open-ended)`);
    if (t.defaultMethod && !t.methods.includes(t.defaultMethod))
      problems.push(`tiers[${i}].defaultMethod: "${t.defaultMethod}" is not among the tier's methods`);
    t.ceilings.forEach((c, j) => {
      if (c.effectiveFrom && c.effectiveUntil && c.effectiveFrom >= c.effectiveUntil)
        problems.push(`tiers[${i}].ceilings[${j}]: effectiveFrom must be before effectiveUntil`);
    });
  });
  p.chain.forEach((rule, i) =>
    rule.when.forEach((c, j) =>
      (c.tiers ?? []).forEach((t) => {
        if (!tierIds.includes(t)) problems.push(`chain[${i}].when[${j}].tiers: unknown tier "${t}"`);
      }),
    ),
  );
  if (p.kind === 'base') problems.push(...baseProblems(p));
  return problems;
}

function baseProblems(p: BasePolicy): string[] {
  const problems: string[] = [];
  duplicates(p.departments).forEach((d) => problems.push(`departments: "${d}" appears more than once`));
  if (p.tiers.some((t) => t.defaultMethod === undefined))
    problems.push('tiers: every tier of a base policy sets defaultMethod (a method, or null for "the requester must choose")');
  duplicates(p.chain.map((c) => c.role)).forEach((r) => problems.push(`chain: role "${r}" appears more than once`));
  p.chain.forEach((rule, i) => {
    if (!p.roles[rule.role]) problems.push(`chain[${i}].role: unknown role "${rule.role}"`);
  });
  for (const [roleId, role] of Object.entries(p.roles)) {
    const missing = p.departments.filter((d) => !role.byDepartment?.[d]);
    if (missing.length > 0 && !(role.approver && role.escalation))
      problems.push(`roles.${roleId}: needs approver and escalation, or byDepartment entries for ${missing.join(', ')}`);
    for (const d of Object.keys(role.byDepartment ?? {}))
      if (!p.departments.includes(d)) problems.push(`roles.${roleId}.byDepartment: unknown department "${d}"`);
  }
  if (p.accounts) problems.push(...accountsRuleProblems(p.accounts));
  p.delegations.forEach((d, i) => {
    if (!p.roles[d.role]) problems.push(`delegations[${i}].role: unknown role "${d.role}"`);
    if (d.department && !p.departments.includes(d.department))
      problems.push(`delegations[${i}].department: unknown department "${d.department}"`);
    if (d.start > d.end) problems.push(`delegations[${i}]: start ${d.start} is after end ${d.end}`);
    if (d.from.email.toLowerCase() === d.to.email.toLowerCase())
      problems.push(`delegations[${i}]: a person cannot delegate to themselves`);
  });
  return problems;
}

/** An overlay speaks in the base's tier ids, in the same order, and names roles the base staffs. */
export function overlayProblems(base: BasePolicy, overlay: OverlayPolicy): string[] {
  const problems: string[] = [];
  const baseTierIds = base.tiers.map((t) => t.id);
  let lastIndex = -1;
  for (const t of overlay.tiers) {
    const at = baseTierIds.indexOf(t.id);
    if (at < 0) problems.push(`overlay "${overlay.id}" tier "${t.id}" is not a tier of "${base.id}"`);
    else if (at <= lastIndex) problems.push(`overlay "${overlay.id}" tier "${t.id}" is out of the order of "${base.id}"`);
    else lastIndex = at;
  }
  for (const rule of overlay.chain)
    if (!base.roles[rule.role])
      problems.push(`overlay "${overlay.id}" requires role "${rule.role}", which "${base.id}" does not staff`);
  return problems;
}

export function createPolicyRegistry(options: { extra?: unknown[] } = {}): PolicyRegistry {
  const byId = new Map<string, Policy>();
  for (const input of [...SHIPPED, ...(options.extra ?? [])]) {
    const policy = parsePolicy(input);
    if (byId.has(policy.id)) throw new PolicyInvalidError(policy.id, [`id "${policy.id}" is already registered`]);
    byId.set(policy.id, policy);
  }
  const all = [...byId.values()];
  for (const base of all) {
    if (base.kind !== 'base') continue;
    const problems = all.flatMap((o) => (o.kind === 'overlay' ? overlayProblems(base, o) : []));
    if (problems.length > 0) throw new PolicyInvalidError(base.id, problems);
  }
  return {
    get(id: string): Policy {
      const policy = byId.get(id);
      if (!policy) throw new UnknownPolicyError(id, [...byId.keys()]);
      return policy;
    },
    ids: () => [...byId.keys()],
  };
}

let shipped: PolicyRegistry | undefined;
/** The shipped policies, parsed once per container. */
export function shippedPolicies(): PolicyRegistry {
  shipped ??= createPolicyRegistry();
  return shipped;
}

/** The 2 CFR 200 overlay that applies to federal funds unless a caller passes another. */
export function shippedFederalOverlay(): OverlayPolicy {
  const p = shippedPolicies().get('federal');
  if (p.kind !== 'overlay') throw new PolicyInvalidError('federal', ['the shipped federal policy must be an overlay']);
  return p;
}

/** What the policy, as data, says about this request (the schema already checked its shape). */
export function validateAgainstPolicy(r: PurchaseRequest, policy: Policy): FieldError[] {
  if (policy.kind !== 'base')
    return [{ field: 'policy', message: `"${policy.id}" is an overlay applied automatically, not a purchasing policy to route under` }];
  const errors: FieldError[] = [];
  if (!policy.departments.includes(r.department))
    errors.push({ field: 'department', message: `unknown department "${r.department}"; known: ${policy.departments.join(', ')}` });
  const accounts = policy.accounts;
  if (accounts)
    r.lines?.forEach((line, i) => {
      const problem = accountProblem(line.account, accounts);
      if (problem) errors.push({ field: `lines[${i}].account`, message: problem });
    });
  return errors;
}

export function requireBase(policy: Policy): BasePolicy {
  if (policy.kind !== 'base')
    throw new PolicyInvalidError(policy.id, ['an overlay cannot be routed under on its own; pass a base policy']);
  return policy;
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
