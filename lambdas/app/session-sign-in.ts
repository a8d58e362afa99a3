/**
 * Signing a browser in and out (the use cases behind /sign-in, /auth/callback, /sign-out).
 *
 * The pending sign-in (state, nonce, PKCE verifier and the page to return to) travels in a
 * cookie encrypted with a key derived from the link secret (jose, `dir` + A256GCM), for ten
 * minutes; it never appears in a URL, so the page to return to (an approval link is a credential)
 * is not handed to the provider or written to its logs. The page to return to must be a path of
 * this site: anything that could leave it is refused (no open redirect).
 */
import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { SecretSource } from '../adapters/link-secret';
import { SignInFailedError, type SignInChecks, type SignInProvider } from '../adapters/openid-sign-in';
import type { PersonLookup } from './identity';
import type { SessionStore } from './session';

/** How long a browser has to finish signing in at the provider. */
export const PENDING_SIGN_IN_SECONDS = 10 * 60;
/** The routes of signing in and out themselves are never a place to return to. */
const SIGN_IN_ROUTES = /^\/(sign-in|sign-out|auth\/)/;

export interface SignInDeps {
  sessions: SessionStore;
  signIn: SignInProvider;
  linkSecret: SecretSource;
  people: PersonLookup;
  clock: () => Date;
}

/**
 * The page to return to after sign-in, when it is a path of this site: starts with one `/`, no
 * backslash, no control or space characters, and resolving it cannot change the origin. Returns
 * undefined for anything else (an absolute URL, `//evil.example`, `/\evil.example`, …).
 */
export const sameSitePath = (next: unknown): string | undefined => {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return undefined;
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\s\x00-\x1f\x7f]/.test(next)) return undefined;
  const base = 'https://site.invalid';
  let resolved: URL;
  try {
    resolved = new URL(next, base);
  } catch {
    return undefined;
  }
  if (resolved.origin !== base || resolved.hash !== '' || SIGN_IN_ROUTES.test(resolved.pathname)) return undefined;
  return `${resolved.pathname}${resolved.search}`;
};

interface Pending { checks: SignInChecks; next: string }

/** A key of its own for the pending-sign-in cookie, derived from the link secret (HKDF-SHA-256). */
const pendingKey = async (deps: Pick<SignInDeps, 'linkSecret'>): Promise<Uint8Array> =>
  new Uint8Array(hkdfSync('sha256', await deps.linkSecret(), 'purchase-approval', 'pending sign-in cookie v1', 32));

const sealPending = async (deps: Pick<SignInDeps, 'linkSecret' | 'clock'>, pending: Pending): Promise<string> => {
  const now = Math.floor(deps.clock().getTime() / 1000);
  return new EncryptJWT({ state: pending.checks.state, nonce: pending.checks.nonce, verifier: pending.checks.codeVerifier, next: pending.next })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(now)
    .setExpirationTime(now + PENDING_SIGN_IN_SECONDS)
    .encrypt(await pendingKey(deps));
};

/** The pending sign-in, or undefined when the cookie is missing, tampered with or too old. */
const openPending = async (deps: Pick<SignInDeps, 'linkSecret' | 'clock'>, sealed: string | undefined): Promise<Pending | undefined> => {
  if (!sealed || sealed.length > 4096) return undefined;
  try {
    const { payload } = await jwtDecrypt(sealed, await pendingKey(deps), { currentDate: deps.clock(), keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    const { state, nonce, verifier, next } = payload;
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof verifier !== 'string') return undefined;
    const path = sameSitePath(next);
    return path ? { checks: { state, nonce, codeVerifier: verifier }, next: path } : undefined;
  } catch {
    return undefined;
  }
};

/** Starts a sign-in: where to send the browser, and the sealed pending sign-in to set as a cookie. */
export const beginSignIn = async (deps: Pick<SignInDeps, 'signIn' | 'linkSecret' | 'clock'>, next: string): Promise<{ location: string; pending: string }> => {
  const { url, checks } = await deps.signIn.start();
  return { location: url, pending: await sealPending(deps, { checks, next }) };
};

export type SignInOutcome =
  | { kind: 'signed-in'; next: string; session: { value: string; formToken: string } }
  | { kind: 'refused'; status: 400 | 403; message: string };

/**
 * The callback: the pending sign-in must be there and match, the code is redeemed (PKCE, state,
 * nonce checked by openid-client), and the person must be in the directory. Then a new session.
 */
export const completeSignIn = async (deps: SignInDeps, query: URLSearchParams, sealed: string | undefined): Promise<SignInOutcome> => {
  const pending = await openPending(deps, sealed);
  if (!pending) return { kind: 'refused', status: 400, message: 'this sign-in has expired or was started in another browser; go back to the page you wanted and sign in again' };
  if (query.has('error')) {
    const cancelled = query.get('error') === 'access_denied';
    return { kind: 'refused', status: cancelled ? 403 : 400, message: cancelled ? 'the sign-in was cancelled' : 'the sign-in did not complete at the identity provider' };
  }
  let claims;
  try {
    claims = await deps.signIn.finish(query, pending.checks);
  } catch (error) {
    if (error instanceof SignInFailedError) return { kind: 'refused', status: 400, message: `the sign-in could not be completed (${error.message}); start again` };
    throw error;
  }
  // The person id the provider was given (Cognito: the username), else a verified address.
  const person = deps.people.findById(claims.username ?? claims.subject)
    ?? (claims.email && claims.emailVerified ? deps.people.findByEmail(claims.email) : undefined);
  if (!person) return { kind: 'refused', status: 403, message: `you signed in${claims.email ? ` as ${claims.email}` : ''}, but nobody of that name is in the people directory; ask an administrator to add you` };
  const session = await deps.sessions.create(person.id, deps.clock());
  return { kind: 'signed-in', next: pending.next, session };
};
