/**
 * The lists people read: my requests (home), what waits for my decision, and the purchasing
 * overview of every open request. The row builders and filters are pure (records and a clock in,
 * rows out); the loaders around them only read, through the list queries of the requests table
 * (store/request-lists.ts), never a Scan.
 *
 * Deadlines as a person reads them: a checkpoint is *due* at its reminder deadline (the policy's
 * time to answer) and *overdue* once that has passed; it *expires* at its expiry deadline.
 */
import { formatUsd } from '../domain';
import { sameMailbox } from '../domain/mailbox';
import { REQUEST_STATUSES, OPEN_STATUSES, type RequestStatus } from '../domain/vocabulary';
import { RequestNotFoundError, RequestValidationError } from '../shared/errors';
import type { ApprovalsTable } from '../store/approvals-table';
import type { CheckpointRecord, RequestRecord } from '../store/records';
import type { RequestsTable } from '../store/requests-table';
import { requestStatusLabel } from '../presentation/format';
import { AccessDeniedError, type Principal } from './identity';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Who holds a request now: the person asked (and whom they act for), in which role. */
export interface Holder { name: string; onBehalfOf?: string; roleTitle: string; escalatedTo?: string }

/** One request as every list shows it. */
export interface RequestRow {
  id: string;
  /** What a person reads and says: the PR number, or the id for requests from before numbers. */
  number: string;
  title: string;
  amount: string;
  amountCents: number;
  department: string;
  requester: { name: string; email: string };
  status: RequestStatus;
  /** Where the request is: the current checkpoint's role, "Being routed", or the final status. */
  stage: string;
  /** The checkpoint role id of the stage (for the stage filter); the status for requests not at a checkpoint. */
  stageKey: string;
  /** Orders stages as the workflow meets them: being routed first, then by checkpoint position. */
  stageOrder: number;
  holder?: Holder;
  /** When the request reached its current holder or status. */
  since: string;
  dueAt?: string;
  expiresAt?: string;
  overdue: boolean;
  submittedAt: string;
  ageDays: number;
}

const stageOf = (record: RequestRecord, current: CheckpointRecord | undefined): Pick<RequestRow, 'stage' | 'stageKey' | 'stageOrder'> => {
  if (record.status === 'PENDING_APPROVAL' && current) return { stage: current.roleTitle, stageKey: current.role, stageOrder: current.index };
  if (record.status === 'SUBMITTED' || record.status === 'PENDING_APPROVAL') return { stage: 'Being routed', stageKey: 'SUBMITTED', stageOrder: -1 };
  return { stage: requestStatusLabel(record.status), stageKey: record.status, stageOrder: Number.MAX_SAFE_INTEGER };
};

const sinceOf = (record: RequestRecord, current: CheckpointRecord | undefined): string =>
  (record.status === 'PENDING_APPROVAL' ? current?.openedAt : undefined)
  ?? record.outcome?.at ?? record.cancellation?.at ?? (record.status === 'SUBMITTED' ? record.submittedAt : record.updatedAt);

/**
 * The row of one request. `current` is the checkpoint at `record.currentIndex` (only read for
 * requests waiting for approval); a checkpoint that is not pending holds nobody.
 */
export const requestRow = (record: RequestRecord, current: CheckpointRecord | undefined, now: Date): RequestRow => {
  const r = record.request;
  const pending = record.status === 'PENDING_APPROVAL' && current?.state === 'pending' ? current : undefined;
  const dueAt = pending?.deadlines?.remindAt;
  const escalated = pending?.notified?.escalation !== undefined;
  return {
    id: record.id,
    number: record.number ?? record.id,
    title: r.title,
    amount: formatUsd(r.amountCents),
    amountCents: r.amountCents,
    department: r.department,
    requester: { name: r.requester.name, email: r.requester.email },
    status: record.status,
    ...stageOf(record, pending),
    ...(pending ? {
      holder: {
        name: pending.approver.name,
        roleTitle: pending.roleTitle,
        ...(pending.onBehalfOf ? { onBehalfOf: pending.onBehalfOf.name } : {}),
        ...(escalated ? { escalatedTo: pending.escalation.name } : {}),
      },
    } : record.status === 'RETURNED' ? { holder: { name: r.requester.name, roleTitle: 'Requester, to fix and submit again' } } : {}),
    since: sinceOf(record, pending),
    ...(dueAt ? { dueAt } : {}),
    ...(pending?.deadlines?.expireAt ? { expiresAt: pending.deadlines.expireAt } : {}),
    overdue: dueAt !== undefined && now.getTime() >= Date.parse(dueAt),
    submittedAt: record.submittedAt,
    ageDays: Math.max(0, Math.floor((now.getTime() - Date.parse(record.submittedAt)) / DAY_MS)),
  };
};

