/**
 * The routing decision: tier (with split detection), method and its checklist, approval chain.
 * Pure and deterministic: the routing instant `at` is passed in and nothing reads the clock.
 */
import { buildChain } from './chain';
import { contractLabel, type ContractFacts } from './contracts';
import { utcDate } from './dates';
import { missingDocuments, requirementsFor, type VerifiedDocument } from './documents';
import { PolicyInvalidError } from './errors';
import { evaluateMethod, evaluateRequirements, type FieldCheck } from './methods';
import { formatUsd } from './money';
import { overlayProblems, requireBase, shippedFederalOverlay, validateAgainstPolicy } from './policy';
import type { OverlayPolicy, Policy } from './policy-schema';
import { relatedRequests } from './split';
import { classify } from './tiers';
import type { Check, Flag, MethodEvidence, MethodType, PriorRequest, PurchaseRequest, Reason, RoutingDecision } from './types';
import { METHOD_NAMES } from './vocabulary';

export interface RouteContext {
  policy: Policy;
  history: readonly PriorRequest[];
  at: Date;
  /**
   * The overlay for federal funds. Used only when the request's fundingSource is federal; when
   * absent, the shipped `federal` overlay (2 CFR 200) applies.
   */
  federal?: Policy;
  /** The request's own id, so a history that already holds it does not count it twice. */
  requestId?: string;
  /**
   * The referenced documents the server verified (stored, the submitter's, size, type, hash).
   * When given, a document the method needs (the policy's `documents.required`) and not among
   * them returns the request, naming it. Absent: documents are not judged (a request stored
   * before documents existed).
   */
  documents?: readonly Pick<VerifiedDocument, 'id' | 'purpose'>[];
  /** The registered contract the request's method names (`method.contractId`), if the registry has it. */
  contract?: ContractFacts;
}

function overlayFor(r: PurchaseRequest, ctx: RouteContext): OverlayPolicy | undefined {
  if (r.fundingSource !== 'federal') return undefined;
  const overlay = ctx.federal ?? shippedFederalOverlay();
  if (overlay.kind !== 'overlay') throw new PolicyInvalidError(overlay.id, ['the federal context policy must be an overlay']);
  return overlay;
}

