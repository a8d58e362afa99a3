/**
 * POST /requests/{id}/cancel (API Gateway proxy): the requester withdraws their pending request,
 * or purchasing cancels anyone's with a reason. 200 with the new status; 409 once the request
 * has an outcome; 404 for a request the caller may not see, 403 for one they may only read.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { cancelRequest } from '../app/lifecycle';
import { personOf, type IdentityDeps } from '../app/identity';
import { isWellFormedRequestId } from '../app/tokens';
import { requestLinks } from '../app/views';
import { RequestNotFoundError, RequestValidationError } from '../shared/errors';
import { authenticatedApi, ownershipOf, requirePermission } from '../shared/authenticated';
import { basePath, json, jsonBody } from '../shared/http';

/** The ports this handler uses; composed by lambdas/functions/cancel-request.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof cancelRequest>[0] & IdentityDeps;

export const makeHandler = (deps: HandlerDeps) => authenticatedApi(deps, async (event: APIGatewayProxyEvent, principal) => {
  const id = event.pathParameters?.id ?? '';
  if (!isWellFormedRequestId(id)) throw new RequestNotFoundError('no such request');
  const body = event.body && event.body.trim() !== '' ? jsonBody(event) : {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RequestValidationError([{ field: 'body', message: 'send a JSON object such as {"reason": "..."}' }]);
  const unknown = Object.keys(body).filter((k) => k !== 'reason');
  if (unknown.length) throw new RequestValidationError(unknown.map((field) => ({ field, message: 'unknown field; only "reason" is accepted' })));
  const existing = await deps.requests.get(id);
  if (!existing) throw new RequestNotFoundError('no such request');
  const conditions = requirePermission(principal, 'cancel', ownershipOf(existing));
  const { reason } = body as { reason?: unknown };
  if (conditions.includes('reason-required') && (typeof reason !== 'string' || reason.trim() === '')) {
    throw new RequestValidationError([{ field: 'reason', message: "say why: cancelling another person's request needs a reason" }]);
  }
  const kind = conditions.includes('reason-required') ? 'purchasing' : 'requester';
  const record = await cancelRequest(deps, id, body as { reason?: unknown }, { kind, ...personOf(principal) });
  return json(200, { id: record.id, status: record.status, links: requestLinks(record.id, basePath(event)) });
});