/** The checkpoints that hold these requests now (one batch read): only requests waiting for approval have one. */
const currentCheckpoints = async (deps: ListDeps, records: readonly RequestRecord[]): Promise<Map<string, CheckpointRecord>> => {
  const positions = records
    .filter((r) => r.status === 'PENDING_APPROVAL' && r.currentIndex !== undefined)
    .map((r) => ({ requestId: r.id, index: r.currentIndex! }));
  if (positions.length === 0) return new Map();
  return new Map((await deps.requests.getCheckpoints(positions)).map((c) => [c.requestId, c]));
};

export interface ListDeps {
  requests: Pick<RequestsTable, 'listByRequester' | 'checkpointsWaitingFor' | 'openRequests' | 'getMany' | 'getCheckpoints' | 'getCheckpoint'>;
  approvals: Pick<ApprovalsTable, 'getCallback'>;
  clock: () => Date;
}

// ---------------------------------------------------------------- my requests

export const HOME_PAGE_SIZE = 20;

export interface HomeView { rows: RequestRow[]; nextCursor?: string; firstPage: boolean }

/** `?cursor=` only; anything else is a mistake named by field. */
export const homeQuery = (query: Record<string, string | undefined>): { cursor?: string } => {
  const fields = Object.keys(query).filter((name) => name !== 'cursor').map((field) => ({ field, message: 'unknown query parameter; use cursor' }));
  if (query.cursor !== undefined && (query.cursor.length === 0 || query.cursor.length > 2048)) fields.push({ field: 'cursor', message: 'must be 1 to 2048 characters' });
  if (fields.length) throw new RequestValidationError(fields);
  return query.cursor === undefined ? {} : { cursor: query.cursor };
};

/** The viewer's own requests, newest first, one page. */
export const loadMyRequests = async (deps: ListDeps, viewer: Principal, query: { cursor?: string }): Promise<HomeView> => {
  const page = await deps.requests.listByRequester(viewer.email, { limit: HOME_PAGE_SIZE, ...query });
  const current = await currentCheckpoints(deps, page.items);
  const now = deps.clock();
  return {
    rows: page.items.map((record) => requestRow(record, current.get(record.id), now)),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    firstPage: query.cursor === undefined,
  };
};

// ---------------------------------------------------------------- waiting for me

export interface WaitingRow {
  requestId: string;
  index: number;
  number: string;
  title: string;
  amount: string;
  department: string;
  requester: string;
  roleTitle: string;
  /** The viewer is the approver (perhaps a delegate or alternate, then on behalf of someone), or the escalation contact. */
  as: 'approver' | 'escalation-contact';
  onBehalfOf?: string;
  /** Whose checkpoint an escalation contact decides. */
  escalatedFrom?: string;
  since: string;
  dueAt?: string;
  expiresAt?: string;
  overdue: boolean;
}

/** A queue entry as the viewer reads it; an escalation contact decides on behalf of the approver. */
export const waitingRow = (entry: { checkpoint: CheckpointRecord; as: WaitingRow['as'] }, record: RequestRecord, now: Date): WaitingRow => {
  const { checkpoint: c, as } = entry;
  const dueAt = as === 'escalation-contact' ? c.deadlines?.expireAt : c.deadlines?.remindAt;
  return {
    requestId: c.requestId,
    index: c.index,
    number: record.number ?? record.id,
    title: record.request.title,
    amount: formatUsd(record.request.amountCents),
    department: record.request.department,
    requester: record.request.requester.name,
    roleTitle: c.roleTitle,
    as,
    ...(as === 'approver' && c.onBehalfOf ? { onBehalfOf: c.onBehalfOf.name } : {}),
    ...(as === 'escalation-contact' ? { escalatedFrom: c.approver.name } : {}),
    since: (as === 'escalation-contact' ? c.notified?.escalation : undefined) ?? c.openedAt ?? record.updatedAt,
    ...(dueAt ? { dueAt } : {}),
    ...(c.deadlines?.expireAt ? { expiresAt: c.deadlines.expireAt } : {}),
    overdue: dueAt !== undefined && now.getTime() >= Date.parse(dueAt),
  };
};

