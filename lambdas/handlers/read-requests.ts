/**
 * The read-only API (API Gateway proxy): GET /requests, GET /requests/{id},
 * GET /requests/{id}/audit, POST /routing/preview, GET /health. Granted read access to the
 * requests and audit tables only: it cannot see approval links or task tokens. Every route but
 * /health needs a signed-in person, and shows them only what the authorization table allows.
 * A request is named by its id (ULID) or its number (PR-2026-000123). GET /requests/{id} is also
 * the request page: a browser (Accept preferring text/html) gets HTML, every other client JSON.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { verifyTrail } from '../audit/chain';
import { auditCsv } from '../audit/csv';
import { listScope, type RequestOwnership } from '../app/authorize';
import type { Deps } from '../app/deps';
import { mailboxKey, type Principal } from '../app/identity';
import { previewRouting } from '../app/routing';
import { requestPageView } from '../app/request-page';
import { answersTo, resolveRequestId } from '../app/request-lookup';
import { requestListItem, requestView } from '../app/views';
import { renderRequestPage, renderRequestProblemPage } from '../presentation/request-page';
import { RequestNotFoundError, RequestValidationError } from '../shared/errors';
import { authenticatedApi, ownershipOf, requirePermission } from '../shared/authenticated';
import { authenticatedPage, type Viewer, type PageDeps } from '../shared/authenticated-page';
import { apiHandler, basePath, csvDownload, errorJson, header, json, jsonBody } from '../shared/http';
import { REQUEST_STATUSES, type RequestStatus } from '../domain/vocabulary';
import type { RequestRecord } from '../store/records';
import { InvalidCursorError } from '../store/requests-table';

const requestId = (deps: Pick<Deps, 'requests'>, event: APIGatewayProxyEvent): Promise<string> =>
  resolveRequestId(deps.requests, event.pathParameters?.id ?? '');

/** The quality a client's Accept header gives exactly this media type (0 when it is not listed; wildcards do not count). */
const acceptQuality = (accept: string, type: string): number => {
  for (const range of accept.toLowerCase().split(',')) {
    const [name, ...parameters] = range.split(';').map((part) => part.trim());
    if (name !== type) continue;
    const q = parameters.find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    return Number.isFinite(quality) ? quality : 0;
  }
  return 0;
};

/**
 * A browser asks for text/html by name; curl (`*\/*`) and API clients do not, and get JSON, the
 * default. A client naming both gets the one it rates higher (JSON on a tie).
 */
export const prefersHtml = (event: APIGatewayProxyEvent): boolean => {
  const accept = header(event, 'accept') ?? '';
  return acceptQuality(accept, 'text/html') > acceptQuality(accept, 'application/json');
};

/** The answer of GET /requests/{id} depends on Accept: caches must keep the HTML and the JSON apart. */
const varyOnAccept = <T extends { headers?: Record<string, unknown> }>(response: T): T => ({ ...response, headers: { ...response.headers, Vary: 'Accept' } });

/** `?format=json` (default) or `?format=csv`; nothing else is accepted on the audit route. */
const auditFormat = (event: APIGatewayProxyEvent): 'json' | 'csv' => {
  const q = event.queryStringParameters ?? {};
  const unknown = Object.keys(q).filter((name) => name !== 'format');
  const format = q.format ?? 'json';
  const fields = unknown.map((field) => ({ field, message: 'unknown query parameter; use format' }));
  if (format !== 'json' && format !== 'csv') fields.push({ field: 'format', message: 'must be json or csv' });
  if (fields.length) throw new RequestValidationError(fields);
  return format as 'json' | 'csv';
};

const listQuery = (event: APIGatewayProxyEvent) => {
  const q = event.queryStringParameters ?? {};
  const fields: Array<{ field: string; message: string }> = [];
  const known = ['status', 'department', 'limit', 'cursor'];
  for (const name of Object.keys(q)) if (!known.includes(name)) fields.push({ field: name, message: `unknown query parameter; use ${known.join(', ')}` });
  const status = q.status as RequestStatus | undefined;
  if (status !== undefined && !(REQUEST_STATUSES as readonly string[]).includes(status)) fields.push({ field: 'status', message: `must be one of ${REQUEST_STATUSES.join(', ')}` });
  const limit = q.limit === undefined ? 25 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) fields.push({ field: 'limit', message: 'must be a whole number from 1 to 100' });
  if (q.department !== undefined && (q.department.length === 0 || q.department.length > 200)) fields.push({ field: 'department', message: 'must be 1 to 200 characters' });
  if (q.cursor !== undefined && q.cursor.length > 2048) fields.push({ field: 'cursor', message: 'is too long' });
  if (fields.length) throw new RequestValidationError(fields);
  return { status, department: q.department, limit, cursor: q.cursor };
};

/**
 * What the list shows this person: purchasing and auditors everything; a department head their
 * department (asking for another is refused); anyone else their own requests, filtered from the
 * newest-first page, so a page may hold fewer than `limit` items while `nextCursor` goes on.
 */
const scopedQuery = (principal: Principal, query: ReturnType<typeof listQuery>) => {
  requirePermission(principal, 'list');
  const scope = listScope(principal);
  if (scope.scope === 'department') {
    if (query.department !== undefined && query.department !== scope.department) {
      throw new RequestValidationError([{ field: 'department', message: `you may list the requests of ${scope.department} only` }]);
    }
    return { query: { ...query, department: scope.department }, keep: () => true };
  }
  if (scope.scope === 'own') {
    const mine = mailboxKey(principal.email);
    return { query, keep: (r: RequestRecord) => mailboxKey(r.request.requester.email) === mine };
  }
  return { query, keep: () => true };
};

