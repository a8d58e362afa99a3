/**
 * Purchasing-method eligibility: one checklist per method, each check citing the rule it applies.
 * With an overlay the rules merge so the stricter one wins: sole-source grounds are intersected,
 * the quote count is the larger, and the overlay's extra checks (procured under 2 CFR 200) join.
 */
import { registeredContractChecks, type ContractFacts, type ScopeItem } from './contracts';
import { laterDate } from './dates';
import { formatUsd } from './money';
import type { MethodRule, OverlayPolicy, Policy, Requirement } from './policy-schema';
import { vendorKey } from './split';
import { SOLE_SOURCE_GROUNDS, type Category, type Check, type MethodEvidence, type MethodType, type PurchaseRequest, type SoleSourceGround } from './types';

export interface MethodContext {
  /** the policies that apply, base first */
  layers: Policy[];
  tierId: string;
  /** true when the tier is the first (micro) tier of the base policy */
  microTier: boolean;
  /** the tier's ceiling in cents, when it has one */
  ceilingCents?: number;
  /** routing date YYYY-MM-DD */
  date: string;
  neededBy?: string;
  vendorName: string;
  /**
   * The registry's record of the contract the method names (`method.contractId`), resolved by
   * the caller; absent when the method names none or the registry has no such contract.
   */
  contract?: ContractFacts;
  /** What is bought, for the contract's scope: the request's lines, or the request itself. */
  items?: readonly ScopeItem[];
}

/** A check with the request field a requester would fix. */
export interface FieldCheck extends Check {
  field?: string;
}

/** Checks an overlay field adds or tightens, so its citation joins the base one. */
const OVERLAY_DRIVEN: Record<string, (r: MethodRule) => boolean> = {
  'ground-allowed': (r) => r.grounds !== undefined,
  'quotes-count': (r) => r.minQuotes !== undefined,
  'procured-under-2cfr200': (r) => r.requireProcuredUnder2CFR200 === true,
};

function cite(ctx: MethodContext, method: MethodType, checkId: string): string {
  const out: string[] = [];
  ctx.layers.forEach((layer, i) => {
    const rule = layer.methods[method];
    if (!rule) return;
    const specific = rule.checks?.[checkId];
    if (i === 0) out.push(specific ?? rule.citation);
    else if (specific) out.push(specific);
    else if (OVERLAY_DRIVEN[checkId]?.(rule)) out.push(rule.citation);
  });
  return [...new Set(out)].join('; ') || method;
}

function rules(ctx: MethodContext, method: MethodType): MethodRule[] {
  return ctx.layers.map((l) => l.methods[method]).filter((r): r is MethodRule => r !== undefined);
}

export function allowedGrounds(ctx: MethodContext): SoleSourceGround[] {
  return rules(ctx, 'sole-source').reduce<SoleSourceGround[]>(
    (acc, r) => (r.grounds ? acc.filter((g) => r.grounds!.includes(g)) : acc),
    [...SOLE_SOURCE_GROUNDS],
  );
}

