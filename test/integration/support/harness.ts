/**
 * Drives the embedded local stack the way people do: HTTP calls to the API, mail read from the
 * maildev inbox, approval links opened and their forms posted. Nothing here reaches into tables
 * except where a test says it is playing an attacker or an auditor.
 *
 * API calls carry a bearer token from the stack's local OpenID provider, as every client must: by
 * default for the person a call is naturally made by (the requester named in a submitted body;
 * the submitter of a request for its reads and cancellation; purchasing for a resend; an auditor
 * for listing everything and exporting audit trails), or for the person a test names with
 * `api.as(email)` (`api.anonymous()` sends none).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../../local/stack';
import { issueLocalToken } from '../../../local/token';
import designExample from '../../fixtures/requests/formal-cooperative.json';
import { AUDITOR, personByEmail, PURCHASING, REQUESTER } from './people';

export const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

export interface Ports { apiPort: number; smtpPort: number; mailWebPort: number }
export const freePorts = async (): Promise<Ports> => ({ apiPort: await freePort(), smtpPort: await freePort(), mailWebPort: await freePort() });

export interface Harness {
  stack: LocalStack;
  ports: Ports;
  dataDir: string;
  api: Api;
  mail: Inbox;
  /** Stops the stack and starts it again on the same ports and data (a process restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  extraPolicies?: unknown[];
  /** Local stack options a test needs (a mail proxy, an observer around the workflow port). */
  stack?: Pick<LocalStackOptions, 'smtpUrl' | 'wrapWorkflow' | 'seedContracts' | 'watchClock'>;
  log?: (line: string) => void;
  /** Workflow timeouts run this many times faster (deadline tests; see LocalStackOptions). */
  timeScale?: number;
}

export const startHarness = async (options: HarnessOptions = {}): Promise<Harness> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'par-it-'));
  const ports = await freePorts();
  // The OpenID provider keeps its port (its issuer) across a restart, as `npm start` does with IDP_PORT.
  const idpPort = await freePort();
  const start = () => startLocalStack({
    ...ports, idpPort, dataDir, extraPolicies: options.extraPolicies, log: options.log ?? (() => undefined), ...options.stack,
    ...(options.timeScale ? { timeScale: options.timeScale } : {}),
  });
  let stack = await start();
  const harness: Harness = {
    stack,
    ports,
    dataDir,
    // The provider keeps its port and keys across a restart, so tokens stay good.
    api: new Api(stack.apiUrl, localProviderTokens(stack.issuer, dataDir)),
    mail: new Inbox(stack.mailApiUrl),
    async restart() {
      await stack.stop();
      stack = await start();
      harness.stack = stack;
    },
    async close() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // Tokens of the usual callers up front, so a test's first call does not wait for the provider.
  await Promise.all([REQUESTER, AUDITOR, PURCHASING].map((p) => harness.api.tokenFor(p.email)));
  return harness;
};

export interface ApiResponse<T = any> { status: number; headers: Headers; body: T; text: string }

/** An access token for the person with this address. */
export type TokenSource = (email: string) => Promise<string>;

/** Tokens from a local provider (what `npm run token` does), one per person, reused while the test runs. */
export const localProviderTokens = (issuer: string, dataDir: string): TokenSource => {
  const issued = new Map<string, Promise<string>>();
  return (email) => {
    let token = issued.get(email.toLowerCase());
    if (!token) {
      token = issueLocalToken(email, { IDP_ISSUER: issuer, DATA_DIR: dataDir });
      token.catch(() => issued.delete(email.toLowerCase()));
      issued.set(email.toLowerCase(), token);
    }
    return token;
  };
};

/** Who submitted each request (by id), so later calls about it are made by that person. */
const submitters = new Map<string, string>();

