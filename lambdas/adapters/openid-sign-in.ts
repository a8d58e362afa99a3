/**
 * Browser sign-in with `openid-client` (a certified relying party): authorization code with PKCE,
 * state and nonce, against the issuer's discovery document. The same code signs people in through
 * the local provider and through Cognito's hosted UI; only sign-out differs (Cognito publishes no
 * `end_session_endpoint`, its logout endpoint is configured instead).
 *
 * The tokens the provider returns are used once, to learn who signed in, and then dropped: the
 * pages run on this application's own session, so no provider token is kept anywhere.
 */
import * as client from 'openid-client';

export interface OpenIdSignInConfig {
  issuer: string;
  /** The public web client (no secret; PKCE). */
  clientId: string;
  /** `<public base URL>/auth/callback`, registered with the provider. */
  redirectUri: string;
  /** Where the provider sends the browser after signing out (registered with the provider). */
  postLogoutRedirectUri: string;
  /**
   * Cognito's logout endpoint (`https://<domain>/logout`), which takes `client_id` and
   * `logout_uri`; without it, the discovery document's `end_session_endpoint` (RP-initiated logout).
   */
  cognitoLogoutUrl?: string;
}

/** What the browser must bring back for the code to be redeemed; kept in an encrypted cookie. */
export interface SignInChecks { state: string; nonce: string; codeVerifier: string }

/** Who signed in, from the ID token. */
export interface SignedInClaims {
  subject: string;
  /** Cognito's `cognito:username`: the person id the pool was given. */
  username?: string;
  email?: string;
  emailVerified: boolean;
}

export interface SignInProvider {
  /** The provider's authorization URL and the checks to keep until the callback. */
  start(): Promise<{ url: string; checks: SignInChecks }>;
  /** Redeems the code the callback received; throws SignInFailedError when it does not check out. */
  finish(callbackQuery: URLSearchParams, checks: SignInChecks): Promise<SignedInClaims>;
  /** Where to send the browser to end the provider's own session too; undefined when it has no such endpoint. */
  signOutUrl(): Promise<string | undefined>;
}

export class SignInFailedError extends Error {
  override name = 'SignInFailedError';
}

const SCOPE = 'openid email profile';
const isLoopback = (url: URL) => url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

export const openIdSignIn = (config: OpenIdSignInConfig): SignInProvider => {
  let discovered: Promise<client.Configuration> | undefined;
  // Discovered once per container; a failure is not cached, so the next request tries again.
  const configuration = () => {
    discovered ??= (async () => {
      const issuer = new URL(config.issuer);
      // Plain http only for the local provider on this machine; anything else must be https.
      const options = isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : undefined;
      return client.discovery(issuer, config.clientId, { token_endpoint_auth_method: 'none' }, client.None(), options);
    })();
    discovered.catch(() => { discovered = undefined; });
    return discovered;
  };

  return {
    async start() {
      const oidc = await configuration();
      const checks: SignInChecks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(oidc, {
        redirect_uri: config.redirectUri,
        scope: SCOPE,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, checks };
    },

    async finish(callbackQuery, checks) {
      const oidc = await configuration();
      // The callback as registered (the redirect_uri sent to the token endpoint is this URL without
      // its query), whatever host or stage path the request arrived through.
      const callbackUrl = new URL(config.redirectUri);
      callbackUrl.search = callbackQuery.toString();
      let tokens;
      try {
        tokens = await client.authorizationCodeGrant(oidc, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        // The provider's own words (an OAuth error code and description), never a token.
        const e = error as { error?: string; error_description?: string; code?: string; message?: string };
        throw new SignInFailedError(e.error ? `${e.error}${e.error_description ? `: ${e.error_description}` : ''}` : (e.code ?? e.message ?? 'the sign-in did not complete'));
      }
      const claims = tokens.claims();
      if (!claims) throw new SignInFailedError('the provider returned no ID token');
      return {
        subject: claims.sub,
        ...(text(claims['cognito:username']) ? { username: text(claims['cognito:username']) } : {}),
        ...(text(claims.email) ? { email: text(claims.email) } : {}),
        emailVerified: claims.email_verified === true || claims.email_verified === 'true',
      };
    },

    async signOutUrl() {
      if (config.cognitoLogoutUrl) {
        const url = new URL(config.cognitoLogoutUrl);
        url.searchParams.set('client_id', config.clientId);
        url.searchParams.set('logout_uri', config.postLogoutRedirectUri);
        return url.href;
      }
      const oidc = await configuration();
      if (!oidc.serverMetadata().end_session_endpoint) return undefined;
      return client.buildEndSessionUrl(oidc, { client_id: config.clientId, post_logout_redirect_uri: config.postLogoutRedirectUri }).href;
    },
  };
};
