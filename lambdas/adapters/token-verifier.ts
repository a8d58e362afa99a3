/**
 * Bearer token verification with `jose` (never by hand): the signature against the issuer's
 * published keys (JWKS, fetched by URL and cached), then issuer, audience, expiry and not-before.
 * Only asymmetric algorithms are accepted, so neither `alg: none` nor an HS256 token "signed" with
 * the public key can pass. The same code runs against Cognito on AWS and the local provider.
 *
 * Who a token is for is said two ways. The local provider (RFC 9068) puts the API in `aud`.
 * Cognito access tokens carry no `aud`: they name the app client in `client_id`, say
 * `token_use: access` (an ID token, whose `aud` is the client, says `id`) and list the API's
 * resource-server scope; the person id is their `username` (`sub` is Cognito's own id).
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

/** RS256 (Cognito, most providers) and ES256; everything else (none, HS*, PS*, EdDSA) is refused. */
export const ALLOWED_ALGORITHMS = ['RS256', 'ES256'] as const;
/** A real access token is 1–2 KB; anything far larger is refused before it is parsed. */
export const MAX_TOKEN_BYTES = 8 * 1024;
/** Clock skew tolerated between the issuer and this function, for exp and nbf. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** The API's one scope; Cognito writes it `<resource server id>/requests`. */
export const API_SCOPE = 'requests';

export interface TokenVerifierConfig {
  issuer: string;
  /** The API's identifier: the `aud` of local tokens, the resource server of Cognito's scope. */
  audience: string;
  /**
   * Cognito: the app clients whose access tokens are accepted (`client_id`), checked instead of
   * `aud` together with `token_use: access` and the `<audience>/requests` scope.
   */
  cognitoClientIds?: readonly string[];
  /** The issuer's JWKS (`jwks_uri` of its discovery document). */
  jwksUrl?: string;
  /** A key set held in memory instead of a URL (tests). */
  jwks?: JSONWebKeySet;
  /** The time tokens are judged at; injected so tests never depend on the wall clock. */
  clock?: () => Date;
}

/** What a valid token says about its subject; who that is, is the directory's answer (lambdas/app/identity.ts). */
export interface VerifiedClaims {
  subject: string;
  email?: string;
  /** true only when the issuer says it checked the address */
  emailVerified: boolean;
  name?: string;
}

/** Why a token was refused, in words safe to return in `WWW-Authenticate` (never the token itself). */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
  constructor(readonly reason: InvalidTokenReason, message: string) {
    super(message);
  }
}
export type InvalidTokenReason = 'too-large' | 'malformed' | 'algorithm' | 'signature' | 'unknown-key' | 'expired' | 'not-yet-valid' | 'claims' | 'keys-unavailable';

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedClaims>;
}

const asText = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** jose's error classes mapped to reasons a caller (and the audit of refusals) can act on. */
const reasonFor = (error: unknown): InvalidTokenError => {
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('expired', 'the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new InvalidTokenError('not-yet-valid', 'the token is not valid yet');
    return new InvalidTokenError('claims', `the token's ${error.claim} claim is not accepted`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new InvalidTokenError('algorithm', `the token must be signed with ${ALLOWED_ALGORITHMS.join(' or ')}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError('signature', 'the token signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new InvalidTokenError('unknown-key', 'the token is signed with a key the issuer does not publish');
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new InvalidTokenError('keys-unavailable', "the issuer's keys could not be read");
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return new InvalidTokenError('malformed', 'the token is not a well-formed JWT');
  if (error instanceof InvalidTokenError) return error;
  // A network failure fetching the JWKS surfaces as a plain Error: the token could not be checked.
  return new InvalidTokenError('keys-unavailable', "the issuer's keys could not be read");
};

/** Cognito's stand-in for `aud`: an access token (not an ID token) of our app client, for the API's scope. */
const checkCognitoAccessToken = (payload: JWTPayload, clientIds: readonly string[], scope: string): void => {
  if (payload.token_use !== 'access') throw new InvalidTokenError('claims', "the token's token_use claim is not accepted (send the access token)");
  if (typeof payload.client_id !== 'string' || !clientIds.includes(payload.client_id)) throw new InvalidTokenError('claims', "the token's client_id claim is not accepted");
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  if (!scopes.includes(scope)) throw new InvalidTokenError('claims', `the token's scope claim does not include ${scope}`);
};

/**
 * One verifier per container: the JWKS is fetched on first use, kept for ten minutes, and
 * fetched again at most every 30 s when a token names a key id it has not seen (key rotation),
 * so a flood of tokens with made-up key ids cannot turn into a flood of JWKS requests.
 */
export const createTokenVerifier = (config: TokenVerifierConfig): TokenVerifier => {
  if (!config.jwksUrl === !config.jwks) throw new Error('give the token verifier either jwksUrl or jwks');
  const keys = config.jwks
    ? createLocalJWKSet(config.jwks)
    : createRemoteJWKSet(new URL(config.jwksUrl!), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 });
  const clock = config.clock ?? (() => new Date());

  return {
    async verify(token) {
      if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) {
        throw new InvalidTokenError('too-large', `the token is larger than ${MAX_TOKEN_BYTES} bytes`);
      }
      const cognito = config.cognitoClientIds;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: config.issuer,
          ...(cognito ? {} : { audience: config.audience }),
          algorithms: [...ALLOWED_ALGORITHMS],
          requiredClaims: ['exp', 'sub'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: clock(),
        }));
      } catch (error) {
        throw reasonFor(error);
      }
      if (cognito) checkCognitoAccessToken(payload, cognito, `${config.audience}/${API_SCOPE}`);
      const subject = cognito ? asText(payload.username) ?? asText(payload.sub) : asText(payload.sub);
      if (!subject) throw new InvalidTokenError('claims', 'the token names no subject');
      return { subject, email: asText(payload.email), emailVerified: payload.email_verified === true, name: asText(payload.name) };
    },
  };
};
