/**
 * Tamper evidence: the audit trail is a hash chain, checked by `GET /requests/{id}/audit` and by
 * `npm run audit:verify -- <id>` (local/audit-verify.ts, which recomputes the chain itself from the
 * raw events and the chain head anchored on the request item). A test playing an insider edits,
 * deletes, and deletes the last events of a trail straight in the table (dynalite of the running
 * stack, through the real SDK) and both checks name the first sequence number that is wrong.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashEvent } from '../../lambdas/audit/chain';
import { TABLES } from '../../lambdas/shared/tables';
import { approvalLink, decide, purchase, startHarness, type Harness } from './support/harness';
import { AUDITOR } from './support/people';

const REPO = path.resolve(__dirname, '..', '..');
const DEPT_HEAD = 'dana.ortiz@sample-city.example';

let h: Harness;
let db: DynamoDBDocumentClient;
beforeAll(async () => {
  h = await startHarness();
  // The stack's own dynalite, through the real SDK.
  db = DynamoDBDocumentClient.from(new DynamoDBClient(h.stack.dynamoClientConfig));
}, 60_000);
afterAll(async () => {
  db?.destroy();
  await h?.close();
});

/** `npm run audit:verify -- …`, as an auditor types it; resolves with the exit code and output. */
const auditVerify = async (...args: string[]): Promise<{ code: number; out: string }> => {
  try {
    const env = { ...process.env, ACCESS_TOKEN: await h.api.tokenFor(AUDITOR.email) };
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'audit:verify', '--', ...args], { cwd: REPO, timeout: 60_000, env });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
};

const auditKey = (requestId: string, seq: number) => ({ TableName: TABLES.audit.id, Key: { requestId, seq } });

/** A request carried to APPROVED, so its trail has several events to tamper with. */
const approvedRequest = async (title: string): Promise<string> => {
  const submitted = await h.api.submit(purchase({ title, amount: 900, vendor: { name: `${title} Supply` } }));
  expect(submitted.status).toBe(202);
  const id = submitted.body.id as string;
  expect((await decide(approvalLink(await h.mail.waitFor(DEPT_HEAD, new RegExp(title))), { decision: 'approve', comment: 'ok' })).status).toBe(200);
  await h.api.waitForStatus(id, 'APPROVED');
  await h.api.waitForAudit(id, 'requester-notified');
  return id;
};

test('an untouched trail verifies through the API and the CLI', async () => {
  const id = await approvedRequest('Traffic paint');
  const audit = await h.api.audit(id);
  expect(audit.status).toBe(200);
  expect(audit.body).toMatchObject({ verified: true, verification: { verified: true, count: audit.body.events.length } });
  expect(audit.body.events.map((e: { seq: number }) => e.seq)).toEqual(audit.body.events.map((_: unknown, i: number) => i + 1));

  const cli = await auditVerify(id, '--api', h.stack.apiUrl);
  expect(cli.code).toBe(0);
  expect(cli.out).toContain(`request ${id}: ${audit.body.events.length} events, hash chain verified`);

  const asJson = await auditVerify(id, '--api', h.stack.apiUrl, '--json');
  expect(JSON.parse(asJson.out.trim().split('\n').pop()!)).toMatchObject({ requestId: id, verified: true, count: audit.body.events.length });
}, 90_000);