export function evaluateMethod(m: MethodEvidence, ctx: MethodContext): FieldCheck[] {
  const check = (id: string, passed: boolean, detail: string, field?: string): FieldCheck => ({
    id,
    passed,
    detail,
    citation: cite(ctx, m.type, id),
    ...(field && !passed ? { field } : {}),
  });
  // A contract must cover the whole period of use: through neededBy, and at least through today.
  const useUntil = laterDate(ctx.neededBy ?? ctx.date, ctx.date);
  const useLabel = ctx.neededBy && ctx.neededBy >= ctx.date ? `${useUntil} (needed by)` : `${useUntil} (routing date)`;
  const active = (id: string, expires: string | undefined): FieldCheck =>
    expires === undefined
      ? check(id, false, 'no contract expiry date given', 'method.expires')
      : check(
          id,
          expires >= useUntil,
          expires >= useUntil ? `contract runs through ${expires}, covering ${useLabel}` : `contract expires ${expires}, before ${useLabel}`,
          'method.expires',
        );
  const scope = (covers: boolean | undefined): FieldCheck =>
    check(
      'scope-covers',
      covers === true,
      covers === true ? 'requester confirms the items are within the contract scope' : 'the items are not confirmed to be within the contract scope',
      'method.scopeCovers',
    );
  const identified = (named: Record<string, string | undefined>, label: string): FieldCheck => {
    const missing = Object.entries(named).filter(([, v]) => !v).map(([k]) => k);
    return check(
      'contract-identified',
      missing.length === 0,
      missing.length === 0 ? label : `missing ${missing.join(' and ')}`,
      missing[0] ? `method.${missing[0]}` : undefined,
    );
  };
  const yes = (id: string, value: boolean | undefined, ok: string, bad: string, field: string): FieldCheck =>
    check(id, value === true, value === true ? ok : bad, field);
  // With federal funds every contract bought under must itself have been procured under 2 CFR 200.
  const procuredUnder2CFR200 = (method: 'cooperative' | 'piggyback' | 'state-contract', value: boolean | undefined): FieldCheck[] =>
    rules(ctx, method).some((r) => r.requireProcuredUnder2CFR200)
      ? [
          yes('procured-under-2cfr200', value, 'the original procurement complied with 2 CFR 200.317–200.327', 'with federal funds the original procurement must be shown to comply with 2 CFR 200.317–200.327', 'method.procuredUnder2CFR200'),
        ]
      : [];
  const justified = (text: string | undefined): FieldCheck =>
    check(
      'justification-documented',
      (text ?? '').trim().length > 0,
      (text ?? '').trim().length > 0 ? 'written justification attached' : 'a written justification is required',
      'method.justification',
    );

  if ((m.type === 'cooperative' || m.type === 'piggyback' || m.type === 'state-contract') && m.contractId !== undefined) {
    return registeredContractChecks(ctx.contract?.id === m.contractId ? ctx.contract : undefined, {
      methodType: m.type,
      contractId: m.contractId,
      date: ctx.date,
      useUntil,
      useLabel,
      items: ctx.items ?? [],
      requires2CFR200: rules(ctx, m.type).some((r) => r.requireProcuredUnder2CFR200),
      check,
    });
  }

  switch (m.type) {
    case 'direct':
    case 'competitive':
      return [];
    case 'cooperative':
      return [
        identified({ alliance: m.alliance, contractNumber: m.contractNumber }, `${m.alliance} contract ${m.contractNumber}`),
        active('contract-active', m.expires),
        scope(m.scopeCovers),
        ...procuredUnder2CFR200('cooperative', m.procuredUnder2CFR200),
      ];
    case 'state-contract':
      return [
        identified({ state: m.state, contractNumber: m.contractNumber }, `${m.state} state contract ${m.contractNumber}`),
        active('contract-active', m.expires),
        scope(m.scopeCovers),
        ...procuredUnder2CFR200('state-contract', m.procuredUnder2CFR200),
      ];
    case 'piggyback': {
      const checks = [
        identified({ leadAgency: m.leadAgency, contractNumber: m.contractNumber }, `${m.leadAgency} contract ${m.contractNumber}`),
        active('term-active', m.expires),
        scope(m.scopeCovers),
        yes('lead-agency-public', m.leadAgencyIsPublic, 'the lead agency is a public agency', 'the lead agency is not shown to be a public agency', 'method.leadAgencyIsPublic'),
        yes('competitively-bid', m.competitivelyBid, 'the contract came from a formal competitive process', 'the contract is not shown to come from a formal competitive process', 'method.competitivelyBid'),
        yes('cooperative-language', m.cooperativeLanguage, 'the solicitation and contract allow use by other agencies', 'the solicitation and contract are not shown to allow use by other agencies (cooperative language)', 'method.cooperativeLanguage'),
      ];
      checks.push(...procuredUnder2CFR200('piggyback', m.procuredUnder2CFR200));
      return checks;
    }
    case 'quotes': {
      const min = Math.max(3, ...rules(ctx, 'quotes').map((r) => r.minQuotes ?? 0));
      const named = m.quotes.filter((q) => q.vendor.trim().length > 0);
      const vendors = new Set(named.map((q) => vendorKey(q.vendor)));
      const unnamed = m.quotes.findIndex((q) => q.vendor.trim().length === 0);
      const over = m.quotes.findIndex((q) => ctx.ceilingCents !== undefined && q.amountCents > ctx.ceilingCents);
      const chosen = vendors.has(vendorKey(ctx.vendorName));
      return [
        check('quotes-count', vendors.size >= min, `${vendors.size} written quote(s) from different vendors; at least ${min} required`, 'method.quotes'),
        check(
          'quotes-vendors-named',
          unnamed < 0 && m.quotes.length > 0,
          unnamed < 0 ? (m.quotes.length > 0 ? 'every quote names its vendor' : 'no quotes attached') : `quote ${unnamed + 1} does not name its vendor`,
          unnamed < 0 ? 'method.quotes' : `method.quotes[${unnamed}].vendor`,
        ),
        check(
          'quotes-within-ceiling',
          over < 0,
          over < 0
            ? ctx.ceilingCents === undefined ? 'the tier has no ceiling' : `no quote above the ${ctx.tierId} ceiling of ${formatUsd(ctx.ceilingCents)}`
            : `quote ${over + 1} (${formatUsd(m.quotes[over]!.amountCents)}) is above the ${ctx.tierId} ceiling of ${formatUsd(ctx.ceilingCents!)}`,
          over < 0 ? undefined : `method.quotes[${over}].amount`,
        ),
        check(
          'quotes-include-selected-vendor',
          chosen,
          chosen ? `the selected vendor ${ctx.vendorName} is among the quotes` : `the selected vendor ${ctx.vendorName} is not among the quotes`,
          'vendor.name',
        ),
      ];
    }
    case 'sole-source': {
      const grounds = allowedGrounds(ctx);
      const checks = [
        check(
          'ground-allowed',
          m.ground !== undefined && grounds.includes(m.ground),
          m.ground === undefined
            ? `name one ground: ${grounds.join(', ')}`
            : grounds.includes(m.ground)
              ? `ground: ${m.ground}`
              : `ground ${m.ground} is not accepted here; accepted: ${grounds.join(', ')}`,
          'method.ground',
        ),
      ];
      // 200.320(c)(1): "within the micro-purchase threshold" is a ground only for a micro-purchase.
      if (m.ground === 'micro-purchase')
        checks.push(
          check(
            'ground-applies',
            ctx.microTier,
            ctx.microTier ? 'the purchase is within the micro-purchase tier' : `the purchase is in tier ${ctx.tierId}, above the micro-purchase threshold`,
            'method.ground',
          ),
        );
      checks.push(justified(m.justification));
      return checks;
    }
    case 'emergency':
      return [justified(m.justification)];
  }
}

