/**
 * In-memory fakes of the ports the use cases receive (the tables, the workflow, mail), with the
 * same conditions as the DynamoDB writes they stand for: each guarded write checks its condition
 * and appends its events to the item's pending list in one step, as one UpdateItem does. The
 * real `flushAudit` runs on top of them. `failOnce` makes the next matching call throw, to stand
 * for a crash or a storage error at that exact point; `before` runs another actor first, to
 * interleave a race deterministically.
 */
import type { AuditEvent, ChainHead } from '../../../lambdas/audit/chain';
import type { Deps } from '../../../lambdas/app/deps';
import { createPolicyRegistry } from '../../../lambdas/domain';
import type { ApprovalsTable } from '../../../lambdas/store/approvals-table';
import type { AuditTable } from '../../../lambdas/store/audit-table';
import type { IdempotencyRecord, IdempotencyTable } from '../../../lambdas/store/idempotency-table';
import {
  emailAttributes, OPEN_STATUSES, type CallbackRecord, type EmailSlot, type CheckpointRecord, type CheckpointState, type DecisionRecord, type LinkRecord, type PendingEvent,
  type Phase, type RequestRecord, type RequestStatus,
} from '../../../lambdas/store/records';
import type { PendingOnItem, PriorScope, RequestChanges, RequestsTable } from '../../../lambdas/store/requests-table';
import { splitKey } from '../../../lambdas/domain/split';
import type { OutgoingMail } from '../../../lambdas/adapters/mailer';
import type { TaskResponseOutcome, Workflow } from '../../../lambdas/adapters/workflow';
import { GENESIS_HASH } from '../../../lambdas/audit/chain';
import { mailboxKey } from '../../../lambdas/domain/mailbox';
import { FakeDocumentStore } from './fake-documents';

type Item = Record<string, any> & { pendingAudit?: PendingEvent[] };
type Hook = { method: string; run: () => Promise<void> | void };

/** Call hooks shared by the fakes: failures to inject and actors to run first. */
export class Script {
  private readonly failures: Array<{ method: string; when: (args: unknown[]) => boolean; error: Error }> = [];
  private readonly hooks: Hook[] = [];
  readonly calls: string[] = [];

  failOnce(method: string, error: Error = crash(), when: (args: any[]) => boolean = () => true) { this.failures.push({ method, when, error }); }
  before(method: string, run: () => Promise<void> | void) { this.hooks.push({ method, run }); }

  async enter(method: string, args: unknown[]) {
    this.calls.push(method);
    const hook = this.hooks.findIndex((h) => h.method === method);
    if (hook >= 0) await this.hooks.splice(hook, 1)[0]!.run();
    const failure = this.failures.findIndex((f) => f.method === method && f.when(args));
    if (failure >= 0) throw this.failures.splice(failure, 1)[0]!.error;
  }
}

export const crash = () => Object.assign(new Error('Runtime exited with error: signal: killed'), { name: 'Runtime.ExitError' });

const clone = <T>(value: T): T => structuredClone(value);
const pad = (index: number) => String(index).padStart(2, '0');
const stripped = <T>(item: Item | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, pendingAudit: _p, ...rest } = clone(item);
  return rest as T;
};

export class FakeRequestsTable implements Pick<RequestsTable, keyof RequestsTable> {
  readonly items = new Map<string, Item>();
  constructor(private readonly script: Script) {}

  private key = (pk: string, sk: string) => `${pk}|${sk}`;
  private requestKey = (id: string) => this.key(`REQUEST#${id}`, 'REQUEST');
  private checkpointKey = (id: string, index: number) => this.key(`REQUEST#${id}`, `CHECKPOINT#${pad(index)}`);

  /** One conditional write: `condition` sees the item; on success `apply` changes it and the events are appended. */
  private async write(method: string, args: unknown[], key: string, condition: (item: Item) => boolean, apply: (item: Item) => void, events: readonly PendingEvent[] = [], guarded = true) {
    await this.script.enter(method, args);
    const item = this.items.get(key);
    if (!item) {
      if (guarded) return false;
      throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    }
    if (!condition(item)) return false;
    apply(item);
    if (events.length) item.pendingAudit = [...(item.pendingAudit ?? []), ...clone(events)];
    return true;
  }