/** The email of the person who naturally makes this call (see the header comment). */
const naturalCaller = (method: string, path: string, body: unknown): string | undefined => {
  const route = path.split('?')[0]!;
  if (route.startsWith('/approvals/') || route === '/health') return undefined; // public: links are their own credential
  if (method === 'POST' && (route === '/requests' || route === '/routing/preview')) {
    let parsed = body;
    if (typeof parsed === 'string') try { parsed = JSON.parse(parsed); } catch { parsed = undefined; }
    if (parsed instanceof Uint8Array) try { parsed = JSON.parse(new TextDecoder().decode(parsed)); } catch { parsed = undefined; }
    const named = (parsed as { requester?: { email?: unknown } } | undefined)?.requester?.email;
    // A body naming nobody the directory knows (bad input) is sent by the default requester.
    return typeof named === 'string' && personByEmail(named) ? named : REQUESTER.email;
  }
  const id = /^\/requests\/([^/]+)/.exec(route)?.[1];
  if (route.endsWith('/resend-notification')) return PURCHASING.email;
  if (route.endsWith('/audit') && /[?&]format=csv/.test(path)) return AUDITOR.email; // exporting is the auditor's
  if (id !== undefined) return submitters.get(decodeURIComponent(id)) ?? (method === 'GET' ? AUDITOR.email : REQUESTER.email);
  return AUDITOR.email;
};

export class Api {
  /** `person`: the email of the person every call is made by; null: no token at all; absent: whoever naturally makes the call. */
  constructor(readonly baseUrl: string, readonly tokenFor: TokenSource, private readonly person?: string | null) {}

  /** The same API, called by this person (any address of their mailbox). */
  as(email: string): Api { return new Api(this.baseUrl, this.tokenFor, email); }
  /** The same API, called without a token. */
  anonymous(): Api { return new Api(this.baseUrl, this.tokenFor, null); }

  /** The Authorization header this Api would send for the call (for tests that build their own fetch). */
  async authorization(method: string, path: string, body?: unknown): Promise<Record<string, string>> {
    const email = this.person === null ? undefined : this.person ?? naturalCaller(method, path, body);
    return email === undefined ? {} : { authorization: `Bearer ${await this.tokenFor(email)}` };
  }

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const auth = await this.authorization(method, path, body);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? { ...auth, ...headers } : { 'content-type': 'application/json', ...auth, ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: any = text;
    try { parsed = JSON.parse(text); } catch { /* HTML or empty */ }
    if (method === 'POST' && path === '/requests' && (response.status === 202 || response.status === 200) && typeof parsed?.id === 'string') {
      const caller = this.person ?? naturalCaller(method, path, body);
      if (caller) submitters.set(parsed.id, caller);
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  submit(body: unknown, headers: Record<string, string> = {}) { return this.call('POST', '/requests', body, headers); }
  get(id: string) { return this.call('GET', `/requests/${id}`); }
  audit(id: string) { return this.call('GET', `/requests/${id}/audit`); }

  /** Polls the request until it reaches `status` (the workflow runs asynchronously). */
  async waitForStatus(id: string, status: string | string[], timeoutMs = 15_000) {
    const wanted = Array.isArray(status) ? status : [status];
    const until = Date.now() + timeoutMs;
    let last: ApiResponse | undefined;
    while (Date.now() < until) {
      last = await this.get(id);
      if (wanted.includes(last.body?.status)) return last.body;
      await sleep(50);
    }
    throw new Error(`request ${id} did not reach ${wanted.join('/')} (last: ${last?.body?.status})`);
  }

  /** Every request GET /requests lists for `query`, following the cursor page by page. */
  async listAll(query: Record<string, string> = {}, pageSize = 100): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10_000; pages += 1) {
      const params: URLSearchParams = new URLSearchParams({ ...query, limit: String(pageSize), ...(cursor ? { cursor } : {}) });
      const page: ApiResponse = await this.call('GET', `/requests?${params.toString()}`);
      if (page.status !== 200) throw new Error(`GET /requests answered ${page.status}: ${page.text.slice(0, 300)}`);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('GET /requests never stopped paginating');
  }

  /** How many requests the service holds (all of GET /requests). */
  async countRequests(): Promise<number> {
    return (await this.listAll()).length;
  }

  /** Polls the audit trail until `count` events match (type, and `data.index` when given). */
  async waitForAudit(id: string, type: string, options: { index?: number; count?: number; timeoutMs?: number } = {}) {
    const { index, count = 1, timeoutMs = 15_000 } = options;
    const until = Date.now() + timeoutMs;
    let events: any[] = [];
    while (Date.now() < until) {
      const audit = await this.audit(id);
      events = audit.status === 200 ? audit.body.events : [];
      const found = events.filter((e) => e.type === type && (index === undefined || e.data?.index === index));
      if (found.length >= count) return audit.body;
      await sleep(50);
    }
    throw new Error(`no ${count}× ${type}${index === undefined ? '' : ` (index ${index})`} in the audit of ${id}; saw ${events.map((e) => e.type).join(', ')}`);
  }

  /** Polls until the checkpoint at `index` is pending (its approver has been asked). */
  async waitForCheckpoint(id: string, index: number, state = 'pending', timeoutMs = 15_000) {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const view = (await this.get(id)).body;
      if (view?.checkpoints?.[index]?.state === state) return view;
      await sleep(50);
    }
    throw new Error(`checkpoint ${index} of ${id} never became ${state}`);
  }
}

