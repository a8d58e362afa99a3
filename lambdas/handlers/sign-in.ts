/**
 * Browser sign-in and sign-out (API Gateway proxy), for the pages:
 * - `GET /sign-in?next=/path`: starts the authorization code flow (PKCE, state, nonce) at the
 *   provider; the pending sign-in goes in an encrypted cookie. `POST /sign-in` does the same with
 *   `next` in the form body (the approval page's "sign in to decide", whose path is a credential).
 * - `GET /auth/callback`: redeems the code, opens a session (cookie), returns to `next`.
 * - `POST /sign-out`: ends the session (for every copy of its cookie) and then the provider's own.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Deps } from '../app/deps';
import { crossSiteReason, clearCookie, pendingCookieName, readCookie, sameSecret, sessionCookieName, setCookie, SESSION_ABSOLUTE_SECONDS } from '../app/session';
import { continueToProviderPage, redirectWithCookies, signInRefusedPage } from '../app/session-pages';
import { beginSignIn, completeSignIn, PENDING_SIGN_IN_SECONDS, sameSitePath, type SignInDeps } from '../app/session-sign-in';
import { errorPage } from '../shared/error-page';
import { basePath, formBody } from '../shared/http';
import { logger } from '../shared/logger';

/** The ports this handler uses; composed by lambdas/functions/sign-in.ts on AWS and by the local stack. */
export type HandlerDeps = SignInDeps & Pick<Deps, 'sessions'>;

const NOT_HERE = 'the page to return to must be a page of this site';

export const makeHandler = (deps: HandlerDeps) => async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const { site } = deps.sessions;
  const base = basePath(event);
  try {
    const route = `${event.httpMethod} ${event.resource}`;

    if (route === 'GET /sign-in' || route === 'POST /sign-in') {
      const asked = route === 'GET /sign-in' ? (event.queryStringParameters?.next ?? '/') : (formBody(event).next ?? '/');
      const next = sameSitePath(asked);
      if (!next) {
        logger.info('sign-in refused: return path not on this site');
        return signInRefusedPage(400, NOT_HERE);
      }
      const { location, pending } = await beginSignIn(deps, next);
      const cookie = setCookie(site, pendingCookieName(site), pending, { maxAgeSeconds: PENDING_SIGN_IN_SECONDS });
      // After a form, the hop to another origin is a page of ours (see session-pages.ts).
      return route === 'GET /sign-in' ? redirectWithCookies(location, [cookie]) : continueToProviderPage(location, 'Signing in…', [cookie]);
    }

    if (route === 'GET /auth/callback') {
      const query = new URLSearchParams(Object.entries(event.queryStringParameters ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const clearPending = clearCookie(site, pendingCookieName(site));
      const outcome = await completeSignIn(deps, query, readCookie(event, pendingCookieName(site)));
      if (outcome.kind === 'refused') {
        logger.info('sign-in refused', { status: outcome.status });
        return signInRefusedPage(outcome.status, outcome.message, [clearPending]);
      }
      // A session this browser had before ends now: one browser, one session (and no fixation).
      const previous = readCookie(event, sessionCookieName(site));
      if (previous) await deps.sessions.revoke(previous, deps.clock());
      const session = setCookie(site, sessionCookieName(site), outcome.session.value, { maxAgeSeconds: SESSION_ABSOLUTE_SECONDS });
      return redirectWithCookies(`${base}${outcome.next}`, [session, clearPending]);
    }

    if (route === 'POST /sign-out') {
      const value = readCookie(event, sessionCookieName(site));
      const clearSession = clearCookie(site, sessionCookieName(site));
      if (!value) return redirectWithCookies(`${base}/`, [clearSession]);
      const session = await deps.sessions.find(value, deps.clock());
      if (session) {
        // Signing someone out is an action too: from this site's pages, with the session's form token.
        const crossSite = crossSiteReason(event, site);
        const token = formBody(event).formToken;
        if (crossSite || typeof token !== 'string' || !sameSecret(token, session.formToken)) {
          logger.info('sign-out refused: not from this site', { person: session.personId });
          return signInRefusedPage(403, 'this sign-out did not come from a page of this site; use the Sign out button of a page');
        }
      }
      await deps.sessions.revoke(value, deps.clock());
      logger.info('signed out', session ? { person: session.personId } : {});
      const provider = await deps.signIn.signOutUrl();
      return provider ? continueToProviderPage(provider, 'Signing out…', [clearSession]) : redirectWithCookies(`${base}/`, [clearSession]);
    }

    return signInRefusedPage(404, 'there is no such page');
  } catch (error) {
    return errorPage(error, 'Something went wrong on our side. Please try again in a minute.');
  }
};
