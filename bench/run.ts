/**
 * `npm run bench`: speed and memory, measured (never asserted in tests). Prints one markdown
 * table that the README shows. Four parts:
 *  1. the pure routing core (validation + routing), in process;
 *  2. state transitions per request, counted by running the real ASL file in
 *     aws-local-stepfunctions with instant task stand-ins (the figure AWS bills by);
 *  3. the whole local stack end to end: submit over HTTP, approval mail in maildev, decision
 *     POST, until APPROVED, with N requests in flight;
 *  4. resident memory of the process running the stack;
 *  5. per function: minified bundle size and cold init against a hello-world bundle (bench/bundles.ts).
 * Env: BENCH_REQUESTS (default 100), BENCH_CONCURRENCY (default 10), BENCH_ROUTING_RUNS (20000),
 * BENCH_INIT_RUNS (11).
 */
import '../local/polyfills';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as Engine from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import { createPolicyRegistry, parsePriorRequests, parsePurchaseRequest, routeRequest } from '../lambdas/domain';
import { startLocalStack } from '../local/stack';
import { bundleTable, measureBundles } from './bundles';
import { issueLocalToken } from '../local/token';
import { ASL_FUNCTION_PLACEHOLDERS, fillPlaceholders } from '../statemachines/placeholders';
import { approvalLink, decide, freePorts, Inbox, purchase, type Mail } from '../test/integration/support/harness';

// The package ships a CommonJS build beside its ESM types; require it the way local/ does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as typeof Engine;

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const ROUTING_RUNS = Number(process.env.BENCH_ROUTING_RUNS ?? 20000);

interface Row { measure: string; value: string; notes: string }
const rows: Row[] = [];
const row = (measure: string, value: string, notes = '') => rows.push({ measure, value, notes });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const us = (n: number) => `${(n * 1000).toFixed(1)} µs`;
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'requests', `${name}.json`), 'utf8'));

