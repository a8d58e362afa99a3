/**
 * Faults: the mail transport down, a handler crashing mid-route, storage errors, and `kill -9` of
 * the local stack. Each is caused for real (a TCP proxy in front of maildev that refuses
 * connections, a second process that is killed) or, where only a fake can cause it on cue, with
 * a fake port driven through the real local Step Functions runner and the real ASL file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { verifyTrail } from '../../lambdas/audit/chain';
import { checkpointDecided } from '../../lambdas/app/audit-events';
import { MAIL_RETRY_DELAYS_MS } from '../../lambdas/app/checkpoints';
import type { Deps } from '../../lambdas/app/deps';
import { submitRequest } from '../../lambdas/app/submit';
import { newApprovalId, newRequestId } from '../../lambdas/app/tokens';
import { createPolicyRegistry } from '../../lambdas/domain';
import { TABLES } from '../../lambdas/shared/tables';
import { ApprovalsTable } from '../../lambdas/store/approvals-table';
import { flushAudit } from '../../lambdas/store/audit-flush';
import { AuditTable } from '../../lambdas/store/audit-table';
import { IdempotencyTable } from '../../lambdas/store/idempotency-table';
import { ContractsTable } from '../../lambdas/store/contracts-table';
import { RequestsTable } from '../../lambdas/store/requests-table';
import { ensureTables, LOCAL_CREDENTIALS, startDynamo } from '../../local/dynamo';
import { loadDefinition } from '../../local/stack';
import { createLocalStepFunctions, type LocalStepFunctions } from '../../local/step-functions';
import { attachQuoteDocuments, FakeDocumentStore } from '../unit/app/fake-documents';
import { withDocuments } from './support/documents';
import { principalOf, REQUESTER as TEST_REQUESTER } from './support/people';
import { Api, approvalLink, decide, freePort, freePorts, Inbox, localProviderTokens, purchase, sleep, startHarness, type Harness } from './support/harness';

const REPO = path.resolve(__dirname, '..', '..');
const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const PURCHASING = 'jordan.blake@sample-city.example';
const REQUESTER = 'ana.ruiz@city.example';

/** A TCP proxy in front of maildev's SMTP port that can be switched off (connections cut at once). */
interface SmtpSwitch { port: number; up: boolean; target: number; attempts: number[]; close(): Promise<void> }
const smtpSwitch = async (): Promise<SmtpSwitch> => {
  const sockets = new Set<Socket>();
  const state: SmtpSwitch = {
    port: 0, up: true, target: 0, attempts: [],
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (!state.up) {
      state.attempts.push(Date.now());
      client.destroy();
      return;
    }
    const upstream = connect(state.target, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  state.port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return state;
};

describe('the mail transport down', () => {
  let h: Harness;
  let smtp: SmtpSwitch;
  beforeAll(async () => {
    smtp = await smtpSwitch();
    h = await startHarness({ stack: { smtpUrl: `smtp://127.0.0.1:${smtp.port}` } });
    smtp.target = h.stack.smtpPort;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  test('retried with backoff, then PENDING_APPROVAL with notification-failed; the resend route delivers the same link once mail is back', async () => {
    smtp.up = false;
    const submitted = await h.api.submit(purchase({ title: 'Mailless mulch', amount: 800 }));
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;

    const audit = await h.api.waitForAudit(id, 'notification-failed', { timeoutMs: 30_000 });
    const failed = audit.events.find((e: { type: string }) => e.type === 'notification-failed');
    expect(failed.data).toMatchObject({ index: 0, phase: 'request', recipient: { email: DEPT_HEAD }, attempts: MAIL_RETRY_DELAYS_MS.length + 1, error: 'MailDeliveryError' });
    // One connection per attempt, each after at least the (jittered, halved at most) backoff.
    expect(smtp.attempts).toHaveLength(MAIL_RETRY_DELAYS_MS.length + 1);
    MAIL_RETRY_DELAYS_MS.forEach((delay, i) => expect(smtp.attempts[i + 1]! - smtp.attempts[i]!).toBeGreaterThanOrEqual(delay / 2 - 5));
    expect(audit.events.map((e: { type: string }) => e.type)).not.toContain('approval-requested');

    const view = (await h.api.get(id)).body;
    expect(view.status).toBe('PENDING_APPROVAL');
    expect(view.checkpoints[0].state).toBe('pending');
    expect(await h.mail.to(DEPT_HEAD)).toHaveLength(0);

    // Resending while mail is still down: 503, recorded again, still pending.
    const stillDown = await h.api.call('POST', `/requests/${id}/resend-notification`);
    expect(stillDown.status).toBe(503);
    expect(stillDown.body.error.code).toBe('mail_unavailable');
    await h.api.waitForAudit(id, 'notification-failed', { count: 2 });

    // Mail is back: the resend delivers the link, and the link works.
    smtp.up = true;
    const resent = await h.api.call('POST', `/requests/${id}/resend-notification`);
    expect(resent.status).toBe(200);
    expect(resent.body.notification).toMatchObject({ status: 'sent', index: 0, role: 'department-head', phase: 'request' });
    expect(resent.text).not.toMatch(/\/approvals\//); // the link goes to the approver's inbox only
    const mail = await h.mail.waitFor(DEPT_HEAD, /^Approval needed: Mailless mulch/);
    const again = await h.api.call('POST', `/requests/${id}/resend-notification`);
    expect(again.status).toBe(409); // delivered: not a way to flood the approver
    expect((await h.mail.to(DEPT_HEAD)).filter((m) => m.subject.includes('Mailless mulch'))).toHaveLength(1);

    expect((await decide(approvalLink(mail), { decision: 'approve', comment: 'got it at last' })).status).toBe(200);
    await h.api.waitForStatus(id, 'APPROVED');
    await h.mail.waitFor(REQUESTER, /^Approved: Mailless mulch/);
    const done = await h.api.audit(id);
    expect(done.body.verified).toBe(true);
    const types = done.body.events.map((e: { type: string }) => e.type) as string[];
    expect(types.filter((t) => t === 'notification-failed')).toHaveLength(2);
    expect(done.body.events.find((e: { type: string }) => e.type === 'approval-requested').data.resent).toBe(true);

    expect((await h.api.call('POST', `/requests/${id}/resend-notification`)).status).toBe(409); // decided
    expect((await h.api.call('POST', '/requests/01AAAAAAAAAAAAAAAAAAAAAAAA/resend-notification')).status).toBe(404);
  }, 90_000);
});

describe('kill -9 of the local stack', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let api: Api;
  let inbox: Inbox;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'par-kill-'));
    const ports = await freePorts();
    const idpPort = await freePort();
    env = { ...process.env, PORT: String(ports.apiPort), SMTP_PORT: String(ports.smtpPort), MAIL_WEB_PORT: String(ports.mailWebPort), IDP_PORT: String(idpPort), DATA_DIR: dataDir };
    api = new Api(`http://127.0.0.1:${ports.apiPort}`, localProviderTokens(`http://127.0.0.1:${idpPort}`, dataDir));
    inbox = new Inbox(`http://127.0.0.1:${ports.mailWebPort}/api`);
  });
  afterAll(async () => {
    if (child) await kill9(child);
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  /** `npx tsx local/start.ts`, resolved once it prints `ready`. */
  const startProcess = async (): Promise<ChildProcess> => {
    // Its own process group: npx → tsx → node all die together, as with a power cut.
    const started = spawn('npx', ['tsx', 'local/start.ts'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line in 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/^ready$/m.test(output)) { clearTimeout(timer); resolve(); }
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      started.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code} before ready:\n${output}`)); });
    });
    started.removeAllListeners('exit');
    return started;
  };
  /** SIGKILL to the whole group; resolves once the API port is free again (the stack is gone). */
  const kill9 = async (target: ChildProcess) => {
    const exited = target.exitCode === null ? new Promise((resolve) => target.once('exit', resolve)) : Promise.resolve();
    try { process.kill(-target.pid!, 'SIGKILL'); } catch { /* already gone */ }
    await exited;
    const port = Number(env.PORT);
    for (let i = 0; i < 200; i += 1) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => { socket.destroy(); resolve(true); });
        socket.once('error', () => resolve(false));
      });
      if (!open) return;
      await sleep(50);
    }
    throw new Error('the killed stack still holds its API port');
  };

  const informal = () => purchase({
    title: 'Killed kiosks', amount: 12000, vendor: { name: 'Kiosk Co' },
    method: { type: 'quotes', quotes: [{ vendor: 'Kiosk Co', amount: 12000 }, { vendor: 'B', amount: 12500 }, { vendor: 'C', amount: 13000 }] },
  });

  test('killed while an approver holds the link: after a restart on the same data the old link works, the workflow continues, no audit event lost', async () => {
    child = await startProcess();
    const submitted = await api.submit(await withDocuments(api, informal()));
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    const firstLink = approvalLink(await inbox.waitFor(DEPT_HEAD, /Killed kiosks/, 30_000));
    await api.waitForAudit(id, 'approval-requested');
    const before = (await api.audit(id)).body.events as Array<{ seq: number; hash: string; type: string }>;

    await kill9(child);
    child = await startProcess();

    // Nothing recorded before the kill is gone or changed.
    const after = (await api.audit(id)).body;
    expect(after.verified).toBe(true);
    expect(after.events.slice(0, before.length)).toEqual(before);
    expect((await api.get(id)).body.status).toBe('PENDING_APPROVAL');

    expect((await decide(firstLink, { decision: 'approve', comment: 'after the crash' })).status).toBe(200);
    const secondLink = approvalLink(await inbox.waitFor(PURCHASING, /Killed kiosks/, 30_000));
    expect((await decide(secondLink, { decision: 'approve' })).status).toBe(200);
    await api.waitForStatus(id, 'APPROVED', 30_000);
    await api.waitForAudit(id, 'requester-notified');

    const final = (await api.audit(id)).body;
    expect(final.verified).toBe(true);
    expect(final.events.slice(0, before.length)).toEqual(before);
    const types = final.events.map((e: { type: string }) => e.type) as string[];
    expect(types.filter((t) => t === 'checkpoint-opened')).toHaveLength(2);
    expect(types.filter((t) => t === 'approval-requested')).toHaveLength(2);
    expect(types.filter((t) => t === 'checkpoint-approved')).toHaveLength(2);
    expect(types.filter((t) => t === 'request-finalized')).toHaveLength(1);
  }, 180_000);

  // The decision's SendTaskSuccess answered the old process's in-memory wait, which died before
  // saving the next position. On restart the runner re-runs the (idempotent) RequestApproval
  // handler with the stored token; it finds the recorded decision and answers at once, instead of
  // the workflow sitting until the reminder deadline.
  test('killed right after a decision was recorded: after a restart the workflow still moves on', async () => {
    child = child && child.exitCode === null ? child : await startProcess();
    const submitted = await api.submit(await withDocuments(api, { ...informal(), title: 'Crashed carts', vendor: { name: 'Cart Co' }, method: { type: 'quotes', quotes: [{ vendor: 'Cart Co', amount: 12000 }, { vendor: 'B', amount: 12500 }, { vendor: 'C', amount: 13000 }] } }));
    const id = submitted.body.id as string;
    const firstLink = approvalLink(await inbox.waitFor(DEPT_HEAD, /Crashed carts/, 30_000));
    await api.waitForAudit(id, 'approval-requested');

    expect((await decide(firstLink, { decision: 'approve', comment: 'then the power went' })).status).toBe(200);
    await kill9(child!);
    child = await startProcess();

    const secondLink = approvalLink(await inbox.waitFor(PURCHASING, /Crashed carts/, 15_000));
    expect((await decide(secondLink, { decision: 'approve' })).status).toBe(200);
    await api.waitForStatus(id, 'APPROVED', 30_000);
    const final = (await api.audit(id)).body;
    expect(final.verified).toBe(true);
    const types = final.events.map((e: { type: string }) => e.type) as string[];
    expect(types.filter((t) => t === 'checkpoint-approved')).toHaveLength(2);
  }, 120_000);
});


/**
 * A crash mid-route and storage errors, caused on cue: the real ASL run by the real local runner,
 * real handlers (`makeHandler`) and use cases on a real dynalite, with one fake in between, a
 * DynamoDB client that fails the calls a test picks. Mail goes to an in-memory outbox.
 */
describe('a crash mid-route and storage errors, through the real ASL and runner', () => {
  type Fault = { when: (command: { constructor: { name: string }; input: any }) => boolean; error: () => Error; left: number };
  const faults: Fault[] = [];
  const injected: string[] = [];
  let stopAll: () => Promise<void>;
  let deps: Deps;
  let documents: FakeDocumentStore;
  let sfn: LocalStepFunctions;
  const outbox: Array<{ to: string; subject: string; text: string }> = [];

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'par-faults-'));
    const dynamo = await startDynamo(dir);
    await ensureTables(dynamo.endpoint, Object.values(TABLES));
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    const real = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const flaky = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: any) => {
          const fault = faults.find((f) => f.left > 0 && f.when(command));
          if (fault) {
            fault.left -= 1;
            const error = fault.error();
            injected.push(`${command.constructor.name}:${error.name}`);
            throw error;
          }
          return target.send(command);
        };
      },
    });
    const clock = () => new Date();
    documents = new FakeDocumentStore();
    deps = {
      requests: new RequestsTable(flaky, TABLES.requests.id),
      approvals: new ApprovalsTable(flaky, TABLES.approvals.id),
      audit: new AuditTable(flaky, TABLES.audit.id),
      idempotency: new IdempotencyTable(flaky, TABLES.idempotency.id),
      contracts: new ContractsTable(flaky, TABLES.contracts.id),
      workflow: {
        start: async (name, input) => { await sfn.startExecution({ name, input: JSON.stringify(input) }); },
        succeed: async (token, output) => { sfn.sendTaskSuccess(token, JSON.stringify(output)); return 'delivered'; },
        fail: async (token, error, cause) => { sfn.sendTaskFailure(token, error, cause); return 'delivered'; },
      },
      mailer: { send: async (mail) => { outbox.push({ to: mail.to.email, subject: mail.subject, text: mail.text }); } },
      linkSecret: async () => Buffer.alloc(32, 7),
      policies: createPolicyRegistry(),
      documents,
      clock,
      newRequestId,
      newApprovalId,
      publicBaseUrl: 'http://127.0.0.1:1',
      // Task functions act for nobody: any use of these would be a wiring bug.
      tokenVerifier: { verify: async () => { throw new Error('tasks verify no tokens'); } },
      people: { findById: () => undefined, findByEmail: () => undefined },
      sessions: undefined as never,
      signIn: undefined as never,
    };
    /* eslint-disable @typescript-eslint/no-require-imports */
    const makeHandler = (file: string) => (require(`../../lambdas/handlers/${file}`) as { makeHandler: (d: Deps) => unknown }).makeHandler(deps);
    const handlers = {
      RouteRequest: makeHandler('route-request'),
      RequestApproval: makeHandler('request-approval'),
      AdvanceDeadline: makeHandler('advance-deadline'),
      FinalizeDecision: makeHandler('finalize-decision'),
    };
    sfn = await createLocalStepFunctions({
      definition: await loadDefinition(),
      handlers: handlers as never,
      dataDir: dir,
      // The ASL's own retry policy (States.TaskFailed, 4 attempts, backoff 2), with short pauses.
      retryIntervalOverrides: { RouteRequest: 20, RequestApproval: 20, AwaitDecision: 20, AdvanceDeadline: 20, FinalizeDecision: 20 },
    });
    stopAll = async () => {
      await sfn.stop();
      client.destroy();
      await dynamo.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }, 60_000);
  afterAll(async () => { await stopAll?.(); });
  beforeEach(() => { faults.length = 0; injected.length = 0; });

  const auditPut = (type: string) => (c: { constructor: { name: string }; input: any }) => c.constructor.name === 'PutCommand' && c.input.Item?.type === type;
  const storageError = () => Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalServerError', $fault: 'server' });
  const crash = () => Object.assign(new Error('Runtime exited with error: signal: killed'), { name: 'Runtime.ExitError' });

  /** Submits through the real use case and approves each checkpoint as the decide route would. */
  const runToApproval = async (title: string) => {
    const { record } = await submitRequest(deps, await attachQuoteDocuments(deps, documents, purchase({
      title, amount: 12000, vendor: { name: `${title} Co` },
      method: { type: 'quotes', quotes: [{ vendor: `${title} Co`, amount: 12000 }, { vendor: 'B', amount: 12500 }, { vendor: 'C', amount: 13000 }] },
    }), principalOf(TEST_REQUESTER)), undefined, principalOf(TEST_REQUESTER));
    const id = record.id;
    for (let index = 0; index < 2; index += 1) {
      // The approver has been asked once the event is on the trail (after any retry of the task).
      for (let i = 0; i < 400 && !(await deps.audit.list(id)).some((e) => e.type === 'approval-requested' && e.data.index === index); i += 1) await sleep(25);
      const callback = await deps.approvals.getCallback(id, index);
      const checkpoint = (await deps.requests.getCheckpoint(id, index))!;
      expect(checkpoint.notified?.request).toBeDefined();
      const decision = { decision: 'approve' as const, decidedAt: new Date().toISOString(), decidedBy: checkpoint.approver };
      expect(await deps.requests.decideCheckpoint(id, index, decision, [checkpointDecided(checkpoint, decision)])).toBe(true);
      await flushAudit(deps, id);
      await deps.workflow.succeed(callback!.taskToken!, { decision: 'approve', index });
    }
    const done = await sfn.waitForExecution(`${sfn.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`);
    return { id, done };
  };

  const assertWholeTrail = async (id: string) => {
    const events = await deps.audit.list(id);
    expect(verifyTrail(events, (await deps.requests.get(id))?.auditHead)).toMatchObject({ verified: true });
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('request-submitted')).toBe(1);
    expect(count('request-routed')).toBe(1);
    expect(count('checkpoint-opened')).toBe(2);
    expect(count('approval-requested')).toBe(2);
    expect(count('checkpoint-approved')).toBe(2);
    expect(count('request-finalized')).toBe(1);
    expect(count('requester-notified')).toBe(1);
    const { request, checkpoints } = await deps.requests.getWithCheckpoints(id);
    expect(request).toMatchObject({ status: 'APPROVED', currentIndex: 1, outcome: { status: 'APPROVED' } });
    expect(checkpoints.map((c) => c.state)).toEqual(['approved', 'approved']);
    expect(outbox.filter((m) => m.to === PURCHASING && m.text.includes(request!.request.title))).toHaveLength(1);
  };

  test('a handler crash mid-route (routing stored, its audit event not yet) is retried by the ASL and nothing is missing or doubled', async () => {
    faults.push({ when: auditPut('request-routed'), error: crash, left: 1 });
    const { id, done } = await runToApproval('Crash gloves');
    expect(injected).toEqual(['PutCommand:Runtime.ExitError']);
    expect(done.status).toBe('SUCCEEDED');
    await assertWholeTrail(id);
  }, 60_000);

  test('storage errors in every task (after its state change, before its event) are retried, never half-written', async () => {
    for (const type of ['checkpoint-opened', 'approval-requested', 'request-finalized', 'requester-notified']) {
      faults.push({ when: auditPut(type), error: storageError, left: 1 });
    }
    // And a failing read, and a failing conditional write of the routing itself.
    faults.push({ when: (c) => c.constructor.name === 'QueryCommand' && c.input.TableName === 'Requests', error: storageError, left: 1 });
    // the request's move to PENDING_APPROVAL (a guarded update whose values include the new status)
    faults.push({ when: (c) => c.constructor.name === 'UpdateCommand' && Object.values(c.input.ExpressionAttributeValues ?? {}).includes('PENDING_APPROVAL'), error: storageError, left: 1 });
    const { id, done } = await runToApproval('Storage shovels');
    expect(injected).toHaveLength(6);
    expect(done.status).toBe('SUCCEEDED');
    await assertWholeTrail(id);
  }, 60_000);
});
