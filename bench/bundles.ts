/**
 * Bundle size and cold init per function, part of `npm run bench` (also `npm run bench:bundles`
 * alone). Each catalog entry is bundled by esbuild with the options the CDK construct uses
 * (infra/bundling.ts), and so is a hello-world handler. Cold init is the time from process start
 * until the bundle has loaded and composed its handler (environment read, clients built), in a
 * fresh `node` each time, with the environment the CDK stack would give that function; the
 * median of BENCH_INIT_RUNS (default 11) runs, interleaved with the hello-world runs so both see
 * the same machine load. Targets (issue 8): ≤ 300 KB minified, init ≤ 2× hello-world.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLE } from '../infra/bundling';
import { ENV, FUNCTIONS, type FunctionSpec } from '../lambdas/catalog';
import { TABLES, type TableKey } from '../lambdas/shared/tables';

export const TARGET_KB = 300;
export const TARGET_INIT_RATIO = 2;
const REPO_ROOT = resolve(__dirname, '..');

export interface BundleFigure {
  id: string;
  kb: number;
  initMs: number;
  /** initMs over the hello-world bundle's, measured in the same run */
  ratio: number;
  /** The largest packages in the bundle, `name KB`. */
  largest: string[];
}

/** The environment the CDK stack gives `spec` (placeholder values), plus what Lambda itself sets. */
const lambdaEnvironment = (spec: FunctionSpec): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_SERVICE_NAME: 'purchase-approval-router',
  ...Object.fromEntries((Object.keys(spec.tables) as TableKey[]).map((key) => [TABLES[key].envVar, `bench-${TABLES[key].id}`])),
  ...(spec.stateMachine ? { [ENV.stateMachineArn]: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench' } : {}),
  ...(spec.linkSecret ? { [ENV.linkSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench' } : {}),
  ...(spec.sendsMail ? { [ENV.mailFrom]: 'bench@example.org', [ENV.publicBaseUrl]: 'https://example.org/prod/' } : {}),
});

/** Bytes in the output by package (or by top folder of this repository), largest first. */
const largestParts = (metafile: Metafile, count = 3): string[] => {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint)!;
  const byPart = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const parts = file.split('/');
    const at = parts.lastIndexOf('node_modules');
    const name = at >= 0 ? parts.slice(at + 1, at + (parts[at + 1]!.startsWith('@') ? 3 : 2)).join('/') : parts.slice(0, 2).join('/');
    byPart.set(name, (byPart.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPart].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)}`);
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export const measureBundles = async (runs = Number(process.env.BENCH_INIT_RUNS ?? 11)): Promise<{ hello: BundleFigure; functions: BundleFigure[] }> => {
  const dir = mkdtempSync(join(tmpdir(), 'par-bundles-'));
  try {
    const loader = join(dir, 'load.js');
    // Time since this process started, once the handler module has loaded (Lambda's init phase).
    writeFileSync(loader, [
      "const { handler } = require(process.argv[2]);",
      "const loadedAt = performance.now();",
      "if (typeof handler !== 'function') { console.error('no handler export'); process.exit(1); }",
      'process.stdout.write(String(loadedAt));',
    ].join('\n'));
    const helloEntry = join(dir, 'hello.ts');
    writeFileSync(helloEntry, "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n");

    const targets = [
      { id: 'hello-world', entry: helloEntry, env: { PATH: process.env.PATH } as NodeJS.ProcessEnv },
      ...FUNCTIONS.map((spec) => ({ id: spec.id, entry: join(REPO_ROOT, spec.entry), env: lambdaEnvironment(spec) })),
    ];
    const built = [];
    for (const target of targets) {
      const outfile = join(dir, `${target.id}.js`);
      const result = await build({ ...LAMBDA_BUNDLE, alias: { ...LAMBDA_BUNDLE.alias }, mainFields: [...LAMBDA_BUNDLE.mainFields], entryPoints: [target.entry], outfile, metafile: true });
      built.push({ ...target, outfile, kb: statSync(outfile).size / 1024, largest: largestParts(result.metafile) });
    }

    const samples = new Map<string, number[]>(built.map((b) => [b.id, []]));
    for (let run = 0; run < runs; run += 1) {
      for (const bundle of built) {
        const child = spawnSync(process.execPath, [loader, bundle.outfile], { env: bundle.env, encoding: 'utf8' });
        if (child.status !== 0) throw new Error(`${bundle.id}: the bundle failed to load: ${child.stderr.trim().split('\n').slice(0, 5).join(' ')}`);
        samples.get(bundle.id)!.push(Number(child.stdout));
      }
    }
    const helloMs = median(samples.get('hello-world')!);
    const figures = built.map((b): BundleFigure => {
      const initMs = median(samples.get(b.id)!);
      return { id: b.id, kb: b.kb, initMs, ratio: initMs / helloMs, largest: b.largest };
    });
    return { hello: figures[0]!, functions: figures.slice(1) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** One markdown table: a row per function, the hello-world baseline first, and what misses a target. */
export const bundleTable = ({ hello, functions }: Awaited<ReturnType<typeof measureBundles>>): string => {
  const misses = (f: BundleFigure) => [
    f.kb > TARGET_KB ? `size > ${TARGET_KB} KB` : '',
    f.ratio > TARGET_INIT_RATIO ? `init > ${TARGET_INIT_RATIO}×` : '',
  ].filter(Boolean).join(', ') || 'met';
  return [
    `| function | bundle (minified) | cold init (median) | × hello-world | largest parts (KB) | targets (≤ ${TARGET_KB} KB, ≤ ${TARGET_INIT_RATIO}×) |`,
    '|---|---|---|---|---|---|',
    `| hello-world | ${hello.kb.toFixed(1)} KB | ${hello.initMs.toFixed(0)} ms | 1.00 | | baseline |`,
    ...functions.map((f) => `| ${f.id} | ${f.kb.toFixed(0)} KB | ${f.initMs.toFixed(0)} ms | ${f.ratio.toFixed(2)} | ${f.largest.join(', ')} | ${misses(f)} |`),
  ].join('\n');
};

if (require.main === module) {
  measureBundles().then((figures) => {
    console.log(`\nMachine: ${process.platform} ${process.arch}, Node ${process.version}\n`);
    console.log(bundleTable(figures));
  }, (error: unknown) => { console.error(error); process.exit(1); });
}