const benchRouting = () => {
  const policies = createPolicyRegistry();
  const bodies = ['micro-direct', 'formal-cooperative', 'piggyback-returned', 'informal-quotes', 'split-informal'].map(fixture);
  const history = parsePriorRequests(fixture('prior-acme'));
  if (!history.ok) throw new Error('prior-acme fixture does not parse');
  const at = new Date('2026-12-01T00:00:00Z');
  const times: number[] = [];
  for (let i = 0; i < ROUTING_RUNS; i += 1) {
    const started = performance.now();
    const parsed = parsePurchaseRequest(bodies[i % bodies.length]);
    if (!parsed.ok) throw new Error('fixture does not parse');
    routeRequest(parsed.value, { policy: policies.get(parsed.value.policy), history: history.value, at });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const total = times.reduce((s, t) => s + t, 0);
  row('Routing core: validate + route one request', `p50 ${us(percentile(times, 50))}, p99 ${us(percentile(times, 99))}`, `${ROUTING_RUNS} runs over 5 fixtures (split history included); ${Math.round(ROUTING_RUNS / (total / 1000)).toLocaleString('en-US')} requests/s on one core`);
};

/** Runs the real ASL with instant stand-ins for the Lambda tasks and counts entered states. */
const countTransitions = async () => {
  const definition = JSON.parse(fillPlaceholders(readFileSync(join(__dirname, '..', 'statemachines', 'purchase-approval.asl.json'), 'utf8'),
    Object.fromEntries(Object.keys(ASL_FUNCTION_PLACEHOLDERS).map((k) => [k, `arn:aws:lambda:us-east-1:000000000000:function:${k}`]))));
  // aws-local-stepfunctions 3.0.0 reads TimeoutSecondsPath from the task's effective input (after
  // Parameters) instead of the state input; the local runner works around it, here a fixed timeout does.
  for (const callback of [definition.States.RequestApproval, definition.States.AwaitDecision]) {
    delete callback.TimeoutSecondsPath;
    callback.TimeoutSeconds = 3600;
  }
  const machine = new StateMachine(definition);
  const named = (name: string) => Object.assign(new Error(name), { name });
  /** `waits`: per checkpoint, the answers to its waits in order ('timeout' = a deadline passed). */
  const scenario = async (label: string, route: 'PENDING_APPROVAL' | 'RETURNED', waits: string[][]) => {
    const answers = waits.map((list, index) => list.map((answer) => ({ answer, index }))).flat();
    let deadlines = 0;
    const run = machine.run({ requestId: 'bench' }, {
      context: { Execution: { Id: 'bench', Name: 'bench' }, Task: { Token: 'token' } } as never,
      overrides: {
        taskResourceLocalHandlers: {
          RouteRequest: () => ({ status: route, lastIndex: waits.length - 1, firstWaitSeconds: 3600 }),
          RequestApproval: () => {
            const { answer, index } = answers.shift()!;
            if (answer === 'approve') return { decision: 'approve', index };
            throw named(answer === 'timeout' ? 'States.Timeout' : answer === 'reject' ? 'ApprovalRejectedError' : answer);
          },
          AwaitDecision: () => {
            const { answer, index } = answers.shift()!;
            if (answer === 'approve') return { decision: 'approve', index };
            throw named(answer === 'timeout' ? 'States.Timeout' : 'ApprovalRejectedError');
          },
          AdvanceDeadline: () => {
            deadlines += 1;
            if (answers[0]?.answer === 'expire') throw named('CheckpointExpiredError');
            return { index: 0, phase: deadlines === 1 ? 'reminder' : 'escalation', seconds: 3600 };
          },
          FinalizeDecision: () => ({ status: 'done' }),
        },
      },
    });
    let entered = 0;
    for await (const event of run.eventLogs) if (event.type === 'StateEntered') entered += 1;
    await run.result;
    return { label, entered };
  };
  const approved = (k: number) => Array.from({ length: k }, () => ['approve']);
  const results = [
    await scenario('returned at routing', 'RETURNED', []),
    ...(await Promise.all([1, 2, 3, 4].map((k) => scenario(`${k} checkpoint${k > 1 ? 's' : ''}, approved`, 'PENDING_APPROVAL', approved(k))))),
    await scenario('rejected at checkpoint 2 of 4', 'PENDING_APPROVAL', [['approve'], ['reject'], [], []]),
    await scenario('1 checkpoint, reminder + escalation, then approved', 'PENDING_APPROVAL', [['timeout', 'timeout', 'approve']]),
    await scenario('1 checkpoint, reminder + escalation, expired', 'PENDING_APPROVAL', [['timeout', 'timeout', 'timeout', 'expire']]),
  ];
  row('State transitions per request', results.map((r) => `${r.label}: ${r.entered}`).join('; '), 'states entered in the real ASL; AWS bills Standard workflows per transition; k approved checkpoints cost 2k + 3; each reminder or escalation adds 2 (AdvanceDeadline, AwaitDecision)');
  return results;
};

/** One inbox poller for all in-flight requests, so polling maildev does not dominate the measurement. */
const inboxWatcher = (inbox: Inbox) => {
  const waiting = new Map<string, (mail: Mail) => void>();
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      if (waiting.size > 0) {
        for (const mail of await inbox.to('dana.ortiz@sample-city.example')) {
          if (seen.has(mail.id)) continue;
          const title = /Approval needed: (Bench item \d+) /.exec(mail.subject)?.[1];
          const resolve = title ? waiting.get(title) : undefined;
          if (resolve) { seen.add(mail.id); waiting.delete(title!); resolve(mail); }
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    waitFor: (title: string) => new Promise<Mail>((resolve) => waiting.set(title, resolve)),
    stop: async () => { running = false; await loop; },
  };
};

const benchStack = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'par-bench-'));
  const ports = await freePorts();
  const rssBefore = process.memoryUsage().rss;
  const startedAt = performance.now();
  const stack = await startLocalStack({ ...ports, dataDir, log: () => undefined });
  const startup = performance.now() - startedAt;
  const inbox = new Inbox(stack.mailApiUrl);
  const watcher = inboxWatcher(inbox);
  // The API needs a signed-in requester: one token from the local provider, as a script would.
  const auth = { authorization: `Bearer ${await issueLocalToken('ana.ruiz@city.example', { IDP_ISSUER: stack.issuer, DATA_DIR: dataDir })}` };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

  const walk = async (i: number, times: { submit: number[]; mail: number[]; decide: number[]; total: number[] }) => {
    const title = `Bench item ${i}`;
    const t0 = performance.now();
    const response = await fetch(`${stack.apiUrl}/requests`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...auth },
      // A vendor per request: the same vendor would (rightly) be flagged as a split purchase.
      body: JSON.stringify(purchase({ title, amount: 100 + i, vendor: { name: `Bench vendor ${i}` } })),
    });
    const { id } = (await response.json()) as { id: string };
    const t1 = performance.now();
    times.submit.push(t1 - t0);
    const mail = await watcher.waitFor(title);
    const t2 = performance.now();
    times.mail.push(t2 - t1);
    const result = await decide(approvalLink(mail), { decision: 'approve' });
    if (result.status !== 200) throw new Error(`decision answered ${result.status}`);
    times.decide.push(performance.now() - t2);
    for (;;) {
      const view = (await (await fetch(`${stack.apiUrl}/requests/${id}`, { headers: auth })).json()) as { status: string };
      if (view.status === 'APPROVED') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    times.total.push(performance.now() - t0);
  };
  const run = async (from: number, count: number, concurrency: number) => {
    const times = { submit: [] as number[], mail: [] as number[], decide: [] as number[], total: [] as number[] };
    let next = from;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < from + count) await walk(next++, times);
    }));
    const wall = performance.now() - started;
    for (const list of Object.values(times)) list.sort((a, b) => a - b);
    return { times, wall };
  };

  const sequential = await run(0, 20, 1);
  const loaded = await run(1000, REQUESTS, CONCURRENCY);
  clearInterval(sampler);
  await watcher.stop();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const pp = (list: number[]) => `p50 ${ms(percentile(list, 50))}, p95 ${ms(percentile(list, 95))}`;
  const both = (key: keyof typeof sequential.times) => `one at a time: ${pp(sequential.times[key])}; ${CONCURRENCY} in flight: ${pp(loaded.times[key])}`;
  row('Local stack start-up', ms(startup), 'dynalite on disk, maildev, API server, functions composed, ASL built and validated');
  row('POST /requests (202)', both('submit'), 'validate, store, audit, StartExecution');
  row('Submit → approval email in the inbox', both('mail'), 'route, open checkpoint, store token, render and send the mail (inbox polled every 25 ms)');
  row('Open link + POST decision', both('decide'), 'GET page (anti-forgery value) then POST form');
  row('Submit → APPROVED (one approver)', both('total'), 'includes finalize and the requester email');
  row('Throughput, end to end', `${(REQUESTS / (loaded.wall / 1000)).toFixed(1)} requests/s`, `${REQUESTS} requests walked to APPROVED in ${(loaded.wall / 1000).toFixed(1)} s, ${CONCURRENCY} in flight`);
  row('Memory (RSS of the one process)', `${Math.round(rssBefore / 2 ** 20)} MB before start, ${Math.round(peakRss / 2 ** 20)} MB peak`, 'whole stack plus the load generator, sampled every 50 ms');
};

const main = async () => {
  benchRouting();
  await countTransitions();
  await benchStack();
  const lines = ['| measure | result | notes |', '|---|---|---|', ...rows.map((r) => `| ${r.measure} | ${r.value} | ${r.notes} |`)];
  // Bundles: measured last, in child processes, once the stack has stopped.
  const bundles = bundleTable(await measureBundles());
  console.log(`\nMachine: ${process.platform} ${process.arch}, Node ${process.version}, ${require('node:os').cpus().length} cores\n`);
  console.log(lines.join('\n'));
  console.log(`\nPer function (esbuild with infra/bundling.ts, as deployed):\n\n${bundles}`);
};

main().catch((error) => { console.error(error); process.exit(1); });