export function routeRequest(r: PurchaseRequest, ctx: RouteContext): RoutingDecision {
  const policy = requireBase(ctx.policy);
  const overlay = overlayFor(r, ctx);
  if (overlay) {
    const problems = overlayProblems(policy, overlay);
    if (problems.length > 0) throw new PolicyInvalidError(policy.id, problems);
  }
  const date = utcDate(ctx.at);
  const reasons: Reason[] = validateAgainstPolicy(r, policy).map((e) => ({
    code: 'invalid-for-policy',
    message: e.message,
    field: e.field,
  }));

  // Tier: the request alone, then with its related requests (trailing window, and fiscal year when the policy says so).
  const facts = { davisBacon: r.federal?.davisBacon === true };
  const alone = classify(policy, overlay, r.amountCents, r.category, date, facts);
  const split = relatedRequests(r, ctx.history, ctx.at, policy.splitting, ctx.requestId);
  const aggregateCents = r.amountCents + split.sumCents;
  const together = classify(policy, overlay, aggregateCents, r.category, date, facts);
  const splitSuspected = split.related.length > 0 && together.rank > alone.rank;
  const tierMatch = splitSuspected ? together : alone;
  const basisCents = splitSuspected ? aggregateCents : r.amountCents;
  const flags: Flag[] = [];
  if (splitSuspected) {
    const from = policy.splitting.acrossDepartments ? 'any department' : r.department;
    // The related requests are those of the longer period (the trailing window and the fiscal year both end now).
    const fiscalYear = split.fiscalYear ? { from: split.fiscalYear.from, totalCents: split.fiscalYear.sumCents + r.amountCents } : undefined;
    const period = fiscalYear && fiscalYear.from === split.window.from
      ? `in the fiscal year from ${fiscalYear.from.slice(0, 10)}`
      : `within ${policy.splitting.windowDays} days`;
    const yearTotal = fiscalYear && fiscalYear.from !== split.window.from
      ? `; this fiscal year (from ${fiscalYear.from.slice(0, 10)}) ${formatUsd(fiscalYear.totalCents)}`
      : '';
    const earlier = split.related.map((p) => ({
      id: p.id,
      ...(p.number ? { number: p.number } : {}),
      department: p.department,
      vendor: p.vendor.name,
      amountCents: p.amountCents,
      submittedAt: p.submittedAt,
    }));
    flags.push({
      type: 'split-suspected',
      detail:
        `${split.related.length + 1} requests from ${from} to ${r.vendor.name} ${period} ` +
        `total ${formatUsd(aggregateCents)}${yearTotal}: tier ${together.tier.id}, while this request alone (${formatUsd(r.amountCents)}) ` +
        `is tier ${alone.tier.id}; routed at the aggregate tier`,
      requestIds: [...split.related.map((p) => p.id), ...(ctx.requestId ? [ctx.requestId] : [])],
      earlier,
      aggregateCents,
      window: split.window,
      ...(fiscalYear ? { fiscalYear } : {}),
    });
  }
  const tier = {
    id: tierMatch.tier.id,
    reason: splitSuspected
      ? `Split suspected: the aggregate ${formatUsd(aggregateCents)} of ${split.related.length + 1} related requests decides the tier. ${tierMatch.reason}`
      : tierMatch.reason,
    citation: splitSuspected ? `${tierMatch.citation}; ${policy.splitting.citation}` : tierMatch.citation,
    basisCents,
  };

  // Method: the requester's choice, or the tier's default, within what every applicable policy permits.
  const permitted = tierMatch.tier.methods.filter(
    (m) => !tierMatch.overlay || tierMatch.overlay.tier.methods.includes(m),
  );
  let evidence: MethodEvidence | undefined = r.method;
  let selectedBy: 'requester' | 'policy' = 'requester';
  if (!evidence && tierMatch.tier.defaultMethod && permitted.includes(tierMatch.tier.defaultMethod)) {
    evidence = defaultEvidence(tierMatch.tier.defaultMethod);
    selectedBy = 'policy';
  }

  let method: RoutingDecision['method'];
  if (!evidence) {
    const alternatives = permitted.filter((m) => m !== 'quotes');
    reasons.push({
      code: 'method-required',
      field: 'method',
      message: `tier ${tier.id} needs a purchasing method: attach at least 3 written quotes (method "quotes") or name an alternative method: ${alternatives.join(', ')}`,
      citation: tierMatch.tier.citation,
    });
    method = { type: 'quotes', selectedBy: 'policy', eligible: false, checks: [] };
  } else {
    const isPermitted = permitted.includes(evidence.type);
    if (!isPermitted) {
      const forbiddenBy =
        tierMatch.overlay && !tierMatch.overlay.tier.methods.includes(evidence.type) ? tierMatch.overlay.tier : tierMatch.tier;
      reasons.push({
        code: 'method-not-permitted',
        field: 'method.type',
        message: `${METHOD_NAMES[evidence.type]} is not allowed in the ${tier.id} tier; allowed there: ${permitted.map((m) => METHOD_NAMES[m]).join(', ')}`,
        citation: forbiddenBy.citation,
      });
    }
    const checks = evaluateMethod(evidence, {
      layers: overlay ? [policy, overlay] : [policy],
      tierId: tier.id,
      microTier: tierMatch.rank === 0,
      ...(tierMatch.ceilingCents !== undefined ? { ceilingCents: tierMatch.ceilingCents } : {}),
      date,
      ...(r.neededBy ? { neededBy: r.neededBy } : {}),
      vendorName: r.vendor.name,
      ...(ctx.contract ? { contract: ctx.contract } : {}),
      // Line by line when there are lines (the Key West case: several solutions under one contract).
      items: r.lines?.length
        ? r.lines.map((l, i) => ({ label: `line ${i + 1} (${l.description})`, category: l.category ?? r.category }))
        : [{ label: 'the request', category: r.category }],
    });
    const unregistered = unregisteredContract(evidence);
    if (unregistered) flags.push(unregistered);
    for (const c of checks.filter((c) => !c.passed)) {
      reasons.push({
        code: 'check-failed',
        checkId: c.id,
        // The words a requester reads; `checkId` names the check for programs.
        message: `${METHOD_NAMES[evidence.type]}: ${c.detail}`,
        ...(c.field ? { field: c.field } : {}),
        citation: c.citation,
      });
    }
    if (ctx.documents) reasons.push(...missingDocuments(r, ctx.documents, requirementsFor(overlay ? [policy, overlay] : [policy], evidence.type)));
    method = {
      type: evidence.type,
      selectedBy,
      eligible: isPermitted && checks.every((c) => c.passed),
      checks: checks.map(({ id, passed, detail, citation }) => ({ id, passed, detail, citation })),
    };
  }

  // Federal evidence beyond the method (cost or price analysis, exclusion check, telecom attestation).
  const required: FieldCheck[] =
    overlay && tierMatch.overlay
      ? evaluateRequirements(overlay, {
          overlayTierId: tierMatch.overlay.tier.id,
          basisCents,
          category: r.category,
          date,
          federal: r.federal,
        })
      : [];
  for (const c of required.filter((c) => !c.passed)) {
    reasons.push({
      code: 'check-failed',
      checkId: c.id,
      message: `federal requirement ${c.id} failed: ${c.detail}`,
      ...(c.field ? { field: c.field } : {}),
      citation: c.citation,
    });
  }
  if (required.length > 0) {
    const extra: Check[] = required.map(({ id, passed, detail, citation }) => ({ id, passed, detail, citation }));
    method = { ...method, eligible: method.eligible && extra.every((c) => c.passed), checks: [...method.checks, ...extra] };
  }

  let checkpoints: RoutingDecision['checkpoints'] = [];
  if (reasons.length === 0) {
    const chain = buildChain(policy, overlay, {
      tierId: tier.id,
      methodType: method.type,
      fundingSource: r.fundingSource,
      category: r.category,
      basisCents,
      department: r.department,
      requester: r.requester,
      date,
    });
    for (const u of chain.unstaffed) reasons.push({ code: 'no-eligible-approver', message: u.message });
    if (reasons.length === 0) checkpoints = chain.checkpoints;
  }

  return {
    status: reasons.length === 0 ? 'PENDING_APPROVAL' : 'RETURNED',
    policy: { id: policy.id, version: policy.version },
    tier,
    method,
    checkpoints,
    flags,
    reasons,
    routedAt: ctx.at.toISOString(),
  };
}