test('an event edited in the table fails verification at its seq; restoring it verifies again; a deleted event fails at its seq', async () => {
  const id = await approvedRequest('Lane markers');
  const before = (await h.api.audit(id)).body.events as Array<{ seq: number; type: string }>;
  expect(before.length).toBeGreaterThanOrEqual(5);
  const approved = before.find((e) => e.type === 'checkpoint-approved')!;

  // An insider rewrites who approved (the hash stays as it was).
  const original = (await db.send(new GetCommand(auditKey(id, approved.seq)))).Item!;
  const forged = { ...original, actor: { ...original.actor, name: 'Somebody Else' } };
  await db.send(new PutCommand({ TableName: TABLES.audit.id, Item: forged }));

  const edited = await h.api.audit(id);
  expect(edited.status).toBe(200);
  expect(edited.body.verified).toBe(false);
  expect(edited.body.verification).toMatchObject({ verified: false, failedAtSeq: approved.seq, reason: expect.stringMatching(/altered/) });
  const cliEdited = await auditVerify(id, '--api', h.stack.apiUrl);
  expect(cliEdited.code).toBe(1);
  expect(cliEdited.out).toContain(`verification FAILED at seq ${approved.seq}`);

  // Even a forger who also recomputes that event's hash breaks the link to the next event.
  const { prevHash, hash: _hash, ...body } = forged as Record<string, any>;
  await db.send(new PutCommand({ TableName: TABLES.audit.id, Item: { ...forged, hash: hashEvent(prevHash, body as never) } }));
  const rehashed = await h.api.audit(id);
  expect(rehashed.body.verification).toMatchObject({ verified: false, failedAtSeq: approved.seq + 1 });
  expect((await auditVerify(id, '--api', h.stack.apiUrl)).out).toContain(`FAILED at seq ${approved.seq + 1}`);

  // Put back exactly what was recorded: the chain verifies again (the check is about content).
  await db.send(new PutCommand({ TableName: TABLES.audit.id, Item: original }));
  expect((await h.api.audit(id)).body.verified).toBe(true);
  expect((await auditVerify(id, '--api', h.stack.apiUrl)).code).toBe(0);

  // Deleting an event from the middle of the trail.
  const victim = before[2]!.seq;
  await db.send(new DeleteCommand(auditKey(id, victim)));
  const deleted = await h.api.audit(id);
  expect(deleted.body.verified).toBe(false);
  expect(deleted.body.verification).toMatchObject({ verified: false, failedAtSeq: victim, reason: expect.stringMatching(/missing/) });
  const cliDeleted = await auditVerify(id, '--api', h.stack.apiUrl);
  expect(cliDeleted.code).toBe(1);
  expect(cliDeleted.out).toContain(`verification FAILED at seq ${victim}`);
}, 90_000);

test('deleting the last events of a trail fails verification at the first missing seq (the head anchored on the request still names them); so does removing the head', async () => {
  const id = await approvedRequest('Guard rails');
  const before = await h.api.audit(id);
  const events = before.body.events as Array<{ seq: number; hash: string; type: string }>;
  const last = events.at(-1)!;
  expect(before.body.head).toEqual({ seq: last.seq, hash: last.hash });

  // An insider removes the outcome from the trail: the last two events, so what is left is a
  // perfectly linked chain, only shorter.
  for (const victim of events.slice(-2)) await db.send(new DeleteCommand(auditKey(id, victim.seq)));
  const firstMissing = events.at(-2)!.seq;
  const truncated = await h.api.audit(id);
  expect(truncated.status).toBe(200);
  expect(truncated.body.verified).toBe(false);
  expect(truncated.body.verification).toMatchObject({ verified: false, failedAtSeq: firstMissing, count: events.length - 2, reason: expect.stringMatching(/missing.*head is at seq/) });
  const csv = await h.api.call('GET', `/requests/${id}/audit?format=csv`);
  expect(csv.status).toBe(200);
  expect(csv.headers.get('x-audit-verified')).toBe('false');
  const cli = await auditVerify(id, '--api', h.stack.apiUrl);
  expect(cli.code).toBe(1);
  expect(cli.out).toContain(`verification FAILED at seq ${firstMissing}`);

  // Removing the anchor as well is no way out: a request without its head does not verify.
  await db.send(new UpdateCommand({ TableName: TABLES.requests.id, Key: { pk: `REQUEST#${id}`, sk: 'REQUEST' }, UpdateExpression: 'REMOVE auditHead' }));
  const headless = await h.api.audit(id);
  expect(headless.body.verification).toMatchObject({ verified: false, reason: expect.stringMatching(/no chain head/) });
  expect((await auditVerify(id, '--api', h.stack.apiUrl)).code).toBe(1);
}, 90_000);

test('the CLI reads the data directory through the SDK when the stack is stopped, and says so when a request is unknown', async () => {
  const id = await approvedRequest('Crosswalk signs');
  const count = (await h.api.audit(id)).body.events.length as number;
  const first = (await h.api.audit(id)).body.events[0] as { seq: number };
  await db.send(new DeleteCommand(auditKey(id, first.seq)));

  await h.stack.stop(); // dynalite holds its files while it runs
  const offline = await auditVerify(id, '--data-dir', h.dataDir);
  expect(offline.code).toBe(1);
  expect(offline.out).toContain(`verification FAILED at seq 1`);
  expect(offline.out).toContain(`${count - 1} events`);
  expect(offline.out).toContain(path.resolve(h.dataDir));

  const unknown = await auditVerify('01AAAAAAAAAAAAAAAAAAAAAAAA', '--data-dir', h.dataDir);
  expect(unknown.code).toBe(2);
  expect(unknown.out).toMatch(/no audit trail/);
  const usage = await auditVerify();
  expect(usage.code).toBe(2);
  expect(usage.out).toMatch(/usage: npm run audit:verify/);
}, 90_000);