export interface Mail { id: string; subject: string; text: string; html: string; to: Array<{ address: string; name?: string }>; time: string }

export class Inbox {
  constructor(readonly apiUrl: string) {}

  async all(): Promise<Mail[]> {
    const response = await fetch(`${this.apiUrl}/email`);
    if (!response.ok) throw new Error(`maildev answered ${response.status}`);
    return (await response.json()) as Mail[];
  }

  async to(address: string): Promise<Mail[]> {
    return (await this.all()).filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
  }

  /** Waits for the `count`-th mail to `address` whose subject matches. */
  async waitFor(address: string, subject: RegExp = /./, timeoutMs = 15_000, count = 1): Promise<Mail> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const found = (await this.to(address)).filter((m) => subject.test(m.subject));
      if (found.length >= count) return found[count - 1]!;
      await sleep(50);
    }
    const seen = (await this.all()).map((m) => `${m.to.map((t) => t.address).join(',')}: ${m.subject}`);
    throw new Error(`no mail to ${address} matching ${subject} within ${timeoutMs} ms; inbox: ${JSON.stringify(seen)}`);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The approval link in a mail, from its plain-text part (the HTML part must carry the same). */
export const approvalLink = (mail: Mail): string => {
  const match = /(https?:\/\/[^\s"'<>]+\/approvals\/[A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no approval link in mail "${mail.subject}"`);
  if (!mail.html.includes(match[1]!)) throw new Error('the HTML part does not carry the same link');
  return match[1]!;
};

export interface OpenedPage { status: number; html: string; antiForgery?: string; headers: Headers }

export const openLink = async (link: string, method: 'GET' | 'HEAD' = 'GET'): Promise<OpenedPage> => {
  const response = await fetch(link, { method, redirect: 'manual' });
  const html = await response.text();
  const antiForgery = /name="antiForgery"\s+value="([^"]+)"/.exec(html)?.[1] ?? /value="([^"]+)"\s+name="antiForgery"/.exec(html)?.[1];
  return { status: response.status, html, antiForgery, headers: response.headers };
};

export interface Decision { decision: 'approve' | 'reject'; comment?: string; meetingDate?: string; resolutionNumber?: string }

/** Opens the page and posts its form, as a person tapping a button would. */
export const decide = async (link: string, decision: Decision, options: { json?: boolean } = {}) => {
  const page = await openLink(link);
  return postDecision(link, { ...decision, antiForgery: page.antiForgery ?? '' }, options);
};

export const postDecision = async (link: string, fields: Record<string, string | undefined>, options: { json?: boolean } = {}) => {
  const form = new URLSearchParams(Object.entries(fields).filter(([, v]) => v !== undefined) as Array<[string, string]>);
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(options.json ? { accept: 'application/json' } : {}) },
    body: form.toString(),
  });
  const text = await response.text();
  let body: any = text;
  try { body = JSON.parse(text); } catch { /* HTML */ }
  return { status: response.status, body, text };
};

/**
 * A valid request body in the API's shape: the DESIGN §6 example (the fixture the domain specs
 * use too) as a $1,200 purchase with no method named, with overrides.
 */
export const purchase = (overrides: Record<string, unknown> = {}) => {
  const { method: _method, ...example } = structuredClone(designExample) as Record<string, unknown>;
  return { ...example, amount: 1200, ...overrides };
};
