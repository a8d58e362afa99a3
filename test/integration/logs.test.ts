/**
 * Log hygiene: the handlers log structured JSON (Powertools Logger, lambdas/shared/logger.ts) with
 * the request id, and never a credential. Task tokens and approval ids are bearer secrets: one
 * lets anyone answer a workflow wait, the other is the link in an approver's mail.
 *
 * The handlers run in this process, and Powertools writes through a `Console` on
 * `process.stdout`/`process.stderr` (outside its dev mode), so the test captures those streams'
 * `write` for a whole run (approval through reminder and escalation, rejection, cancellation,
 * refused and closed links), and the local stack's own log lines too. The secrets are learnt as
 * a person and an insider would: approval ids from the mailed links, task tokens from the
 * approvals table's CALLBACK# items (read through the SDK after every phase, since each deadline
 * phase replaces the token).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../lambdas/shared/tables';
import { fastEscalation } from '../fixtures/policies';
import { approvalLink, decide, openLink, postDecision, purchase, startHarness, type Harness } from './support/harness';

const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const ESCALATION = 'morgan.hale@sample-city.example';

let h: Harness;
let db: DynamoDBDocumentClient;
const stackLog: string[] = [];
beforeAll(async () => {
  h = await startHarness({ extraPolicies: [fastEscalation], log: (line) => stackLog.push(line), timeScale: 15 });
  db = DynamoDBDocumentClient.from(new DynamoDBClient(h.stack.dynamoClientConfig));
}, 60_000);
afterAll(async () => {
  db?.destroy();
  await h?.close();
});

/** Everything written to stdout and stderr until `stop()`. */
const captureOutput = () => {
  const chunks: string[] = [];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const tap = (original: typeof process.stdout.write) => function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stdout.write;
  process.stdout.write = tap(originals.out);
  process.stderr.write = tap(originals.err);
  return {
    text: () => chunks.join(''),
    stop: () => { process.stdout.write = originals.out; process.stderr.write = originals.err; },
  };
};

/** Every task token the approvals table holds right now. */
const tokensNow = async (): Promise<string[]> => {
  const out = await db.send(new ScanCommand({ TableName: TABLES.approvals.id, ConsistentRead: true }));
  return (out.Items ?? []).filter((i) => String(i.pk).startsWith('CALLBACK#') && i.taskToken).map((i) => i.taskToken as string);
};

