/**
 * The people directory: who may sign in, and in what capacity. Separation of duties and "one person,
 * one signature per request" compare people (their stable ids), never the address someone typed.
 *
 * A directory belongs to a base policy and is data (policies/people/<policy>.json), validated here
 * like the policy itself: every problem listed at load, never discovered at routing time.
 * - `roles` in the file are application roles (requester, department-head, purchasing, auditor,
 *   admin); the policy roles a person holds (purchasing-agent, city-manager, ...) are derived from the
 *   policy, which names the approver of each role. Alternates, escalation contacts and delegates act
 *   per request (their approval link says so) and do not hold the office, so they get no role from it.
 * - Every person the policy names (approver, alternate, escalation, delegation) must be in the
 *   directory under the same name, so the policy and the people cannot drift apart.
 * - Two addresses that differ only by case or a `+tag` are one mailbox (`mailboxKey`): the directory
 *   refuses two people sharing one, and `findByEmail` finds the person under any alias.
 */
import { z } from 'zod';
import sampleCityPeopleJson from '../../policies/people/sample-city.json';
import type { BasePolicy } from './policy-schema';

/** Application roles; what each may do is the authorization table's business (README). */
export const BASE_ROLES = ['requester', 'department-head', 'purchasing', 'auditor', 'admin'] as const;
export type BaseRole = (typeof BASE_ROLES)[number];

export interface PersonRecord {
  /** stable, opaque to users; never the email (addresses change, people keep their id) */
  id: string;
  name: string;
  email: string;
  /** one of the policy's departments; absent for city-wide offices */
  department?: string;
  /** application roles first, then the policy roles the person holds, each once */
  roles: string[];
}

export interface PeopleDirectory {
  readonly policyId: string;
  all(): readonly PersonRecord[];
  findById(id: string): PersonRecord | undefined;
  /** the person whose mailbox this is, under any case or `+tag` alias */
  findByEmail(email: string): PersonRecord | undefined;
}

export class PeopleDirectoryInvalidError extends Error {
  override readonly name = 'PeopleDirectoryInvalidError';
  constructor(
    readonly policyId: string,
    readonly problems: string[],
  ) {
    super(`people of policy "${policyId}" are invalid:\n- ${problems.join('\n- ')}`);
  }
}

export class UnknownPeopleDirectoryError extends Error {
  override readonly name = 'UnknownPeopleDirectoryError';
  constructor(readonly policyId: string) {
    super(`no people directory for policy "${policyId}"`);
  }
}

const personSchema = z.strictObject({
  id: z.string().regex(/^p-[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'must look like p-first-last (kebab-case after "p-")' }).max(64),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  department: z.string().trim().min(1).max(200).optional(),
  roles: z.array(z.enum(BASE_ROLES)),
});

export const peopleFileSchema = z.strictObject({
  policy: z.string().min(1),
  note: z.string().max(2000).optional(),
  people: z.array(personSchema).min(1),
});
export type PeopleFile = z.infer<typeof peopleFileSchema>;

/**
 * The mailbox an address delivers to, for comparing people: lower case (mail providers treat the
 * local part case-insensitively in practice) and without a `+tag` (sub-addressing reaches the same
 * inbox). Two addresses with one key are one person.
 */
export function mailboxKey(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  const local = lower.slice(0, at);
  const plus = local.indexOf('+');
  return `${plus < 0 ? local : local.slice(0, plus)}${lower.slice(at)}`;
}

export function sameMailbox(a: string, b: string): boolean {
  return mailboxKey(a) === mailboxKey(b);
}

interface NamedPerson {
  name: string;
  email: string;
}

/** Every person the policy names, with where it names them (for the problems list). */
function peopleNamedBy(policy: BasePolicy): { where: string; person: NamedPerson; holds?: { role: string; department?: string } }[] {
  const named: { where: string; person: NamedPerson; holds?: { role: string; department?: string } }[] = [];
  for (const [roleId, role] of Object.entries(policy.roles)) {
    if (role.approver) named.push({ where: `roles.${roleId}.approver`, person: role.approver, holds: { role: roleId } });
    if (role.alternate) named.push({ where: `roles.${roleId}.alternate`, person: role.alternate });
    if (role.escalation) named.push({ where: `roles.${roleId}.escalation`, person: role.escalation });
    for (const [department, c] of Object.entries(role.byDepartment ?? {})) {
      const at = `roles.${roleId}.byDepartment.${department}`;
      named.push({ where: `${at}.approver`, person: c.approver, holds: { role: roleId, department } });
      if (c.alternate) named.push({ where: `${at}.alternate`, person: c.alternate });
      named.push({ where: `${at}.escalation`, person: c.escalation });
    }
  }
  policy.delegations.forEach((d, i) => {
    named.push({ where: `delegations[${i}].from`, person: d.from });
    named.push({ where: `delegations[${i}].to`, person: d.to });
  });
  return named;
}

