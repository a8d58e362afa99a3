/**
 * What each audience may see of the stored records. The API view never carries approval ids or
 * task tokens (those live in the approvals table, which the read API is not granted at all).
 */
import { formatUsd, lineCents, toPurchaseRequestJson } from '../domain';
import type { CheckpointView, RequestSummary } from '../presentation';
import type { CheckpointRecord, RequestRecord } from '../store/records';

export const checkpointView = (c: CheckpointRecord): CheckpointView => ({
  index: c.index,
  role: c.role,
  roleTitle: c.roleTitle,
  approver: c.approver,
  onBehalfOf: c.onBehalfOf,
  state: c.state,
  decidedAt: c.decision?.decidedAt ?? (c.state === 'expired' || c.state === 'cancelled' ? c.closedAt : undefined),
  decidedBy: c.decision ? c.decision.decidedBy.name : undefined,
  comment: c.decision?.comment,
  meetingDate: c.decision?.meetingDate,
  resolutionNumber: c.decision?.resolutionNumber,
});

export const requestSummary = (record: RequestRecord): RequestSummary => {
  const r = record.request;
  return {
    id: record.id,
    ...(record.number ? { number: record.number } : {}),
    title: r.title,
    description: r.description,
    department: r.department,
    requester: r.requester,
    amount: formatUsd(r.amountCents),
    category: r.category,
    vendor: r.vendor.name,
    fundingSource: r.fundingSource,
    neededBy: r.neededBy,
    status: record.status,
    tier: record.routing?.tier ?? { id: 'pending', reason: 'not routed yet', citation: '' },
    method: record.routing
      ? { type: record.routing.method.type, eligible: record.routing.method.eligible, checks: record.routing.method.checks }
      : { type: r.method?.type ?? 'to be selected', eligible: false, checks: [] },
    flags: (record.routing?.flags ?? []).map((f) => ({
      type: f.type,
      detail: f.detail,
      ...(f.type === 'split-suspected' && f.earlier
        ? { earlier: f.earlier.map((e) => ({ label: e.number ?? e.id, amount: formatUsd(e.amountCents), submittedAt: e.submittedAt, department: e.department })) }
        : {}),
      ...(f.type === 'split-suspected' && f.fiscalYear
        ? { fiscalYear: { from: f.fiscalYear.from, total: formatUsd(f.fiscalYear.totalCents) } }
        : {}),
    })),
    ...(r.lines
      ? {
          lines: r.lines.map((l) => ({
            // A line of another kind than the request says so (the approver judges it against the contract's scope).
            description: l.category && l.category !== r.category ? `${l.description} (${l.category})` : l.description,
            quantity: String(l.quantity),
            unitPrice: formatUsd(l.unitPriceCents),
            total: formatUsd(lineCents(l) ?? 0),
            account: l.account,
          })),
        }
      : {}),
  };
};

/** `base` is the stage or base path the caller used (`basePath(event)`), so links resolve behind execute-api. */
const links = (id: string, base = '') => ({ self: `${base}/requests/${id}`, audit: `${base}/requests/${id}/audit`, cancel: `${base}/requests/${id}/cancel` });

/** GET /requests/{id}: current state, the routing decision, the chain and who holds it now. */
export const requestView = (record: RequestRecord, checkpoints: CheckpointRecord[], base = '') => {
  const current = checkpoints.find((c) => c.state === 'pending');
  const decided = checkpoints.filter((c) => c.decision).map((c) => ({
    role: c.role,
    decision: c.decision!.decision === 'approve' ? 'approved' : 'rejected',
    by: c.decision!.decidedBy,
    onBehalfOf: c.decision!.onBehalfOf,
    at: c.decision!.decidedAt,
    comment: c.decision!.comment,
  }));
  return {
    id: record.id,
    /** The human number (PR-2026-000123); null only for a request stored before numbers existed. */
    number: record.number ?? null,
    status: record.status,
    submittedAt: record.submittedAt,
    updatedAt: record.updatedAt,
    request: toPurchaseRequestJson(record.request),
    tier: record.routing?.tier ?? null,
    method: record.routing?.method ?? null,
    flags: record.routing?.flags ?? [],
    reasons: record.routing?.reasons ?? [],
    policy: record.routing?.policy ?? { id: record.request.policy },
    checkpoints: checkpoints.map((c) => ({
      ...checkpointView(c),
      reason: c.reason,
      requires: c.requires,
      openedAt: c.openedAt,
      dueAt: c.deadlines?.expireAt,
    })),
    currentCheckpoint: current ? { index: current.index, role: current.role, approver: current.approver, onBehalfOf: current.onBehalfOf } : null,
    decision: record.outcome ? { status: record.outcome.status, at: record.outcome.at, reasons: record.outcome.reasons, checkpoints: decided } : null,
    links: links(record.id, base),
  };
};

/** One row of GET /requests. */
export const requestListItem = (record: RequestRecord, base = '') => ({
  id: record.id,
  number: record.number ?? null,
  status: record.status,
  title: record.request.title,
  department: record.request.department,
  amount: record.request.amountCents / 100,
  vendor: record.request.vendor.name,
  tier: record.routing?.tier.id ?? null,
  method: record.routing?.method.type ?? record.request.method?.type ?? null,
  submittedAt: record.submittedAt,
  links: links(record.id, base),
});

export { links as requestLinks };