/**
 * A cooperative, piggyback or state contract the registry does not hold: the requester's answers
 * stand as declared, and the flag asks purchasing to verify them at its checkpoint (and to add the
 * contract to the registry, so the next requester need not declare them again).
 */
function unregisteredContract(m: MethodEvidence): Flag | undefined {
  if (m.type !== 'cooperative' && m.type !== 'piggyback' && m.type !== 'state-contract') return undefined;
  if (m.contractId !== undefined) return undefined;
  const named = contractLabel({
    vehicle: m.type,
    number: m.contractNumber ?? '(no number)',
    supplier: 'not in the registry',
    gpo: m.type === 'cooperative' ? m.alliance ?? 'an unnamed alliance' : undefined,
    leadAgency: m.type === 'piggyback' ? m.leadAgency ?? 'an unnamed agency' : undefined,
    state: m.type === 'state-contract' ? m.state ?? 'an unnamed' : undefined,
  });
  return {
    type: 'contract-unverified',
    detail: `${named}: the checklist holds the requester's own answers. Purchasing verifies them against the contract documents at its checkpoint, and adds the contract to the registry.`,
  };
}

function defaultEvidence(type: MethodType): MethodEvidence {
  // Only evidence-free methods are sensible defaults (direct for micro, competitive for formal).
  if (type === 'direct' || type === 'competitive') return { type };
  if (type === 'quotes') return { type, quotes: [] };
  return { type } as MethodEvidence;
}
