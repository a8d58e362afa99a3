/**
 * What the request page shows, as plain data: the route (tier → method → each checkpoint, each in
 * one of a few states a person can tell apart), who holds the request now, the audit timeline in
 * words, and the actions this viewer may take. Pure: the stored records, the trail and the viewer
 * in, a view model out; the renderer (presentation/request-page.ts) only draws it.
 */
import type { AuditEvent } from '../audit/chain';
import { formatUsd } from '../domain';
import { methodLabel, requestStatusLabel } from '../presentation/format';
import type { CheckpointRecord, RequestRecord } from '../store/records';
import { OPEN_STATUSES } from '../store/records';
import { authorize, isOwnRequest } from './authorize';
import type { Principal } from './identity';

/**
 * A node's state on the drawing. `done`: approved (or, for tier and method, decided); `rejected`:
 * decided against; `waiting`: the step the request waits on now; `not-yet`: still ahead;
 * `skipped`: will never be decided (expired, cancelled, or the request ended before it).
 */
export type RouteNodeState = 'done' | 'rejected' | 'waiting' | 'not-yet' | 'skipped';

export interface RouteNode {
  kind: 'tier' | 'method' | 'checkpoint';
  /** "Tier: formal", "Cooperative contract", "Department head". */
  title: string;
  state: RouteNodeState;
  /** The state in words: "Approved", "Waiting for a decision", "Not asked yet"… */
  stateLabel: string;
  /** The one node the request waits on now (at most one). */
  current: boolean;
  /** Checkpoints: the person asked, and whom they stand in for. */
  person?: string;
  onBehalfOf?: string;
  /** Who decided, when someone other than the person asked would read differently (escalation). */
  decidedBy?: string;
  /** ISO instants. */
  decidedAt?: string;
  openedAt?: string;
  dueAt?: string;
  /** Tier and method: why (the policy's reason). */
  detail?: string;
}

export interface RouteView {
  nodes: RouteNode[];
  /** One sentence for the drawing's accessible name. */
  summary: string;
}

const isOpen = (record: RequestRecord) => (OPEN_STATUSES as readonly string[]).includes(record.status);

const checkpointState = (c: CheckpointRecord, requestOpen: boolean): Pick<RouteNode, 'state' | 'stateLabel'> => {
  switch (c.state) {
    case 'approved': return { state: 'done', stateLabel: 'Approved' };
    case 'rejected': return { state: 'rejected', stateLabel: 'Rejected' };
    case 'pending': return requestOpen ? { state: 'waiting', stateLabel: 'Waiting for a decision' } : { state: 'skipped', stateLabel: 'Closed without a decision' };
    case 'expired': return { state: 'skipped', stateLabel: 'Expired without a decision' };
    case 'cancelled': return { state: 'skipped', stateLabel: 'Cancelled' };
    case 'waiting': return requestOpen ? { state: 'not-yet', stateLabel: 'Not asked yet' } : { state: 'skipped', stateLabel: 'Not reached' };
  }
};

/** The route as nodes: the tier, the method, then each checkpoint in order. */
export const routeView = (record: RequestRecord, checkpoints: readonly CheckpointRecord[]): RouteView => {
  const routing = record.routing;
  const open = isOpen(record);
  const nodes: RouteNode[] = [];
  if (!routing) {
    const routingState: Pick<RouteNode, 'state' | 'stateLabel' | 'current'> = open
      ? { state: 'waiting', stateLabel: 'Being routed', current: true }
      : { state: 'skipped', stateLabel: 'Not routed', current: false };
    nodes.push({ kind: 'tier', title: 'Tier', ...routingState });
    nodes.push({ kind: 'method', title: methodLabel(record.request.method?.type ?? 'to be selected'), state: open ? 'not-yet' : 'skipped', stateLabel: open ? 'Not checked yet' : 'Not checked', current: false });
  } else {
    nodes.push({ kind: 'tier', title: `Tier: ${routing.tier.id}`, state: 'done', stateLabel: 'Set by the policy', current: false, detail: routing.tier.reason });
    const returned = record.status === 'RETURNED';
    nodes.push({
      kind: 'method', title: methodLabel(routing.method.type), current: returned,
      ...(returned ? { state: 'rejected', stateLabel: 'Returned for changes' } as const
        : routing.method.eligible ? { state: 'done', stateLabel: 'Eligible' } as const : { state: 'rejected', stateLabel: 'Not eligible' } as const),
      detail: routing.method.checks.length ? `${routing.method.checks.filter((c) => c.passed).length} of ${routing.method.checks.length} checks passed` : undefined,
    });
  }
  for (const c of checkpoints) {
    const { state, stateLabel } = checkpointState(c, open);
    const decider = c.decision?.decidedBy.name;
    nodes.push({
      kind: 'checkpoint', title: c.roleTitle, state, stateLabel, current: state === 'waiting',
      person: c.approver.name,
      onBehalfOf: c.decision?.onBehalfOf?.name ?? c.onBehalfOf?.name,
      decidedBy: decider && decider !== c.approver.name ? decider : undefined,
      decidedAt: c.decision?.decidedAt ?? (c.state === 'expired' || c.state === 'cancelled' ? c.closedAt : undefined),
      openedAt: c.openedAt,
      dueAt: c.deadlines?.expireAt,
    });
  }
  return { nodes, summary: routeSummary(record, nodes) };
};