test('a full run logs JSON lines with the request id and no task token, approval id or anti-forgery value', async () => {
  const capture = captureOutput();
  const tokens = new Set<string>();
  const antiForgery = new Set<string>();
  const ids: string[] = [];
  const collectTokens = async () => { for (const t of await tokensNow()) tokens.add(t); };
  const collectPage = async (link: string) => { const page = await openLink(link); if (page.antiForgery) antiForgery.add(page.antiForgery); return page; };

  try {
    // 1. Approved after a reminder and an escalation (three waits, three tokens, two links).
    const approved = (await h.api.submit(purchase({ policy: 'fast-escalation-city', title: 'Log test mowers', amount: 1800 }))).body.id as string;
    ids.push(approved);
    await h.api.waitForAudit(approved, 'approval-requested');
    await collectTokens();
    await h.api.waitForAudit(approved, 'reminder-sent');
    await collectTokens();
    await h.api.waitForAudit(approved, 'approval-escalated');
    await collectTokens();
    const primary = approvalLink(await h.mail.waitFor(DEPT_HEAD, /Log test mowers/));
    const escalation = approvalLink(await h.mail.waitFor(ESCALATION, /Log test mowers/));
    await collectPage(primary);
    // Refused attempts log nothing secret either: a forged form value, an altered link.
    expect((await postDecision(escalation, { decision: 'approve', antiForgery: 'forged' })).status).toBe(403);
    expect((await openLink(`${escalation.slice(0, -2)}xx`)).status).toBe(404);
    await collectPage(escalation);
    expect((await decide(escalation, { decision: 'approve', comment: 'covering' })).status).toBe(200);
    await h.api.waitForStatus(approved, 'APPROVED');
    expect((await decide(primary, { decision: 'reject', comment: 'too late' })).status).toBe(409);

    // 2. Rejected.
    const rejected = (await h.api.submit(purchase({ title: 'Log test trimmers', amount: 700 }))).body.id as string;
    ids.push(rejected);
    await h.api.waitForAudit(rejected, 'approval-requested');
    await collectTokens();
    const rejectLink = approvalLink(await h.mail.waitFor(DEPT_HEAD, /Log test trimmers/));
    await collectPage(rejectLink);
    expect((await decide(rejectLink, { decision: 'reject', comment: 'no budget' })).status).toBe(200);
    await h.api.waitForStatus(rejected, 'REJECTED');

    // 3. Cancelled while pending (the cancellation answers the live token).
    const cancelled = (await h.api.submit(purchase({ title: 'Log test blowers', amount: 650 }))).body.id as string;
    ids.push(cancelled);
    await h.api.waitForAudit(cancelled, 'approval-requested');
    await collectTokens();
    await collectPage(approvalLink(await h.mail.waitFor(DEPT_HEAD, /Log test blowers/)));
    expect((await h.api.call('POST', `/requests/${cancelled}/cancel`, { reason: 'not needed' })).status).toBe(200);
    await h.api.waitForStatus(cancelled, 'CANCELLED');

    for (const id of ids) await h.api.waitForAudit(id, 'requester-notified');
    await collectTokens();
  } finally {
    capture.stop();
  }

  const approvalIds = new Set((await h.mail.all()).flatMap((m) => [...m.text.matchAll(/\/approvals\/([A-Za-z0-9_-]+)/g)].map((match) => match[1]!)));
  // Every wait had its token read: request, reminder, escalation; one each for the other two.
  expect(tokens.size).toBeGreaterThanOrEqual(5);
  expect(approvalIds.size).toBeGreaterThanOrEqual(4);
  expect(antiForgery.size).toBeGreaterThanOrEqual(3);

  const output = capture.text();
  const everything = [output, ...stackLog].join('\n');
  const secrets = [
    ...[...tokens].flatMap((t) => [t, ...t.split('.').filter((part) => part.length >= 16)]),
    ...approvalIds,
    ...antiForgery,
  ];
  const leaked = secrets.filter((secret) => everything.includes(secret));
  expect(leaked).toEqual([]);

  // The product's lines are JSON with the request id; the capture did see them.
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(entries.length).toBeGreaterThanOrEqual(10);
  for (const entry of entries) {
    expect(entry).toMatchObject({ level: expect.any(String), message: expect.any(String), timestamp: expect.any(String), service: 'purchase-approval' });
  }
  const workflowLines = entries.filter((e) => ['request routed', 'checkpoint opened', 'approval requested', 'deadline check', 'request finalized', 'request cancelled'].includes(e.message as string));
  for (const entry of workflowLines) expect(ids).toContain(entry.requestId);
  for (const id of ids) {
    const about = workflowLines.filter((e) => e.requestId === id).map((e) => e.message);
    expect(about).toEqual(expect.arrayContaining(['request routed', 'checkpoint opened', 'approval requested', 'request finalized']));
  }
  // Each deadline the first request passed (the reminder, then the escalation) is logged as it is reached.
  const reached = workflowLines.filter((e) => e.requestId === ids[0] && e.message === 'deadline check').map((e) => e.phase);
  expect(reached).toEqual(expect.arrayContaining(['reminder', 'escalation']));
  // No line names a field that holds a credential.
  for (const entry of entries) {
    expect(Object.keys(entry)).not.toEqual(expect.arrayContaining(['taskToken']));
    expect(JSON.stringify(entry)).not.toMatch(/taskToken|approvalId|antiForgery/i);
  }
}, 120_000);
