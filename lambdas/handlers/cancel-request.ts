/**
 * POST /requests/{id}/cancel (API Gateway proxy): the requester withdraws a pending request.
 * 200 with the new status; 409 once the request has an outcome.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { cancelRequest } from '../app/lifecycle';
import { isWellFormedRequestId } from '../app/tokens';
import { requestLinks } from '../app/views';
import { RequestNotFoundError, RequestValidationError } from '../shared/errors';
import { apiHandler, basePath, json, jsonBody } from '../shared/http';

/** The ports this handler uses; composed by lambdas/functions/cancel-request.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof cancelRequest>[0];

export const makeHandler = (deps: HandlerDeps) => apiHandler(async (event: APIGatewayProxyEvent) => {
  const id = event.pathParameters?.id ?? '';
  if (!isWellFormedRequestId(id)) throw new RequestNotFoundError('no such request');
  const body = event.body && event.body.trim() !== '' ? jsonBody(event) : {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RequestValidationError([{ field: 'body', message: 'send a JSON object such as {"reason": "..."}' }]);
  const unknown = Object.keys(body).filter((k) => k !== 'reason');
  if (unknown.length) throw new RequestValidationError(unknown.map((field) => ({ field, message: 'unknown field; only "reason" is accepted' })));
  const record = await cancelRequest(deps, id, body as { reason?: unknown });
  return json(200, { id: record.id, status: record.status, links: requestLinks(record.id, basePath(event)) });
});
