/**
 * POST /requests (API Gateway proxy). Called by requesters' tools; returns 202 with the new
 * request's id, status and links, or a 4xx naming each bad field (nothing stored). The requester
 * is the signed-in person; a body naming someone else is refused (400, field `requester`).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { IdentityDeps } from '../app/identity';
import { submitRequest } from '../app/submit';
import { requestLinks } from '../app/views';
import { authenticatedApi, requirePermission } from '../shared/authenticated';
import { basePath, header, json, jsonBody } from '../shared/http';

/** The ports this handler uses; composed by lambdas/functions/submit-request.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof submitRequest>[0] & IdentityDeps;

export const makeHandler = (deps: HandlerDeps) => authenticatedApi(deps, async (event: APIGatewayProxyEvent, principal) => {
  requirePermission(principal, 'submit');
  const body = jsonBody(event);
  const { created, record } = await submitRequest(deps, body, header(event, 'idempotency-key'), principal);
  const links = requestLinks(record.id, basePath(event));
  return json(202, { id: record.id, number: record.number ?? null, status: record.status, created, links }, { Location: links.self });
});