/** What waits for the viewer's decision, oldest first; requests no longer waiting for approval are left out. */
export const loadWaiting = async (deps: ListDeps, viewer: Principal): Promise<WaitingRow[]> => {
  const queue = await deps.requests.checkpointsWaitingFor(viewer.email);
  if (queue.length === 0) return [];
  const records = new Map((await deps.requests.getMany(queue.map((q) => q.checkpoint.requestId))).map((r) => [r.id, r]));
  const now = deps.clock();
  return queue
    .filter((q) => records.get(q.checkpoint.requestId)?.status === 'PENDING_APPROVAL')
    .map((q) => waitingRow(q, records.get(q.checkpoint.requestId)!, now));
};

/** Where `/waiting/{requestId}/{index}` sends the viewer. */
export type ApprovalTarget =
  | { kind: 'link'; approvalId: string }
  | { kind: 'not-sent-yet' }
  | { kind: 'closed'; requestId: string };

/**
 * The approval link of a checkpoint, for the verified person it was sent to: the approver gets
 * theirs, an escalation contact theirs once the escalation went out. Anyone else is told the
 * checkpoint does not exist (404), whether it does or not: the link is their bearer credential.
 */
export const approvalLinkFor = async (deps: ListDeps, viewer: Principal, requestId: string, index: number): Promise<ApprovalTarget> => {
  const checkpoint = await deps.requests.getCheckpoint(requestId, index);
  if (!checkpoint) throw new RequestNotFoundError('no such approval');
  const isApprover = sameMailbox(checkpoint.approver.email, viewer.email);
  const isContact = sameMailbox(checkpoint.escalation.email, viewer.email);
  if (!isApprover && !isContact) throw new RequestNotFoundError('no such approval');
  if (checkpoint.state !== 'pending') return { kind: 'closed', requestId };
  const callback = await deps.approvals.getCallback(requestId, index);
  const approvalId = (isApprover ? callback?.primaryLinkId : undefined) ?? (isContact ? callback?.escalationLinkId : undefined);
  return approvalId ? { kind: 'link', approvalId } : { kind: 'not-sent-yet' };
};

// ---------------------------------------------------------------- purchasing overview

/** Roles that see every open request. */
export const OVERVIEW_ROLES = ['purchasing', 'auditor'] as const;
/** The most open requests one overview reads; beyond it the page says so and filters narrow it. */
export const OVERVIEW_MAX = 1000;

export interface OverviewFilters {
  status?: (typeof OPEN_STATUSES)[number];
  department?: string;
  stage?: string;
  overdueOnly: boolean;
  format: 'html' | 'csv';
}

const FILTER_NAMES = ['status', 'department', 'stage', 'overdue', 'format'];

/** The overview's GET form, read strictly: an unknown parameter or value is refused naming the field. */
export const overviewFilters = (query: Record<string, string | undefined>): OverviewFilters => {
  const fields: Array<{ field: string; message: string }> = [];
  for (const name of Object.keys(query)) if (!FILTER_NAMES.includes(name)) fields.push({ field: name, message: `unknown query parameter; use ${FILTER_NAMES.join(', ')}` });
  // An empty value is the form's "any" choice.
  const value = (name: string) => (query[name] === undefined || query[name] === '' ? undefined : query[name]);
  const status = value('status');
  if (status !== undefined && !(OPEN_STATUSES as readonly string[]).includes(status)) {
    fields.push({ field: 'status', message: `must be one of ${OPEN_STATUSES.join(', ')}${(REQUEST_STATUSES as readonly string[]).includes(status) ? ' (this page lists open requests)' : ''}` });
  }
  for (const name of ['department', 'stage']) {
    const v = value(name);
    if (v !== undefined && v.length > 200) fields.push({ field: name, message: 'must be at most 200 characters' });
  }
  const overdue = value('overdue');
  if (overdue !== undefined && overdue !== 'yes') fields.push({ field: 'overdue', message: 'must be yes or absent' });
  const format = value('format') ?? 'html';
  if (format !== 'html' && format !== 'csv') fields.push({ field: 'format', message: 'must be html or csv' });
  if (fields.length) throw new RequestValidationError(fields);
  return {
    ...(status ? { status: status as OverviewFilters['status'] } : {}),
    ...(value('department') ? { department: value('department') } : {}),
    ...(value('stage') ? { stage: value('stage') } : {}),
    overdueOnly: overdue === 'yes',
    format: format as OverviewFilters['format'],
  };
};

