/**
 * `npm start`: the whole product on this machine (see stack.ts). Ports and the data directory
 * can be changed with PORT, SMTP_PORT, MAIL_WEB_PORT, IDP_PORT and DATA_DIR; RECONCILE_GRACE_SECONDS sets
 * how long a submission may stay half-done before the reconciler finishes it. Ctrl-C stops it cleanly;
 * pending approvals and their mailed links keep working after the next start.
 */
import { graceSecondsFrom } from '../lambdas/app/reconcile';
import { DEFAULT_IDP_PORT } from './identity-provider';
import { startLocalStack } from './stack';
import { PortInUseError } from './net';

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

const main = async () => {
  const options = {
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
    if (error instanceof PortInUseError) {
      console.error(`Cannot start: ${error.message}.`);
      console.error('Set PORT, SMTP_PORT, MAIL_WEB_PORT or IDP_PORT to use other ports.');
    } else {
      console.error('Cannot start:', error);
    }
    process.exit(1);
  }

  console.log(`API    ${stack.apiUrl}`);
  console.log(`Inbox  ${stack.mailWebUrl}  (SMTP 127.0.0.1:${stack.smtpPort})`);
  console.log(`Issuer ${stack.issuer}  (local sign-in; tokens for scripts: npm run --silent token -- <email>)`);
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

void main();
