import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE } from '../infra/bundling';
import { FUNCTIONS } from '../lambdas/catalog';
const OLD = { bundle: true, format: 'cjs', platform: 'node', target: 'node22', mainFields: ['module', 'main'], minify: true, sourcemap: true, sourcesContent: false, logLevel: 'warning' } as const;
const oldEntry = (id: string) => '/tmp/old/' + FUNCTIONS.find((f) => f.id === id)!.module;
const env = { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', REQUESTS_TABLE: 'r', APPROVALS_TABLE: 'a', AUDIT_TABLE: 'au', IDEMPOTENCY_TABLE: 'i', STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:1:stateMachine:x', MAIL_FROM: 'a@b.c', PUBLIC_BASE_URL: 'https://x', MAIL_TRANSPORT: 'ses', LINK_SECRET_ARN: 'arn:x', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_SESSION_TOKEN: 'z' };
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
(async () => {
  const dir = mkdtempSync('/tmp/cmp-');
  const loader = join(dir, 'load.js');
  writeFileSync(loader, "const { handler } = require(process.argv[2]); const t = performance.now(); if (typeof handler !== 'function') process.exit(1); process.stdout.write(String(t));");
  writeFileSync(join(dir, 'hello.ts'), "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n");
  const targets: { id: string; file: string }[] = [];
  await build({ ...LAMBDA_BUNDLE, alias: { ...LAMBDA_BUNDLE.alias }, mainFields: [...LAMBDA_BUNDLE.mainFields], entryPoints: [join(dir, 'hello.ts')], outfile: join(dir, 'hello.js') });
  targets.push({ id: 'hello', file: join(dir, 'hello.js') });
  for (const f of FUNCTIONS) {
    await build({ ...OLD, mainFields: [...OLD.mainFields], entryPoints: [oldEntry(f.id)], outfile: join(dir, `old-${f.id}.js`) });
    await build({ ...LAMBDA_BUNDLE, alias: { ...LAMBDA_BUNDLE.alias }, mainFields: [...LAMBDA_BUNDLE.mainFields], entryPoints: [f.entry], outfile: join(dir, `new-${f.id}.js`) });
    targets.push({ id: `old-${f.id}`, file: join(dir, `old-${f.id}.js`) }, { id: `new-${f.id}`, file: join(dir, `new-${f.id}.js`) });
  }
  const runs = Number(process.env.RUNS ?? 9);
  const samples = new Map(targets.map((t) => [t.id, [] as number[]]));
  for (let r = 0; r < runs; r += 1) for (const t of targets) {
    const c = spawnSync(process.execPath, [loader, t.file], { env, encoding: 'utf8' });
    if (c.status !== 0) throw new Error(t.id + c.stderr);
    samples.get(t.id)!.push(Number(c.stdout));
  }
  const hello = median(samples.get('hello')!);
  console.log(`hello ${hello.toFixed(0)} ms, runs ${runs}`);
  console.log('| function | before KB | before init | before × | after KB | after init | after × |');
  for (const f of FUNCTIONS) {
    const o = median(samples.get(`old-${f.id}`)!), n = median(samples.get(`new-${f.id}`)!);
    console.log(`| ${f.id} | ${(statSync(join(dir, `old-${f.id}.js`)).size / 1024).toFixed(0)} | ${o.toFixed(0)} ms | ${(o / hello).toFixed(2)} | ${(statSync(join(dir, `new-${f.id}.js`)).size / 1024).toFixed(0)} | ${n.toFixed(0)} ms | ${(n / hello).toFixed(2)} |`);
  }
})();
