/**
 * The OpenAPI 3.1 description of the HTTP API, built (pure, no I/O) from the same sources the API
 * runs on: the routes from the catalog (lambdas/catalog.ts), the request contract from the zod
 * schemas (lambdas/domain/schema.ts, also the source of the API Gateway model), the answers from
 * ./api-shapes.ts, the error codes and their statuses from lambdas/shared/error-codes.ts.
 * zod's `z.toJSONSchema` writes JSON Schema draft 2020-12, which is OpenAPI 3.1's own dialect, so
 * no conversion library is needed.
 *
 * What only a person can say (a summary, who may call a route, which errors it gives) is the
 * table below, one entry per catalog route: building the document fails if a catalog route has
 * no entry or an entry names a route the catalog does not have.
 */
import { z } from 'zod';
import { FUNCTIONS, type Route } from '../catalog';
import { documentUploadBody } from '../domain/documents';
import { contractBody, contractList, contractView } from '../domain/contracts';
import { API_BODIES, parsePurchaseRequest } from '../domain/schema';
import { CATEGORIES } from '../domain/vocabulary';
// The documented contract is one the demo registers (local/seed-contracts.ts).
import { SEED_CONTRACTS } from '../../local/seed-contracts';
import { REQUEST_STATUSES } from '../domain/vocabulary';
import { HTTP_STATUS, type ErrorCode } from '../shared/error-codes';
import { MAX_BODY_BYTES } from '../shared/http';
// The documented example is the request the tests submit, so it is known to be accepted.
import purchaseRequestExample from '../../test/fixtures/requests/formal-cooperative.json';
import * as shapes from './api-shapes';
import { uploadGrantShape } from './documents';

type Json = Record<string, unknown>;

/** Who may call a route. */
export type RouteAuth =
  /** An OpenID Connect access token as `Authorization: Bearer …`. */
  | 'bearer'
  /** Anyone: health checks, this description. */
  | 'public'
  /** The emailed approval link: its unguessable approval id is the credential (no sign-in). */
  | 'approval-link';

type Tag = 'Requests' | 'Routing' | 'Approvals' | 'Pages' | 'Sign-in' | 'Contracts' | 'Service';

interface Body {
  schema: string;
  /** The media types accepted, first the one the example is written in. */
  mediaTypes: readonly string[];
  required: boolean;
  example: unknown;
}

interface Success {
  status: 200 | 201 | 202 | 303;
  description: string;
  /** Media type → component schema name (or a raw schema for non-JSON answers). */
  content: Record<string, string | Json>;
  headers?: Record<string, Json>;
}

interface Parameter { name: string; description: string; schema: z.ZodType; required?: boolean }

interface RouteDoc {
  tag: Tag;
  summary: string;
  description?: string;
  auth: RouteAuth;
  /** Query parameters and headers are optional unless `required`. */
  query?: readonly Parameter[];
  headers?: readonly Parameter[];
  body?: Body;
  success: Success;
  /** The error codes this route answers with; their statuses come from HTTP_STATUS. */
  errors: readonly ErrorCode[];
  /** `html`: errors are pages; `json`: the error JSON; `negotiated`: JSON with `Accept: application/json`, else pages. */
  errorMedia?: 'json' | 'html' | 'negotiated';
}

/** lambdas/app/submit.ts's limit; test/unit/openapi/openapi.test.ts holds the two together. */
export const MAX_IDEMPOTENCY_KEY = 255;

const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Every JSON body is read through the same edge (lambdas/shared/http.ts): these can always happen. */
const BODY_ERRORS: readonly ErrorCode[] = ['validation_failed', 'payload_too_large', 'unsupported_media_type'];

const htmlPage = { type: 'string', description: 'A server-rendered HTML page (no scripts).' };