const routeSummary = (record: RequestRecord, nodes: readonly RouteNode[]): string => {
  const steps = nodes.filter((n) => n.kind === 'checkpoint');
  const count = (state: RouteNodeState) => steps.filter((n) => n.state === state).length;
  const [tier, method] = nodes;
  const head = `${tier!.title.replace(/^Tier: /, 'Tier ')}, ${method!.title.toLowerCase()}`;
  if (steps.length === 0) return `${head}; no approvals (${requestStatusLabel(record.status).toLowerCase()}).`;
  const current = steps.find((n) => n.current);
  const parts = [`${count('done')} approved`];
  if (count('rejected')) parts.push(`${count('rejected')} rejected`);
  if (current) parts.push(`now waiting for ${current.person} (${current.title})`);
  if (count('not-yet')) parts.push(`${count('not-yet')} not asked yet`);
  if (count('skipped')) parts.push(`${count('skipped')} skipped`);
  return `${head}; ${steps.length} approval${steps.length === 1 ? '' : 's'}: ${parts.join(', ')}.`;
};

/** One line of the audit timeline, in words. */
export interface TimelineEntry {
  seq: number;
  at: string;
  /** "Approved (Department head)". */
  what: string;
  /** "Dana Ortiz", "Ben Ito on behalf of Dana Park", or "The system". */
  who: string;
  /** A comment or reason someone wrote. */
  note?: string;
}

const recipientName = (data: Record<string, unknown>) => (data.recipient as { name?: string } | undefined)?.name ?? 'the approver';

/** Each event type in words; an event type this page does not know is shown by its name. */
const describe = (event: AuditEvent, roleTitle: (index: unknown) => string): { what: string; note?: string } => {
  const d = event.data ?? {};
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
  switch (event.type) {
    case 'request-submitted': return { what: d.number ? `Submitted as ${String(d.number)}` : 'Submitted' };
    case 'request-numbered': return { what: `Numbered ${String(d.number)}` };
    case 'request-routed': return { what: 'Routed by the policy' };
    case 'split-suspected': return { what: 'Flagged: a possible split purchase', note: text(d.detail) };
    case 'checkpoint-opened': return { what: `${roleTitle(d.index)} asked to decide` };
    case 'approval-requested': return { what: `Approval email sent to ${recipientName(d)}${d.resent ? ' (sent again)' : ''}` };
    case 'reminder-sent': return { what: `Reminder sent to ${recipientName(d)}` };
    case 'approval-escalated': return { what: `Escalated to ${recipientName(d)}` };
    case 'notification-failed': return { what: `An email to ${recipientName(d)} could not be delivered` };
    case 'checkpoint-approved': return { what: `Approved (${roleTitle(d.index)})`, note: text(d.comment) };
    case 'checkpoint-rejected': return { what: `Rejected (${roleTitle(d.index)})`, note: text(d.comment) };
    case 'checkpoint-expired': return { what: `${roleTitle(d.index)} expired without a decision` };
    case 'request-cancelled': return { what: 'Cancelled', note: text(d.reason) };
    case 'request-finalized': return { what: `Outcome recorded: ${requestStatusLabel(String(d.status)).toLowerCase()}` };
    case 'requester-notified': return { what: 'The requester was told the outcome' };
    default: return { what: event.type };
  }
};

const actorLine = (event: AuditEvent): string => {
  const { actor } = event;
  if (actor.kind === 'system' || !actor.name) return 'The system';
  return actor.onBehalfOf ? `${actor.name} on behalf of ${actor.onBehalfOf.name}` : actor.name;
};

/**
 * The trail, oldest first: an auditor reads it as the chain runs (seq order, the order the hashes
 * verify in), cause before effect; the page's status block already says where it stands now.
 */
export const timeline = (events: readonly AuditEvent[], checkpoints: readonly CheckpointRecord[]): TimelineEntry[] => {
  const roleTitle = (index: unknown) => checkpoints.find((c) => c.index === index)?.roleTitle ?? `Step ${Number(index) + 1}`;
  return [...events].sort((a, b) => a.seq - b.seq).map((event) => ({ seq: event.seq, at: event.at, who: actorLine(event), ...describe(event, roleTitle) }));
};

