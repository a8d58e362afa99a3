/**
 * The local OpenID provider as its clients see it: discovery, the JWKS, `npm run token` for
 * scripts, and the browser sign-in (authorization code + PKCE through the local sign-in page).
 * Tokens are checked with `jose` the way the API checks them: signature via the JWKS, issuer,
 * audience, expiry.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import {
  API_AUDIENCE,
  LOCAL_PERSON_GRANT,
  secretsFile,
  startIdentityProvider,
  TOKEN_CLI_CLIENT_ID,
  WEB_CLIENT_ID,
  type LocalIdentityProvider,
} from '../../local/identity-provider';

// Generous limits, not expectations: the provider's worker compiles TypeScript on a shared machine,
// and each `token` run starts a fresh tsx process.
jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const REDIRECT_URI = 'http://127.0.0.1:3999/auth/callback';

interface Run { code: number; stdout: string; stderr: string }
const run = (command: string, args: string[], env: Record<string, string>): Promise<Run> =>
  new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });

let dataDir: string;
let idp: LocalIdentityProvider;
let discovery: Record<string, unknown>;
const tokenCli = (email: string, env: Record<string, string> = {}) =>
  run(TSX, ['local/token.ts', email], { IDP_ISSUER: idp.issuer, DATA_DIR: dataDir, ...env });
const verify = (token: string, audience = API_AUDIENCE) =>
  jwtVerify(token, createRemoteJWKSet(new URL(String(discovery.jwks_uri))), { issuer: idp.issuer, audience, algorithms: ['ES256', 'RS256'] });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'idp-'));
  idp = await startIdentityProvider({ port: 0, dataDir, webRedirectUris: [REDIRECT_URI] });
  discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
});
afterAll(async () => {
  await idp?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('discovery and keys', () => {
  it('listens on loopback and publishes its discovery document at <issuer>/.well-known/openid-configuration', () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(discovery).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}/auth`,
      token_endpoint: `${idp.issuer}/token`,
      jwks_uri: `${idp.issuer}/jwks`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
    });
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', LOCAL_PERSON_GRANT]));
    expect(discovery.grant_types_supported).not.toContain('implicit');
  });

  it('publishes public signing keys only (ES256 for access tokens, RS256 for ID tokens)', async () => {
    const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as JSONWebKeySet;
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of jwks.keys) {
      expect(key.kid).toBeTruthy();
      for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(part);
    }
  });

  it('keeps its keys and the client secret in the data directory, readable by the owner only', async () => {
    expect((await stat(secretsFile(dataDir))).mode & 0o077).toBe(0);
  });
});

describe('npm run token', () => {
  it('prints only an access token for the person, which verifies: signature, issuer, audience, expiry', async () => {
    const result = await run('npm', ['run', '--silent', 'token', '--', 'dana.ortiz@sample-city.example'], { IDP_ISSUER: idp.issuer, DATA_DIR: dataDir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload, protectedHeader } = await verify(result.stdout.trim());
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({
      iss: idp.issuer,
      aud: API_AUDIENCE,
      sub: 'p-dana-ortiz',
      email: 'dana.ortiz@sample-city.example',
      name: 'Dana Ortiz',
      roles: ['requester', 'department-head'],
      department: 'Public Works',
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('finds the person under a case or +tag alias of their mailbox (the token names the directory address)', async () => {
    const result = await tokenCli('Jordan.Blake+scripts@SAMPLE-CITY.example');
    expect(result.code).toBe(0);
    const { payload } = await verify(result.stdout.trim());
    expect(payload).toMatchObject({ sub: 'p-jordan-blake', email: 'jordan.blake@sample-city.example', roles: ['purchasing', 'purchasing-agent'] });
  });

  it('exits 2 for a person the directory does not hold, printing nothing on stdout', async () => {
    const result = await tokenCli('mallory@sample-city.example');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/unknown person/);
  });

  it('exits 2 and asks nobody when the issuer is not on this machine', async () => {
    const result = await tokenCli('dana.ortiz@sample-city.example', { IDP_ISSUER: 'https://login.example.com' });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/local provider only/);
  });

  it('exits 2 with the usage when no email is given', async () => {
    const result = await run(TSX, ['local/token.ts'], { IDP_ISSUER: idp.issuer, DATA_DIR: dataDir });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/usage/);
  });
});

describe('the local grant cannot be used from elsewhere', () => {
  const grant = (headers: Record<string, string>) =>
    fetch(String(discovery.token_endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ grant_type: LOCAL_PERSON_GRANT, email: 'dana.ortiz@sample-city.example' }),
    });
  const basic = (secret: string) => `Basic ${Buffer.from(`${TOKEN_CLI_CLIENT_ID}:${secret}`).toString('base64')}`;

  it('without the client secret from the data directory', async () => {
    const response = await grant({ authorization: basic('guessed') });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('from a web page (a request with an Origin), even with the secret', async () => {
    const { tokenCliSecret } = JSON.parse(await (await import('node:fs/promises')).readFile(secretsFile(dataDir), 'utf8')) as { tokenCliSecret: string };
    const response = await grant({ authorization: basic(tokenCliSecret), origin: 'https://evil.example' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('by the web client, which may only use the authorization code flow', async () => {
    const response = await fetch(String(discovery.token_endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: LOCAL_PERSON_GRANT, client_id: WEB_CLIENT_ID, email: 'dana.ortiz@sample-city.example' }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()) as object).toMatchObject({ error: expect.stringMatching(/unauthorized_client|invalid_request/) });
  });
});

describe('browser sign-in: authorization code + PKCE through the local sign-in page', () => {
  /** A tiny cookie jar: the provider's interaction and session cookies, as a browser keeps them. */
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  const browse = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(url, idp.issuer), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    remember(response);
    return response;
  };
  const authorize = (challenge?: string) =>
    browse(`/auth?${new URLSearchParams({
      client_id: WEB_CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile',
      state: 'state-1',
      ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    })}`);

  it('refuses to start without PKCE', async () => {
    const response = await authorize();
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('shows the local sign-in page, and the chosen person gets a code, then tokens that verify', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');

    const start = await authorize(challenge);
    const interaction = start.headers.get('location')!;
    expect(interaction).toMatch(/^\/interaction\/[\w-]+$/);

    const signIn = await browse(interaction);
    const page = await signIn.text();
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page).toContain('Local development sign-in');
    expect(page).toContain('value="p-priya-nair"');
    expect(page).not.toMatch(/<script/i);

    const chosen = await browse(`${interaction}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'person=p-priya-nair',
    });
    let next = chosen.headers.get('location')!;
    while (!next.startsWith(REDIRECT_URI)) next = (await browse(next)).headers.get('location')!;
    const callback = new URL(next);
    expect(callback.searchParams.get('state')).toBe('state-1');
    const code = callback.searchParams.get('code')!;

    const exchange = (codeVerifier: string) =>
      fetch(String(discovery.token_endpoint), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: WEB_CLIENT_ID, code, redirect_uri: REDIRECT_URI, code_verifier: codeVerifier }),
      });
    expect((await exchange(randomBytes(32).toString('base64url'))).status).toBe(400);
    // the failed attempt above does not consume the code in oidc-provider; the right verifier still works
    const tokens = (await (await exchange(verifier)).json()) as { access_token: string; id_token: string };

    const { payload } = await verify(tokens.access_token);
    expect(payload).toMatchObject({ sub: 'p-priya-nair', email: 'priya.nair@sample-city.example', client_id: WEB_CLIENT_ID });
    const id = await verify(tokens.id_token, WEB_CLIENT_ID);
    expect(id.payload).toMatchObject({ sub: 'p-priya-nair', name: 'Priya Nair', email: 'priya.nair@sample-city.example' });
  });

  it('refuses a sign-in form posted without the interaction cookie (another site cannot sign you in)', async () => {
    jar.clear();
    const start = await authorize(createHash('sha256').update('x'.repeat(43)).digest('base64url'));
    const interaction = start.headers.get('location')!;
    jar.clear();
    const response = await browse(`${interaction}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'person=p-hugo-brandt' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});

describe('a restart', () => {
  it('keeps the signing keys and the issuer: a token issued before still verifies after', async () => {
    const before = (await tokenCli('ana.ruiz@city.example')).stdout.trim();
    const jwksBefore = (await (await fetch(String(discovery.jwks_uri))).json()) as JSONWebKeySet;
    const port = Number(new URL(idp.issuer).port);
    await idp.stop();
    idp = await startIdentityProvider({ port, dataDir, webRedirectUris: [REDIRECT_URI] });

    const jwksAfter = (await (await fetch(`${idp.issuer}/jwks`)).json()) as JSONWebKeySet;
    expect(jwksAfter).toEqual(jwksBefore);
    const { payload } = await jwtVerify(before, createLocalJWKSet(jwksAfter), { issuer: idp.issuer, audience: API_AUDIENCE });
    expect(payload.sub).toBe('p-ana-ruiz');
    expect(decodeProtectedHeader(before).kid).toBe(jwksAfter.keys.find((k) => k.alg === 'ES256')!.kid);
  });
});
