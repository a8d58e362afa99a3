/**
 * Prints the routing decision for a request file: what POST /routing/preview returns.
 *   npm run --silent route -- request.json [--policy sample-city | --policy my-policy.json] [--history prior.json] [--at 2026-12-01T00:00:00Z]
 * `--policy` takes a shipped policy id or a policy file (checked as `npm run policy:check` checks it).
 * Exit 0 with the decision as JSON on stdout; exit 2 with one line per bad field on stderr and
 * nothing on stdout, so a script can pipe the output without checking it first.
 */
import { readFileSync } from 'node:fs';
import {
  createPolicyRegistry,
  parsePriorRequests,
  parsePurchaseRequest,
  routeRequest,
  UnknownPolicyError,
  validateAgainstPolicy,
  type FieldError,
} from '../domain';
import { isPolicyFile, readPolicyFile } from './policy-file';

const USAGE = 'usage: route <request.json> [--policy <id | policy.json>] [--history <prior.json>] [--at <ISO instant>]';

class InvalidInput extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('\n'));
  }
}

function parseArgs(argv: string[]): { file: string; policy?: string; history?: string; at?: string } {
  const out: { file?: string; policy?: string; history?: string; at?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--policy' || arg === '--history' || arg === '--at') {
      const value = argv[++i];
      if (value === undefined) throw new InvalidInput([{ field: arg, message: 'needs a value' }]);
      out[arg.slice(2) as 'policy' | 'history' | 'at'] = value;
    } else if (arg.startsWith('--')) {
      throw new InvalidInput([{ field: arg, message: `is not a known option; ${USAGE}` }]);
    } else if (out.file === undefined) {
      out.file = arg;
    } else {
      throw new InvalidInput([{ field: arg, message: `unexpected argument; ${USAGE}` }]);
    }
  }
  if (!out.file) throw new InvalidInput([{ field: 'request', message: `a request file is required; ${USAGE}` }]);
  return { ...out, file: out.file };
}

function readJson(path: string, label: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InvalidInput([{ field: label, message: `cannot read file ${path}` }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InvalidInput([{ field: label, message: `${path} is not valid JSON (${(e as Error).message})` }]);
  }
}

export function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const args = parseArgs(argv);
    const body = readJson(args.file, 'request');
    // Your own policy: a file, registered beside the shipped ones and routed under.
    const extra: unknown[] = [];
    let policyId = args.policy;
    if (args.policy && isPolicyFile(args.policy)) {
      const loaded = readPolicyFile(args.policy);
      if (!loaded.ok) throw new InvalidInput(loaded.errors.map((e) => ({ field: e.field === 'policy' ? '--policy' : `--policy ${e.field}`, message: e.message })));
      extra.push(loaded.json);
      policyId = loaded.policy.id;
    }
    // --policy overrides the request's own policy field.
    const withPolicy =
      policyId && typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, policy: policyId } : body;
    const parsed = parsePurchaseRequest(withPolicy);
    if (!parsed.ok) throw new InvalidInput(parsed.errors);
    const request = parsed.value;

    let at = new Date();
    if (args.at !== undefined) {
      at = new Date(args.at);
      if (!/^\d{4}-\d{2}-\d{2}/.test(args.at) || Number.isNaN(at.getTime()))
        throw new InvalidInput([{ field: '--at', message: 'must be an ISO instant, e.g. 2026-12-01T00:00:00Z' }]);
    }

    let history: ReturnType<typeof parsePriorRequests> = { ok: true, value: [] };
    if (args.history !== undefined) {
      history = parsePriorRequests(readJson(args.history, 'history'));
      if (!history.ok) throw new InvalidInput(history.errors.map((e) => ({ ...e, field: `history${e.field === 'body' ? '' : e.field.startsWith('[') ? e.field : `.${e.field}`}` })));
    }

    const registry = createPolicyRegistry({ extra });
    let policy;
    try {
      policy = registry.get(request.policy);
    } catch (e) {
      if (e instanceof UnknownPolicyError) throw new InvalidInput([{ field: 'policy', message: e.message }]);
      throw e;
    }
    const policyErrors = validateAgainstPolicy(request, policy);
    if (policyErrors.length > 0) throw new InvalidInput(policyErrors);

    const decision = routeRequest(request, { policy, history: history.ok ? history.value : [], at });
    return { code: 0, stdout: `${JSON.stringify(decision, null, 2)}\n`, stderr: '' };
  } catch (e) {
    if (e instanceof InvalidInput) return { code: 2, stdout: '', stderr: `invalid input:\n${e.message}\n` };
    throw e;
  }
}

if (require.main === module) {
  const result = run(process.argv.slice(2));
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
