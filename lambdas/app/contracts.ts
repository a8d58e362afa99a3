/**
 * The registry's use cases: purchasing registers and edits contracts (each verified fact signed by
 * the person who sent it, each change an event on the contract's own audit chain); everyone signed
 * in searches and reads them; routing resolves a request's contract; approvals add to its spend.
 */
import type { Actor } from '../audit/chain';
import { verifyTrail } from '../audit/chain';
import {
  changedFields, parseContract, searchContracts, verifyFacts, type ContractFacts, type ContractSearch, type Verifier,
} from '../domain/contracts';
import { utcDate } from '../domain/dates';
import { CATEGORIES, type Category } from '../domain/vocabulary';
import type { PurchaseRequest } from '../domain';
import { AppError, RequestNotFoundError, RequestValidationError } from '../shared/errors';
import { flushAudit, flushAuditOrLeavePending } from '../store/audit-flush';
import { contractAuditKey, EDITABLE, type ContractRecord, type ContractUse } from '../store/contracts-table';
import type { PendingEvent, RequestRecord } from '../store/records';
import { authorize } from './authorize';
import { contractFormFromRequest } from './contract-form';
import { resolveRequestId } from './request-lookup';
import type { Deps } from './deps';
import { AccessDeniedError, personOf, type Principal } from './identity';

/** 409: the contract was edited by someone else since it was read. */
export class ContractEditConflictError extends AppError {
  readonly code = 'conflict';
}

export type ContractDeps = Pick<Deps, 'contracts' | 'audit' | 'clock' | 'newRequestId'>;

/**
 * Registering and editing contracts is purchasing's: they are the ones who verify the facts. The
 * rule is the permission table's (`manage-contracts`, lambdas/app/authorize.ts).
 */
export const requirePurchasing = (principal: Principal): void => {
  if (!authorize(principal, 'manage-contracts').allowed) throw new AccessDeniedError(`${principal.name} may not register or edit contracts (purchasing only)`);
};

/** Searching and reading the registry: everyone signed in (`read-contracts`). */
export const requireRegistryReader = (principal: Principal): void => {
  const decision = authorize(principal, 'read-contracts');
  if (!decision.allowed) throw new AccessDeniedError(decision.message);
};

/** Contract ids are ULIDs, like request ids; anything else is "not found" without a lookup. */
export const isWellFormedContractId = (id: string): boolean => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id);

const auditPorts = (deps: Pick<Deps, 'contracts' | 'audit'>) => ({ requests: deps.contracts, audit: deps.audit });
const actorOf = (by: Principal): Actor => ({ kind: 'purchasing', ...personOf(by) });
const SYSTEM: Actor = { kind: 'system' };

const parsed = (body: unknown) => {
  const result = parseContract(body);
  if (!result.ok) throw new RequestValidationError(result.errors);
  return result.value;
};

/** POST /contracts */
export const createContract = async (deps: ContractDeps, body: unknown, by: Principal): Promise<ContractRecord> => {
  requirePurchasing(by);
  const input = parsed(body);
  const at = deps.clock().toISOString();
  const verifier: Verifier = personOf(by);
  const { facts, ...rest } = input;
  const record: ContractRecord = {
    ...rest, id: deps.newRequestId(), facts: verifyFacts({}, facts, verifier, at),
    createdAt: at, createdBy: verifier, updatedAt: at, updatedBy: verifier, version: 1, spentCents: 0, uses: {}, alertsSent: {},
  };
  const event: PendingEvent = { eventKey: 'contract-registered', at, type: 'contract-registered', actor: actorOf(by), data: { contract: factsOf(record) } };
  if (!(await deps.contracts.create(record, [event]))) throw new ContractEditConflictError('a contract with this id exists already');
  await flushAuditOrLeavePending(auditPorts(deps), contractAuditKey(record.id));
  return record;
};

/** PUT /contracts/{id}: the whole contract again; facts whose answer changed are verified anew by `by`. */
export const updateContract = async (deps: ContractDeps, id: string, body: unknown, by: Principal): Promise<ContractRecord> => {
  requirePurchasing(by);
  const input = parsed(body);
  const current = isWellFormedContractId(id) ? await deps.contracts.get(id) : undefined;
  if (!current) throw new RequestNotFoundError('no such contract');
  const at = deps.clock().toISOString();
  const { facts, ...rest } = input;
  const next: ContractFacts = { ...rest, id, facts: verifyFacts(current.facts, facts, personOf(by), at) };
  const changed = changedFields(factsOf(current), next);
  if (changed.length === 0) return current;
  const event: PendingEvent = {
    eventKey: `contract-updated#${current.version + 1}`, at, type: 'contract-updated', actor: actorOf(by),
    data: { version: current.version + 1, changed, before: pick(factsOf(current), changed), after: pick(next, changed) },
  };
  if (!(await deps.contracts.replace(id, current.version, { ...next, updatedAt: at, updatedBy: personOf(by) }, [event]))) {
    throw new ContractEditConflictError('the contract was changed by someone else since it was read; reload it and edit again');
  }
  await flushAuditOrLeavePending(auditPorts(deps), contractAuditKey(id));
  return (await deps.contracts.get(id))!;
};