  async create(record: RequestRecord, events: readonly PendingEvent[]) {
    await this.script.enter('create', [record, events]);
    const key = this.requestKey(record.id);
    if (this.items.has(key)) return false;
    this.items.set(key, { pk: `REQUEST#${record.id}`, sk: 'REQUEST', ...clone(record), pendingAudit: clone([...events]), auditHead: { seq: 0, hash: GENESIS_HASH } });
    return true;
  }

  /** Year counters and number lookups, as the table's counter and lookup items. */
  readonly counters = new Map<number, number>();
  readonly numbers = new Map<string, string>();

  async allocateNumber(year: number, requestId: string) {
    await this.script.enter('allocateNumber', [year, requestId]);
    const next = (this.counters.get(year) ?? 0) + 1;
    this.counters.set(year, next);
    const number = `PR-${year}-${String(next).padStart(6, '0')}`;
    this.numbers.set(number, requestId);
    return number;
  }

  async idForNumber(number: string) {
    await this.script.enter('idForNumber', [number]);
    return this.numbers.get(number);
  }

  async assignNumber(id: string, number: string, events: readonly PendingEvent[]) {
    return this.write('assignNumber', [id, number], this.requestKey(id), (i) => i.number === undefined, (i) => { i.number = number; }, events);
  }

  async get(id: string) {
    await this.script.enter('get', [id]);
    return stripped<RequestRecord>(this.items.get(this.requestKey(id)));
  }

  async getWithCheckpoints(id: string) {
    await this.script.enter('getWithCheckpoints', [id]);
    const checkpoints = [...this.items.values()].filter((i) => i.pk === `REQUEST#${id}` && i.sk !== 'REQUEST')
      .map((i) => stripped<CheckpointRecord>(i)!).sort((a, b) => a.index - b.index);
    return { request: stripped<RequestRecord>(this.items.get(this.requestKey(id))), checkpoints };
  }

  async getCheckpoint(requestId: string, index: number) {
    await this.script.enter('getCheckpoint', [requestId, index]);
    return stripped<CheckpointRecord>(this.items.get(this.checkpointKey(requestId, index)));
  }

  async recordRouting(id: string, routing: RequestRecord['routing'] & object, at: string, events: readonly PendingEvent[]) {
    for (const checkpoint of routing.checkpoints) {
      const key = this.checkpointKey(id, checkpoint.index);
      const existing = this.items.get(key);
      if (!existing || existing.state === 'waiting') {
        this.items.set(key, { pk: `REQUEST#${id}`, sk: `CHECKPOINT#${pad(checkpoint.index)}`, ...clone(checkpoint), requestId: id, state: 'waiting', notified: {} });
      }
    }
    return this.transition(id, ['SUBMITTED'], routing.status, { routing, updatedAt: at }, events);
  }

  async transition(id: string, from: readonly RequestStatus[], to: RequestStatus, set: RequestChanges = {}, events: readonly PendingEvent[] = []) {
    return this.write('transition', [id, from, to, set], this.requestKey(id), (i) => from.includes(i.status), (i) => Object.assign(i, clone(set), { status: to }), events);
  }

  async recordOutcome(id: string, from: readonly RequestStatus[], outcome: NonNullable<RequestRecord['outcome']>, events: readonly PendingEvent[]) {
    return this.write('recordOutcome', [id, from, outcome], this.requestKey(id), (i) => from.includes(i.status) && i.outcome === undefined,
      (i) => Object.assign(i, { outcome: clone(outcome), updatedAt: outcome.at, status: outcome.status }), events);
  }

  async cancel(id: string, set: RequestChanges, events: readonly PendingEvent[]) {
    return this.write('cancel', [id, set], this.requestKey(id), (i) => OPEN_STATUSES.includes(i.status) && i.settled === undefined,
      (i) => Object.assign(i, clone(set), { status: 'CANCELLED' }), events);
  }

  async settle(id: string, settlement: NonNullable<RequestRecord['settled']>, final: boolean) {
    return this.write('settle', [id, settlement, final], this.requestKey(id), (i) => i.status === 'PENDING_APPROVAL',
      (i) => Object.assign(i, { updatedAt: settlement.at }, final ? { settled: clone(settlement) } : {}));
  }

  async annotate(id: string, set: RequestChanges, events: readonly PendingEvent[] = []) {
    await this.write('annotate', [id, set], this.requestKey(id), () => true, (i) => Object.assign(i, clone(set)), events, false);
  }

