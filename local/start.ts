/**
 * `npm start`: the whole product on this machine (see stack.ts). Ports and the data directory
 * can be changed with PORT, SMTP_PORT, MAIL_WEB_PORT, IDP_PORT and DATA_DIR; RECONCILE_GRACE_SECONDS sets
 * how long a submission may stay half-done before the reconciler finishes it. Your own policy:
 * `npm start -- --policy my-policy.json` or POLICY_FILE=my-policy.json (checked as
 * `npm run policy:check` checks it; requests name it by its id). Ctrl-C stops it cleanly;
 * pending approvals and their mailed links keep working after the next start.
 */
import { graceSecondsFrom } from '../lambdas/app/reconcile';
import { readPolicyFile } from '../lambdas/cli/policy-file';
import { DEFAULT_IDP_PORT } from './identity-provider';
import { startLocalStack } from './stack';
import { DataFolderInUseError } from './dynamo';
import { PortInUseError } from './net';

/** The setting that moves each server of the stack to another port, by the role its PortInUseError names. */
const PORT_SETTINGS: ReadonlyArray<[role: RegExp, setting: string]> = [
  [/^API$/, 'PORT'], [/SMTP/, 'SMTP_PORT'], [/web inbox/, 'MAIL_WEB_PORT'], [/OpenID/, 'IDP_PORT'],
];

/** What `npm start` says when it cannot start: the cause in a sentence and what to change. */
export const cannotStartMessage = (error: unknown): string => {
  if (error instanceof PortInUseError) {
    const setting = PORT_SETTINGS.find(([role]) => role.test(error.role))?.[1];
    return `Cannot start: ${error.message}.\n${setting ? `Set ${setting} to use another port.` : 'Set PORT, SMTP_PORT, MAIL_WEB_PORT or IDP_PORT to use other ports.'}`;
  }
  if (error instanceof DataFolderInUseError) return `Cannot start: ${error.message}.`;
  return `Cannot start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
};

const portFromEnv = (name: string): number | undefined => {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`${name} must be a port number (0-65535), got "${value}"`);
    process.exit(2);
  }
  return port;
};

/** The policy file named by `--policy <file>` or POLICY_FILE, if any (the flag wins). */
export const policyFileFrom = (argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined => {
  const at = argv.indexOf('--policy');
  if (at >= 0) return argv[at + 1];
  return env.POLICY_FILE || undefined;
};

const main = async () => {
  const policyFile = policyFileFrom(process.argv.slice(2), process.env);
  const extraPolicies: unknown[] = [];
  if (policyFile !== undefined) {
    const loaded = policyFile ? readPolicyFile(policyFile) : { ok: false as const, errors: [{ field: '--policy', message: 'needs a policy file' }] };
    if (!loaded.ok) {
      console.error(`Cannot start: ${policyFile || '--policy'} is not a valid policy:\n${loaded.errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`);
      process.exit(1);
    }
    extraPolicies.push(loaded.json);
    console.log(`Policy ${loaded.policy.id} from ${policyFile} (requests name it with "policy": "${loaded.policy.id}")`);
  }
  const options = {
    extraPolicies: extraPolicies.length ? extraPolicies : undefined,
    apiPort: portFromEnv('PORT'),
    smtpPort: portFromEnv('SMTP_PORT'),
    mailWebPort: portFromEnv('MAIL_WEB_PORT'),
    idpPort: portFromEnv('IDP_PORT') ?? DEFAULT_IDP_PORT,
    dataDir: process.env.DATA_DIR || '.data',
    reconcileGraceSeconds: graceSecondsFrom(process.env),
    seedContracts: true,
    log: (line: string) => console.log(`  ${line}`),
  };
  let stack;
  try {
    stack = await startLocalStack(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
  } catch (error) {
    console.error(cannotStartMessage(error));
    process.exit(1);
  }

  console.log(`API    ${stack.apiUrl}`);
  console.log(`Inbox  ${stack.mailWebUrl}  (SMTP 127.0.0.1:${stack.smtpPort})`);
  console.log(`Issuer ${stack.issuer}  (local sign-in; tokens for scripts: npm run --silent token -- <email>)`);
  console.log(`Files  ${stack.objectStore.endpoint}/${stack.objectStore.bucket}  (documents, S3 API; upload with POST /documents)`);
  console.log(`Data   ${stack.dataDir}`);
  console.log('ready');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: exiting without a clean stop`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stopping…`);
    stack.stop().then(
      () => { console.log('stopped'); process.exit(0); },
      (error: unknown) => { console.error('stop failed:', error); process.exit(1); },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
};

if (require.main === module) void main();