/** Validate a people file against its policy and derive each person's policy roles. */
export function buildPeopleDirectory(policy: BasePolicy, input: unknown): PeopleDirectory {
  const parsed = peopleFileSchema.safeParse(input);
  if (!parsed.success)
    throw new PeopleDirectoryInvalidError(
      policy.id,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`),
    );
  const file = parsed.data;
  const problems: string[] = [];
  if (file.policy !== policy.id) problems.push(`policy: the file is for "${file.policy}", not "${policy.id}"`);

  const byId = new Map<string, PeopleFile['people'][number]>();
  const byMailbox = new Map<string, PeopleFile['people'][number]>();
  file.people.forEach((p, i) => {
    if (byId.has(p.id)) problems.push(`people[${i}].id: "${p.id}" appears more than once`);
    else byId.set(p.id, p);
    const key = mailboxKey(p.email);
    const other = byMailbox.get(key);
    if (other) problems.push(`people[${i}].email: same mailbox as ${other.id} (addresses differing by case or +tag are one person)`);
    else byMailbox.set(key, p);
    if (p.department !== undefined && !policy.departments.includes(p.department))
      problems.push(`people[${i}].department: unknown department "${p.department}"`);
    if (p.roles.includes('department-head') && p.department === undefined)
      problems.push(`people[${i}].roles: a department head needs a department`);
  });

  const held = new Map<string, string[]>();
  const headOf = new Map<string, string>();
  for (const { where, person, holds } of peopleNamedBy(policy)) {
    const found = byMailbox.get(mailboxKey(person.email));
    if (!found) {
      problems.push(`${where}: ${person.name} is not in the people directory`);
      continue;
    }
    if (found.name !== person.name) problems.push(`${where}: the policy says "${person.name}", the directory says "${found.name}" (${found.id})`);
    if (!holds) continue;
    held.set(found.id, [...(held.get(found.id) ?? []), holds.role]);
    if (holds.role === 'department-head' && holds.department) {
      headOf.set(found.id, holds.department);
      if (found.department !== holds.department)
        problems.push(`${where}: ${found.id} heads "${holds.department}" but the directory puts them in "${found.department ?? '(none)'}"`);
    }
  }
  for (const p of file.people)
    if (p.roles.includes('department-head') && !headOf.has(p.id))
      problems.push(`${p.id}: listed as department-head, but the policy names them head of no department`);

  if (problems.length > 0) throw new PeopleDirectoryInvalidError(policy.id, problems);

  const records = file.people.map((p) =>
    Object.freeze<PersonRecord>({
      id: p.id,
      name: p.name,
      email: p.email,
      ...(p.department !== undefined ? { department: p.department } : {}),
      roles: Object.freeze([...new Set([...p.roles, ...(held.get(p.id) ?? [])])]) as string[],
    }),
  );
  const recordById = new Map(records.map((r) => [r.id, r]));
  const recordByMailbox = new Map(records.map((r) => [mailboxKey(r.email), r]));
  const all = Object.freeze(records);
  return {
    policyId: policy.id,
    all: () => all,
    findById: (id) => recordById.get(id),
    findByEmail: (email) => recordByMailbox.get(mailboxKey(email)),
  };
}

/** Shipped directories, bundled like the shipped policies (no file system at run time). */
const SHIPPED: Record<string, unknown> = { 'sample-city': sampleCityPeopleJson };

/**
 * The directory of a base policy: the shipped one, or one passed in `extra` (tests, local dev).
 * @throws UnknownPeopleDirectoryError, PeopleDirectoryInvalidError
 */
export function peopleForPolicy(policy: BasePolicy, extra: Record<string, unknown> = {}): PeopleDirectory {
  const input = extra[policy.id] ?? SHIPPED[policy.id];
  if (input === undefined) throw new UnknownPeopleDirectoryError(policy.id);
  if (input !== SHIPPED[policy.id]) return buildPeopleDirectory(policy, input);
  // A shipped directory is checked once per policy object (once per container).
  let directory = shippedDirectories.get(policy);
  if (!directory) shippedDirectories.set(policy, (directory = buildPeopleDirectory(policy, input)));
  return directory;
}
const shippedDirectories = new WeakMap<BasePolicy, PeopleDirectory>();