const ROUTES: Record<string, RouteDoc> = {
  'GET /contracts': {
    tag: 'Contracts',
    summary: 'Search the registry of vetted contracts',
    description: 'Everyone signed in. Every word of `q` must appear in the supplier, number, alliance, agency, state or scope. ' +
      'The whole registry is read and filtered per search (sized for a few hundred contracts). With `Accept: text/html` the contracts page.',
    auth: 'bearer',
    query: [
      { name: 'q', description: 'Words to find (any case).', schema: z.string().max(200) },
      { name: 'category', description: 'Only contracts covering this category.', schema: z.enum(CATEGORIES) },
      { name: 'active', description: 'true: only contracts active today.', schema: z.enum(['true', 'false']) },
    ],
    success: { status: 200, description: 'The matching contracts, by supplier.', content: { [JSON_TYPE]: 'ContractList', [HTML_TYPE]: htmlPage } },
    errors: ['validation_failed', 'internal_error'],
    errorMedia: 'negotiated',
  },
  'POST /contracts': {
    tag: 'Contracts',
    summary: 'Register a contract (purchasing)',
    description: 'The facts sent are recorded as verified by the signed-in purchasing person, now. Others get 403.',
    auth: 'bearer',
    body: { schema: 'Contract', mediaTypes: [JSON_TYPE], required: true, example: SEED_CONTRACTS[0]!.body },
    success: {
      status: 201, description: 'Registered.', content: { [JSON_TYPE]: 'ContractView' },
      headers: { Location: { description: 'The new contract’s path.', schema: { type: 'string' } } },
    },
    errors: [...BODY_ERRORS, 'forbidden', 'internal_error'],
  },
  'GET /contracts/{id}': {
    tag: 'Contracts',
    summary: 'Read a contract with its requests and spend',
    description: 'Everyone signed in. With `Accept: text/html` the contract page.',
    auth: 'bearer',
    success: { status: 200, description: 'The contract, its requests, spend and audit chain verification.', content: { [JSON_TYPE]: 'ContractView', [HTML_TYPE]: htmlPage } },
    errors: ['not_found', 'internal_error'],
    errorMedia: 'negotiated',
  },
  'GET /contracts/new': {
    tag: 'Contracts',
    summary: 'The register-a-contract form (purchasing)',
    description: 'A page (no scripts). `?from={request}` (id or number) fills it in from a request that named an unregistered contract: ' +
      'what its requester declared, for purchasing to confirm. Others get 403.',
    auth: 'bearer',
    query: [{ name: 'from', description: 'The id or number of a request to fill the form from.', schema: z.string().max(64) }],
    success: { status: 200, description: 'The form.', content: { [HTML_TYPE]: htmlPage } },
    errors: ['forbidden', 'not_found', 'internal_error'],
    errorMedia: 'html',
  },
  'POST /contracts/new': {
    tag: 'Contracts',
    summary: 'Register a contract from the form (purchasing)',
    description: 'The form’s fields; registers like POST /contracts (the ticked facts verified by the sender, now) and answers 303 to the contract’s page. ' +
      'Field errors answer 400 with the form, each error beside its field. A browser session must send the form’s `formToken`. Others get 403.',
    auth: 'bearer',
    success: { status: 200, description: 'Never: a registration answers 303 with `Location` set to the contract’s page.', content: { [HTML_TYPE]: htmlPage } },
    errors: [...BODY_ERRORS, 'forbidden', 'internal_error'],
    errorMedia: 'html',
  },
  'PUT /contracts/{id}': {
    tag: 'Contracts',
    summary: 'Edit a contract (purchasing)',
    description: 'The whole contract again. A fact whose answer changed is verified anew by the sender; unchanged answers keep their verification. ' +
      'Every change is an event on the contract’s audit chain. 409 when someone else edited it since.',
    auth: 'bearer',
    body: { schema: 'Contract', mediaTypes: [JSON_TYPE], required: true, example: SEED_CONTRACTS[0]!.body },
    success: { status: 200, description: 'The contract as edited.', content: { [JSON_TYPE]: 'ContractView' } },
    errors: [...BODY_ERRORS, 'forbidden', 'not_found', 'conflict', 'internal_error'],
  },
  'POST /requests': {
    tag: 'Requests',
    summary: 'Submit a purchase request',
    description:
      'Validates the request, stores it and starts its approval workflow; routing happens right after, so the answer is ' +
      '`SUBMITTED` and GET /requests/{id} shows the route. Nothing is stored when the body is refused. ' +
      'Send an `Idempotency-Key` to retry safely: the same key with the same body answers the original request.',
    auth: 'bearer',
    headers: [{
      name: 'Idempotency-Key',
      description: 'One value per intended submission (visible ASCII), so a retry cannot submit twice.',
      schema: z.string().min(1).max(MAX_IDEMPOTENCY_KEY).regex(/^[\x21-\x7e]+$/),
    }],
    body: { schema: 'PurchaseRequest', mediaTypes: [JSON_TYPE], required: true, example: purchaseRequestExample },
    success: {
      status: 202,
      description: 'Accepted: stored and on its way to routing.',
      content: { [JSON_TYPE]: 'Submitted' },
      headers: { Location: { description: 'The new request’s path.', schema: { type: 'string' } } },
    },
    errors: [...BODY_ERRORS, 'forbidden', 'idempotency_key_reused', 'internal_error'],
  },
  'GET /requests': {
    tag: 'Requests',
    summary: 'List requests, newest first',
    description: 'Shows what the signed-in person may see: purchasing and auditors everything, a department head their department, anyone else their own requests.',
    auth: 'bearer',
    query: [
      { name: 'status', description: 'Only requests in this status.', schema: z.enum(REQUEST_STATUSES) },
      { name: 'department', description: 'Only requests of this department.', schema: z.string().min(1).max(200) },
      { name: 'limit', description: 'Page size.', schema: z.int().min(1).max(100).default(25) },
      { name: 'cursor', description: 'The `nextCursor` of the previous page; a cursor this service did not issue is refused.', schema: z.string().max(2048) },
    ],
    success: { status: 200, description: 'One page of requests.', content: { [JSON_TYPE]: 'RequestList' } },
    errors: ['validation_failed', 'forbidden', 'internal_error'],
  },
  'GET /requests/{id}': {
    tag: 'Requests',
    summary: 'Read a request: its status, route, chain and decision',
    description: 'A request the caller may not see answers 404, exactly as one that does not exist.',
    auth: 'bearer',
    success: { status: 200, description: 'The request as it stands.', content: { [JSON_TYPE]: 'RequestView' } },
    errors: ['forbidden', 'not_found', 'internal_error'],
  },
  'GET /requests/{id}/audit': {
    tag: 'Requests',
    summary: 'Read a request’s audit trail, with its hash-chain verification',
    description: '`format=csv` downloads the trail as CSV (auditors), with the verification in the `X-Audit-Verified` header.',
    auth: 'bearer',
    query: [{ name: 'format', description: 'json (default) or csv.', schema: z.enum(['json', 'csv']).default('json') }],
    success: {
      status: 200,
      description: 'The trail, oldest event first.',
      content: { [JSON_TYPE]: 'AuditTrail', 'text/csv': { type: 'string', description: 'One row per event; cells that a spreadsheet would run as formulas are neutralised.' } },
      headers: { 'X-Audit-Verified': { description: 'With format=csv: `true` when the chain verifies.', schema: { type: 'string', enum: ['true', 'false'] } } },
    },
    errors: ['validation_failed', 'forbidden', 'not_found', 'internal_error'],
  },
  'POST /documents': {
    tag: 'Requests',
    summary: 'Upload a document (quote, contract, memo…) to reference from a request',
    description:
      'Declare the file (name, media type, exact size in bytes, purpose); the answer is a presigned PUT, good for minutes, ' +
      'whose signature covers that type and size, so the bucket refuses any other. Then reference `documentId` in the request. ' +
      'On submit the server checks each document is yours, uploaded, of the declared type and size, and records its SHA-256 in the audit trail. ' +
      'The new-request form\'s script calls it with the browser session instead of a token: then the call must come from this site ' +
      '(`Sec-Fetch-Site: same-origin`) and carry the page\'s anti-forgery value in `X-Form-Token`, else 403.',
    auth: 'bearer',
    body: { schema: 'DocumentUpload', mediaTypes: [JSON_TYPE], required: true, example: { filename: 'quote-volt-partners.pdf', mediaType: 'application/pdf', size: 48213, purpose: 'quote' } },
    success: { status: 201, description: 'Where and how to upload the file.', content: { [JSON_TYPE]: 'UploadGrant' } },
    errors: [...BODY_ERRORS, 'forbidden', 'internal_error'],
  },
  'POST /routing/preview': {
    tag: 'Routing',
    summary: 'Preview the route a request would take, without submitting it',
    description: 'The same routing core the workflow runs: the tier, the method’s checks, the checkpoints, flags and (when it would be returned) the reasons.',
    auth: 'bearer',
    body: { schema: 'PurchaseRequest', mediaTypes: [JSON_TYPE], required: true, example: purchaseRequestExample },
    success: { status: 200, description: 'The routing decision.', content: { [JSON_TYPE]: 'RoutingDecision' } },
    errors: [...BODY_ERRORS, 'forbidden', 'internal_error'],
  },
  'POST /requests/{id}/cancel': {
    tag: 'Requests',
    summary: 'Withdraw a pending request',
    description: 'Allowed while the request is SUBMITTED or PENDING_APPROVAL; the open approval links stop working.',
    auth: 'bearer',
    body: { schema: 'CancelBody', mediaTypes: [JSON_TYPE], required: false, example: { reason: 'Bought through the state contract instead.' } },
    success: { status: 200, description: 'Cancelled.', content: { [JSON_TYPE]: 'Cancelled' } },
    errors: [...BODY_ERRORS, 'forbidden', 'not_found', 'conflict', 'internal_error'],
  },
  'POST /requests/{id}/resend-notification': {
    tag: 'Requests',
    summary: 'Send the current approver’s email again after delivery failed',
    description: 'Uses the same approval link, which is never returned here: it only goes to the approver’s inbox.',
    auth: 'bearer',
    success: { status: 200, description: 'Delivered.', content: { [JSON_TYPE]: 'Resent' } },
    errors: ['forbidden', 'not_found', 'conflict', 'mail_unavailable', 'internal_error'],
  },
  'GET /approvals/{approvalId}': {
    tag: 'Approvals',
    summary: 'The approval page an approver opens from the email',
    description:
      'Shows the request, its checklist and history, and the decision form. Changes nothing (mail scanners fetch every ' +
      'link); HEAD answers the same headers. The link itself is the credential: no sign-in, one checkpoint, expiring.',
    auth: 'approval-link',
    success: { status: 200, description: 'The decision page.', content: { [HTML_TYPE]: htmlPage } },
    errors: ['forbidden', 'not_found', 'already_decided', 'expired', 'internal_error'],
    errorMedia: 'html',
  },
  'POST /approvals/{approvalId}': {
    tag: 'Approvals',
    summary: 'Record the approver’s decision',
    description:
      'Posted by the page’s form; a program may send JSON with `Accept: application/json` and gets JSON back. The first ' +
      'decision wins; a repeat answers 409 naming who decided and when.',
    auth: 'approval-link',
    headers: [{ name: 'Accept', description: '`application/json` for JSON answers; otherwise HTML pages.', schema: z.string() }],
    body: {
      schema: 'DecisionForm',
      mediaTypes: [FORM_TYPE, JSON_TYPE],
      required: true,
      example: { decision: 'approve', comment: 'Within the cooperative contract’s scope.', antiForgery: '(the hidden value of the page)' },
    },
    success: {
      status: 200,
      description: 'Recorded: a confirmation page, or JSON with `Accept: application/json`.',
      content: { [HTML_TYPE]: htmlPage, [JSON_TYPE]: 'DecisionRecorded' },
    },
    errors: [...BODY_ERRORS, 'forbidden', 'not_found', 'already_decided', 'expired', 'internal_error'],
    errorMedia: 'negotiated',
  },
  'GET /requests/new': {
    tag: 'Requests',
    summary: 'The new-request form',
    description: 'A page (no scripts). `?from={id}` pre-fills it from a request the caller may read ("Copy and fix"), with the reasons a returned request came back for; ' +
      '`?contract={id}` starts it under a registered contract (method, contract, supplier chosen).',
    auth: 'bearer',
    query: [
      { name: 'from', description: 'The id of a request to copy.', schema: z.string().max(64) },
      { name: 'contract', description: 'The id of a registered contract to buy under.', schema: z.string().max(64) },
    ],
    success: { status: 200, description: 'The form.', content: { [HTML_TYPE]: htmlPage } },
    errors: ['forbidden', 'not_found', 'internal_error'],
    errorMedia: 'html',
  },
  'POST /requests/new': {
    tag: 'Requests',
    summary: 'Preview or submit the new-request form',
    description:
      'The form’s fields (`action` = `preview`, `submit`, `add-quote` or `find-contract`). Preview answers the page with the routing core’s ' +
      'result; submit stores the request like POST /requests (the form’s hidden submission key makes a repeat one request) and ' +
      'answers 303 to the request’s page. Field errors answer 400 with the form, each error beside its field. A browser session must send the form’s `formToken`.',
    auth: 'bearer',
    success: {
      status: 200,
      description: 'The form again: with the preview, or one more quote row. A submission answers 303 with `Location` set to the new request’s page.',
      content: { [HTML_TYPE]: htmlPage },
    },
    errors: [...BODY_ERRORS, 'forbidden', 'idempotency_key_reused', 'internal_error'],
    errorMedia: 'html',
  },
  'GET /sign-in': {
    tag: 'Sign-in',
    summary: 'Sign a browser in (authorization code with PKCE at the identity provider)',
    description:
      'Sends the browser to the identity provider; the pending sign-in (state, nonce, PKCE verifier, `next`) is kept in an ' +
      'encrypted, HttpOnly cookie for ten minutes. `next` must be a path of this site; anything else is refused.',
    auth: 'public',
    query: [{ name: 'next', description: 'The path to return to after sign-in (default `/`).', schema: z.string() }],
    success: { status: 303, description: 'On to the identity provider.', content: {}, headers: { Location: { schema: { type: 'string' } } } },
    errors: ['validation_failed', 'internal_error'],
    errorMedia: 'html',
  },
  'POST /sign-in': {
    tag: 'Sign-in',
    summary: 'Sign a browser in, with the path to return to in the form body',
    description: 'As `GET /sign-in`, for pages whose path must not appear in a URL (an approval link asking to sign in to decide).',
    auth: 'public',
    body: { schema: 'SignInForm', mediaTypes: [FORM_TYPE], required: false, example: { next: '/approvals/(the id of the link)' } },
    success: { status: 200, description: 'A page that continues to the identity provider (`Refresh`).', content: { [HTML_TYPE]: htmlPage } },
    errors: [...BODY_ERRORS, 'internal_error'],
    errorMedia: 'html',
  },
  'GET /auth/callback': {
    tag: 'Sign-in',
    summary: 'Where the identity provider returns the browser',
    description: 'Redeems the code (PKCE, state and nonce checked), opens a session (an HttpOnly, SameSite=Lax cookie; Secure on https) and returns to `next`.',
    auth: 'public',
    success: { status: 303, description: 'Signed in: on to the page that asked.', content: {}, headers: { Location: { schema: { type: 'string' } }, 'Set-Cookie': { schema: { type: 'string' } } } },
    errors: ['validation_failed', 'forbidden', 'internal_error'],
    errorMedia: 'html',
  },
  'POST /sign-out': {
    tag: 'Sign-in',
    summary: 'End the browser session, then the identity provider’s',
    description: 'Ends the session on the server (a copy of its cookie stops working too). Needs the page’s form token and a same-site origin.',
    auth: 'public',
    body: { schema: 'SignOutForm', mediaTypes: [FORM_TYPE], required: true, example: { formToken: '(the hidden value of the page)' } },
    success: { status: 200, description: 'A page that continues to the identity provider’s sign-out (or a redirect home).', content: { [HTML_TYPE]: htmlPage } },
    errors: [...BODY_ERRORS, 'forbidden', 'internal_error'],
    errorMedia: 'html',
  },
  'GET /health': {
    tag: 'Service',
    summary: 'Liveness check',
    auth: 'public',
    success: { status: 200, description: 'The API answers.', content: { [JSON_TYPE]: 'Health' } },
    errors: [],
  },
  'GET /openapi.json': {
    tag: 'Service',
    summary: 'This description, as OpenAPI 3.1 JSON',
    auth: 'public',
    success: { status: 200, description: 'The OpenAPI document.', content: { [JSON_TYPE]: { type: 'object' } } },
    errors: [],
  },
  'GET /docs': {
    tag: 'Service',
    summary: 'This description, as a readable page',
    auth: 'public',
    success: { status: 200, description: 'The API documentation page.', content: { [HTML_TYPE]: htmlPage } },
    errors: [],
  },
  // The signed-in list pages (lambdas/handlers/list-pages.ts).
  'GET /': {
    tag: 'Pages',
    summary: 'My requests: the signed-in person’s requests, newest first',
    description: 'Each with its status, who holds it now, since when and when it is due; 20 to a page. A browser without a session is sent to sign in.',
    auth: 'bearer',
    query: [{ name: 'cursor', description: 'The `Older requests` link’s value, to continue the list.', schema: z.string().min(1).max(2048) }],
    success: { status: 200, description: 'The page.', content: { [HTML_TYPE]: htmlPage } },
    errors: ['validation_failed', 'internal_error'],
    errorMedia: 'html',
  },
  'GET /waiting': {
    tag: 'Pages',
    summary: 'Waiting for me: the approvals that wait for the signed-in person, oldest first',
    description: 'As the approver (a delegate or alternate included) or as the escalation contact once a checkpoint escalated.',
    auth: 'bearer',
    success: { status: 200, description: 'The page.', content: { [HTML_TYPE]: htmlPage } },
    errors: ['validation_failed', 'internal_error'],
    errorMedia: 'html',
  },
  'GET /waiting/{requestId}/{index}': {
    tag: 'Pages',
    summary: 'Open one approval from the queue',
    description:
      'Sends the signed-in approver (or escalation contact) to their own approval link; a decided checkpoint leads to the ' +
      'request page. Anyone else is answered 404. 409 while the approval email is still being prepared.',
    auth: 'bearer',
    success: { status: 303, description: 'To the approval page, or to the request page once decided.', content: {}, headers: { Location: { description: 'Where to go.', schema: { type: 'string' } } } },
    errors: ['not_found', 'internal_error'],
    errorMedia: 'html',
  },
  'GET /purchasing': {
    tag: 'Pages',
    summary: 'All open requests by stage, for purchasing and auditors',
    description: 'With age, due and overdue; filters as a GET form; `format=csv` downloads the filtered rows (formula cells neutralised). Anyone else: 403.',
    auth: 'bearer',
    query: [
      { name: 'status', description: 'SUBMITTED or PENDING_APPROVAL; empty for any.', schema: z.string() },
      { name: 'department', description: 'Only this department; empty for any.', schema: z.string().max(200) },
      { name: 'stage', description: 'Only requests at this checkpoint role (or SUBMITTED: being routed); empty for any.', schema: z.string().max(200) },
      { name: 'overdue', description: '`yes`: only requests past their reminder deadline.', schema: z.enum(['yes']) },
      { name: 'format', description: '`html` (default) or `csv`.', schema: z.enum(['html', 'csv']) },
    ],
    success: { status: 200, description: 'The page, or the CSV file.', content: { [HTML_TYPE]: htmlPage, 'text/csv': { type: 'string' } } },
    errors: ['validation_failed', 'forbidden', 'internal_error'],
    errorMedia: 'html',
  },
};

