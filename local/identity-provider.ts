/**
 * The local stack's OpenID provider: `oidc-provider` (a certified implementation) on 127.0.0.1,
 * its users the people directory of the shipped policies. On AWS the same role is played by the
 * Cognito user pool (infra/constructs/user-pool.ts); the application verifies tokens from either
 * the same way (JWKS signature, issuer, audience, expiry).
 *
 * - Browser sign-in: authorization code + PKCE for the web client; the sign-in page is clearly
 *   the *local* one: pick a person from the directory, no passwords.
 * - Access tokens: JWTs signed ES256 for the API (`aud` = API_AUDIENCE), with sub = the person's
 *   id, email, name and roles.
 * - Scripts and tests: `npm run token -- <email>` (local/token.ts) uses a local-only grant
 *   (LOCAL_PERSON_GRANT) of a confidential client whose secret lives in the data directory, so
 *   neither a web page in a browser nor another user of the machine can mint tokens.
 * - Signing keys, cookie keys and that secret are kept in `<dataDir>/identity/keys.json` (mode
 *   0600), so tokens and sessions outlive a restart.
 *
 * oidc-provider ships ES modules only and jest's CommonJS runtime cannot load it, so the provider
 * runs in a worker thread (as maildev does, see mail.ts): `startIdentityProvider` below is the
 * side the stack calls; `serveIdentityProvider` runs in the worker (identity-provider-worker.mjs).
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import type * as Oidc from 'oidc-provider' with { 'resolution-mode': 'import' };
import { mailboxKey } from '../lambdas/domain/mailbox';
import type * as PeopleModule from '../lambdas/domain/people';
import type { PersonRecord } from '../lambdas/domain/people';
import type * as PolicyModule from '../lambdas/domain/policy';
import { html, SafeHtml } from '../lambdas/presentation/html';
import { PAGE_CSS } from '../lambdas/presentation/style';
import { closeServer, listenOnLoopback, LOOPBACK, PortInUseError, readBody, stopWorker } from './net';

/** The `aud` of access tokens for the API; the Cognito resource server uses the same identifier. */
export const API_AUDIENCE = 'purchase-approval';
/** The RFC 8707 resource indicator a client may send for the API (oidc-provider needs a URI). */
export const API_RESOURCE = 'urn:purchase-approval:api';
/** The one API scope; what a person may do is decided by their roles, not by scopes. */
export const API_SCOPE = 'requests';
/** The browser client of the web pages: public (no secret), authorization code + PKCE only. */
export const WEB_CLIENT_ID = 'purchase-approval-web';
/** Where the web pages receive the authorization code (on the API's origin). */
export const WEB_CALLBACK_PATH = '/auth/callback';
/** The command-line client of `npm run token`; its secret is in the data directory. */
export const TOKEN_CLI_CLIENT_ID = 'purchase-approval-local-cli';
/** A grant only the local provider knows: "a token for this person", for scripts and tests. */
export const LOCAL_PERSON_GRANT = 'urn:purchase-approval:grant-type:local-person';
/** The token endpoint's error code when the email names nobody in the directory. */
export const UNKNOWN_PERSON_ERROR = 'unknown_person';
/** @default port of the local issuer */
export const DEFAULT_IDP_PORT = 3001;
/** Access tokens live an hour: long enough for a script session, short enough to stay a token. */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;

export interface IdentityProviderOptions {
  /** 0 picks a free port */
  port: number;
  dataDir: string;
  /** Where the web client may be sent back after sign-in (the pages' callback). */
  webRedirectUris: string[];
  log?: (line: string) => void;
}

export interface LocalIdentityProvider {
  issuer: string;
  stop(): Promise<void>;
}

/** What the data directory keeps for the provider (never logged, never sent anywhere). */
interface ProviderSecrets {
  /** private JWKs; ES256 signs access tokens, RS256 ID tokens (the OpenID default) */
  signing: Record<string, unknown>[];
  cookieKeys: string[];
  tokenCliSecret: string;
}

export const secretsFile = (dataDir: string) => path.join(path.resolve(dataDir), 'identity', 'keys.json');