  private move(method: string, requestId: string, index: number, from: CheckpointState[], to: CheckpointState, set: Partial<CheckpointRecord>, events: readonly PendingEvent[]) {
    return this.write(method, [requestId, index, from, to, set], this.checkpointKey(requestId, index), (i) => from.includes(i.state), (i) => Object.assign(i, clone(set), { state: to }), events);
  }

  async openCheckpoint(requestId: string, index: number, set: Pick<CheckpointRecord, 'openedAt' | 'deadlines'>, events: readonly PendingEvent[]) {
    return this.move('openCheckpoint', requestId, index, ['waiting'], 'pending', set, events);
  }

  async decideCheckpoint(requestId: string, index: number, decision: DecisionRecord, events: readonly PendingEvent[]) {
    return this.move('decideCheckpoint', requestId, index, ['pending'], decision.decision === 'approve' ? 'approved' : 'rejected', { decision, closedAt: decision.decidedAt }, events);
  }

  async closeCheckpoint(requestId: string, index: number, from: CheckpointState[], to: CheckpointState, at: string, events: readonly PendingEvent[] = []) {
    return this.move('closeCheckpoint', requestId, index, from, to, { closedAt: at }, events);
  }

  async markNotified(requestId: string, index: number, phase: Phase, at: string, events: readonly PendingEvent[]) {
    return this.write('markNotified', [requestId, index, phase, at], this.checkpointKey(requestId, index), (i) => i.notified?.[phase] === undefined,
      (i) => { i.notified = { ...i.notified, [phase]: at }; }, events);
  }

  async claimEmailSend(requestId: string, email: EmailSlot, seen: number) {
    const { sends } = emailAttributes(email);
    const key = email === 'outcome' ? this.requestKey(requestId) : this.checkpointKey(requestId, email.index);
    const delivered = (i: Item) => (email === 'outcome' ? i.outcomeNotifiedAt : i.notified?.[email.phase]) !== undefined;
    return this.write('claimEmailSend', [requestId, email, seen], key, (i) => !delivered(i) && (i[sends] ?? 0) === seen, (i) => { i[sends] = seen + 1; });
  }

  async recordEvents(requestId: string, events: readonly PendingEvent[], index?: number) {
    await this.write('recordEvents', [requestId, events, index], index === undefined ? this.requestKey(requestId) : this.checkpointKey(requestId, index), () => true, () => undefined, events, false);
  }

  async pendingAudit(requestId: string) {
    await this.script.enter('pendingAudit', [requestId]);
    const request = this.items.get(this.requestKey(requestId));
    const items = [...this.items.values()].filter((i) => i.pk === `REQUEST#${requestId}`)
      .sort((a, b) => (a.sk === 'REQUEST' ? -1 : b.sk === 'REQUEST' ? 1 : a.sk.localeCompare(b.sk)))
      .filter((i) => i.pendingAudit?.length)
      .map((i) => ({ key: { pk: i.pk, sk: i.sk }, events: clone(i.pendingAudit!) }));
    return { exists: request !== undefined, head: clone(request?.auditHead) as ChainHead | undefined, items };
  }

  async clearPending(item: PendingOnItem, head?: ChainHead) {
    await this.script.enter('clearPending', [item, head]);
    const stored = this.items.get(this.key(item.key.pk, item.key.sk))!;
    const list = stored.pendingAudit ?? [];
    if (list.length !== item.events.length || list[0]?.eventKey !== item.events[0]!.eventKey || list[0]?.at !== item.events[0]!.at) return false;
    if (head && stored.auditHead && stored.auditHead.seq >= head.seq) return false;
    delete stored.pendingAudit;
    if (head) stored.auditHead = clone(head);
    return true;
  }

  async anchorHead(requestId: string, head: ChainHead) {
    await this.script.enter('anchorHead', [requestId, head]);
    const request = this.items.get(this.requestKey(requestId));
    if (request && (!request.auditHead || request.auditHead.seq < head.seq)) request.auditHead = clone(head);
  }

  async priorRequests(department: string, vendorName: string, since: string, scope: PriorScope = {}) {
    await this.script.enter('priorRequests', [department, vendorName, since, scope]);
    const key = splitKey(department, vendorName, scope);
    return [...this.items.values()]
      .filter((i) => i.sk === 'REQUEST' && splitKey(i.request.department, i.request.vendor.name, scope) === key && i.submittedAt >= since)
      .map((i) => ({ id: i.id, department: i.request.department, vendorName: i.request.vendor.name, amountCents: i.request.amountCents, submittedAt: i.submittedAt, status: i.status }));
  }

