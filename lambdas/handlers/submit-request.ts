/**
 * POST /requests (API Gateway proxy). Called by requesters' tools; returns 202 with the new
 * request's id, status and links, or a 4xx naming each bad field (nothing stored). The requester
 * is the signed-in person; a body naming someone else is refused (400, field `requester`).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { depsFor, type Deps } from '../app/deps';
import type { IdentityDeps } from '../app/identity';
import { submitRequest } from '../app/submit';
import { requestLinks } from '../app/views';
import { authenticatedApi, requirePermission } from '../shared/authenticated';
import { header, json, jsonBody } from '../shared/http';

export const makeHandler = (deps: Deps & IdentityDeps) => authenticatedApi(deps, async (event: APIGatewayProxyEvent, principal) => {
  requirePermission(principal, 'submit');
  const body = jsonBody(event);
  const { created, record } = await submitRequest(deps, body, header(event, 'idempotency-key'), principal);
  return json(202, { id: record.id, status: record.status, created, links: requestLinks(record.id) }, { Location: `/requests/${record.id}` });
});

export const handler = makeHandler(depsFor('SubmitRequest'));