/** The stored request, if this person may see it; otherwise "not found", whether it exists or not. */
const visibleRequest = async (deps: Pick<Deps, 'requests'>, principal: Principal, id: string, given: string, action: 'read' | 'export-audit' = 'read'): Promise<RequestOwnership> => {
  const record = await deps.requests.get(id);
  if (!record || !answersTo(record, given)) throw new RequestNotFoundError('no such request');
  const ownership = ownershipOf(record);
  requirePermission(principal, action, ownership);
  return ownership;
};

/** The ports this handler uses; composed by lambdas/functions/read-requests.ts on AWS and by the local stack. */
export type HandlerDeps = Pick<Deps, 'requests' | 'audit'> & Parameters<typeof previewRouting>[0] & PageDeps;

export const makeHandler = (deps: HandlerDeps) => {
  const authenticated = authenticatedApi(deps, (event, principal) => route(deps, event, principal));
  const page = authenticatedPage(deps, (event, viewer) => requestPage(deps, event, viewer));
  // /health stays public: load balancers and uptime checks carry no token.
  return apiHandler(async (event: APIGatewayProxyEvent) => {
    const routeKey = `${event.httpMethod} ${event.resource}`;
    if (routeKey === 'GET /health') return json(200, { status: 'ok' });
    if (routeKey === 'GET /requests/{id}') return varyOnAccept(prefersHtml(event) ? await page(event) : await authenticated(event));
    return authenticated(event);
  });
};

/**
 * The request page, with exactly the JSON read's authorization: a request the viewer may not read
 * (another department's, someone else's) is "not found", whether it exists or not.
 */
const requestPage = async (deps: HandlerDeps, event: APIGatewayProxyEvent, viewer: Viewer) => {
  const base = basePath(event);
  const given = event.pathParameters?.id ?? '';
  try {
    const id = await resolveRequestId(deps.requests, given);
    const { request, checkpoints } = await deps.requests.getWithCheckpoints(id);
    if (!request || !answersTo(request, given)) throw new RequestNotFoundError('no such request');
    requirePermission(viewer, 'read', ownershipOf(request));
    // The head first: events appended while the trail is read only come after it.
    const events = await deps.audit.list(id);
    const { verified } = verifyTrail(events, request.auditHead);
    const notice = event.queryStringParameters?.done === 'cancelled' && request.status === 'CANCELLED' ? 'The request is cancelled.'
      : event.queryStringParameters?.done === 'resent' ? 'The approval email was sent again.' : undefined;
    return renderRequestPage({ view: requestPageView(viewer, request, checkpoints, { events, verified }), viewer, base, notice });
  } catch (error) {
    if (!(error instanceof RequestNotFoundError)) throw error;
    return renderRequestProblemPage({
      statusCode: 404, viewer, base, heading: 'No such request',
      message: 'There is no request by that number that you may see. Check the number, or open it from your list.',
    });
  }
};

const route = async (deps: HandlerDeps, event: APIGatewayProxyEvent, principal: Principal) => {
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /requests': {
      const { query, keep } = scopedQuery(principal, listQuery(event));
      const page = await deps.requests.list(query).catch((error: unknown) => {
        // A cursor that decodes yet names keys this index does not have: DynamoDB refuses the
        // start key (ValidationException). That is the caller's cursor at fault, not ours.
        if (query.cursor !== undefined && error instanceof Error && error.name === 'ValidationException') {
          throw new InvalidCursorError('the cursor is not one this service issued');
        }
        throw error;
      });
      return json(200, { items: page.items.filter(keep).map((item) => requestListItem(item, basePath(event))), nextCursor: page.nextCursor ?? null });
    }
    case 'GET /requests/{id}': {
      const { request, checkpoints } = await deps.requests.getWithCheckpoints(await requestId(deps, event));
      if (!request || !answersTo(request, event.pathParameters?.id ?? '')) throw new RequestNotFoundError('no such request');
      requirePermission(principal, 'read', ownershipOf(request));
      return json(200, requestView(request, checkpoints, basePath(event)));
    }
    case 'GET /requests/{id}/audit': {
      const id = await requestId(deps, event);
      const format = auditFormat(event);
      // Reading the trail comes with reading the request; exporting it (CSV) is the auditor's.
      await visibleRequest(deps, principal, id, event.pathParameters?.id ?? '', format === 'csv' ? 'export-audit' : 'read');
      // The head first: events appended while the trail is read only come after it.
      const head = (await deps.requests.get(id))?.auditHead;
      const events = await deps.audit.list(id);
      if (events.length === 0 && !head) throw new RequestNotFoundError('no such request');
      const verification = verifyTrail(events, head);
      if (format === 'csv') {
        return csvDownload(`audit-${id}.csv`, auditCsv(events), { 'X-Audit-Verified': String(verification.verified) });
      }
      return json(200, { requestId: id, verified: verification.verified, verification, head: head ?? null, events });
    }
    case 'POST /routing/preview':
      requirePermission(principal, 'preview');
      return json(200, await previewRouting(deps, jsonBody(event), principal));
    default:
      return errorJson('not_found', 'no such route');
  }
};
