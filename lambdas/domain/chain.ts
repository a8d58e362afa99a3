/**
 * The approval chain: the base policy's rules in order (an overlay adds conditions to roles the
 * base staffs), people resolved per department, separation of duties (200.318(c)(1): a requester
 * never approves their own request) and date-ranged delegation ("by X on behalf of Y").
 *
 * People are compared by mailbox: an address that differs only by case or a `+tag` is the same
 * person. One person, one signature per request: an alternate, a delegate, a role further up or
 * an escalation contact who already signs this request (or requested it) is skipped, and the
 * checkpoint's reason says so.
 */
import { formatUsd } from './money';
import { sameMailbox } from './people';
import type { BasePolicy, Condition, Delegation, OverlayPolicy, Role } from './policy-schema';
import type { Checkpoint, FundingSource, MethodType, Person, Category } from './types';

export interface ChainFacts {
  tierId: string;
  methodType: MethodType;
  fundingSource: FundingSource;
  category: Category;
  /** the request amount, or the aggregate when a split was detected */
  basisCents: number;
  department: string;
  requester: Person;
  /** routing date YYYY-MM-DD */
  date: string;
}

export interface ChainResult {
  checkpoints: Array<Checkpoint & { citation: string }>;
  /** roles nobody may approve (every candidate is the requester) */
  unstaffed: Array<{ role: string; message: string }>;
}

const same = (a: Person | undefined, b: Person) => a !== undefined && sameMailbox(a.email, b.email);

function holds(c: Condition, f: ChainFacts): string | null {
  if (c.always) return 'every request';
  if (c.tiers) return c.tiers.includes(f.tierId) ? `tier ${f.tierId}` : null;
  if (c.methods) return c.methods.includes(f.methodType) ? `method ${f.methodType}` : null;
  if (c.fundingSources) return c.fundingSources.includes(f.fundingSource) ? `${f.fundingSource} funds` : null;
  if (c.categories) return c.categories.includes(f.category) ? `category ${f.category}` : null;
  if (c.amountAtLeast !== undefined) {
    const min = Math.round(c.amountAtLeast * 100);
    return f.basisCents >= min ? `${formatUsd(f.basisCents)} is at least ${formatUsd(min)}` : null;
  }
  if (c.amountAbove !== undefined) {
    const min = Math.round(c.amountAbove * 100);
    return f.basisCents > min ? `${formatUsd(f.basisCents)} is above ${formatUsd(min)}` : null;
  }
  return null;
}

function contactsOf(role: Role, department: string) {
  const d = role.byDepartment?.[department];
  return d ?? { approver: role.approver!, alternate: role.alternate, escalation: role.escalation! };
}

function delegationFor(policy: BasePolicy, roleId: string, person: Person, f: ChainFacts): Delegation | undefined {
  return policy.delegations.find(
    (d) =>
      d.role === roleId &&
      (!d.department || d.department === f.department) &&
      same(person, d.from) &&
      d.start <= f.date &&
      f.date <= d.end,
  );
}

