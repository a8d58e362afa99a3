/**
 * The attacks of issue 9 item 8 against the token verifier and the authentication built on it.
 * Keys are generated here; the JWKS is served by a local issuer on 127.0.0.1 (no network). The
 * clock is fixed, so expiry is judged at a known instant, not at whatever time the test runs.
 */
import { base64url, SignJWT } from 'jose';
import { createTokenVerifier, MAX_TOKEN_BYTES, type TokenVerifier } from '../../../lambdas/adapters/token-verifier';
import { authenticate, bearerToken, NotAuthenticatedError, type PersonLookup } from '../../../lambdas/app/identity';
import type { PersonRecord } from '../../../lambdas/domain/people';
import { startTestIssuer, type TestIssuer } from '../../integration/support/token-issuer';

const NOW = new Date('2026-05-04T10:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const clock = () => NOW;

const DANA: PersonRecord = { id: 'dana-ortiz', name: 'Dana Ortiz', email: 'dana.ortiz@sample-city.example', department: 'Public Works', roles: ['department-head'] };
const directory = (people: PersonRecord[]): PersonLookup => ({
  findById: (id) => people.find((p) => p.id === id),
  findByEmail: (email) => people.find((p) => p.email.toLowerCase() === email.toLowerCase()),
});

let issuer: TestIssuer;
let verifier: TokenVerifier;
beforeAll(async () => {
  issuer = await startTestIssuer(clock);
  verifier = createTokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl, clock });
});
afterAll(() => issuer.close());

const event = (token: string | undefined, query?: Record<string, string>) => ({
  headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  queryStringParameters: query ?? null,
  multiValueQueryStringParameters: null,
});
const deps = (people: PersonRecord[] = [DANA]) => ({ tokenVerifier: verifier, people: directory(people) });

/** The reason a token is refused, or 'accepted'. */
const verdict = async (token: string): Promise<string> => {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    return (error as { reason?: string }).reason ?? `unexpected ${(error as Error).name}`;
  }
};

const part = (t: string, i: number) => JSON.parse(Buffer.from(t.split('.')[i]!, 'base64url').toString('utf8'));
const headerOf = (t: string) => part(t, 0);
const payloadOf = (t: string) => part(t, 1);
const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

describe('a good token', () => {
  test.each(['ES256', 'RS256'] as const)('%s: verified, and mapped to the directory person (name, email, department, roles from the directory)', async (alg) => {
    const token = await issuer.mint({ subject: 'dana-ortiz', alg, name: 'Someone Else', email: 'other@evil.example' });
    expect(await verdict(token)).toBe('accepted');
    expect(await authenticate(deps(), event(token))).toEqual({
      id: 'dana-ortiz', name: 'Dana Ortiz', email: 'dana.ortiz@sample-city.example', department: 'Public Works', roles: ['requester', 'department-head'],
    });
  });

  test('the JWKS is fetched once and cached across verifications', async () => {
    const fresh = await startTestIssuer(clock);
    const cached = createTokenVerifier({ issuer: fresh.issuer, audience: fresh.audience, jwksUrl: fresh.jwksUrl, clock });
    for (let i = 0; i < 5; i += 1) await cached.verify(await fresh.mint({ subject: 'dana-ortiz' }));
    expect(fresh.jwksFetches()).toBe(1);
    await fresh.close();
  });

  test('a verified email claim finds the person when the subject is the provider\'s own id (Cognito)', async () => {
    const token = await issuer.mint({ subject: '7f3c-uuid', email: 'Dana.Ortiz@sample-city.example', extra: { email_verified: true } });
    expect((await authenticate(deps(), event(token))).id).toBe('dana-ortiz');
    const unverified = await issuer.mint({ subject: '7f3c-uuid', email: 'dana.ortiz@sample-city.example' });
    await expect(authenticate(deps(), event(unverified))).rejects.toMatchObject({ error: 'invalid_token' });
  });
});

