/**
 * Tier classification. A policy's tiers are tried in order and the first whose ceiling admits the
 * amount wins, so a larger amount can never land in a lower tier. With an overlay (federal funds)
 * both policies classify and the higher tier wins: the most restrictive rule applies.
 */
import { formatUsd } from './money';
import { maxAdmittedCents, type BasePolicy, type Ceiling, type OverlayPolicy, type Policy, type Tier } from './policy-schema';
import type { Category } from './types';

/** What the request says about itself that decides which special ceilings apply. */
export interface TierFacts {
  /** construction subject to Davis-Bacon under the program's legislation */
  davisBacon?: boolean;
}

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

function applies(c: Ceiling, facts: TierFacts): boolean {
  return c.onlyWhen === undefined || (c.onlyWhen === 'davis-bacon' && facts.davisBacon === true);
}

/**
 * Category-specific ceilings (Davis-Bacon construction) beat general ones; then the lowest wins.
 * A conditional ceiling counts only when the request meets its condition.
 */
export function ceilingFor(tier: Tier, category: Category, date: string, facts: TierFacts = {}): Ceiling | undefined {
  const live = tier.ceilings.filter((c) => inForce(c, date) && applies(c, facts));
  const specific = live.filter((c) => c.categories?.includes(category));
  const pool = specific.length > 0 ? specific : live.filter((c) => !c.categories);
  return [...pool].sort((a, b) => maxAdmitted(a) - maxAdmitted(b))[0];
}

/** A ceiling in words, from its numbers only: "at or below $2,000.00 for construction". */
export function ceilingWords(c: Ceiling): string {
  return `${c.inclusive ? 'at or below' : 'below'} ${formatUsd(Math.round(c.amount * 100))}${c.categories ? ` for ${c.categories.join(' or ')}` : ''}`;
}

export function classifyIn(policy: Policy, amountCents: number, category: Category, date: string, facts: TierFacts = {}): TierMatch {
  let below: Ceiling | undefined;
  for (let index = 0; index < policy.tiers.length; index++) {
    const tier = policy.tiers[index]!;
    const last = index === policy.tiers.length - 1;
    const ceiling = ceilingFor(tier, category, date, facts);
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
  facts: TierFacts = {},
): Classification {
  const local = classifyIn(base, amountCents, category, date, facts);
  const layered = overlay ? classifyIn(withSelfCertifiedMicroPurchase(overlay, base, date), amountCents, category, date, facts) : undefined;
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

/** The day a one-year certification made on `certifiedOn` (YYYY-MM-DD) lapses (exclusive). */
function oneYearAfter(certifiedOn: string): string {
  const [y, m, d] = certifiedOn.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + 1, m - 1, d)).toISOString().slice(0, 10);
}

/**
 * 2 CFR 200.320(a)(1)(iv): the agency's self-certified micro-purchase threshold replaces the FAR
 * threshold in the overlay's first tier while the annual certification is in force. Conditional
 * and category-specific ceilings (Davis-Bacon construction) stay: they are not the general threshold.
 */
export function withSelfCertifiedMicroPurchase(overlay: OverlayPolicy, base: BasePolicy, date: string): OverlayPolicy {
  const cert = base.federalAwards?.selfCertifiedMicroPurchase;
  const first = overlay.tiers[0];
  if (!cert || !first || overlay.tiers.length < 2) return overlay;
  const until = oneYearAfter(cert.certifiedOn);
  if (date < cert.certifiedOn || date >= until) return overlay;
  const selfCertified: Ceiling = {
    amount: cert.amount,
    inclusive: true,
    effectiveFrom: cert.certifiedOn,
    effectiveUntil: until,
    citation: cert.citation,
  };
  const kept = first.ceilings.filter((c) => c.categories !== undefined || c.onlyWhen !== undefined);
  return { ...overlay, tiers: [{ ...first, ceilings: [selfCertified, ...kept] }, ...overlay.tiers.slice(1)] };
}