/** The path parameters of the catalog's route templates. */
const PATH_PARAMETERS: Record<string, { description: string; schema: Json }> = {
  id: { description: 'The request id (a ULID) or its number (PR-2026-000123); for contracts, the contract id (a ULID).', schema: { type: 'string', pattern: '^([0-9A-HJKMNP-TV-Z]{26}|PR-[0-9]{4}-[0-9]{6,9})$' } },
  approvalId: { description: 'The approval id from the emailed link. It is a credential: never log or share it.', schema: { type: 'string' } },
  requestId: { description: 'The request id (a ULID).', schema: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' } },
  index: { description: 'The checkpoint’s position in the request’s chain, from 0.', schema: { type: 'string', pattern: '^[0-9]{1,2}$' } },
};

/** What each error code means here, and the example message its answer carries. */
const ERROR_EXAMPLES: Record<ErrorCode, { meaning: string; message: string }> = {
  validation_failed: { meaning: 'the input is wrong; `fields` says where and why', message: 'the request is not valid' },
  unauthorized: { meaning: 'no valid bearer token', message: 'sign in: send an access token as Authorization: Bearer' },
  forbidden: { meaning: 'the signed-in person (or the page’s form) may not do this', message: 'you may not do this' },
  not_found: { meaning: 'no such resource, or one the caller may not see', message: 'no such request' },
  method_not_allowed: { meaning: 'the route does not take this method', message: 'method not allowed' },
  conflict: { meaning: 'the request’s state does not allow it now', message: 'the request is APPROVED and can no longer be cancelled' },
  already_decided: { meaning: 'the checkpoint was decided already', message: 'already approved by Dana Lee at 2026-11-02T15:04:05.000Z' },
  expired: { meaning: 'the approval link expired', message: 'this approval expired at 2026-11-20T17:00:00.000Z' },
  payload_too_large: { meaning: `the body is over ${MAX_BODY_BYTES} bytes`, message: `the body is larger than ${MAX_BODY_BYTES} bytes` },
  unsupported_media_type: { meaning: 'the body is not of an accepted media type, or not UTF-8', message: 'send the body as application/json' },
  idempotency_key_reused: { meaning: 'the Idempotency-Key was used before with a different body', message: 'this Idempotency-Key was used with a different body' },
  internal_error: { meaning: 'a fault on our side; nothing about it is echoed', message: 'something went wrong on our side; please try again' },
  mail_unavailable: { meaning: 'mail could not be delivered; the failure is in the audit trail', message: 'the email could not be delivered; the failure is recorded in the audit trail, try again later' },
};

/** The error body a bad submission really gets, from the real parser: a wrong amount and category. */
const validationExample = (): Json => {
  const parsed = parsePurchaseRequest({ ...purchaseRequestExample, amount: 120000.005, category: 'toys' });
  const fields = parsed.ok ? [] : parsed.errors;
  return { error: { code: 'validation_failed', message: ERROR_EXAMPLES.validation_failed.message, fields } };
};

/** zod to JSON Schema 2020-12 (OpenAPI 3.1's dialect); `$schema` goes, the document declares the dialect once. */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete generated.$schema;
  return generated;
};

