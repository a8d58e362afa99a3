/**
 * Tier classification. A policy's tiers are tried in order and the first whose ceiling admits the
 * amount wins, so a larger amount can never land in a lower tier. With an overlay (federal funds)
 * both policies classify and the higher tier wins: the most restrictive rule applies.
 */
import { formatUsd } from './money';
import { maxAdmittedCents, type BasePolicy, type Ceiling, type OverlayPolicy, type Policy, type Tier } from './policy-schema';
import type { Category } from './types';

export interface TierMatch {
  policyId: string;
  tier: Tier;
  /** position in the policy's tier list */
  index: number;
  /** the ceiling in force for this tier, in cents (undefined: open-ended) */
  ceilingCents?: number;
  reason: string;
  citation: string;
}

export interface Classification {
  /** the base policy's tier: its methods and default method apply */
  tier: Tier;
  /** rank in the base policy's tier order */
  rank: number;
  reason: string;
  citation: string;
  /** the lowest ceiling in force for this tier among the policies that apply */
  ceilingCents?: number;
  base: TierMatch;
  overlay?: TierMatch;
}

function inForce(c: Ceiling, date: string): boolean {
  return (!c.effectiveFrom || c.effectiveFrom <= date) && (!c.effectiveUntil || date < c.effectiveUntil);
}

const maxAdmitted = maxAdmittedCents;

/** Category-specific ceilings (Davis-Bacon, SCLS) beat general ones; then the lowest wins. */
export function ceilingFor(tier: Tier, category: Category, date: string): Ceiling | undefined {
  const live = tier.ceilings.filter((c) => inForce(c, date));
  const specific = live.filter((c) => c.categories?.includes(category));
  const pool = specific.length > 0 ? specific : live.filter((c) => !c.categories);
  return [...pool].sort((a, b) => maxAdmitted(a) - maxAdmitted(b))[0];
}

/** A ceiling in words, from its numbers only: "at or below $2,000.00 for construction". */
export function ceilingWords(c: Ceiling): string {
  return `${c.inclusive ? 'at or below' : 'below'} ${formatUsd(Math.round(c.amount * 100))}${c.categories ? ` for ${c.categories.join(' or ')}` : ''}`;
}

export function classifyIn(policy: Policy, amountCents: number, category: Category, date: string): TierMatch {
  let below: Ceiling | undefined;
  for (let index = 0; index < policy.tiers.length; index++) {
    const tier = policy.tiers[index]!;
    const last = index === policy.tiers.length - 1;
    const ceiling = ceilingFor(tier, category, date);
    if (last || (ceiling && amountCents <= maxAdmitted(ceiling))) {
      const above = below ? `${below.inclusive ? 'above' : 'at or above'} ${formatUsd(Math.round(below.amount * 100))}` : '';
      const within = ceiling && !last ? ceilingWords(ceiling) : '';
      const parts = [above, within].filter(Boolean).join(' and ');
      return {
        policyId: policy.id,
        tier,
        index,
        ...(ceiling && !last ? { ceilingCents: maxAdmitted(ceiling) } : {}),
        reason: `${policy.name}: ${formatUsd(amountCents)} is ${parts || 'in the only tier'} → ${tier.title} (${tier.id})`,
        // Both bounds decide: the ceiling exceeded (why not lower) and the one that admits it.
        citation: [...new Set([below?.citation, ceiling && !last ? ceiling.citation : tier.citation].filter(Boolean))].join('; '),
      };
    }
    if (ceiling) below = ceiling;
  }
  throw new Error('unreachable: the last tier admits every amount');
}

export function classify(
  base: BasePolicy,
  overlay: OverlayPolicy | undefined,
  amountCents: number,
  category: Category,
  date: string,
): Classification {
  const local = classifyIn(base, amountCents, category, date);
  const layered = overlay ? classifyIn(overlay, amountCents, category, date) : undefined;
  const overlayRank = layered ? base.tiers.findIndex((t) => t.id === layered.tier.id) : -1;
  const decider = layered && overlayRank > local.index ? layered : local;
  const rank = Math.max(local.index, overlayRank);
  const tier = base.tiers[rank]!;
  // The quotes ceiling is the lowest bound any applicable policy puts on this tier.
  const bounds = [local, layered]
    .filter((m): m is TierMatch => m !== undefined && m.tier.id === tier.id && m.ceilingCents !== undefined)
    .map((m) => m.ceilingCents!);
  const stricter = decider === layered && layered !== undefined;
  return {
    tier,
    rank,
    reason: stricter
      ? `${layered.reason}; stricter than the local tier ${local.tier.id}, so the federal rule applies`
      : decider.reason,
    citation: decider.citation,
    ...(bounds.length > 0 ? { ceilingCents: Math.min(...bounds) } : {}),
    base: local,
    ...(layered ? { overlay: layered } : {}),
  };
}
