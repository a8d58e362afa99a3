/**
 * The edge of every signed-in page (home, the request page, the form, the queues). The viewer is
 * the person of the browser's session or of a bearer token (scripts and tests use the same token
 * as the API). A browser with neither is sent to sign in and brought back; a bad credential gets
 * a 401 page. Every form POST from a session must carry the session's anti-forgery value.
 * Errors become pages with the same status the JSON API would answer; nothing leaks a stack.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AccessDeniedError, NotAuthenticatedError, optionalCaller, type IdentityDeps, type Principal, type SessionDeps } from '../app/identity';
import { crossSiteReason, sameSecret } from '../app/session';
import { renderFormErrorPage, type PageViewer } from '../presentation';
import { errorPage } from './error-page';
import { basePath } from './http';
import { logger } from './logger';

/** The signed-in person looking at a page, with what the page header and forms need. */
export type Viewer = Principal & PageViewer;

export type PageDeps = IdentityDeps & SessionDeps;

/** Where a browser without a session goes: the sign-in route, told where to come back to. */
export const signInRedirect = (event: APIGatewayProxyEvent): APIGatewayProxyResult => {
  const base = basePath(event);
  const query = new URLSearchParams(Object.entries(event.queryStringParameters ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')).toString();
  const route = (event.path ?? '/').slice(base.length > 0 && (event.path ?? '').startsWith(base) ? base.length : 0) || '/';
  const next = `${route}${query ? `?${query}` : ''}`;
  return { statusCode: 303, headers: { Location: `${base}/sign-in?${new URLSearchParams({ next })}`, 'Cache-Control': 'no-store' }, body: '' };
};

/**
 * The viewer of a page request: a bearer token first (scripts; when sent, it must verify), then
 * the session cookie. NotAuthenticatedError without an error code when there is neither (or the
 * session has ended), so a browser is sent to sign in.
 */
const viewerOf = async (deps: PageDeps, event: APIGatewayProxyEvent): Promise<Viewer> => {
  const caller = await optionalCaller(deps, event);
  if (!caller) throw new NotAuthenticatedError(undefined, 'sign in to continue');
  return caller;
};

/**
 * A POSTed form from a browser session must carry the session's anti-forgery value; a bearer
 * caller has nothing ambient to forge and needs none. Throws AccessDeniedError (a 403 page).
 */
export const requireFormToken = (viewer: Viewer, form: Record<string, string>): void => {
  if (viewer.via === 'bearer') return;
  if (!viewer.formToken || typeof form.formToken !== 'string' || !sameSecret(form.formToken, viewer.formToken)) {
    throw new AccessDeniedError('This form has expired or did not come from this site. Go back, reload the page and try again.');
  }
};

/** Wraps a page handler that needs a signed-in viewer. */
export const authenticatedPage = (
  deps: PageDeps,
  handle: (event: APIGatewayProxyEvent, viewer: Viewer) => Promise<APIGatewayProxyResult>,
) => async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  let viewer: Viewer;
  try {
    viewer = await viewerOf(deps, event);
  } catch (error) {
    if (!(error instanceof NotAuthenticatedError)) return errorPage(error, 'Something went wrong on our side. Please try again in a minute.');
    if (error.error === undefined && (event.httpMethod === 'GET' || event.httpMethod === 'HEAD')) return signInRedirect(event);
    logger.info('page refused: not authenticated', { reason: error.error ?? 'no-credentials', route: `${event.httpMethod} ${event.resource}` });
    return renderFormErrorPage({ statusCode: 401, message: `Sign in to continue (${error.message}).` });
  }
  // A session's cookie rides along on any request to this site: a POST must also come from its pages.
  const crossSite = viewer.via === 'session' && event.httpMethod !== 'GET' && event.httpMethod !== 'HEAD' ? crossSiteReason(event, deps.sessions.site) : undefined;
  if (crossSite) {
    logger.info('page refused: cross-site form', { person: viewer.id, route: `${event.httpMethod} ${event.resource}` });
    return renderFormErrorPage({ statusCode: 403, message: `${crossSite}. Go back, reload the page and try again.` });
  }
  try {
    return await handle(event, viewer);
  } catch (error) {
    if (error instanceof AccessDeniedError) {
      logger.info('page refused: not allowed', { person: viewer.id, route: `${event.httpMethod} ${event.resource}` });
      return renderFormErrorPage({ statusCode: 403, message: error.message });
    }
    return errorPage(error, 'Something went wrong on our side. Please try again in a minute.');
  }
};
