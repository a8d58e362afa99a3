/**
 * `kill -9` of `npm start` while submissions are in flight, then restarts on the same data: the
 * reconciler must leave no request SUBMITTED, every id a list shows must be readable (request and
 * audit trail), no id may be listed twice, and no submission the API acknowledged may be lost.
 *
 * Runs of the process on one data directory: (1) takes the load and is killed mid-flight;
 * (2) starts with reconciliation held off (a grace period of a day) so the damage the kill left
 * can be counted through the API; (3) starts with a short grace period and must repair it, then
 * takes a second load and is killed while its approval emails are going out; (4) restarts, and
 * every approval's emails are counted: once, or once more after the crash with the same
 * Message-ID, never a second message.
 * Loopback only, bounded in count (SUBMISSIONS, CONCURRENCY) and in time (every wait has a
 * deadline and polls for the condition it needs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Api, freePort, freePorts, Inbox, localProviderTokens, purchase, sleep, type Mail } from './support/harness';

const REPO = path.resolve(__dirname, '..', '..');
const SUBMISSIONS = 100;
const CONCURRENCY = 16;
/** The kill comes once this many submissions have been answered: the rest are in flight or unsent. */
const KILL_AFTER_ANSWERS = 50;
/** The second load, and the kill once this many of its approval emails have arrived. */
const SECOND_LOAD = 40;
const KILL_AFTER_MAILS = 12;
const DEPT_HEAD = 'dana.ortiz@sample-city.example';

/** The Message-ID header of a mail as maildev shows it (`<...>`); a resend carries the same one. */
const messageIdOf = (mail: Mail): string => {
  const seen = mail as Mail & { messageId?: string; headers?: Record<string, string> };
  return seen.messageId ?? seen.headers?.['message-id'] ?? `(none: ${mail.id})`;
};

const titleOf = (i: number) => `Crash kiosk ${String(i).padStart(3, '0')}`;

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
const waitFor = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) { lastError = error; }
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
};

let dataDir: string;
let env: NodeJS.ProcessEnv;
let api: Api;
let inbox: Inbox;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'par-crash-'));
  const ports = await freePorts();
  const idpPort = await freePort();
  env = {
    ...process.env, PORT: String(ports.apiPort), SMTP_PORT: String(ports.smtpPort), MAIL_WEB_PORT: String(ports.mailWebPort), IDP_PORT: String(idpPort), DATA_DIR: dataDir,
  };
  // Tokens from the child's own OpenID provider, as `npm run token` gets them.
  api = new Api(`http://127.0.0.1:${ports.apiPort}`, localProviderTokens(`http://127.0.0.1:${idpPort}`, dataDir));
  inbox = new Inbox(`http://127.0.0.1:${ports.mailWebPort}/api`);
});

afterAll(async () => {
  if (child) await kill9(child);
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

/** `npm start` (`tsx local/start.ts`) in its own process group, resolved once it prints `ready`. */
const startProcess = async (graceSeconds: number): Promise<ChildProcess> => {
  const started = spawn('npx', ['tsx', 'local/start.ts'], {
    cwd: REPO, env: { ...env, RECONCILE_GRACE_SECONDS: String(graceSeconds) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in 60 s:\n${output}`)), 60_000);
    started.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/^ready$/m.test(output)) { clearTimeout(timer); resolve(); }
    });
    started.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    started.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code} before ready:\n${output}`)); });
  });
  started.removeAllListeners('exit');
  return started;
};