const SCHEMAS: Record<string, { schema: z.ZodType; io: 'input' | 'output' }> = {
  PurchaseRequest: { schema: API_BODIES.PurchaseRequest, io: 'input' },
  Contract: { schema: contractBody, io: 'input' },
  ContractView: { schema: contractView, io: 'output' },
  ContractList: { schema: contractList, io: 'output' },
  CancelBody: { schema: shapes.cancelBody, io: 'input' },
  DecisionForm: { schema: shapes.decisionForm, io: 'input' },
  Error: { schema: shapes.errorBody(), io: 'output' },
  Submitted: { schema: shapes.submitted, io: 'output' },
  RequestList: { schema: shapes.requestList, io: 'output' },
  RequestView: { schema: shapes.requestView, io: 'output' },
  AuditTrail: { schema: shapes.auditTrail, io: 'output' },
  RoutingDecision: { schema: shapes.routingDecision, io: 'output' },
  Cancelled: { schema: shapes.cancelled, io: 'output' },
  Resent: { schema: shapes.resent, io: 'output' },
  DecisionRecorded: { schema: shapes.decisionRecorded, io: 'output' },
  Health: { schema: shapes.health, io: 'output' },
  SignInForm: { schema: z.object({ next: z.string().optional() }), io: 'input' },
  SignOutForm: { schema: z.object({ formToken: z.string() }), io: 'input' },
  DocumentUpload: { schema: documentUploadBody, io: 'input' },
  UploadGrant: { schema: uploadGrantShape, io: 'output' },
};