/** The token CLI reads the client secret from here; undefined when the provider never ran. */
export async function readTokenCliSecret(dataDir: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(secretsFile(dataDir), 'utf8')) as ProviderSecrets).tokenCliSecret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function loadOrCreateSecrets(dataDir: string): Promise<ProviderSecrets> {
  const file = secretsFile(dataDir);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ProviderSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const jwk = (key: ReturnType<typeof generateKeyPairSync>['privateKey'], alg: string) => ({ ...key.export({ format: 'jwk' }), alg, use: 'sig' });
  const secrets: ProviderSecrets = {
    signing: [
      jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'ES256'),
      jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'RS256'),
    ],
    cookieKeys: [randomBytes(32).toString('base64url')],
    tokenCliSecret: randomBytes(32).toString('base64url'),
  };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return secrets;
}

/**
 * Everyone who may sign in locally: the people of every shipped base policy that has a directory,
 * one record per id. Loaded on the stack's side only and handed to the worker as data, so the
 * worker does not load the policy schema again (that alone took seconds on a busy machine).
 */
export function localPeople(): PersonRecord[] {
  // required here, not imported at the top: the worker evaluates this module too and must not load them
  const { shippedPolicies } = require('../lambdas/domain/policy') as typeof PolicyModule;
  const { peopleForPolicy, UnknownPeopleDirectoryError } = require('../lambdas/domain/people') as typeof PeopleModule;
  const registry = shippedPolicies();
  const byId = new Map<string, PersonRecord>();
  for (const id of registry.ids()) {
    const policy = registry.get(id);
    if (policy.kind !== 'base') continue;
    try {
      for (const person of peopleForPolicy(policy).all()) if (!byId.has(person.id)) byId.set(person.id, person);
    } catch (error) {
      if (!(error instanceof UnknownPeopleDirectoryError)) throw error;
    }
  }
  return [...byId.values()];
}

// ---------------------------------------------------------------------------------------------
// The stack's side: run the provider in a worker and wait until it listens.

type WorkerMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; code?: string; message: string }
  | { type: 'log'; line: string }
  | { type: 'stopped' };

