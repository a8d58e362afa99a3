/**
 * Submitting a request: validate everything first (nothing is stored for a bad request), claim
 * the Idempotency-Key, allocate the request's number, store the request with it and its first
 * audit event, then start the workflow under the request id as execution name (so a retried start
 * is a no-op, never a second run).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/chain';
import { parsePurchaseRequest, validateAgainstPolicy, type PurchaseRequest, type VerifiedDocument } from '../domain';
import { IdempotencyKeyReusedError, RequestValidationError } from '../shared/errors';
import { flushAuditOrLeavePending } from '../store/audit-flush';
import type { RequestRecord } from '../store/records';
import { numberingYear } from '../domain/request-number';
import { requestNumbered, requestSubmitted } from './audit-events';
import type { Deps } from './deps';
import { verifyDocuments } from './documents';
import { personOf, requestedBy, type Principal } from './identity';

const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const MAX_IDEMPOTENCY_KEY = 255;

export type SubmitDeps = Pick<Deps, 'requests' | 'audit' | 'idempotency' | 'workflow' | 'policies' | 'clock' | 'newRequestId' | 'documents'>;

/** Structural and policy validation shared by submit and preview. */
export const validatePurchaseRequest = (body: unknown, deps: Pick<Deps, 'policies'>, signedIn?: Principal): PurchaseRequest => {
  // A body without a requester is the signed-in person's request (requestedBy refuses anyone else).
  const parsed = parsePurchaseRequest(body, signedIn ? { requester: { name: signedIn.name, email: signedIn.email } } : {});
  if (!parsed.ok) throw new RequestValidationError(parsed.errors);
  let policy;
  try {
    policy = deps.policies.get(parsed.value.policy);
  } catch {
    throw new RequestValidationError([{ field: 'policy', message: `unknown policy "${parsed.value.policy}"; known: ${deps.policies.ids().join(', ')}` }]);
  }
  const problems = validateAgainstPolicy(parsed.value, policy);
  if (problems.length > 0) throw new RequestValidationError(problems);
  return parsed.value;
};

export const validateIdempotencyKey = (key: string | undefined): string | undefined => {
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY || !/^[\x21-\x7e]+$/.test(key)) {
    throw new RequestValidationError([{ field: 'Idempotency-Key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY} visible ASCII characters` }]);
  }
  return key;
};

export interface SubmitResult { created: boolean; record: RequestRecord }

export const submitRequest = async (deps: SubmitDeps, body: unknown, idempotencyKey: string | undefined, by: Principal): Promise<SubmitResult> => {
  const request = requestedBy(validatePurchaseRequest(body, deps, by), by);
  const key = validateIdempotencyKey(idempotencyKey);
  // Before anything is stored: a reference that is not the submitter's verified upload refuses the request.
  const documents = await verifyDocuments(deps, request, by);
  const now = deps.clock();
  let id = deps.newRequestId();

  if (key) {
    const bodyHash = createHash('sha256').update(canonicalJson(request)).digest('hex');
    const claim = await deps.idempotency.claim({
      key, requestId: id, bodyHash, createdAt: now.toISOString(), expiresAtEpoch: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    });
    if (!claim.claimed) {
      if (claim.existing.bodyHash !== bodyHash) {
        throw new IdempotencyKeyReusedError('this Idempotency-Key was already used for a different request');
      }
      id = claim.existing.requestId;
      const existing = await deps.requests.get(id);
      // The first submission may still be between its claim and its write: finish its work here.
      if (existing && existing.status !== 'SUBMITTED') return { created: false, record: existing };
      return { created: false, record: await store(deps, id, request, documents, now, by, existing) };
    }
  }
  return { created: true, record: await store(deps, id, request, documents, now, by) };
};

/**
 * Finishes a stored submission: its `request-submitted` event (written with the request, put on
 * the chain by the flush) and its workflow (named after the request, so started once). A retried
 * submission and the reconciler both end here.
 */
export const completeSubmission = async (deps: Pick<SubmitDeps, 'requests' | 'audit' | 'workflow'>, record: RequestRecord): Promise<void> => {
  await ensureNumber(deps, record);
  await flushAuditOrLeavePending(deps, record.id);
  await deps.workflow.start(record.id, { requestId: record.id });
};

/**
 * A stored request without a number (stored before numbers existed) gets one here, with a
 * `request-numbered` event, so nothing the reconciler finishes stays unnumbered. Once only: a
 * second writer's number is wasted, the first one stays.
 */
export const ensureNumber = async (deps: Pick<SubmitDeps, 'requests'>, record: RequestRecord): Promise<string> => {
  if (record.number) return record.number;
  const number = await deps.requests.allocateNumber(numberingYear(record.submittedAt), record.id);
  if (await deps.requests.assignNumber(record.id, number, [requestNumbered(number, record.submittedAt)])) return number;
  return (await deps.requests.get(record.id))?.number ?? number;
};

/**
 * Stores (or completes) a submission; each step is safe to repeat. The request and its event are
 * one write; its number is allocated just before (no transactions to bind the two), so a crash in
 * between wastes that number and nothing else. A retry of a submission that was stored keeps the
 * stored number; two racing first writes both allocate, and the one whose request is stored wins.
 */
const store = async (
  deps: SubmitDeps, id: string, request: PurchaseRequest, documents: VerifiedDocument[], now: Date, by: Principal, existing?: RequestRecord,
): Promise<RequestRecord> => {
  let record = existing;
  if (!record) {
    const number = await deps.requests.allocateNumber(numberingYear(now.toISOString()), id);
    const fresh: RequestRecord = { id, number, submittedAt: now.toISOString(), updatedAt: now.toISOString(), status: 'SUBMITTED', request, documents };
    record = (await deps.requests.create(fresh, [requestSubmitted(fresh, { kind: 'requester', ...personOf(by) })])) ? fresh : (await deps.requests.get(id))!;
  }
  await completeSubmission(deps, record);
  return record;
};
