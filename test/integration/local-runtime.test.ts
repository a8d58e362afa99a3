/**
 * The machinery of the local stack (`npm start`), tested with its own fixtures so it does not
 * depend on the product's handlers: the Step Functions runner (callbacks, timeouts, error names,
 * restart without losing a pending approval), the in-process Workflow port the functions get,
 * dynalite tables, maildev over SMTP, and the API Gateway proxy event. Every server listens on a
 * free loopback port; every data directory is a fresh temporary one.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import nodemailer from 'nodemailer';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createLocalStepFunctions, type LocalStepFunctions } from '../../local/step-functions';
import { loadOrCreateLinkSecret } from '../../local/link-secret';
import { ensureTables, LOCAL_CREDENTIALS, repairIndexes, startDynamo } from '../../local/dynamo';
import { startMail } from '../../local/mail';
import { createApiServer, type ApiRoute } from '../../local/api-server';
import { closeServer, listenOnLoopback } from '../../local/net';
import type { LambdaHandler } from '../../local/lambda-context';
import { startLocalStack } from '../../local/stack';
import { localWorkflow } from '../../local/workflow';
import { TABLES } from '../../lambdas/shared/tables';
// Powertools tags the SDK user agent through AWS_SDK_UA_APP_ID when its logger loads; loaded here
// first, so the environment check in 'the whole local stack' sees what the stack itself does.
import '../../lambdas/shared/logger';
import { fixtureHandlers } from '../fixtures/local/handlers';

jest.setTimeout(30_000);

const FIXTURE_ASL = path.join(__dirname, '..', 'fixtures', 'local', 'callback.asl.json');
const region = 'us-east-1';
const credentials = LOCAL_CREDENTIALS;
const executionFile = (dataDir: string, name: string) => path.join(dataDir, 'stepfunctions', 'executions', `${name}.json`);
const savedExecution = async (dataDir: string, name: string) =>
  JSON.parse(await readFile(executionFile(dataDir, name), 'utf8')) as { status: string; waits: { deadline: number; answer?: unknown }[] };

const temporaryDirs: string[] = [];
const freshDataDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'local-runtime-'));
  temporaryDirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const fixtureRunner = async (dataDir: string, fixture = fixtureHandlers()) => {
  const sfn = await createLocalStepFunctions({
    definition: await readFile(FIXTURE_ASL, 'utf8'),
    handlers: fixture.handlers,
    dataDir,
    // Only the plain tasks' TaskFailed retries are shortened; the callback keeps its semantics.
    retryIntervalOverrides: { Prepare: 10, Finish: 10 },
  });
  return { sfn, fixture };
};

const input = (seconds = 60, extra: Record<string, unknown> = {}) => JSON.stringify({ id: 'R-1', cancel: false, wait: { seconds }, ...extra });

describe('local Step Functions runner (fixture ASL)', () => {
  let runners: LocalStepFunctions[] = [];
  const track = <T extends { sfn: LocalStepFunctions }>(made: T): T => { runners.push(made.sfn); return made; };
  afterEach(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    runners = [];
  });

  it('passes a fresh $$.Task.Token to the callback handler and resumes on SendTaskSuccess', async () => {
    const { sfn, fixture } = track(await fixtureRunner(await freshDataDir()));
    const notified = fixture.nextNotify();
    const { executionArn } = await sfn.startExecution({ name: 'approve-1', input: input() });
    const call = await notified;
    expect(call).toEqual({ id: 'R-1', taskToken: expect.stringMatching(/^\S{40,}$/) });
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');

    sfn.sendTaskHeartbeat(call.taskToken);
    expect(() => sfn.sendTaskSuccess(call.taskToken, 'not json')).toThrow(expect.objectContaining({ code: 'InvalidOutput' }));
    sfn.sendTaskSuccess(call.taskToken, JSON.stringify({ approvedBy: 'ana' }));
    const done = await sfn.waitForExecution(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ decision: { approvedBy: 'ana' }, outcome: 'APPROVED', final: { done: 'APPROVED' } });
    expect(fixture.finishCalls).toEqual([{ id: 'R-1', outcome: 'APPROVED' }]);
    // The token is forgotten once its task ends: a late answer is told so, a made-up one is invalid.
    expect(() => sfn.sendTaskSuccess(call.taskToken, '{}')).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
    expect(() => sfn.sendTaskSuccess('made-up', '{}')).toThrow(expect.objectContaining({ code: 'InvalidToken' }));
  });

  it('routes SendTaskFailure to the Catch that names its error', async () => {
    const { sfn, fixture } = track(await fixtureRunner(await freshDataDir()));
    const notified = fixture.nextNotify();
    const { executionArn } = await sfn.startExecution({ name: 'reject-1', input: input() });
    sfn.sendTaskFailure((await notified).taskToken, 'ApprovalRejectedError', 'over budget');
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ outcome: 'REJECTED', error: { Error: 'ApprovalRejectedError', Cause: 'over budget' } });
  });

  it('fails a callback task with a catchable States.Timeout after TimeoutSecondsPath (read from the state input)', async () => {
    const dataDir = await freshDataDir();
    const { sfn, fixture } = track(await fixtureRunner(dataDir));
    const notified = fixture.nextNotify();
    const { executionArn } = await sfn.startExecution({ name: 'timeout-1', input: input(1) });
    const { taskToken } = await notified;
    const done = await sfn.waitForExecution(executionArn);
    expect(JSON.parse(done.output!)).toMatchObject({ outcome: 'EXPIRED', error: { Error: 'States.Timeout' } });
    // The deadline came from the state input (1 s), not the engine's default of 60 s.
    const [wait] = (await savedExecution(dataDir, 'timeout-1')).waits;
    expect(wait.deadline - Date.parse(done.startDate.toISOString())).toBeGreaterThanOrEqual(1_000);
    expect(wait.deadline - Date.parse(done.startDate.toISOString())).toBeLessThan(60_000);
    expect(() => sfn.sendTaskSuccess(taskToken, '{}')).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
  });

  it('gives the ASL the name of an error a task handler throws, so Catch by name works', async () => {
    const { sfn, fixture } = track(await fixtureRunner(await freshDataDir()));
    const { executionArn } = await sfn.startExecution({ name: 'cancel-1', input: input(60, { cancel: true }) });
    const done = await sfn.waitForExecution(executionArn);
    const output = JSON.parse(done.output!);
    expect(output).toMatchObject({ outcome: 'CANCELLED', error: { Error: 'RequestCancelledError' } });
    expect(JSON.parse(output.error.Cause)).toMatchObject({ errorType: 'RequestCancelledError', errorMessage: 'request R-1 was cancelled' });
    expect(fixture.notifyCalls).toHaveLength(0);
  });

  it('records a failed execution with the error of the state that failed', async () => {
    const fixture = fixtureHandlers();
    fixture.handlers.Finish = (async () => { throw new TypeError('boom'); }) as LambdaHandler;
    const { sfn } = track(await fixtureRunner(await freshDataDir(), fixture));
    const { executionArn } = await sfn.startExecution({ name: 'fail-1', input: input(60, { cancel: true }) });
    const done = await sfn.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'TypeError' });
  });

  it('starts idempotently by name while running with the same input, and refuses a different one', async () => {
    const { sfn } = track(await fixtureRunner(await freshDataDir()));
    const first = await sfn.startExecution({ name: 'same-1', input: input() });
    await expect(sfn.startExecution({ name: 'same-1', input: input() })).resolves.toEqual(first);
    await expect(sfn.startExecution({ name: 'same-1', input: input(30) })).rejects.toMatchObject({ code: 'ExecutionAlreadyExists' });
    expect(() => sfn.describeExecution(`${first.executionArn}-nope`)).toThrow(expect.objectContaining({ code: 'ExecutionDoesNotExist' }));
  });

  it('concurrent starts of one name (retried submissions) launch one execution, not one each', async () => {
    const { sfn } = track(await fixtureRunner(await freshDataDir()));
    const starts = await Promise.all(Array.from({ length: 10 }, () => sfn.startExecution({ name: 'same-2', input: input() })));
    expect(new Set(starts.map((s) => s.executionArn)).size).toBe(1);
    expect(new Set(starts.map((s) => s.startDate.getTime())).size).toBe(1);
    await expect(Promise.all([sfn.startExecution({ name: 'same-3', input: input() }), sfn.startExecution({ name: 'same-3', input: input(30) })]))
      .rejects.toMatchObject({ code: 'ExecutionAlreadyExists' });
  });

  it('keeps a paused approval across a restart: replayed, the callback handler runs again with the old token, which completes it', async () => {
    const dataDir = await freshDataDir();
    const before = await fixtureRunner(dataDir);
    const notified = before.fixture.nextNotify();
    const { executionArn } = await before.sfn.startExecution({ name: 'restart-1', input: input() });
    const { taskToken } = await notified;
    await before.sfn.stop();

    const saved = await savedExecution(dataDir, 'restart-1');
    expect(saved).toMatchObject({ status: 'RUNNING', waits: [{ deadline: expect.any(Number) }] });
    expect(saved.waits[0]!.deadline).toBeGreaterThan(Date.now() + 50_000);
    expect(saved.waits[0]!.answer).toBeUndefined();
    expect(JSON.stringify(saved)).not.toContain(taskToken); // tokens are derived again, never stored

    const fixture = fixtureHandlers();
    const renotified = fixture.nextNotify();
    const after = track(await fixtureRunner(dataDir, fixture));
    expect(after.sfn.describeExecution(executionArn).status).toBe('RUNNING');
    // The replay reaches the wait again and asks the handler with the same token.
    expect((await renotified).taskToken).toBe(taskToken);
    after.sfn.sendTaskSuccess(taskToken, JSON.stringify({ approvedBy: 'after-restart' }));
    const done = await after.sfn.waitForExecution(executionArn);

    expect(JSON.parse(done.output!)).toMatchObject({ decision: { approvedBy: 'after-restart' }, outcome: 'APPROVED' });
    // The handler is re-run with the stored token, never a new one (handlers are idempotent: the real
    // RequestApproval sends no second mail, and delivers a decision recorded while the runner was down).
    expect(after.fixture.notifyCalls.map((c) => c.taskToken)).toEqual([taskToken]);
    expect(before.fixture.notifyCalls).toHaveLength(1);
    expect(after.fixture.finishCalls).toEqual([{ id: 'R-1', outcome: 'APPROVED' }]);
  });

  it('survives kill -9 of the process that ran it: resumed from disk, the old token completes it', async () => {
    const dataDir = await freshDataDir();
    // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that a kill of
    // the CLI would leave running.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'fixtures', 'local', 'run-fixture-runner.ts'), dataDir, 'killed-1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const { taskToken } = await new Promise<{ taskToken: string }>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
      });
      child.once('exit', (code) => reject(new Error(`fixture runner exited early (${code})`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe(null); // killed by the signal, no clean stop

    const fixture = fixtureHandlers();
    const renotified = fixture.nextNotify();
    const after = track(await fixtureRunner(dataDir, fixture));
    const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:PurchaseApproval:killed-1';
    expect((await renotified).taskToken).toBe(taskToken);
    after.sfn.sendTaskSuccess(taskToken, JSON.stringify({ approvedBy: 'after-kill' }));
    const done = await after.sfn.waitForExecution(executionArn);
    expect(JSON.parse(done.output!)).toMatchObject({ id: 'R-9', decision: { approvedBy: 'after-kill' }, outcome: 'APPROVED' });
    expect(after.fixture.notifyCalls.map((c) => c.taskToken)).toEqual([taskToken]);
  });

  it('times a resumed callback out at its saved deadline, not a fresh one', async () => {
    const dataDir = await freshDataDir();
    const before = await fixtureRunner(dataDir);
    const notified = before.fixture.nextNotify();
    const { executionArn } = await before.sfn.startExecution({ name: 'restart-2', input: input(60) });
    const { taskToken } = await notified;
    await before.sfn.stop();
    // The deadline passes while nothing runs: moved into the past on disk rather than slept through
    // (a fresh 60 s deadline would outlast this test's timeout).
    const saved = await savedExecution(dataDir, 'restart-2');
    saved.waits[0]!.deadline = Date.now() - 1_000;
    await writeFile(executionFile(dataDir, 'restart-2'), JSON.stringify(saved));

    const after = track(await fixtureRunner(dataDir));
    const done = await after.sfn.waitForExecution(executionArn);
    expect(JSON.parse(done.output!)).toMatchObject({ outcome: 'EXPIRED', error: { Error: 'States.Timeout' } });
    expect(after.fixture.notifyCalls).toEqual([]); // past its deadline: nobody is asked again
    expect(() => after.sfn.sendTaskSuccess(taskToken, '{}')).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
  });

  it('replays an answered wait with its answer: the handler is not asked again', async () => {
    const dataDir = await freshDataDir();
    const fixture = fixtureHandlers();
    // Finish hangs until the restart, so the execution is still running after the answer.
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let finishWorks = false;
    const finish = fixture.handlers.Finish!;
    fixture.handlers.Finish = (async (event: unknown, context: unknown) => {
      if (!finishWorks) await held;
      return finish(event as never, context as never);
    }) as LambdaHandler;
    const before = await fixtureRunner(dataDir, fixture);
    const notified = fixture.nextNotify();
    const { executionArn } = await before.sfn.startExecution({ name: 'replay-1', input: input() });
    before.sfn.sendTaskSuccess((await notified).taskToken, JSON.stringify({ approvedBy: 'before-restart' }));
    for (;;) { // the answer is on disk once the wait's record says so
      if ((await savedExecution(dataDir, 'replay-1')).waits[0]?.answer) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const stopping = before.sfn.stop();
    release();
    await stopping;
    fixture.finishCalls.length = 0;

    finishWorks = true;
    const after = track(await fixtureRunner(dataDir, fixture));
    const done = await after.sfn.waitForExecution(executionArn);
    expect(JSON.parse(done.output!)).toMatchObject({ decision: { approvedBy: 'before-restart' }, outcome: 'APPROVED' });
    expect(fixture.notifyCalls).toHaveLength(1);
    expect(fixture.finishCalls).toEqual([{ id: 'R-1', outcome: 'APPROVED' }]);
  });

  it('remembers finished executions across a restart', async () => {
    const dataDir = await freshDataDir();
    const before = await fixtureRunner(dataDir);
    const { executionArn } = await before.sfn.startExecution({ name: 'finished-1', input: input(60, { cancel: true }) });
    await before.sfn.waitForExecution(executionArn);
    await before.sfn.stop();
    const after = track(await fixtureRunner(dataDir));
    expect(after.sfn.describeExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', name: 'finished-1' });
    await expect(after.sfn.startExecution({ name: 'finished-1', input: input(60, { cancel: true }) })).rejects.toMatchObject({ code: 'ExecutionAlreadyExists' });
    expect((await readdir(path.join(dataDir, 'stepfunctions', 'executions'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('the in-process Workflow port over the runner (what the functions get locally)', () => {
  let sfn: LocalStepFunctions;
  let fixture: ReturnType<typeof fixtureHandlers>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await freshDataDir();
    ({ sfn, fixture } = await fixtureRunner(dataDir));
  });
  afterAll(async () => { await sfn.stop(); });

  it('starts once per name, delivers a decision, and reads stale and unknown tokens as Step Functions answers them', async () => {
    const workflow = localWorkflow(() => sfn);
    const notified = fixture.nextNotify();
    await workflow.start('port-1', JSON.parse(input()));
    // Already running under that name: what the caller wanted, not an error.
    await expect(workflow.start('port-1', JSON.parse(input()))).resolves.toBeUndefined();
    const { taskToken } = await notified;

    await expect(workflow.succeed(taskToken, { approvedBy: 'port' })).resolves.toBe('delivered');
    const done = await sfn.waitForExecution('arn:aws:states:us-east-1:000000000000:execution:PurchaseApproval:port-1');
    expect(JSON.parse(done.output!)).toMatchObject({ outcome: 'APPROVED', decision: { approvedBy: 'port' } });
    await expect(workflow.succeed(taskToken, {})).resolves.toBe('stale');
    await expect(workflow.fail('made-up', 'ApprovalRejectedError', 'no')).resolves.toBe('stale');
  });

  it('says plainly when the engine is not running yet', async () => {
    await expect(localWorkflow(() => undefined).start('early', {})).rejects.toThrow('the local state machine is not running');
  });

  it('keeps the link secret on disk: the same signing key after a reload', async () => {
    const first = await loadOrCreateLinkSecret(dataDir);
    expect(Buffer.from(first.value, 'base64')).toHaveLength(32);
    const again = await loadOrCreateLinkSecret(dataDir);
    expect(again.value).toBe(first.value);
    expect((await again.source()).equals(await first.source())).toBe(true);
  });
});

describe('dynalite', () => {
  it('creates every table from TABLES once, with its indexes, and keeps data on disk across a restart', async () => {
    const dataDir = await freshDataDir();
    let dynamo = await startDynamo(dataDir);
    expect(await ensureTables(dynamo.endpoint, Object.values(TABLES))).toEqual(Object.values(TABLES).map((t) => t.id));
    expect(await ensureTables(dynamo.endpoint, Object.values(TABLES))).toEqual([]);
    let client = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    const requests = await client.send(new DescribeTableCommand({ TableName: 'Requests' }));
    expect(requests.Table?.TableStatus).toBe('ACTIVE');
    expect(requests.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType]).sort()).toEqual(
      TABLES.requests.globalIndexes.map((i) => [i.name, 'projection' in i ? i.projection : 'ALL']).sort());
    await client.send(new PutItemCommand({ TableName: 'Approvals', Item: { pk: { S: 'LINK#1' }, state: { S: 'pending' } } }));
    client.destroy();
    await dynamo.stop();

    dynamo = await startDynamo(dataDir);
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    const item = await client.send(new GetItemCommand({ TableName: 'Approvals', Key: { pk: { S: 'LINK#1' } } }));
    expect(item.Item?.state?.S).toBe('pending');
    client.destroy();
    await dynamo.stop();
  });

  it('a write cut between its index entries and its item (kill -9) is repaired at the next start: the indexes show what the table holds', async () => {
    const dataDir = await freshDataDir();
    let dynamo = await startDynamo(dataDir);
    await ensureTables(dynamo.endpoint, Object.values(TABLES));
    let client = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    const request = (id: string, statusKey: string) => ({
      pk: { S: `REQ#${id}` }, sk: { S: 'REQUEST' }, statusKey: { S: statusKey }, submittedAt: { S: `2026-11-0${id}T10:00:00.000Z` },
    });
    for (const id of ['1', '2', '3']) await client.send(new PutItemCommand({ TableName: 'Requests', Item: request(id, 'SUBMITTED#2026-11') }));
    client.destroy();
    await dynamo.stop();

    // What dynalite leaves when killed mid-write: it writes index entries first, then the item.
    const { Level } = createRequire(require.resolve('dynalite'))('level');
    const level = new Level(path.join(dataDir, 'dynamodb'), { valueEncoding: 'json' });
    const itemKey = async (pk: string) => {
      for await (const [key, value] of level.iterator({ gte: 'item-Requests~', lt: 'item-Requests\x7f' })) if (value.pk.S === pk) return key as string;
      throw new Error(`no item ${pk}`);
    };
    await level.del(await itemKey('REQ#1')); // a first write: index entry stored, item not
    const second = await itemKey('REQ#2');
    await level.put(second, { ...(await level.get(second)), statusKey: { S: 'PENDING_APPROVAL#2026-11' } }); // an update: item moved, index not
    await level.close();

    dynamo = await startDynamo(dataDir);
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    const byStatus = async (statusKey: string) => (await client.send(new QueryCommand({
      TableName: 'Requests', IndexName: 'byStatus', KeyConditionExpression: 'statusKey = :k', ExpressionAttributeValues: { ':k': { S: statusKey } },
    }))).Items?.map((i) => i.pk?.S);
    expect(await byStatus('SUBMITTED#2026-11')).toEqual(['REQ#3']);
    expect(await byStatus('PENDING_APPROVAL#2026-11')).toEqual(['REQ#2']);
    client.destroy();
    await dynamo.stop();
    expect((await repairIndexes(dataDir)).repaired).toBe(0); // nothing left to repair
  });
});

describe('maildev', () => {
  it('receives a message sent with nodemailer over SMTP and lists it in its REST API', async () => {
    const mail = await startMail(await freshDataDir(), 0, 0);
    try {
      const transport = nodemailer.createTransport(`smtp://127.0.0.1:${mail.smtpPort}`);
      await transport.sendMail({ from: 'purchasing@sample-city.example', to: 'approver@sample-city.example', subject: 'Approval needed: R-1', text: 'hello', html: '<p>hello</p>' });
      transport.close();
      const emails = (await (await fetch(`${mail.apiUrl}/email`)).json()) as { subject: string; to: { address: string }[] }[];
      expect(emails).toEqual([expect.objectContaining({ subject: 'Approval needed: R-1', to: [expect.objectContaining({ address: 'approver@sample-city.example' })] })]);
    } finally {
      await mail.stop();
    }
  });
});

describe('API Gateway proxy', () => {
  const seen: APIGatewayProxyEvent[] = [];
  const echo = (async (event: APIGatewayProxyEvent) => {
    seen.push(event);
    return { statusCode: 201, headers: { 'Content-Type': 'application/json' }, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: JSON.stringify({ ok: true }) };
  }) as LambdaHandler;
  const routes: ApiRoute[] = [
    { method: 'POST', path: '/requests/{id}/cancel', functionId: 'Echo', handler: echo },
    { method: 'GET', path: '/requests/{id}', functionId: 'Echo', handler: echo },
    { method: 'GET', path: '/boom', functionId: 'Boom', handler: (async () => { throw new Error('secret detail'); }) as LambdaHandler },
  ];
  const server = createApiServer({ routes: () => routes, maxBodyBytes: 1024 });
  let base: string;
  beforeAll(async () => { base = `http://127.0.0.1:${await listenOnLoopback(server, 0, 'test api')}`; });
  afterAll(() => closeServer(server));

  it('turns a request into a REST (v1) proxy event and the result back into a response', async () => {
    const response = await fetch(`${base}/requests/R%2D7/cancel?x=1&x=2&y=3`, { method: 'POST', headers: { 'X-Trace': 't-1', 'content-type': 'application/json' }, body: '{"reason":"dup"}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(await response.json()).toEqual({ ok: true });
    const event = seen.at(-1)!;
    expect(event).toMatchObject({
      httpMethod: 'POST', path: '/requests/R%2D7/cancel', resource: '/requests/{id}/cancel', pathParameters: { id: 'R-7' },
      queryStringParameters: { x: '2', y: '3' }, multiValueQueryStringParameters: { x: ['1', '2'], y: ['3'] },
      body: '{"reason":"dup"}', isBase64Encoded: false,
      requestContext: { stage: 'local', httpMethod: 'POST', resourcePath: '/requests/{id}/cancel', identity: { sourceIp: '127.0.0.1' } },
    });
    expect(event.headers['X-Trace']).toBe('t-1');
    expect(event.multiValueHeaders['X-Trace']).toEqual(['t-1']);
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends HEAD to the GET handler without a body, and a GET without query or body as nulls', async () => {
    const head = await fetch(`${base}/requests/R-1`, { method: 'HEAD' });
    expect(head.status).toBe(201);
    expect(await head.text()).toBe('');
    expect(seen.at(-1)).toMatchObject({ httpMethod: 'GET', body: null, queryStringParameters: null, multiValueQueryStringParameters: null });
  });

  it('answers like API Gateway for unknown paths, wrong methods, oversized bodies and throwing handlers', async () => {
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });

    const wrongMethod = await fetch(`${base}/requests/R-1`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');

    const tooLarge = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/requests/R-1/cancel`, { method: 'POST', headers: { 'content-length': 2048 } }, (res) => { res.resume(); resolve(res.statusCode!); });
      req.on('error', reject);
      req.end('x'.repeat(2048));
    });
    expect(tooLarge).toBe(413);

    const boom = await fetch(`${base}/boom`);
    expect(boom.status).toBe(502);
    expect(await boom.json()).toEqual({ message: 'Internal server error' });
    expect((await fetch(`${base}/requests/R-1`)).status).toBe(201); // still serving
  });
});

describe('the whole local stack', () => {
  const portIsFree = (port: number) => new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

  it('starts on free ports, serves the catalog routes, stops freeing its ports, and restarts on the same ones', async () => {
    const dataDir = await freshDataDir();
    const environment = { ...process.env };
    const stack = await startLocalStack({ apiPort: 0, smtpPort: 0, mailWebPort: 0, dataDir });
    const apiPort = Number(new URL(stack.apiUrl).port);
    const mailWebPort = Number(new URL(stack.mailWebUrl).port);
    try {
      expect(stack.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The functions get their adapters in process: the stack leaves the environment as it found it.
      expect(process.env).toEqual(environment);
      const missing = await fetch(`${stack.apiUrl}/nope`);
      expect(missing.status).toBe(404);
      expect((await fetch(`${stack.apiUrl}/health`, { method: 'POST' })).status).toBe(405);
      expect((await fetch(`${stack.mailApiUrl}/email`)).status).toBe(200);
      expect(() => stack.stepFunctions.describeExecution('arn:aws:states:us-east-1:000000000000:execution:PurchaseApproval:none')).toThrow(expect.objectContaining({ code: 'ExecutionDoesNotExist' }));
      const client = new DynamoDBClient(stack.dynamoClientConfig);
      expect((await client.send(new DescribeTableCommand({ TableName: TABLES.requests.id }))).Table?.TableStatus).toBe('ACTIVE');
      client.destroy();
    } finally {
      await stack.stop();
    }
    expect(await portIsFree(apiPort)).toBe(true);
    expect(await portIsFree(stack.smtpPort)).toBe(true);
    expect(await portIsFree(mailWebPort)).toBe(true);

    const again = await startLocalStack({ apiPort, smtpPort: stack.smtpPort, mailWebPort, dataDir });
    try {
      expect(again.apiUrl).toBe(stack.apiUrl);
      expect((await fetch(`${again.apiUrl}/nope`)).status).toBe(404);
    } finally {
      await again.stop();
    }
  });

  it('runs two stacks side by side in one process, each with its own ports and data', async () => {
    const [one, two] = await Promise.all([
      startLocalStack({ apiPort: 0, smtpPort: 0, mailWebPort: 0, dataDir: await freshDataDir() }),
      startLocalStack({ apiPort: 0, smtpPort: 0, mailWebPort: 0, dataDir: await freshDataDir() }),
    ]);
    try {
      expect(one.apiUrl).not.toBe(two.apiUrl);
      for (const stack of [one, two]) expect(await (await fetch(`${stack.apiUrl}/health`)).json()).toEqual({ status: 'ok' });
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });

  it('refuses to start with a clear error when a port is taken', async () => {
    const blocker = createServer();
    const port = await listenOnLoopback(blocker, 0, 'blocker');
    try {
      await expect(startLocalStack({ apiPort: port, smtpPort: 0, mailWebPort: 0, dataDir: await freshDataDir() })).rejects.toMatchObject({ name: 'PortInUseError', port });
    } finally {
      await closeServer(blocker);
    }
  });
});