export interface ContractQuery { q?: string; category?: Category; active?: boolean }

/** The query of GET /contracts (and of the contracts page): q, category, active. */
export const contractQuery = (params: Readonly<Record<string, string | undefined>>): ContractQuery => {
  const fields: Array<{ field: string; message: string }> = [];
  const known = ['q', 'category', 'active'];
  for (const name of Object.keys(params)) if (!known.includes(name)) fields.push({ field: name, message: `unknown query parameter; use ${known.join(', ')}` });
  const q = params.q?.trim();
  if (q !== undefined && q.length > 200) fields.push({ field: 'q', message: 'must be at most 200 characters' });
  const category = params.category || undefined;
  if (category !== undefined && !(CATEGORIES as readonly string[]).includes(category)) fields.push({ field: 'category', message: `must be one of: ${CATEGORIES.join(', ')}` });
  const active = params.active || undefined;
  if (active !== undefined && active !== 'true' && active !== 'false') fields.push({ field: 'active', message: 'must be true or false' });
  if (fields.length) throw new RequestValidationError(fields);
  return { ...(q ? { q } : {}), ...(category ? { category: category as Category } : {}), ...(active ? { active: active === 'true' } : {}) };
};

/** GET /contracts: everyone signed in may search the registry. */
export const searchRegistry = async (deps: Pick<Deps, 'contracts' | 'clock'>, query: ContractQuery): Promise<ContractRecord[]> => {
  const search: ContractSearch = { ...query, date: utcDate(deps.clock()) };
  return searchContracts(await deps.contracts.list(), search);
};

/** GET /contracts/{id}: the contract, its requests and spend, and its audit trail (verified). */
export const contractDetail = async (deps: Pick<Deps, 'contracts' | 'audit'>, id: string) => {
  const contract = isWellFormedContractId(id) ? await deps.contracts.get(id) : undefined;
  if (!contract) throw new RequestNotFoundError('no such contract');
  const events = await deps.audit.list(contractAuditKey(id));
  return { contract, audit: { verified: verifyTrail(events, contract.auditHead).verified, events } };
};

/** The contract facts alone (no bookkeeping), as the routing core and the audit trail see them. */
export const factsOf = (record: ContractRecord | ContractFacts): ContractFacts => {
  const out: Record<string, unknown> = { id: record.id };
  for (const field of EDITABLE) if (record[field] !== undefined) out[field] = record[field];
  return out as unknown as ContractFacts;
};

const pick = (o: ContractFacts, fields: string[]) => Object.fromEntries(fields.map((f) => [f, (o as unknown as Record<string, unknown>)[f] ?? null]));

/** The registered contract a request names, for the routing core (undefined: none named, or none such). */
export const resolveContract = async (deps: Pick<Deps, 'contracts'>, request: PurchaseRequest): Promise<ContractFacts | undefined> => {
  const id = request.method && 'contractId' in request.method ? request.method.contractId : undefined;
  if (id === undefined || !isWellFormedContractId(id)) return undefined;
  const record = await deps.contracts.get(id);
  return record ? factsOf(record) : undefined;
};

/**
 * Records the request under its registered contract: once routed (its status then) and at its
 * outcome; an approval adds its amount to the contract's spend, once. A request naming no
 * registered contract changes nothing.
 */
export const recordContractUse = async (deps: Pick<Deps, 'contracts' | 'audit'>, record: RequestRecord, at: string): Promise<void> => {
  const method = record.request.method;
  const id = method && 'contractId' in method ? method.contractId : undefined;
  if (id === undefined || !isWellFormedContractId(id)) return;
  const use: ContractUse = {
    requestId: record.id, title: record.request.title, department: record.request.department,
    amountCents: record.request.amountCents, status: record.status, at, ...(record.number ? { number: record.number } : {}),
  };
  const event: PendingEvent = {
    eventKey: `contract-used#${record.id}#${record.status}`, at, type: record.status === 'APPROVED' ? 'contract-spend-recorded' : 'contract-use-recorded', actor: SYSTEM,
    data: { requestId: record.id, status: record.status, amountCents: use.amountCents },
  };
  if (await deps.contracts.recordUse(id, use, [event])) await flushAudit(auditPorts(deps), contractAuditKey(id));
};

/**
 * GET /contracts/new?from={request}: the register-a-contract form filled in from a request that
 * named an unregistered contract (purchasing only; the request by id or number). Undefined when
 * the request names no contract to register (none, or a registered one).
 */
export const contractFormFor = async (deps: Pick<Deps, 'requests'>, given: string, by: Principal) => {
  requirePurchasing(by);
  const record = await deps.requests.get(await resolveRequestId(deps.requests, given));
  if (!record) throw new RequestNotFoundError('no such request');
  const values = contractFormFromRequest(record.request, record.id);
  return { record, values };
};