const ref = (name: string): Json => {
  if (!(name in SCHEMAS)) throw new Error(`no component schema named ${name}`);
  return { $ref: `#/components/schemas/${name}` };
};
const schemaOf = (entry: string | Json): Json => (typeof entry === 'string' ? ref(entry) : entry);

const routeKey = (route: Route): string => `${route.method} ${route.path}`;

/** The API routes of the catalog, in catalog order. */
export const catalogRoutes = (): Route[] => FUNCTIONS.filter((f) => f.kind === 'api').flatMap((f) => f.routes ?? []);

/** The routes this module describes (for the parity test). */
export const describedRoutes = (): string[] => Object.keys(ROUTES);

const errorResponse = (status: number, codes: readonly ErrorCode[], media: 'json' | 'html' | 'negotiated'): Json => {
  const meanings = codes.map((c) => `\`${c}\`: ${ERROR_EXAMPLES[c].meaning}`).join('; ');
  const jsonContent = {
    // The shared Error shape, its `code` narrowed to the codes this status stands for here.
    schema: jsonSchema(shapes.errorBody(codes), 'output'),
    example: codes[0] === 'validation_failed' ? validationExample() : { error: { code: codes[0], message: ERROR_EXAMPLES[codes[0]!].message } },
  };
  const content: Json = {};
  if (media !== 'html') content[JSON_TYPE] = jsonContent;
  if (media !== 'json') content[HTML_TYPE] = { schema: htmlPage };
  const response: Json = { description: `${media === 'html' ? 'A page saying why' : 'Error'} — ${meanings}.`, content };
  if (status === 401) {
    response.headers = { 'WWW-Authenticate': { description: 'The bearer challenge (RFC 6750), with the reason.', schema: { type: 'string' } } };
  }
  return response;
};

