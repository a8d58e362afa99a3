/**
 * POST /requests (API Gateway proxy). Called by requesters' tools; returns 202 with the new
 * request's id, status and links, or a 4xx naming each bad field (nothing stored).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { depsFor, type Deps } from '../app/deps';
import { submitRequest } from '../app/submit';
import { requestLinks } from '../app/views';
import { apiHandler, basePath, header, json, jsonBody } from '../shared/http';

export const makeHandler = (deps: Deps) => apiHandler(async (event: APIGatewayProxyEvent) => {
  const body = jsonBody(event);
  const { created, record } = await submitRequest(deps, body, header(event, 'idempotency-key'));
  const links = requestLinks(record.id, basePath(event));
  return json(202, { id: record.id, status: record.status, created, links }, { Location: links.self });
});

export const handler = makeHandler(depsFor('SubmitRequest'));
