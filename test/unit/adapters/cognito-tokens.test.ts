/**
 * Both shapes of access token the API meets: Cognito's on AWS (no `aud`; `client_id`,
 * `token_use` and the resource-server scope instead, the person id in `username`) and the local
 * provider's (RFC 9068, `aud` = the API). Tokens are signed here with jose; the clock is fixed.
 */
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { createTokenVerifier, type TokenVerifier } from '../../../lambdas/adapters/token-verifier';

const NOW = new Date('2026-05-04T10:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
const CLIENT = '5abcdefghij1234567890klmno';

let sign: (payload: JWTPayload) => Promise<string>;
let cognito: TokenVerifier;
let local: TokenVerifier;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  sign = (payload) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
  const jwks = { keys: [jwk] };
  cognito = createTokenVerifier({ issuer: ISSUER, audience: 'purchase-approval', cognitoClientIds: [CLIENT], jwks, clock: () => NOW });
  local = createTokenVerifier({ issuer: ISSUER, audience: 'purchase-approval', jwks, clock: () => NOW });
});

/** A Cognito access token as the hosted UI's code flow issues it (claims as documented by AWS). */
const cognitoAccess = (overrides: JWTPayload = {}): JWTPayload => ({
  sub: '0d9f6a9c-1111-4222-8333-944445555666',
  'cognito:groups': ['department-head'],
  iss: ISSUER,
  version: 2,
  client_id: CLIENT,
  token_use: 'access',
  scope: 'openid email purchase-approval/requests',
  auth_time: NOW_S - 60,
  iat: NOW_S - 60,
  exp: NOW_S + 3600,
  jti: 'a-jti',
  username: 'dana-ortiz',
  ...overrides,
});

const verdict = async (verifier: TokenVerifier, payload: JWTPayload): Promise<string> => {
  try {
    const claims = await verifier.verify(await sign(payload));
    return `accepted as ${claims.subject}`;
  } catch (error) {
    return `${(error as { reason?: string }).reason}: ${(error as Error).message}`;
  }
};

describe('Cognito access tokens (no aud)', () => {
  test('accepted: our client, token_use access, the API scope; the person is the username', async () => {
    expect(await verdict(cognito, cognitoAccess())).toBe('accepted as dana-ortiz');
  });

  test.each([
    ['another app client', { client_id: 'someone-elses-client' }, /client_id/],
    ['no client_id', { client_id: undefined }, /client_id/],
    ['an ID token (token_use id, aud = the client)', { token_use: 'id', aud: CLIENT, client_id: undefined }, /token_use/],
    ['no token_use', { token_use: undefined }, /token_use/],
    ['without the API scope', { scope: 'openid email' }, /scope/],
    ['a scope that only starts like ours', { scope: 'purchase-approval/requests-admin' }, /scope/],
    ['another issuer', { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }, /iss/],
    ['expired', { exp: NOW_S - 3600 }, /expired/],
  ])('refused: %s', async (_name, overrides, reason) => {
    expect(await verdict(cognito, cognitoAccess(overrides as JWTPayload))).toMatch(reason);
  });
});

describe('local provider tokens keep aud', () => {
  const localAccess = (overrides: JWTPayload = {}): JWTPayload => ({ sub: 'dana-ortiz', iss: ISSUER, aud: 'purchase-approval', iat: NOW_S, exp: NOW_S + 3600, client_id: 'purchase-approval-web', ...overrides });

  test('accepted with aud = the API; the person is sub', async () => {
    expect(await verdict(local, localAccess())).toBe('accepted as dana-ortiz');
  });

  test('a Cognito-shaped token (no aud) is refused where aud is expected', async () => {
    expect(await verdict(local, cognitoAccess())).toMatch(/^claims: .*aud/);
  });

  test('a local-shaped token is refused where Cognito access tokens are expected', async () => {
    expect(await verdict(cognito, localAccess())).toMatch(/token_use/);
  });
});
