/**
 * The edge of every JSON API handler that acts for a person: the caller is authenticated before
 * anything else is read (401 with `WWW-Authenticate: Bearer …` when not), then the handler runs
 * with the verified principal. Refusals from the authorization table become 403 (may know the
 * request exists) or 404 (may not). The token itself is never logged or echoed.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { authorize, type Action, type RequestOwnership } from '../app/authorize';
import { AccessDeniedError, authenticate, NotAuthenticatedError, type IdentityDeps, type Principal } from '../app/identity';
import { RequestNotFoundError } from './errors';
import { apiHandler, errorJson } from './http';
import { logger } from './logger';

export const REALM = 'purchase-approval';

/** RFC 6750 §3: the challenge, with the error code and a description a client can show. */
export const bearerChallenge = (error?: NotAuthenticatedError): string => {
  const parts = [`realm="${REALM}"`];
  if (error?.error) parts.push(`error="${error.error}"`, `error_description="${error.message.replace(/["\\]/g, "'")}"`);
  return `Bearer ${parts.join(', ')}`;
};

export const unauthorized = (error: NotAuthenticatedError): APIGatewayProxyResult => {
  const response = errorJson('unauthorized', error.message);
  return { ...response, headers: { ...response.headers, 'WWW-Authenticate': bearerChallenge(error) } };
};

/**
 * The principal may do `action` (to `request`, when given), or this throws: 404 when they may not
 * even read the request, 403 when they may. Returns the conditions the grant carries.
 */
export const requirePermission = (principal: Principal, action: Action, request?: RequestOwnership) => {
  const decision = authorize(principal, action, request);
  if (decision.allowed) return decision.conditions;
  if (decision.status === 404) throw new RequestNotFoundError(decision.message);
  throw new AccessDeniedError(decision.message);
};

/** The owner and department of a stored request, as the authorization table needs them. */
export const ownershipOf = (record: { request: { requester: { email: string }; department: string } }): RequestOwnership => ({
  requester: { email: record.request.requester.email },
  department: record.request.department,
});

/** Wraps a handler that needs a verified caller; the rest of the error mapping is apiHandler's. */
export const authenticatedApi = (
  deps: IdentityDeps,
  handle: (event: APIGatewayProxyEvent, principal: Principal) => Promise<APIGatewayProxyResult>,
) => apiHandler(async (event: APIGatewayProxyEvent) => {
  let principal: Principal;
  try {
    principal = await authenticate(deps, event);
  } catch (error) {
    if (!(error instanceof NotAuthenticatedError)) throw error;
    logger.info('request refused: not authenticated', { reason: error.error ?? 'no-token', message: error.message, route: `${event.httpMethod} ${event.resource}` });
    return unauthorized(error);
  }
  try {
    return await handle(event, principal);
  } catch (error) {
    if (error instanceof AccessDeniedError) {
      logger.info('request refused: not allowed', { person: principal.id, route: `${event.httpMethod} ${event.resource}` });
      return errorJson('forbidden', error.message);
    }
    throw error;
  }
});