/** SIGKILL to the whole group (npx → tsx → node, as a power cut); resolves once the API port is free. */
const kill9 = async (target: ChildProcess) => {
  const exited = target.exitCode === null && target.signalCode === null ? new Promise((resolve) => target.once('exit', resolve)) : Promise.resolve();
  try { process.kill(-target.pid!, 'SIGKILL'); } catch { /* already gone */ }
  await exited;
  await waitFor('the killed stack releases its API port', () => new Promise<true | undefined>((resolve) => {
    const socket = connect(Number(env.PORT), '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(undefined); });
    socket.once('error', () => resolve(true));
  }), 10_000);
};

/** What the service holds, as GET /requests shows it, and how many of those ids cannot be read. */
const survey = async () => {
  const listed = await api.listAll();
  const ids = listed.map((r: { id: string }) => r.id);
  const unreadable: string[] = [];
  const withoutTrail: string[] = [];
  for (const id of new Set(ids)) {
    if ((await api.get(id)).status !== 200) unreadable.push(id);
    if ((await api.audit(id)).status !== 200) withoutTrail.push(id);
  }
  return {
    ids,
    duplicates: ids.length - new Set(ids).size,
    submitted: listed.filter((r: { status: string }) => r.status === 'SUBMITTED').map((r: { id: string }) => r.id) as string[],
    unreadable,
    withoutTrail,
  };
};

test('kill -9 mid-submission: after a restart nothing stays SUBMITTED, every listed id is readable and listed once, nothing acknowledged is lost', async () => {
  // (1) The load, and the kill while it is in flight.
  child = await startProcess(2);
  const accepted: string[] = [];
  let sent = 0;
  let answered = 0;
  let killed = false;
  const worker = async () => {
    while (!killed && sent < SUBMISSIONS) {
      const i = sent;
      sent += 1;
      try {
        const response = await api.submit(purchase({ title: titleOf(i), amount: 1000 + i, vendor: { name: `Crash Vendor ${i}` } }));
        if (response.status === 202) accepted.push(response.body.id);
      } catch { /* the connection was cut by the kill */ }
      answered += 1;
    }
  };
  const workers = Array.from({ length: CONCURRENCY }, worker);
  await waitFor(`${KILL_AFTER_ANSWERS} submissions answered`, async () => (answered >= KILL_AFTER_ANSWERS ? true : undefined), 60_000);
  killed = true;
  const killedWith = { sent, answered, accepted: accepted.length };
  await kill9(child);
  child = undefined;
  await Promise.all(workers);
  // The local engine keeps one file per execution, named after it (the request id).
  const executionsDir = path.join(dataDir, 'stepfunctions', 'executions');
  const executions = new Set(existsSync(executionsDir) ? readdirSync(executionsDir).map((f) => f.replace(/\.json$/, '')) : []);

  // (2) Restarted with reconciliation held off: what the kill left behind.
  child = await startProcess(86_400);
  const damage = await survey();
  const halfSubmitted = damage.submitted.filter((id) => !executions.has(id));
  await kill9(child);
  child = undefined;

  // (3) Restarted with a short grace period: the reconciler finishes every half-done submission.
  child = await startProcess(1);
  await waitFor('no request left SUBMITTED', async () => ((await api.listAll({ status: 'SUBMITTED' })).length === 0 ? true : undefined), 90_000);
  const repaired = await survey();

  expect(repaired.submitted).toEqual([]);
  expect(repaired.unreadable).toEqual([]);
  expect(repaired.withoutTrail).toEqual([]);
  expect(repaired.duplicates).toBe(0);
  expect(repaired.ids).toEqual(expect.arrayContaining(accepted)); // nothing the API acknowledged is lost
  expect(repaired.ids.length).toBeGreaterThanOrEqual(accepted.length);

  // (3, continued) A second load, killed while its approval emails are going out.
  let secondSent = 0;
  let stopSecond = false;
  const secondWorker = async () => {
    while (!stopSecond && secondSent < SECOND_LOAD) {
      const i = 100 + secondSent;
      secondSent += 1;
      try { await api.submit(purchase({ title: titleOf(i), amount: 1000 + i, vendor: { name: `Crash Vendor ${i}` } })); } catch { /* cut by the kill */ }
    }
  };
  const secondWorkers = Array.from({ length: CONCURRENCY }, secondWorker);
  const secondLoadMails = async () => (await inbox.to(DEPT_HEAD)).filter((m) => /Crash kiosk 1\d{2}/.test(m.subject)).length;
  await waitFor(`${KILL_AFTER_MAILS} approval emails of the second load`, async () => ((await secondLoadMails()) >= KILL_AFTER_MAILS ? true : undefined), 60_000);
  stopSecond = true;
  const mailsAtSecondKill = await secondLoadMails();
  await kill9(child);
  child = undefined;
  await Promise.all(secondWorkers);

  // (4) Restarted: the reconciler and the resumed workflows finish everything.
  child = await startProcess(1);
  await waitFor('no request left SUBMITTED after the second kill', async () => ((await api.listAll({ status: 'SUBMITTED' })).length === 0 ? true : undefined), 90_000);
  const final = await survey();
  expect(final.submitted).toEqual([]);
  expect(final.unreadable).toEqual([]);
  expect(final.duplicates).toBe(0);

  // Every request is now with its approver; count the approval emails each one caused. A resend
  // after a crash carries the Message-ID of the first send (clients thread and deduplicate it); a
  // mail with a second Message-ID for the same approval is a true duplicate.
  for (let i = 0; i < final.ids.length; i += 8) {
    await Promise.all(final.ids.slice(i, i + 8).map((id) => api.waitForAudit(id, 'approval-requested', { timeoutMs: 30_000 })));
  }
  const approvalMails = (await inbox.to(DEPT_HEAD)).filter((m) => /Crash kiosk \d{3}/.test(m.subject));
  const perApproval = new Map<string, string[]>();
  for (const mail of approvalMails) {
    const title = /Crash kiosk \d{3}/.exec(mail.subject)![0];
    perApproval.set(title, [...(perApproval.get(title) ?? []), messageIdOf(mail)]);
  }
  const counts = [...perApproval.values()];
  const extra = counts.reduce((sum, ids) => sum + ids.length - 1, 0);
  const sameIdResends = counts.reduce((sum, ids) => sum + ids.length - new Set(ids).size, 0);
  const trueDuplicates = extra - sameIdResends;
  const resent = counts.filter((ids) => ids.length > 1).length;
  const mostForOne = Math.max(0, ...counts.map((ids) => ids.length));

  console.log([
    `crash test: ${killedWith.sent} submissions sent (concurrency ${CONCURRENCY}), kill -9 after ${killedWith.answered} answers (${killedWith.accepted} acknowledged with 202)`,
    `  after the kill, reconciliation held off: ${damage.ids.length} stored, ${damage.submitted.length} SUBMITTED (${halfSubmitted.length} of them with no workflow), ${damage.withoutTrail.length} with no audit trail, ${damage.unreadable.length} unreadable, ${damage.duplicates} listed twice`,
    `  after the reconciler: ${repaired.ids.length} stored, ${repaired.submitted.length} SUBMITTED, ${repaired.withoutTrail.length} with no audit trail, ${repaired.unreadable.length} unreadable, ${repaired.duplicates} listed twice`,
    `  second load: ${secondSent} submissions sent, kill -9 after ${mailsAtSecondKill} of its approval emails; after the restart ${final.ids.length} stored, ${final.submitted.length} SUBMITTED`,
    `  approval emails: ${approvalMails.length} for ${perApproval.size} approvals; ${resent} approvals got more than one `
      + `(${(100 * resent / Math.max(1, perApproval.size)).toFixed(1)} %): ${sameIdResends} resends with the same Message-ID, ${trueDuplicates} true duplicates (a new Message-ID); at most ${mostForOne} for one approval`,
  ].join('\n'));

  expect(perApproval.size).toBe(final.ids.length); // every request's approver was asked
  expect(approvalMails.filter((m) => !messageIdOf(m).startsWith('<'))).toEqual([]); // maildev shows each one's Message-ID
  expect(trueDuplicates).toBe(0); // a resend is the same message again, never a second one
  expect(mostForOne).toBeLessThanOrEqual(2); // once, and at most once more after the crash
}, 480_000);