  async list(): Promise<never> { throw new Error('not used by the use cases under test'); }

  async submittedBefore(before: string) {
    await this.script.enter('submittedBefore', [before]);
    return [...this.items.values()].filter((i) => i.sk === 'REQUEST' && i.status === 'SUBMITTED' && i.submittedAt < before)
      .map((i) => clone(i) as unknown as RequestRecord).sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  }

  // Lists for people (store/request-lists.ts): the same answers from the in-memory items.
  async listByRequester(email: string, page: { limit: number; cursor?: string }) {
    await this.script.enter('listByRequester', [email, page]);
    const mine = [...this.items.values()].filter((i) => i.sk === 'REQUEST' && mailboxKey(i.request.requester.email) === mailboxKey(email))
      .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
    const from = page.cursor === undefined ? 0 : Number(page.cursor);
    const items = mine.slice(from, from + page.limit).map((i) => stripped<RequestRecord>(i)!);
    return { items, ...(from + page.limit < mine.length ? { nextCursor: String(from + page.limit) } : {}) };
  }

  async checkpointsWaitingFor(email: string) {
    await this.script.enter('checkpointsWaitingFor', [email]);
    const pending = [...this.items.values()].filter((i) => i.sk !== 'REQUEST' && i.state === 'pending');
    const asApprover = pending.filter((i) => mailboxKey(i.approver.email) === mailboxKey(email)).map((i) => ({ since: i.openedAt as string, i, as: 'approver' as const }));
    const asContact = pending.filter((i) => i.notified?.escalation && mailboxKey(i.escalation.email) === mailboxKey(email) && mailboxKey(i.approver.email) !== mailboxKey(email))
      .map((i) => ({ since: i.notified.escalation as string, i, as: 'escalation-contact' as const }));
    return [...asApprover, ...asContact].sort((a, b) => a.since.localeCompare(b.since)).map((e) => ({ checkpoint: stripped<CheckpointRecord>(e.i)!, as: e.as }));
  }

  async openRequests(max: number) {
    await this.script.enter('openRequests', [max]);
    const open = [...this.items.values()].filter((i) => i.sk === 'REQUEST' && OPEN_STATUSES.includes(i.status)).sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
    return { items: open.slice(0, max).map((i) => stripped<RequestRecord>(i)!), truncated: open.length > max };
  }

  async getMany(ids: readonly string[]) {
    await this.script.enter('getMany', [ids]);
    return ids.map((id) => stripped<RequestRecord>(this.items.get(this.requestKey(id)))).filter((r): r is RequestRecord => r !== undefined);
  }

  async getCheckpoints(positions: ReadonlyArray<{ requestId: string; index: number }>) {
    await this.script.enter('getCheckpoints', [positions]);
    return positions.map((p) => stripped<CheckpointRecord>(this.items.get(this.checkpointKey(p.requestId, p.index)))).filter((c): c is CheckpointRecord => c !== undefined);
  }

  /** The events still waiting on the request's items. */
  pending(requestId: string): PendingEvent[] {
    return [...this.items.values()].filter((i) => i.pk === `REQUEST#${requestId}`).flatMap((i) => i.pendingAudit ?? []);
  }
}

export class FakeAuditTable implements Pick<AuditTable, keyof AuditTable> {
  readonly events = new Map<string, AuditEvent[]>();
  constructor(private readonly script: Script) {}

  async list(requestId: string) { return this.listAfter(requestId, 0); }

  async listAfter(requestId: string, seq: number) {
    await this.script.enter('listAfter', [requestId, seq]);
    return clone((this.events.get(requestId) ?? []).filter((e) => e.seq > seq).sort((a, b) => a.seq - b.seq));
  }

  async putSealed(event: AuditEvent) {
    await this.script.enter('putSealed', [event]);
    const trail = this.events.get(event.requestId) ?? [];
    if (trail.some((e) => e.seq === event.seq)) return false;
    this.events.set(event.requestId, [...trail, clone(event)]);
    return true;
  }

  types(requestId: string): string[] {
    return (this.events.get(requestId) ?? []).sort((a, b) => a.seq - b.seq).map((e) => e.type);
  }
}

export class FakeApprovalsTable implements Pick<ApprovalsTable, keyof ApprovalsTable> {
  readonly links = new Map<string, LinkRecord>();
  readonly callbacks = new Map<string, CallbackRecord>();
  constructor(private readonly script: Script) {}
  private key = (requestId: string, index: number) => `${requestId}#${index}`;