describe('attacks (issue 9 item 8): each refused with its reason', () => {
  test('alg: none (an unsecured JWT)', async () => {
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'dana-ortiz', iss: issuer.issuer, aud: issuer.audience, exp: NOW_S + 600 })}.`;
    expect(await verdict(token)).toBe('algorithm');
  });

  test('HS256 "signed" with the issuer\'s public key as the HMAC secret', async () => {
    const rsa = issuer.publicJwks.keys.find((k) => k.kty === 'RSA')!;
    const secret = new TextEncoder().encode(JSON.stringify(rsa));
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: rsa.kid! }).setSubject('dana-ortiz')
      .setIssuer(issuer.issuer).setAudience(issuer.audience).setExpirationTime(NOW_S + 600).sign(secret);
    expect(await verdict(token)).toBe('algorithm');
  });

  test('an allowed algorithm family but not an allowed algorithm (RS512)', async () => {
    const token = await issuer.mint({ subject: 'dana-ortiz', alg: 'RS256' });
    const forged = [encode({ ...headerOf(token), alg: 'RS512' }), ...token.split('.').slice(1)].join('.');
    expect(await verdict(forged)).toBe('algorithm');
  });

  test('wrong issuer', async () => {
    expect(await verdict(await issuer.mint({ subject: 'dana-ortiz', issuer: 'https://evil.example' }))).toBe('claims');
  });

  test('wrong audience', async () => {
    expect(await verdict(await issuer.mint({ subject: 'dana-ortiz', audience: 'another-app' }))).toBe('claims');
  });

  test('expired (beyond the clock tolerance), while one just inside it passes', async () => {
    expect(await verdict(await issuer.mint({ subject: 'dana-ortiz', issuedAt: NOW_S - 3600, expiresAt: NOW_S - 31 }))).toBe('expired');
    expect(await verdict(await issuer.mint({ subject: 'dana-ortiz', issuedAt: NOW_S - 3600, expiresAt: NOW_S - 5 }))).toBe('accepted');
  });

  test('not yet valid (nbf in the future)', async () => {
    expect(await verdict(await issuer.mint({ subject: 'dana-ortiz', notBefore: NOW_S + 600 }))).toBe('not-yet-valid');
  });

  test('no expiry at all', async () => {
    expect(await verdict(await issuer.mint({ subject: 'dana-ortiz', expiresAt: null }))).toBe('claims');
  });

  test('unknown key id', async () => {
    expect(await verdict(await issuer.mint({ subject: 'dana-ortiz', kid: 'rotated-away' }))).toBe('unknown-key');
  });

  test('signed by another key under the published key id', async () => {
    expect(await verdict(await issuer.mint({ subject: 'dana-ortiz', foreignKey: true }))).toBe('signature');
  });

  test('tampered payload (subject changed after signing)', async () => {
    const token = await issuer.mint({ subject: 'sam-lee' });
    const tampered = [token.split('.')[0], encode({ ...payloadOf(token), sub: 'dana-ortiz' }), token.split('.')[2]].join('.');
    expect(await verdict(tampered)).toBe('signature');
  });

  test('not a JWT at all', async () => {
    expect(await verdict('hello')).toBe('malformed');
  });

  test('oversized token: refused before any parsing', async () => {
    const token = await issuer.mint({ subject: 'dana-ortiz', extra: { padding: 'x'.repeat(MAX_TOKEN_BYTES) } });
    expect(await verdict(token)).toBe('too-large');
  });

  test('a token for a deleted person (valid signature, nobody in the directory): 401 invalid_token', async () => {
    const token = await issuer.mint({ subject: 'dana-ortiz' });
    await expect(authenticate(deps([]), event(token))).rejects.toMatchObject({ name: 'NotAuthenticatedError', error: 'invalid_token', message: expect.stringMatching(/directory/) });
  });

  test.each([
    ['access_token', (t: string) => ({ access_token: t })],
    ['any parameter holding a JWT', (t: string) => ({ q: t })],
    ['id_token', () => ({ id_token: 'x' })],
  ])('a token in the query string (%s) is refused, even next to a good header', async (_name, query) => {
    const token = await issuer.mint({ subject: 'dana-ortiz' });
    await expect(authenticate(deps(), event(token, query(token)))).rejects.toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/Authorization header/) });
  });
});

describe('the Authorization header', () => {
  test.each([
    ['missing', {}, undefined],
    ['empty', { authorization: ' ' }, undefined],
    ['another scheme', { authorization: 'Basic ZGFuYTpwdw==' }, 'invalid_request'],
    ['Bearer without a token', { authorization: 'Bearer' }, 'invalid_request'],
    ['two headers', { Authorization: 'Bearer a', authorization: 'Bearer b' }, 'invalid_request'],
  ])('%s → NotAuthenticated (%s)', (_name, headers, error) => {
    let thrown: unknown;
    try { bearerToken({ headers, queryStringParameters: null, multiValueQueryStringParameters: null }); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(NotAuthenticatedError);
    expect((thrown as NotAuthenticatedError).error).toBe(error);
  });

  test('the scheme is case-insensitive and the token is returned as sent', () => {
    expect(bearerToken({ headers: { AUTHORIZATION: 'bearer abc.def.ghi' }, queryStringParameters: null, multiValueQueryStringParameters: null })).toBe('abc.def.ghi');
  });
});