export interface OverviewView {
  filters: OverviewFilters;
  /** Stages in workflow order of first appearance, each with its rows, oldest first. */
  groups: Array<{ stage: string; stageKey: string; rows: RequestRow[] }>;
  /** Rows shown after the filters, and open requests read. */
  shown: number;
  total: number;
  /** More open requests exist than one overview reads. */
  truncated: boolean;
  /** The choices the filter form offers (from the open requests read, so every choice matches something). */
  options: { departments: string[]; stages: Array<{ key: string; label: string }> };
}

/** Filters and groups the rows (pure). Rows within a stage come oldest first: the longest waits lead. */
export const overviewOf = (rows: readonly RequestRow[], filters: OverviewFilters, truncated: boolean): OverviewView => {
  const kept = rows.filter((row) => (!filters.status || row.status === filters.status)
    && (!filters.department || row.department === filters.department)
    && (!filters.stage || row.stageKey === filters.stage)
    && (!filters.overdueOnly || row.overdue));
  const byStage = new Map<string, { stage: string; stageKey: string; order: number; rows: RequestRow[] }>();
  for (const row of [...kept].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))) {
    const group = byStage.get(row.stageKey) ?? { stage: row.stage, stageKey: row.stageKey, order: row.stageOrder, rows: [] };
    group.order = Math.min(group.order, row.stageOrder);
    group.rows.push(row);
    byStage.set(row.stageKey, group);
  }
  const stages = new Map(rows.map((row) => [row.stageKey, row.stage]));
  return {
    filters,
    groups: [...byStage.values()].sort((a, b) => a.order - b.order || a.stage.localeCompare(b.stage))
      .map(({ stage, stageKey, rows: grouped }) => ({ stage, stageKey, rows: grouped })),
    shown: kept.length,
    total: rows.length,
    truncated,
    options: {
      departments: [...new Set(rows.map((row) => row.department))].sort((a, b) => a.localeCompare(b)),
      stages: [...stages].map(([key, label]) => ({ key, label })).sort((a, b) => a.label.localeCompare(b.label)),
    },
  };
};

export const mayOverview = (viewer: Principal): boolean => OVERVIEW_ROLES.some((role) => viewer.roles.includes(role));

/** Every open request, for purchasing and auditors (anyone else: AccessDeniedError, a 403 page). */
export const loadOverview = async (deps: ListDeps, viewer: Principal, filters: OverviewFilters): Promise<OverviewView> => {
  if (!mayOverview(viewer)) throw new AccessDeniedError('The overview of all requests is for purchasing and auditors.');
  const open = await deps.requests.openRequests(OVERVIEW_MAX);
  const current = await currentCheckpoints(deps, open.items);
  const now = deps.clock();
  return overviewOf(open.items.map((record) => requestRow(record, current.get(record.id), now)), filters, open.truncated);
};

// ---------------------------------------------------------------- CSV

const CSV_COLUMNS = [
  'Number', 'Id', 'Title', 'Department', 'Requester', 'Requester email', 'Amount (USD)', 'Status', 'Stage', 'Held by',
  'Since', 'Due', 'Overdue', 'Expires', 'Age (days)', 'Submitted',
] as const;

/**
 * One CSV cell. A spreadsheet runs a cell starting with = + - @ (or tab, carriage return) as a
 * formula: such text gets a leading quote, so a hostile title cannot execute in purchasing's Excel.
 * Numbers we write ourselves (amounts, ages) are not text and pass as they are.
 */
export const csvCell = (value: string | number | boolean | undefined): string => {
  if (value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const holderText = (holder: Holder | undefined): string => {
  if (!holder) return '';
  const base = holder.onBehalfOf ? `${holder.name} on behalf of ${holder.onBehalfOf}` : holder.name;
  return holder.escalatedTo ? `${base}; escalated to ${holder.escalatedTo}` : base;
};
export { holderText };

/** The overview as CSV (the rows the filters keep, in the page's order), CRLF line ends as RFC 4180 has them. */
export const overviewCsv = (view: OverviewView): string => {
  const rows = view.groups.flatMap((g) => g.rows).map((row) => [
    row.number, row.id, row.title, row.department, row.requester.name, row.requester.email, (row.amountCents / 100).toFixed(2),
    row.status, row.stage, holderText(row.holder), row.since, row.dueAt, row.overdue ? 'yes' : 'no', row.expiresAt, row.ageDays, row.submittedAt,
  ].map(csvCell).join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
};

/** `open-requests-2026-11-28.csv`: only our own characters, so the header needs no quoting rules. */
export const overviewCsvFilename = (now: Date): string => `open-requests-${now.toISOString().slice(0, 10)}.csv`;
