/**
 * Routing: the domain core decides; this use case gathers its inputs (the policy, the prior
 * requests for split detection through the bySplitKey or byVendor index) and records the outcome.
 */
import { routeRequest, splitHistoryFrom, type Policy, type PriorRequest, type PurchaseRequest, type RoutingDecision, type RoutingStatus } from '../domain';
import { requireBase } from '../domain/policy';
import { RequestCancelledError, WorkflowStateError } from '../shared/errors';
import { logger } from '../shared/logger';
import { flushAudit } from '../store/audit-flush';
import type { RequestStatus } from '../store/records';
import { requestRouted } from './audit-events';
import { recordContractUse, resolveContract } from './contracts';
import type { Deps } from './deps';
import { declaredDocuments } from './documents';
import { requestedBy, type Principal } from './identity';
import { validatePurchaseRequest } from './submit';

/** Requests never routed (still SUBMITTED) or that never became commitments do not count towards a split. */
const NOT_COMMITTED: RequestStatus[] = ['SUBMITTED', 'CANCELLED', 'REJECTED', 'RETURNED', 'EXPIRED'];

/**
 * The earlier requests the policy's split rule compares with: from the start of its period (the
 * trailing window, or the fiscal year when that reaches further back), of the request's
 * department or, when the policy says so, of every department.
 */
const history = async (deps: Pick<Deps, 'requests'>, request: PurchaseRequest, policy: Policy, at: Date): Promise<PriorRequest[]> => {
  const splitting = requireBase(policy).splitting;
  const since = splitHistoryFrom(splitting, at).toISOString();
  const prior = await deps.requests.priorRequests(request.department, request.vendor.name, since, { acrossDepartments: splitting.acrossDepartments === true });
  return prior
    .filter((p) => !NOT_COMMITTED.includes(p.status))
    .map((p) => ({
      id: p.id, ...(p.number ? { number: p.number } : {}), department: p.department, vendor: { name: p.vendorName },
      amountCents: p.amountCents, submittedAt: p.submittedAt,
    }));
};

/** POST /routing/preview: the decision the signed-in person's submission would get now, with no side effect. */
export const previewRouting = async (deps: Pick<Deps, 'requests' | 'contracts' | 'policies' | 'clock' | 'documents'>, body: unknown, by: Principal): Promise<RoutingDecision> => {
  const request = requestedBy(validatePurchaseRequest(body, deps, by), by);
  const policy = deps.policies.get(request.policy);
  const at = deps.clock();
  // The preview takes the referenced uploads at their declared purpose; submission verifies them.
  const documents = await declaredDocuments(deps, request, by);
  const contract = await resolveContract(deps, request);
  return routeRequest(request, { policy, history: await history(deps, request, policy, at), at, documents, ...(contract ? { contract } : {}) });
};

export interface RouteTaskOutput { status: RoutingStatus; checkpointCount: number }

/**
 * The RouteRequest task. Safe to retry: a request already routed returns its stored decision.
 * The decision and its audit events are one write; the flush at the start writes whatever an
 * earlier run (or the submission) left pending.
 */
export const routeSubmittedRequest = async (deps: Pick<Deps, 'requests' | 'contracts' | 'audit' | 'policies' | 'clock'>, requestId: string): Promise<RouteTaskOutput> => {
  await flushAudit(deps, requestId);
  const record = await deps.requests.get(requestId);
  if (!record) throw new WorkflowStateError(`request ${requestId} does not exist`);
  if (record.status === 'CANCELLED') throw new RequestCancelledError('the request was cancelled before routing');
  if (record.status !== 'SUBMITTED') {
    if (!record.routing) throw new WorkflowStateError(`request ${requestId} is ${record.status} without a routing decision`);
    return { status: record.routing.status, checkpointCount: record.routing.checkpoints.length };
  }
  const policy = deps.policies.get(record.request.policy);
  const at = deps.clock();
  // The registry's facts of the contract the request names, as they stand when it is routed.
  const contract = await resolveContract(deps, record.request);
  const decision = routeRequest(record.request, {
    policy, history: await history(deps, record.request, policy, at), at, requestId,
    ...(record.documents ? { documents: record.documents } : {}), ...(contract ? { contract } : {}),
  });
  const moved = await deps.requests.recordRouting(requestId, decision, at.toISOString(), requestRouted(decision, at.toISOString()));
  await flushAudit(deps, requestId);
  if (!moved) {
    const now = await deps.requests.get(requestId);
    if (now?.status === 'CANCELLED') throw new RequestCancelledError('the request was cancelled while it was being routed');
    if (!now?.routing) throw new WorkflowStateError(`request ${requestId} changed state during routing`);
    return { status: now.routing.status, checkpointCount: now.routing.checkpoints.length };
  }
  await recordContractUse(deps, { ...record, status: decision.status }, at.toISOString());
  logger.info('request routed', { requestId, status: decision.status, tier: decision.tier.id, method: decision.method.type, checkpoints: decision.checkpoints.length });
  return { status: decision.status, checkpointCount: decision.checkpoints.length };
};
