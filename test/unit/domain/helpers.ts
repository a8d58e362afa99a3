/** Builders shared by the domain specs: a valid request body, parsed requests, fixed instants. */
import { looseCity } from '../../fixtures/policies';
import designExample from '../../fixtures/requests/formal-cooperative.json';
import { createPolicyRegistry, parsePurchaseRequest, routeRequest, type PriorRequest, type PurchaseRequest } from '../../../lambdas/domain';

export const registry = createPolicyRegistry({ extra: [looseCity] });
export const sampleCity = registry.get('sample-city');
export const loose = registry.get('loose-city');
export const federal = registry.get('federal');

export const AT = new Date('2026-12-01T00:00:00Z');

/** The DESIGN §6 example request body (a $120,000 cooperative purchase), a fresh copy each call. */
export const validBody = () => structuredClone(designExample);

/** A parsed request; `over` replaces top-level API fields (amount in dollars). */
export function request(over: Record<string, unknown> = {}): PurchaseRequest {
  const body: Record<string, unknown> = { ...validBody(), ...over };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  const parsed = parsePurchaseRequest(body);
  if (!parsed.ok) throw new Error(`test request is invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

export function route(r: PurchaseRequest, opts: { at?: Date; history?: PriorRequest[]; policy?: typeof sampleCity; requestId?: string } = {}) {
  return routeRequest(r, {
    policy: opts.policy ?? sampleCity,
    history: opts.history ?? [],
    at: opts.at ?? AT,
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
  });
}

export const roles = (d: ReturnType<typeof route>) => d.checkpoints.map((c) => c.role);

/** What the federal overlay asks a federally funded request to record, all satisfied (2 CFR 200.324, 180.300, 200.216). */
export const federalOk = {
  costOrPriceAnalysis: true,
  exclusionCheck: { checkedBy: 'Noor Rahman', checkedOn: '2026-11-30', result: 'not-excluded' },
  coveredTelecomAttestation: true,
};