  async getLink(approvalId: string) { await this.script.enter('getLink', [approvalId]); return clone(this.links.get(approvalId)); }
  async putLink(link: LinkRecord) { await this.script.enter('putLink', [link]); this.links.set(link.approvalId, clone(link)); }
  async getCallback(requestId: string, index: number) { await this.script.enter('getCallback', [requestId, index]); return clone(this.callbacks.get(this.key(requestId, index))); }
  async storeToken(requestId: string, index: number, taskToken: string, phase: Phase) {
    await this.script.enter('storeToken', [requestId, index, taskToken, phase]);
    const record = { ...this.callbacks.get(this.key(requestId, index)), requestId, index, taskToken, phase };
    this.callbacks.set(this.key(requestId, index), record);
    return clone(record);
  }
  async rememberLink(requestId: string, index: number, field: 'primaryLinkId' | 'escalationLinkId', approvalId: string) {
    await this.script.enter('rememberLink', [requestId, index, field, approvalId]);
    const record = this.callbacks.get(this.key(requestId, index)) ?? { requestId, index };
    record[field] ??= approvalId;
    this.callbacks.set(this.key(requestId, index), record);
    return record[field]!;
  }
}

export class FakeIdempotencyTable implements Pick<IdempotencyTable, keyof IdempotencyTable> {
  readonly records = new Map<string, IdempotencyRecord>();
  constructor(private readonly script: Script) {}
  async claim(record: IdempotencyRecord) {
    await this.script.enter('claim', [record]);
    const existing = this.records.get(record.key);
    if (existing) return { claimed: false as const, existing: clone(existing) };
    this.records.set(record.key, clone(record));
    return { claimed: true as const };
  }
}

export class FakeWorkflow implements Workflow {
  readonly started: string[] = [];
  readonly responses: Array<{ token: string; kind: 'succeed' | 'fail'; detail: string }> = [];
  constructor(private readonly script: Script) {}
  async start(name: string) { await this.script.enter('start', [name]); if (!this.started.includes(name)) this.started.push(name); }
  async succeed(token: string, output: Record<string, unknown>): Promise<TaskResponseOutcome> {
    return this.respond(token, 'succeed', JSON.stringify(output));
  }
  async fail(token: string, error: string): Promise<TaskResponseOutcome> { return this.respond(token, 'fail', error); }
  private async respond(token: string, kind: 'succeed' | 'fail', detail: string): Promise<TaskResponseOutcome> {
    await this.script.enter(kind, [token]);
    if (this.responses.some((r) => r.token === token)) return 'stale';
    this.responses.push({ token, kind, detail });
    return 'delivered';
  }
}

export { FakeDocumentStore };

export class FakeMailer {
  readonly sent: OutgoingMail[] = [];
  constructor(private readonly script: Script) {}
  async send(mail: OutgoingMail) { await this.script.enter('send', [mail]); this.sent.push(mail); }
}

export interface World {
  deps: Deps;
  script: Script;
  requests: FakeRequestsTable;
  audit: FakeAuditTable;
  approvals: FakeApprovalsTable;
  idempotency: FakeIdempotencyTable;
  workflow: FakeWorkflow;
  mailer: FakeMailer;
  /** Moves the clock on by `ms`. */
  tick(ms?: number): void;
}

export const world = (): World => {
  const script = new Script();
  const requests = new FakeRequestsTable(script);
  const audit = new FakeAuditTable(script);
  const approvals = new FakeApprovalsTable(script);
  const idempotency = new FakeIdempotencyTable(script);
  const workflow = new FakeWorkflow(script);
  const mailer = new FakeMailer(script);
  let now = Date.parse('2026-11-02T15:00:00.000Z');
  let ids = 0;
  const deps = {
    requests, audit, approvals, idempotency, workflow, mailer,
    linkSecret: async () => Buffer.alloc(32, 7),
    policies: createPolicyRegistry(),
    documents: new FakeDocumentStore(),
    clock: () => new Date(now),
    newRequestId: () => `01J00000000000000000000${String(ids += 1).padStart(3, '0')}`,
    newApprovalId: () => `approval${String(ids += 1).padStart(35, '0')}`,
    publicBaseUrl: 'https://approvals.example',
  } as unknown as Deps; // the fakes implement each port's public surface (checked above with `implements`)
  return { deps, script, requests, audit, approvals, idempotency, workflow, mailer, tick: (ms = 1000) => { now += ms; } };
};
