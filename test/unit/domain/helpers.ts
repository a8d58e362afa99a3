/** Builders shared by the domain specs: a valid request body, parsed requests, fixed instants. */
import looseCity from '../../fixtures/policies/loose-city.json';
import { createPolicyRegistry, parsePurchaseRequest, routeRequest, type PriorRequest, type PurchaseRequest } from '../../../lambdas/domain';

export const registry = createPolicyRegistry({ extra: [looseCity] });
export const sampleCity = registry.get('sample-city');
export const loose = registry.get('loose-city');
export const federal = registry.get('federal');

export const AT = new Date('2026-12-01T00:00:00Z');

export const validBody = () => ({
  policy: 'sample-city',
  title: 'Handheld ticket writers',
  description: 'Replace 40 handhelds for parking enforcement',
  department: 'Public Works',
  requester: { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' },
  category: 'goods',
  amount: 120000,
  currency: 'USD',
  vendor: { name: 'Acme Mobility' },
  fundingSource: 'local',
  neededBy: '2027-03-01',
  method: { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true },
});

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
