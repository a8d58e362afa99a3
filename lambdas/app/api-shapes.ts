/**
 * The shapes the API answers with, and the small bodies no handler parses with zod (the cancel
 * reason, the decision form), written as zod schemas so the OpenAPI document (./openapi.ts) can
 * generate their JSON Schema the same way it does the request contract (lambdas/domain/schema.ts).
 *
 * They describe, they do not validate: the handlers build these answers in ./views.ts and the
 * handlers. test/unit/openapi/openapi.test.ts checks at compile time that what the handlers return
 * is assignable to what is documented here, so the two cannot drift silently. The large views
 * (a request, its trail, a routing decision) are open objects: the document names their main
 * fields without promising there are no others.
 */
import { z } from 'zod';
import { LIMITS } from '../domain/limits';
import { CHECKPOINT_STATES, DECISIONS, PHASES, REQUEST_STATUSES, ROUTING_STATUSES } from '../domain/vocabulary';
import { HTTP_STATUS, type ErrorCode } from '../shared/error-codes';

const isoInstant = z.string().meta({ format: 'date-time', description: 'An ISO 8601 instant (UTC).' });
const status = z.enum(REQUEST_STATUSES).meta({ description: 'Where the request is in its life.' });
const person = z.object({ name: z.string(), email: z.string() });

export const requestId = z.string().meta({ description: 'A ULID issued by POST /requests.', examples: ['01JXQ7Z3KX4M2Y8N6P0R5T9V1W'] });
/** The human number; null only on a request stored before numbers existed. */
export const requestNumber = z.string().nullable().meta({ description: 'The number people read and say: PR-<year>-<sequence>, allocated at submission. Usable wherever a request id is.', examples: ['PR-2026-000123'] });

export const links = z
  .object({ self: z.string(), audit: z.string(), cancel: z.string() })
  .meta({ description: 'Paths (relative to the API base URL) to read, audit and cancel the request.' });

export const fieldError = z.object({
  field: z.string().meta({ description: 'Where the problem is: a dotted path into the body (`method.quotes[1].amount`), a query parameter or a header.' }),
  message: z.string().meta({ description: 'One plain sentence saying what is wrong.' }),
});

/** The one error shape of the JSON API (lambdas/shared/http.ts `errorJson`); `codes` narrows `code`. */
export const errorBody = (codes: readonly ErrorCode[] = Object.keys(HTTP_STATUS) as ErrorCode[]) =>
  z.object({
    error: z.object({
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]).meta({ description: 'Stable; clients key on it, never on the message.' }),
      message: z.string(),
      fields: z.array(fieldError).optional().meta({ description: 'Present when the problem is in particular fields.' }),
    }),
  });

export const health = z.object({ status: z.literal('ok') });

export const submitted = z.object({
  id: requestId,
  number: requestNumber,
  status,
  created: z.boolean().meta({ description: 'false when the same Idempotency-Key and body were sent before: the original request is answered.' }),
  links,
});

export const requestListItem = z.object({
  id: requestId,
  number: requestNumber,
  status,
  title: z.string(),
  department: z.string(),
  amount: z.number().meta({ description: 'US dollars.' }),
  vendor: z.string(),
  tier: z.string().nullable().meta({ description: 'The threshold tier, once routed.' }),
  method: z.string().nullable(),
  submittedAt: isoInstant,
  links,
});

export const requestList = z.object({
  items: z.array(requestListItem).meta({ description: 'Newest first.' }),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
});

const checkpoint = z.looseObject({
  index: z.number().int(),
  role: z.string(),
  roleTitle: z.string(),
  approver: person,
  onBehalfOf: person.optional(),
  state: z.enum(CHECKPOINT_STATES),
  decidedAt: isoInstant.optional(),
  decidedBy: z.string().optional(),
  comment: z.string().optional(),
  dueAt: isoInstant.optional(),
});

export const requestView = z.looseObject({
  id: requestId,
  number: requestNumber,
  status,
  submittedAt: isoInstant,
  updatedAt: isoInstant,
  request: z.looseObject({}).meta({ description: 'The request as submitted (the PurchaseRequest shape, amounts in dollars).' }),
  tier: z.looseObject({ id: z.string(), reason: z.string(), citation: z.string() }).nullable(),
  method: z.looseObject({ type: z.string(), eligible: z.boolean() }).nullable(),
  flags: z.array(z.looseObject({ type: z.string(), detail: z.string() })),
  reasons: z.array(z.looseObject({})),
  checkpoints: z.array(checkpoint).meta({ description: 'The approval chain in order, with who was asked and what they decided.' }),
  currentCheckpoint: z.looseObject({ index: z.number().int(), role: z.string(), approver: person }).nullable(),
  decision: z.looseObject({ status: z.string(), at: isoInstant }).nullable(),
  links,
});

export const auditTrail = z.looseObject({
  requestId,
  verified: z.boolean().meta({ description: 'true when every event hashes to the next and the chain head matches.' }),
  verification: z.looseObject({ verified: z.boolean(), count: z.number().int() }),
  events: z.array(z.looseObject({ seq: z.number().int(), type: z.string(), at: isoInstant, hash: z.string(), prevHash: z.string() })),
});

export const routingDecision = z.looseObject({
  status: z.enum(ROUTING_STATUSES).meta({ description: 'PENDING_APPROVAL: the chain below would be asked; RETURNED: the reasons say what to fix.' }),
  policy: z.object({ id: z.string(), version: z.string() }),
  tier: z.looseObject({ id: z.string(), reason: z.string(), citation: z.string() }),
  method: z.looseObject({ type: z.string(), eligible: z.boolean() }),
  checkpoints: z.array(z.looseObject({ role: z.string() })),
  flags: z.array(z.looseObject({ type: z.string() })),
  reasons: z.array(z.looseObject({})),
  routedAt: isoInstant,
});

export const cancelBody = z.strictObject({
  reason: z.string().max(LIMITS.cancelReason).optional().meta({ description: 'Why the request is withdrawn; kept in the audit trail.' }),
});

export const cancelled = z.object({ id: requestId, number: requestNumber, status, links });

export const resent = z.object({
  id: requestId,
  notification: z.object({ status: z.literal('sent'), index: z.number().int(), role: z.string(), phase: z.enum(PHASES) }),
  links,
});

/** The approval page's form, as posted (form-encoded by the page, or JSON by a program). */
export const decisionForm = z.strictObject({
  decision: z.enum(DECISIONS),
  comment: z.string().max(LIMITS.comment).optional().meta({ description: 'Required to reject.' }),
  antiForgery: z.string().meta({ description: 'The hidden value of the page the decision was taken on.' }),
  meetingDate: z.string().optional().meta({ description: 'YYYY-MM-DD; required to approve a governing-body checkpoint.' }),
  resolutionNumber: z.string().max(LIMITS.resolutionNumber).optional().meta({ description: 'Required to approve a governing-body checkpoint.' }),
});

export const decisionRecorded = z.object({
  decision: z.enum(DECISIONS),
  decidedAt: isoInstant,
  by: z.string(),
  requestId,
  nextStep: z.string(),
});