/** What the viewer may do here; each is offered only when the authorization table allows it and the state permits it. */
export interface RequestActions {
  /** Cancel, with a reason required when it is not the viewer's own request (purchasing). */
  cancel?: { reasonRequired: boolean };
  /** Send the current approver's email again (purchasing), offered after its delivery failed. */
  resend: boolean;
  /** A RETURNED request of the viewer's: start a new one from it. */
  copyAndFix: boolean;
}

const MAIL_EVENTS = ['approval-requested', 'reminder-sent', 'approval-escalated', 'notification-failed'];

/** The current approver's last email failed (its last mail event in the trail is `notification-failed`): something to resend. */
export const deliveryFailed = (events: readonly AuditEvent[], checkpoints: readonly CheckpointRecord[]): boolean => {
  const current = checkpoints.find((c) => c.state === 'pending');
  if (!current) return false;
  const mail = [...events].sort((a, b) => a.seq - b.seq).filter((e) => MAIL_EVENTS.includes(e.type) && e.data?.index === current.index);
  return mail[mail.length - 1]?.type === 'notification-failed';
};

export const requestActions = (viewer: Principal, record: RequestRecord, checkpoints: readonly CheckpointRecord[], failedDelivery = false): RequestActions => {
  const ownership = { requester: { email: record.request.requester.email }, department: record.request.department };
  const open = isOpen(record) && !record.settled;
  const cancel = authorize(viewer, 'cancel', ownership);
  const waitingOnSomeone = record.status === 'PENDING_APPROVAL' && checkpoints.some((c) => c.state === 'pending') && failedDelivery;
  return {
    cancel: open && cancel.allowed ? { reasonRequired: cancel.conditions.includes('reason-required') } : undefined,
    resend: waitingOnSomeone && authorize(viewer, 'resend-notification', ownership).allowed,
    copyAndFix: record.status === 'RETURNED' && isOwnRequest(viewer, ownership),
  };
};

/** Who holds the request now: the current checkpoint's person, since it opened, and when it is due. */
export interface Holder { name: string; roleTitle: string; onBehalfOf?: string; since?: string; dueAt?: string }

export interface RequestPageView {
  id: string;
  /** The number to show: PR-2026-000123, or the id for a request from before numbers. */
  displayNumber: string;
  title: string;
  description?: string;
  status: string;
  statusLabel: string;
  amount: string;
  vendor: string;
  department: string;
  requester: string;
  submittedAt: string;
  neededBy?: string;
  holder?: Holder;
  /** When and why it ended (outcome, cancellation). */
  endedAt?: string;
  cancellation?: { by?: string; reason?: string };
  /** RETURNED (and other outcomes'): the reasons, with the policy rule cited. */
  reasons: Array<{ message: string; citation?: string }>;
  method: { label: string; eligible: boolean; checks: Array<{ id: string; passed: boolean; detail: string; citation: string }> };
  route: RouteView;
  timeline: TimelineEntry[];
  trailVerified: boolean;
  actions: RequestActions;
}

export const requestPageView = (
  viewer: Principal, record: RequestRecord, checkpoints: readonly CheckpointRecord[], trail: { events: readonly AuditEvent[]; verified: boolean },
): RequestPageView => {
  const r = record.request;
  const current = record.status === 'PENDING_APPROVAL' ? checkpoints.find((c) => c.state === 'pending') : undefined;
  const routingReasons = record.routing?.reasons ?? [];
  return {
    id: record.id,
    displayNumber: record.number ?? record.id,
    title: r.title,
    description: r.description,
    status: record.status,
    statusLabel: requestStatusLabel(record.status),
    amount: formatUsd(r.amountCents),
    vendor: r.vendor.name,
    department: r.department,
    requester: r.requester.name,
    submittedAt: record.submittedAt,
    neededBy: r.neededBy,
    holder: current ? { name: current.approver.name, roleTitle: current.roleTitle, onBehalfOf: current.onBehalfOf?.name, since: current.openedAt, dueAt: current.deadlines?.expireAt } : undefined,
    endedAt: record.outcome?.at ?? record.cancellation?.at,
    cancellation: record.cancellation ? { by: record.cancellation.by?.name, reason: record.cancellation.reason } : undefined,
    reasons: record.outcome?.reasons?.length ? record.outcome.reasons : routingReasons.map((x) => ({ message: x.message, citation: x.citation })),
    method: {
      label: methodLabel(record.routing?.method.type ?? r.method?.type ?? 'to be selected'),
      eligible: record.routing?.method.eligible ?? false,
      checks: record.routing?.method.checks ?? [],
    },
    route: routeView(record, checkpoints),
    timeline: timeline(trail.events, checkpoints),
    trailVerified: trail.verified,
    actions: requestActions(viewer, record, checkpoints, deliveryFailed(trail.events, checkpoints)),
  };
};