export interface RequirementContext {
  /** the tier the overlay itself classifies the basis amount into */
  overlayTierId: string;
  basisCents: number;
  category: Category;
  /** routing date YYYY-MM-DD */
  date: string;
  federal: PurchaseRequest['federal'];
}

function requirementApplies(req: Requirement, ctx: RequirementContext): boolean {
  const w = req.when;
  if (w.overlayTiers && !w.overlayTiers.includes(ctx.overlayTierId)) return false;
  if (w.amountAtLeast !== undefined && ctx.basisCents < Math.round(w.amountAtLeast * 100)) return false;
  if (w.categories && !w.categories.includes(ctx.category)) return false;
  return true;
}

/** The overlay's evidence requirements that apply to this request, each as a check naming its field. */
export function evaluateRequirements(overlay: OverlayPolicy, ctx: RequirementContext): FieldCheck[] {
  return overlay.requirements.filter((req) => requirementApplies(req, ctx)).map((req) => requirementCheck(req, ctx));
}

function requirementCheck(req: Requirement, ctx: RequirementContext): FieldCheck {
  const make = (passed: boolean, detail: string, field: string): FieldCheck => ({
    id: req.id,
    passed,
    detail,
    citation: req.citation,
    ...(passed ? {} : { field }),
  });
  const f = ctx.federal ?? {};
  switch (req.id) {
    case 'cost-or-price-analysis':
      return make(
        f.costOrPriceAnalysis === true,
        f.costOrPriceAnalysis === true
          ? 'a cost or price analysis was performed (above the simplified acquisition threshold)'
          : 'above the simplified acquisition threshold a cost or price analysis is required, with an independent estimate made before bids or proposals',
        'federal.costOrPriceAnalysis',
      );
    case 'exclusion-check': {
      const c = f.exclusionCheck;
      if (!c) return make(false, 'the vendor’s SAM.gov exclusion check must be recorded (who checked, when, the result) for a covered transaction of $25,000 or more', 'federal.exclusionCheck');
      if (c.checkedOn > ctx.date) return make(false, `the exclusion check is dated ${c.checkedOn}, after the routing date ${ctx.date}`, 'federal.exclusionCheck.checkedOn');
      if (c.result === 'excluded') return make(false, `SAM.gov shows the vendor excluded (checked by ${c.checkedBy} on ${c.checkedOn}): no award to an excluded party`, 'federal.exclusionCheck.result');
      return make(true, `SAM.gov exclusion check by ${c.checkedBy} on ${c.checkedOn}: not excluded`, 'federal.exclusionCheck');
    }
    case 'covered-telecom-attestation':
      return make(
        f.coveredTelecomAttestation === true,
        f.coveredTelecomAttestation === true
          ? 'attested: no covered telecommunications or video surveillance equipment or services'
          : 'a technology purchase with federal funds needs the attestation that it holds no covered telecommunications or video surveillance equipment or services',
        'federal.coveredTelecomAttestation',
      );
  }
}