export function buildChain(policy: BasePolicy, overlay: OverlayPolicy | undefined, f: ChainFacts): ChainResult {
  const unstaffed: ChainResult['unstaffed'] = [];
  const roleOrder = policy.chain.map((r) => r.role);
  /** Who signs each checkpoint chosen so far, with the role they sign as (one signature each). */
  const signers: Array<{ person: Person; as: string }> = [];
  const signerOf = (p: Person) => signers.find((s) => same(s.person, p));
  const chosenAll: Array<{ position: number; role: Role; roleId: string; alternate?: Person; matched: Array<{ text: string; citation: string }>; notes: string[]; chosen: { approver: Person; onBehalfOf?: Person; escalation: Person } }> = [];

  for (const [position, rule] of policy.chain.entries()) {
    const extra = overlay?.chain.filter((o) => o.role === rule.role) ?? [];
    const matched = [
      ...rule.when.map((c) => ({ text: holds(c, f), citation: rule.citation })),
      ...extra.flatMap((o) => o.when.map((c) => ({ text: holds(c, f), citation: o.citation }))),
    ].filter((m): m is { text: string; citation: string } => m.text !== null);
    if (matched.length === 0) continue;

    const role = policy.roles[rule.role]!;
    const own = contactsOf(role, f.department);
    const notes: string[] = [];

    // Candidates in order: the role's approver, its alternate, then each role further up the chain.
    const candidates: Array<{ person: Person; roleId: string; escalation: Person; why: string }> = [
      { person: own.approver, roleId: rule.role, escalation: own.escalation, why: '' },
    ];
    if (own.alternate)
      candidates.push({ person: own.alternate, roleId: rule.role, escalation: own.escalation, why: `the role's alternate, ${own.alternate.name}` });
    for (const upId of roleOrder.slice(position + 1)) {
      const up = contactsOf(policy.roles[upId]!, f.department);
      candidates.push({
        person: up.approver,
        roleId: upId,
        escalation: up.escalation,
        why: `the next role up, ${policy.roles[upId]!.title} ${up.approver.name}`,
      });
    }

    let chosen: { approver: Person; onBehalfOf?: Person; escalation: Person } | undefined;
    for (const c of candidates) {
      if (same(c.person, f.requester)) {
        notes.push(`${c.person.name} is the requester and may not approve their own request (separation of duties)`);
        continue;
      }
      const d = delegationFor(policy, c.roleId, c.person, f);
      if (d && same(d.to, f.requester)) {
        notes.push(`${c.person.name} has delegated to ${d.to.name}, who is the requester (separation of duties)`);
        continue;
      }
      const signer = d ? d.to : c.person;
      const prior = signerOf(signer);
      if (prior) {
        notes.push(`${signer.name} already signs this request as ${prior.as} (one person, one signature per request)`);
        continue;
      }
      if (c.why) notes.push(`so ${c.why} approves instead`);
      if (d) {
        notes.push(`${d.to.name} acts on behalf of ${c.person.name} under a delegation from ${d.start} to ${d.end}`);
        chosen = { approver: d.to, onBehalfOf: c.person, escalation: c.escalation };
      } else {
        chosen = { approver: c.person, escalation: c.escalation };
      }
      break;
    }
    if (!chosen) {
      unstaffed.push({ role: rule.role, message: `${role.title}: nobody but the requester or people who already sign this request can approve; ${notes.join('; ')}` });
      continue;
    }
    signers.push({ person: chosen.approver, as: `the ${role.title}` });
    chosenAll.push({ position, role, roleId: rule.role, ...(own.alternate ? { alternate: own.alternate } : {}), matched, notes, chosen });
  }

  // Escalation contacts, once every signer is known: never the requester, never anyone who signs
  // another checkpoint (escalating would give them a second signature), and preferably nobody who
  // already covers another checkpoint's escalation. The next contact up the chain takes it, then
  // the role's own alternate; failing all, the approver is reminded again.
  const escalators: Person[] = [];
  const checkpoints: ChainResult['checkpoints'] = chosenAll.map(({ position, role, roleId, alternate, matched, notes, chosen }) => {
    const upContacts = roleOrder.slice(position + 1).map((upId) => contactsOf(policy.roles[upId]!, f.department));
    const options = [chosen.escalation, ...upContacts.map((u) => u.escalation), ...upContacts.map((u) => u.approver), ...(alternate ? [alternate] : [])]
      .filter((p) => !same(p, f.requester) && !signerOf(p));
    const escalation = options.find((p) => !escalators.some((e) => same(e, p))) ?? options[0] ?? chosen.approver;
    escalators.push(escalation);
    if (!same(escalation, chosen.escalation)) {
      const prior = signerOf(chosen.escalation);
      const why = same(chosen.escalation, f.requester) ? 'not to the requester'
        : prior ? `not to ${chosen.escalation.name}, who already signs this request as ${prior.as} (one person, one signature per request)`
          : `not to ${chosen.escalation.name}, who is already the escalation contact of another checkpoint of this request`;
      notes.push(same(escalation, chosen.approver)
        ? `an overdue approval is not escalated but reminded again to ${escalation.name}: nobody up the chain is free to take it, ${why}`
        : `escalation goes to ${escalation.name}, ${why}`);
    }

    const because = [...new Set(matched.map((m) => m.text))].join('; ');
    const citation = [...new Set(matched.map((m) => m.citation))].join('; ');
    return {
      index: 0,
      role: roleId,
      roleTitle: role.title,
      approver: chosen.approver,
      ...(chosen.onBehalfOf ? { onBehalfOf: chosen.onBehalfOf } : {}),
      escalation,
      reason: `${role.title} required: ${because}.${notes.length > 0 ? ` ${capitalise(notes.join('; '))}.` : ''}`,
      citation,
      ...(role.records ? { requires: [...role.records] } : {}),
    };
  });
  checkpoints.forEach((c, index) => { c.index = index; });
  return { checkpoints, unstaffed };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