const parameter = (where: 'query' | 'header', p: Parameter): Json =>
  ({ name: p.name, in: where, description: p.description, required: p.required ?? false, schema: jsonSchema(p.schema, 'input') });

const operation = (route: Route, doc: RouteDoc): Json => {
  const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => {
    const known = PATH_PARAMETERS[name!];
    if (!known) throw new Error(`${routeKey(route)}: no description for the path parameter ${name}`);
    return { name, in: 'path', required: true, ...known };
  });
  const parameters = [
    ...pathParameters,
    ...(doc.query ?? []).map((p) => parameter('query', p)),
    ...(doc.headers ?? []).map((p) => parameter('header', p)),
  ];

  const responses: Json = {
    [String(doc.success.status)]: {
      description: doc.success.description,
      ...(doc.success.headers ? { headers: doc.success.headers } : {}),
      content: Object.fromEntries(Object.entries(doc.success.content).map(([type, entry]) => [type, { schema: schemaOf(entry) }])),
    },
  };
  const codes = [...doc.errors, ...(doc.auth === 'bearer' ? (['unauthorized'] as const) : [])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(HTTP_STATUS[code], [...(byStatus.get(HTTP_STATUS[code]) ?? []), code]);
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) responses[String(status)] = errorResponse(status, byStatus.get(status)!, doc.errorMedia ?? 'json');

  return {
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    operationId: operationId(route),
    // The document's default is the bearer token; public routes and approval links opt out.
    ...(doc.auth === 'bearer' ? {} : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: doc.body.required,
            content: Object.fromEntries(doc.body.mediaTypes.map((type, i) => [type, { schema: ref(doc.body!.schema), ...(i === 0 ? { example: doc.body!.example } : {}) }])),
          },
        }
      : {}),
    responses,
    'x-auth': doc.auth,
  };
};

