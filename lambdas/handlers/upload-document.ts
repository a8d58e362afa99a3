/**
 * POST /documents (API Gateway proxy): the signed-in person declares a file (name, media type,
 * exact size, purpose) and gets a presigned PUT for it, good for minutes. The file goes straight
 * to the private bucket; a request references it by `documentId` when it is submitted.
 *
 * Scripts send their bearer token. The new-request form's script calls it with the browser's
 * session instead, and a cookie rides along on any request to this site, so a session call must
 * show it comes from one of our pages exactly as a session form POST does: sent from this origin
 * (`Sec-Fetch-Site`/`Origin`), and carrying the session's anti-forgery value, here in the
 * `X-Form-Token` header (a header another site cannot set without a CORS preflight we never allow).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { startUpload, type DocumentsDeps } from '../app/documents';
import { AccessDeniedError, sessionCaller, type Caller, type IdentityDeps, type Principal, type SessionDeps } from '../app/identity';
import { crossSiteReason, sameSecret } from '../app/session';
import { authenticatedApi, requirePermission } from '../shared/authenticated';
import { apiHandler, errorJson, header, json, jsonBody } from '../shared/http';
import { logger } from '../shared/logger';

/** The ports this handler uses; composed by lambdas/functions/upload-document.ts on AWS and by the local stack. */
export type HandlerDeps = DocumentsDeps & IdentityDeps & SessionDeps;

/** The header the form's script puts the session's anti-forgery value in. */
export const FORM_TOKEN_HEADER = 'X-Form-Token';

const upload = async (deps: HandlerDeps, event: APIGatewayProxyEvent, principal: Principal) => {
  // Uploading is part of submitting: whoever may submit a request may attach its documents.
  requirePermission(principal, 'submit');
  const grant = await startUpload(deps, jsonBody(event), principal);
  return json(201, grant);
};

const withToken = (deps: HandlerDeps) => authenticatedApi(deps, (event, principal) => upload(deps, event, principal));

const fromSession = async (deps: HandlerDeps, event: APIGatewayProxyEvent, caller: Caller & { via: 'session' }) => {
  const crossSite = crossSiteReason(event, deps.sessions.site);
  const token = header(event, FORM_TOKEN_HEADER);
  if (crossSite || token === undefined || !sameSecret(token, caller.formToken)) {
    logger.info('upload refused: not from this site', { person: caller.id, reason: crossSite ? 'cross-site' : 'form-token' });
    return errorJson('forbidden', 'This page has expired or did not come from this site. Reload the page and attach the file again.');
  }
  try {
    return await upload(deps, event, caller);
  } catch (error) {
    if (error instanceof AccessDeniedError) return errorJson('forbidden', error.message);
    throw error;
  }
};

export const makeHandler = (deps: HandlerDeps) => {
  const token = withToken(deps);
  const session = apiHandler(async (event: APIGatewayProxyEvent) => {
    const caller = await sessionCaller(deps, event);
    return caller?.via === 'session' ? fromSession(deps, event, caller) : token(event);
  });
  // An Authorization header (even a bad one) means a script: it is judged as a token, never as a
  // session; without one, a live session cookie is the caller, and without that the token path
  // answers 401 as it always has.
  return (event: APIGatewayProxyEvent) => (header(event, 'authorization') !== undefined ? token(event) : session(event));
};