export interface WorkerData {
  port: number;
  dataDir: string;
  webRedirectUris: string[];
  people: PersonRecord[];
}

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<LocalIdentityProvider> {
  const log = options.log ?? (() => undefined);
  const workerData: WorkerData = { port: options.port, dataDir: path.resolve(options.dataDir), webRedirectUris: options.webRedirectUris, people: localPeople() };
  const worker = new Worker(path.join(__dirname, 'identity-provider-worker.mjs'), { workerData });
  worker.on('message', (m: WorkerMessage) => { if (m.type === 'log') log(`identity: ${m.line}`); });

  const port = await new Promise<number>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') resolve(m.port);
      else if (m.type === 'failed')
        reject(m.code === 'EADDRINUSE' ? new PortInUseError(options.port, 'OpenID provider') : new Error(`the OpenID provider failed to start: ${m.message}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the OpenID provider worker exited early (code ${code})`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.removeAllListeners('exit');

  return {
    issuer: `http://${LOOPBACK}:${port}`,
    stop: () => stopWorker(worker),
  };
}

// ---------------------------------------------------------------------------------------------
// The worker's side: the provider itself.

const SIGN_IN_CSS_EXTRA = '.local{border:3px dashed var(--bad);border-radius:6px;padding:.5rem 1rem;margin:0 0 1rem}\n.people button{text-align:left;font-weight:400;border:1px solid var(--line);background:var(--bg);color:var(--fg);margin:.25rem 0}\n.people strong{display:block}';
const CSS = `${PAGE_CSS}\n${SIGN_IN_CSS_EXTRA}`;

const CSS_HASH = `sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}`;

/** The pages' policy (no script, hashed style), with the sign-in form's targets. */
const contentSecurityPolicy = (formTargets: string[]) =>
  [
    "default-src 'none'",
    `style-src '${CSS_HASH}'`,
    "img-src 'none'",
    // the sign-in form posts here, and its answer redirects on to the client's callback
    `form-action 'self' ${formTargets.join(' ')}`.trim(),
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

const page = (title: string, body: SafeHtml) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${title}</title><style>${new SafeHtml(CSS)}</style></head><body><main>${body}</main></body></html>`.value;

const LOCAL_BANNER = html`<div class="local" role="note"><p><strong>Local development sign-in.</strong> This is the sign-in of the stack started by <code>npm start</code> on this machine: pick the person to act as; there are no passwords. Deployed on AWS, people sign in through the Cognito user pool or the agency's own directory.</p></div>`;

function signInPage(uid: string, people: readonly PersonRecord[], clientName: string, problem?: string): string {
  return page(
    'Local sign-in',
    html`<p class="eyebrow">Purchase approval · local stack</p><h1>Sign in as…</h1>${LOCAL_BANNER}
<p>${clientName} asks who you are.</p>
${problem ? html`<div class="error" role="alert"><p>${problem}</p></div>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login" class="people">
${people.map(
  (p) => html`<button type="submit" name="person" value="${p.id}"><strong>${p.name}</strong><span class="muted">${p.email}${p.department ? ` · ${p.department}` : ''} · ${p.roles.join(', ') || 'no role'}</span></button>`,
)}
</form>
<form method="post" action="/interaction/${encodeURIComponent(uid)}/abort"><button type="submit" class="reject">Cancel</button></form>`,
  );
}

function errorPage(error: string, description?: string): string {
  return page('Sign-in error', html`<p class="eyebrow">Purchase approval · local stack</p><h1>Sign-in did not work</h1>${LOCAL_BANNER}<div class="error" role="alert"><h2>${error}</h2>${description ? html`<p>${description}</p>` : ''}</div>`);
}

/** Runs in the worker: `oidc` is the oidc-provider module, loaded by the worker's own ESM loader. */
export async function serveIdentityProvider(oidc: typeof Oidc, data: WorkerData): Promise<void> {
  const port = parentPort!;
  const secrets = await loadOrCreateSecrets(data.dataDir);
  const people = data.people;
  const byId = new Map(people.map((p) => [p.id, p]));
  const byMailbox = new Map(people.map((p) => [mailboxKey(p.email), p]));
  const formTargets = [...new Set(data.webRedirectUris.map((u) => new URL(u).origin))];
  const csp = contentSecurityPolicy(formTargets);

  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => {
    if (!handle) res.writeHead(503).end();
    else handle(req, res);
  });
  const bound = await listenOnLoopback(server, data.port, 'OpenID provider');
  const issuer = `http://${LOOPBACK}:${bound}`;

  const { Provider, errors } = oidc;
  const resourceServer: Oidc.ResourceServer = {
    scope: API_SCOPE,
    audience: API_AUDIENCE,
    accessTokenFormat: 'jwt',
    accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
    jwt: { sign: { alg: 'ES256' } },
  };
  /** The person's claims, from the directory (never from a request). */
  const claimsOf = (p: PersonRecord) => ({ email: p.email, email_verified: true, name: p.name, roles: [...p.roles], ...(p.department ? { department: p.department } : {}) });

  const provider: Oidc.Provider = new Provider(issuer, {
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        client_name: 'Purchase approval (local pages)',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: data.webRedirectUris,
        post_logout_redirect_uris: formTargets.map((o) => `${o}/`),
      },
      {
        client_id: TOKEN_CLI_CLIENT_ID,
        client_secret: secrets.tokenCliSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: [LOCAL_PERSON_GRANT],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: secrets.signing as Oidc.JWK[] },
    cookies: { keys: secrets.cookieKeys },
    scopes: ['openid', 'email', 'profile', 'roles', 'offline_access'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], roles: ['roles', 'department'] },
    async findAccount(_ctx, sub) {
      const person = byId.get(sub);
      if (!person) return undefined;
      return { accountId: person.id, claims: () => ({ sub: person.id, ...claimsOf(person) }) };
    },
    async extraTokenClaims(_ctx, token) {
      const person = 'accountId' in token && typeof token.accountId === 'string' ? byId.get(token.accountId) : undefined;
      return person ? claimsOf(person) : undefined;
    },
    // The web client is this product's own pages: no consent screen, grant what it asks.
    async loadExistingGrant(ctx): Promise<Oidc.Grant | undefined> {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return provider.Grant.find(grantId);
      if (ctx.oidc.client!.clientId !== WEB_CLIENT_ID || !ctx.oidc.session?.accountId) return undefined;
      const grant = new provider.Grant({ clientId: WEB_CLIENT_ID, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile roles offline_access');
      grant.addResourceScope(API_RESOURCE, API_SCOPE);
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => (oneOf ? oneOf[0]! : API_RESOURCE),
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== API_RESOURCE) throw new errors.InvalidTarget();
          return resourceServer;
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.set('content-security-policy', csp);
          ctx.body = page('Sign out', html`<p class="eyebrow">Purchase approval · local stack</p><h1>Sign out?</h1>${LOCAL_BANNER}${new SafeHtml(form)}<div class="buttons"><button type="submit" form="op.logoutForm" name="logout" value="yes" class="reject">Sign out</button></div>`);
        },
      },
    },
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientBasedCORS: (_ctx, origin, client) => client.clientId === WEB_CLIENT_ID && formTargets.includes(origin),
    ttl: { AccessToken: ACCESS_TOKEN_TTL_SECONDS, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, RefreshToken: 8 * 3600 },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.set('content-security-policy', csp);
      ctx.body = errorPage(String(out.error ?? 'error'), typeof out.error_description === 'string' ? out.error_description : undefined);
    },
  });

  // `npm run token`: a person's access token without a browser. Only the CLI client holds the
  // secret (client authentication happens before this runs); a browser request is refused outright.
  provider.registerGrantType(
    LOCAL_PERSON_GRANT,
    async (ctx) => {
      if (ctx.get('origin')) throw new errors.InvalidRequest('this grant is for scripts on this machine, not for browsers');
      const email = ctx.oidc.params?.email;
      if (typeof email !== 'string' || email.trim() === '') throw new errors.InvalidRequest('missing required parameter email');
      const person = byMailbox.get(mailboxKey(email));
      // its own code, so the CLI can tell "unknown person" from a broken grant (invalid_grant is generic)
      if (!person) throw new errors.CustomOIDCProviderError(UNKNOWN_PERSON_ERROR, 'nobody with this email is in the local people directory');
      const client = ctx.oidc.client!;
      const grant = new provider.Grant({ accountId: person.id, clientId: client.clientId });
      grant.addResourceScope(API_RESOURCE, API_SCOPE);
      const grantId = await grant.save();
      const token = new provider.AccessToken({ accountId: person.id, client, grantId, gty: LOCAL_PERSON_GRANT, scope: API_SCOPE });
      token.resourceServer = new provider.ResourceServer(API_RESOURCE, resourceServer);
      const value = await token.save();
      ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope: token.scope };
    },
    ['email'],
  );

  const callback = provider.callback();
  const interaction = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/;
  handle = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const match = interaction.exec(url.pathname);
    if (!match) {
      callback(req, res);
      return;
    }
    void handleInteraction(req, res, match[2]).catch((error: Error) => {
      const status = error instanceof errors.SessionNotFound ? 400 : 500;
      if (status === 500) port.postMessage({ type: 'log', line: `sign-in page: ${error.name}: ${error.message}` });
      send(res, status, errorPage(status === 400 ? 'This sign-in has expired or was opened in another browser' : 'Something went wrong', 'Start again from the page that asked you to sign in.'));
    });
  };

  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(body);
  };

  async function handleInteraction(req: IncomingMessage, res: ServerResponse, action: string | undefined): Promise<void> {
    // interactionDetails needs the interaction cookie, which a cross-site form cannot send (SameSite=Lax)
    const details = await provider.interactionDetails(req, res);
    const client = await provider.Client.find(String(details.params.client_id));
    const clientName = client?.clientName ?? 'An application';
    if (req.method === 'GET' && action === undefined) {
      send(res, 200, signInPage(details.uid, people, clientName));
      return;
    }
    if (req.method !== 'POST' || action === undefined) {
      send(res, 405, errorPage('Method not allowed'));
      return;
    }
    if (action === 'abort') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the person cancelled the sign-in' }, { mergeWithLastSubmission: false });
      return;
    }
    const body = new URLSearchParams((await readBody(req, 4096)) ?? '');
    const person = byId.get(body.get('person') ?? '');
    if (!person) {
      send(res, 400, signInPage(details.uid, people, clientName, 'Pick one of the people listed.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: person.id, amr: ['local'] } }, { mergeWithLastSubmission: false });
  }

  port.postMessage({ type: 'ready', port: bound });
  port.on('message', (message) => {
    if (message !== 'stop') return;
    void closeServer(server).then(() => port.postMessage({ type: 'stopped' }));
  });
}