/** `GET /requests/{id}/audit` → `getRequestsIdAudit`: stable, readable, unique per route. */
const operationId = (route: Route): string =>
  route.method.toLowerCase() +
  route.path
    .split(/[/{}.\-]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');

export interface OpenApiOptions {
  /** Where the API is served, e.g. `/prod` behind the default API Gateway URL; `/` locally. */
  serverUrl?: string;
  version?: string;
}

export type OpenApiDocument = Json & { openapi: string; paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json>; securitySchemes: Json } };

/** The whole document. Throws if the catalog and the route table above disagree. */
export function buildOpenApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  const routes = catalogRoutes();
  const missing = routes.map(routeKey).filter((key) => !(key in ROUTES));
  const stale = Object.keys(ROUTES).filter((key) => !routes.some((r) => routeKey(r) === key));
  if (missing.length || stale.length) {
    throw new Error(`the API description and the catalog disagree: undocumented ${missing.join(', ') || '-'}; not in the catalog ${stale.join(', ') || '-'}`);
  }

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, ROUTES[routeKey(route)]!);
  }
  const schemas = Object.fromEntries(Object.entries(SCHEMAS).map(([name, { schema, io }]) => [name, jsonSchema(schema, io)]));

  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Purchase approval router',
      version: options.version ?? '1',
      summary: 'Submit purchase requests, follow their route through the policy’s approvers, and audit the result.',
      description:
        'Every JSON route but `/health` needs an OpenID Connect access token as `Authorization: Bearer …`. Approval links ' +
        '(`/approvals/{approvalId}`) are pages reached from an email: the link is the credential. Errors share one shape, ' +
        '`{ "error": { "code", "message", "fields"? } }`; clients key on `code`. Amounts are US dollars with at most two decimals. ' +
        'On AWS, API Gateway may also answer 429 (`too_many_requests`) when the stage is throttled.',
    },
    servers: [{ url: options.serverUrl || '/' }],
    tags: [
      { name: 'Requests', description: 'Purchase requests: submit, list, read, audit, cancel.' },
      { name: 'Routing', description: 'The policy’s routing, without side effects.' },
      { name: 'Approvals', description: 'The approver’s page and decision, reached from the emailed link.' },
      { name: 'Pages', description: 'The signed-in pages: my requests, waiting for me, all open requests.' },
      { name: 'Sign-in', description: 'Browser sign-in and sign-out for the pages (scripts use bearer tokens).' },
      { name: 'Contracts', description: 'The registry of vetted cooperative, piggyback and state contracts.' },
      { name: 'Service', description: 'Health and this description.' },
    ],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An OpenID Connect access token from the agency’s identity provider (Cognito on AWS; `npm run token` locally).',
        },
      },
    },
  };
}
