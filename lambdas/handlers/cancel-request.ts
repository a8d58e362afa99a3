/**
 * POST /requests/{id}/cancel (API Gateway proxy): the requester withdraws their pending request,
 * or purchasing cancels anyone's with a reason. 200 with the new status; 409 once the request
 * has an outcome; 404 for a request the caller may not see, 403 for one they may only read.
 *
 * The request page's Cancel button posts here as an HTML form (application/x-www-form-urlencoded,
 * with the session's `formToken`): the same checks, answered 303 back to the request page, or a
 * page saying what was refused. JSON callers get JSON, as before.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { cancelRequest } from '../app/lifecycle';
import { personOf, type Principal } from '../app/identity';
import { answersTo, resolveRequestId } from '../app/request-lookup';
import { requestLinks } from '../app/views';
import { renderRequestProblemPage } from '../presentation/request-page';
import { RequestNotCancellableError, RequestNotFoundError, RequestValidationError } from '../shared/errors';
import { authenticatedApi, ownershipOf, requirePermission } from '../shared/authenticated';
import { authenticatedPage, requireFormToken, type PageDeps } from '../shared/authenticated-page';
import { apiHandler, basePath, formBody, header, json, jsonBody } from '../shared/http';

/** The ports this handler uses; composed by lambdas/functions/cancel-request.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof cancelRequest>[0] & PageDeps;

/** The checks both forms of the call share: the request exists for this person, they may cancel it, with a reason when required. */
const cancelAs = async (deps: HandlerDeps, given: string, principal: Principal, reason: unknown) => {
  const id = await resolveRequestId(deps.requests, given);
  const existing = await deps.requests.get(id);
  if (!existing || !answersTo(existing, given)) throw new RequestNotFoundError('no such request');
  const conditions = requirePermission(principal, 'cancel', ownershipOf(existing));
  if (conditions.includes('reason-required') && (typeof reason !== 'string' || reason.trim() === '')) {
    throw new RequestValidationError([{ field: 'reason', message: "say why: cancelling another person's request needs a reason" }]);
  }
  const kind = conditions.includes('reason-required') ? 'purchasing' : 'requester';
  return cancelRequest(deps, id, reason === undefined ? {} : { reason }, { kind, ...personOf(principal) });
};

const isForm = (event: APIGatewayProxyEvent) => (header(event, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

export const makeHandler = (deps: HandlerDeps) => {
  const api = authenticatedApi(deps, async (event: APIGatewayProxyEvent, principal) => {
    const body = event.body && event.body.trim() !== '' ? jsonBody(event) : {};
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RequestValidationError([{ field: 'body', message: 'send a JSON object such as {"reason": "..."}' }]);
    const unknown = Object.keys(body).filter((k) => k !== 'reason');
    if (unknown.length) throw new RequestValidationError(unknown.map((field) => ({ field, message: 'unknown field; only "reason" is accepted' })));
    const record = await cancelAs(deps, event.pathParameters?.id ?? '', principal, (body as { reason?: unknown }).reason);
    return json(200, { id: record.id, number: record.number ?? null, status: record.status, links: requestLinks(record.id, basePath(event)) });
  });

  const form = authenticatedPage(deps, async (event, viewer) => {
    const base = basePath(event);
    const given = event.pathParameters?.id ?? '';
    const back = { href: `${base}/requests/${encodeURIComponent(given)}`, label: 'Back to the request' };
    const fields = formBody(event);
    requireFormToken(viewer, fields);
    try {
      const unknown = Object.keys(fields).filter((k) => k !== 'reason' && k !== 'formToken');
      if (unknown.length) throw new RequestValidationError(unknown.map((field) => ({ field, message: 'unknown field' })));
      // An empty textarea is no reason at all.
      const reason = fields.reason?.trim() ? fields.reason : undefined;
      const record = await cancelAs(deps, given, viewer, reason);
      return { statusCode: 303, headers: { Location: `${base}/requests/${record.number ?? record.id}?done=cancelled`, 'Cache-Control': 'no-store' }, body: '' };
    } catch (error) {
      if (error instanceof RequestNotFoundError) {
        return renderRequestProblemPage({ statusCode: 404, viewer, base, heading: 'No such request', message: 'There is no request by that number that you may see.' });
      }
      if (error instanceof RequestValidationError) {
        return renderRequestProblemPage({ statusCode: 400, viewer, base, heading: 'The request was not cancelled', message: 'Go back and correct this:', fields: error.fields, back });
      }
      if (error instanceof RequestNotCancellableError) {
        return renderRequestProblemPage({ statusCode: 409, viewer, base, heading: 'The request was not cancelled', message: `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`, back });
      }
      throw error;
    }
  });

  return apiHandler(async (event) => (isForm(event) ? form(event) : api(event)));
};
