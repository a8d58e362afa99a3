/**
 * `npm run audit:verify -- <requestId> [--api <url> | --data-dir <dir>] [--json]`
 *
 * Verifies a request's audit trail from the hash chain, independently of the server's own
 * `verified` flag: the events and the chain head anchored on the request are fetched raw and
 * checked here with the same pure `verifyTrail` (lambdas/audit/chain.ts), so an edited, missing
 * or deleted last event is reported.
 *
 * Where the events come from:
 * - `--api <url>`: the running API (`GET /requests/{id}/audit`); only the raw events are used.
 *   The API needs a signed-in reader: the bearer token is taken from ACCESS_TOKEN (locally
 *   `ACCESS_TOKEN=$(npm run --silent token -- iris.novak@sample-city.example)`), never from an argument.
 * - `--data-dir <dir>`: the local stack's dynalite files, opened here and read through the real
 *   DynamoDB SDK. dynalite keeps an exclusive lock on its files, so this works only while the
 *   stack is stopped.
 * - neither: the API at http://127.0.0.1:$PORT (default 3000) if it answers, else DATA_DIR
 *   (default `.data`). A data folder is only read, never created: a missing one is an error
 *   that names the API address tried, and so is one held by a running stack.
 *
 * Exit codes: 0 verified; 1 verification failed (the sequence number is printed); 2 usage error,
 * unknown request or no source reachable.
 */
import path from 'node:path';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { verifyTrail, type AuditEvent, type ChainHead } from '../lambdas/audit/chain';
import { TABLES } from '../lambdas/shared/tables';
import { AuditTable } from '../lambdas/store/audit-table';
import { RequestsTable } from '../lambdas/store/requests-table';
import { existsSync } from 'node:fs';
import { assertDataFolderFree, DataFolderInUseError, LOCAL_CREDENTIALS } from './dynamo';
import { LOCAL_REGION } from './lambda-context';
import { closeServer, listenOnLoopback, LOOPBACK } from './net';

class UsageError extends Error {}
class NotFound extends Error {}
class NoSource extends Error {}

interface Options { requestId: string; api?: string; dataDir?: string; json: boolean }

const USAGE = 'usage: npm run audit:verify -- <requestId> [--api <url> | --data-dir <dir>] [--json]';

export const parseArgs = (argv: string[]): Options => {
  const options: Partial<Options> = { json: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--json') options.json = true;
    else if (arg === '--api' || arg === '--data-dir') {
      const value = argv[i += 1];
      if (!value) throw new UsageError(`${arg} needs a value`);
      if (arg === '--api') options.api = value.replace(/\/+$/, '');
      else options.dataDir = value;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (!options.requestId) options.requestId = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (!options.requestId) throw new UsageError('a request id is required');
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(options.requestId)) throw new UsageError('the request id has an unexpected form');
  if (options.api && options.dataDir) throw new UsageError('use either --api or --data-dir, not both');
  return options as Options;
};

interface Trail { events: AuditEvent[]; head?: ChainHead }

const fromApi = async (api: string, requestId: string): Promise<Trail> => {
  const token = process.env.ACCESS_TOKEN?.trim();
  const response = await fetch(`${api}/requests/${encodeURIComponent(requestId)}/audit`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status === 401) throw new Error('the API needs a signed-in reader: set ACCESS_TOKEN (npm run --silent token -- <email>)');
  if (response.status === 404) throw new NotFound(`no audit trail for ${requestId}`);
  if (!response.ok) throw new Error(`the API answered ${response.status}`);
  const body = (await response.json()) as { events?: AuditEvent[]; head?: ChainHead | null };
  if (!Array.isArray(body.events)) throw new Error('the API answer has no events');
  return { events: body.events, head: body.head ?? undefined };
};

const fromDataDir = async (dataDir: string, requestId: string, triedApi?: string): Promise<Trail> => {
  const tried = triedApi ? ` (and no API answered at ${triedApi}; set PORT to the port npm start uses, or pass --api <url>)` : '';
  // dynalite would create a missing folder and then find nothing in it: say so instead.
  if (!existsSync(path.join(dataDir, 'dynamodb'))) throw new NoSource(`no local data in ${path.resolve(dataDir)}${tried}`);
  try {
    await assertDataFolderFree(dataDir);
  } catch (error) {
    if (error instanceof DataFolderInUseError) throw new NoSource(`${error.message}; read it through its API instead${tried}`);
    throw error;
  }
  const server: Server = dynalite({ path: path.join(path.resolve(dataDir), 'dynamodb') });
  const port = await listenOnLoopback(server, 0, 'DynamoDB (dynalite, read for audit:verify)');
  const client = new DynamoDBClient({ endpoint: `http://${LOOPBACK}:${port}`, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const db = DynamoDBDocumentClient.from(client);
  try {
    // The same readers the API uses, in the same order (the head first).
    const head = (await new RequestsTable(db, TABLES.requests.id).get(requestId))?.auditHead;
    const events = await new AuditTable(db, TABLES.audit.id).list(requestId);
    if (events.length === 0 && !head) throw new NotFound(`no audit trail for ${requestId} in ${dataDir}`);
    return { events, head };
  } finally {
    client.destroy();
    await closeServer(server);
  }
};

const apiAnswers = async (api: string): Promise<boolean> => {
  try {
    return (await fetch(`${api}/health`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
};

export const main = async (argv: string[]): Promise<number> => {
  let options: Options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    console.error((error as Error).message);
    console.error(USAGE);
    return 2;
  }
  const defaultApi = `http://${LOOPBACK}:${process.env.PORT || 3000}`;
  let source: string;
  let trail: Trail;
  try {
    if (options.api) {
      source = options.api;
      trail = await fromApi(options.api, options.requestId);
    } else if (options.dataDir || !(await apiAnswers(defaultApi))) {
      const dataDir = options.dataDir ?? (process.env.DATA_DIR || '.data');
      source = path.resolve(dataDir);
      trail = await fromDataDir(dataDir, options.requestId, options.dataDir ? undefined : defaultApi);
    } else {
      source = defaultApi;
      trail = await fromApi(defaultApi, options.requestId);
    }
  } catch (error) {
    console.error(error instanceof NotFound || error instanceof NoSource ? error.message : `cannot read the audit trail: ${(error as Error).message}`);
    return 2;
  }

  const ordered = [...trail.events].sort((a, b) => a.seq - b.seq);
  const result = verifyTrail(ordered, trail.head);
  if (options.json) {
    console.log(JSON.stringify({ requestId: options.requestId, source, ...result }));
  } else if (result.verified) {
    console.log(`request ${options.requestId}: ${result.count} events, hash chain verified (source: ${source})`);
  } else {
    const where = result.failedAtSeq === undefined ? '' : ` at seq ${result.failedAtSeq}`;
    console.log(`request ${options.requestId}: verification FAILED${where}: ${result.reason} (${result.count} events, source: ${source})`);
  }
  return result.verified ? 0 : 1;
};

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  });
}
