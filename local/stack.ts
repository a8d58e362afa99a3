/**
 * The whole product on one machine, in one process, everything on 127.0.0.1: the API routes of
 * the function catalog, the purchase-approval ASL run by aws-local-stepfunctions, DynamoDB
 * (dynalite, on disk) and mail (maildev). The handlers are the real ones, composed here the way
 * lambdas/functions/* composes them on AWS, with local adapters: the real DynamoDB client pointed
 * at dynalite (that is where SDK fidelity matters), the state machine and the link secret in
 * process, mail over SMTP to maildev. The stack writes nothing to `process.env` and the functions
 * read nothing from it (only the logger its POWERTOOLS_* settings), so several stacks can run in
 * one process (tests do), each with its own ports and data.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Server } from 'node:http';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig, s3DocumentStore } from '../lambdas/adapters/documents';
import { documentClient } from '../lambdas/adapters/dynamo';
import { createTokenVerifier } from '../lambdas/adapters/token-verifier';
import { openIdSignIn } from '../lambdas/adapters/openid-sign-in';
import type { Workflow } from '../lambdas/adapters/workflow';
import { composeDeps, type Adapters, type Deps } from '../lambdas/app/deps';
import { FUNCTIONS, type FunctionSpec } from '../lambdas/catalog';
import { createPolicyRegistry } from '../lambdas/domain';
import { TABLES, type TableKey } from '../lambdas/shared/tables';
import { DEFAULT_GRACE_SECONDS } from '../lambdas/app/reconcile';
import { makeHandler as makeReconcileHandler } from '../lambdas/handlers/reconcile-submissions';
import { makeHandler as makeWatchHandler } from '../lambdas/handlers/watch-contracts';
import { createContract } from '../lambdas/app/contracts';
import type { WatchResult } from '../lambdas/app/contracts-watch';
import { signInDirectory } from '../lambdas/app/identity';
import { functionById } from '../lambdas/catalog';
import { seedContracts } from './seed-contracts';
import { ASL_FUNCTION_PLACEHOLDERS, fillPlaceholders } from '../statemachines/placeholders';
import { createApiServer, type ApiRoute } from './api-server';
import { API_AUDIENCE, startIdentityProvider, WEB_CALLBACK_PATH, WEB_CLIENT_ID } from './identity-provider';
import { ensureTables, LOCAL_CREDENTIALS, startDynamo, type LocalDynamo } from './dynamo';
import { functionArn, invokeHandler, LOCAL_REGION, type LambdaHandler } from './lambda-context';
import { loadOrCreateLinkSecret } from './link-secret';
import { smtpMailer, startMail, type LocalMail } from './mail';
import { closeServer, listenOnLoopback, LOOPBACK } from './net';
import { startObjectStore, type LocalObjectStore } from './object-store';
import { createLocalStepFunctions, DEFAULT_STATE_MACHINE_ARN, type LocalStepFunctions } from './step-functions';
import { localWorkflow } from './workflow';

export interface LocalStackOptions {
  /** @default 3000; 0 picks a free port */
  apiPort?: number;
  /** @default 1025; 0 picks a free port */
  smtpPort?: number;
  /** @default 1080; 0 picks a free port */
  mailWebPort?: number;
  /**
   * The local OpenID provider. @default a free port (test suites run side by side); `npm start`
   * asks for 3001 (IDP_PORT), so the issuer printed there stays the same from one start to the next.
   */
  idpPort?: number;
  /** The local S3 (documents bucket). @default a free port: only the functions and the URLs they sign name it */
  objectStorePort?: number;
  /** @default '.data' (relative to the working directory) */
  dataDir?: string;
  /** Extra policy objects, added to the functions' policy registry. */
  extraPolicies?: unknown[];
  log?: (line: string) => void;
  /** SMTP URL the functions send through. @default maildev's SMTP port (tests put a switchable proxy in between) */
  smtpUrl?: string;
  /** How long a request may stay SUBMITTED before the reconciler finishes its submission. @default 120 */
  reconcileGraceSeconds?: number;
  /** Wraps the Workflow port every function gets (tests observe the Step Functions calls with it). */
  wrapWorkflow?: (workflow: Workflow) => Workflow;
  /** Workflow task timeouts run this many times faster (tests of deadlines; callback waits are at least 30 s). */
  timeScale?: number;
  /** Register the sample contracts (local/seed-contracts.ts) when the registry is empty. `npm start` does. @default false */
  seedContracts?: boolean;
  /**
   * The clock of the contract watch (tests move it to a contract's last days). @default the system clock.
   * With it the watch runs only when asked (`watchContracts()`), not on its timer.
   */
  watchClock?: () => Date;
}

export interface LocalStack {
  apiUrl: string;
  mailWebUrl: string;
  /** maildev's REST API base (`…/api`; messages at `…/api/email`). */
  mailApiUrl: string;
  smtpPort: number;
  /** The local OpenID provider (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  dataDir: string;
  /** Client configuration for dynalite (endpoint, region, credentials), for tools and tests that read tables. */
  dynamoClientConfig: DynamoDBClientConfig;
  /** The local S3 holding the documents bucket (endpoint, bucket), for tools and tests that look inside it. */
  objectStore: Pick<LocalObjectStore, 'endpoint' | 'bucket'>;
  /** The in-process state machine (describe and wait for executions). */
  stepFunctions: LocalStepFunctions;
  /** Runs the contract watch now (it also runs at start and on its timer). */
  watchContracts(): Promise<WatchResult>;
  stop(): Promise<void>;
}

export const MAIL_FROM = 'purchasing@sample-city.example';
export const DOCUMENTS_BUCKET = 'documents';
const REPOSITORY_ROOT = path.resolve(__dirname, '..');
const ASL_FILE = path.join(REPOSITORY_ROOT, 'statemachines', 'purchase-approval.asl.json');

/** The catalog function's handler, composed with `deps` (its module exports `makeHandler`). */
const composeHandler = async (spec: FunctionSpec, deps: Deps): Promise<LambdaHandler> => {
  const module = (await import(path.join(REPOSITORY_ROOT, spec.module))) as { makeHandler?: (deps: Deps) => LambdaHandler };
  if (typeof module.makeHandler !== 'function') throw new Error(`${spec.module} does not export makeHandler`);
  return module.makeHandler(deps);
};

/** The ASL with every `${…FunctionArn}` filled with the local function's ARN. */
export async function loadDefinition(): Promise<string> {
  const values = Object.fromEntries(Object.entries(ASL_FUNCTION_PLACEHOLDERS).map(([placeholder, id]) => [placeholder, functionArn(id)]));
  return fillPlaceholders(await readFile(ASL_FILE, 'utf8'), values);
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir ?? '.data');
  // Stopped in reverse order of start, except the API, which stops taking requests first.
  let closeApi: (() => Promise<void>) | undefined;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of [closeApi, ...stops.reverse()]) await stop?.().catch((error: Error) => log(`stop: ${error.message}`));
    closeApi = undefined;
    stops.length = 0;
  };

  try {
    await mkdir(dataDir, { recursive: true });

    // The API first: the well-known port is the one most likely to be taken, so fail before the rest.
    let routes: ApiRoute[] | undefined;
    const api: Server = createApiServer({ routes: () => routes, log });
    const apiPort = await listenOnLoopback(api, options.apiPort ?? 3000, 'API');
    closeApi = async () => { routes = undefined; await closeServer(api); };
    const apiUrl = `http://${LOOPBACK}:${apiPort}`;

    // The OpenID provider starts in its own thread while the rest comes up (it takes seconds to load).
    const identityStarting = startIdentityProvider({ port: options.idpPort ?? 0, dataDir, webRedirectUris: [`${apiUrl}${WEB_CALLBACK_PATH}`], log });
    identityStarting.catch(() => undefined); // awaited below; a failure elsewhere first must not leave it unhandled
    stops.push(async () => (await identityStarting.catch(() => undefined))?.stop());

    const dynamo: LocalDynamo = await startDynamo(dataDir, 0, log);
    stops.push(() => dynamo.stop());
    const created = await ensureTables(dynamo.endpoint, Object.values(TABLES));
    if (created.length) log(`dynamodb: created tables ${created.join(', ')}`);
    const dynamoClientConfig: DynamoDBClientConfig = { endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const dynamoClient = new DynamoDBClient(dynamoClientConfig);
    stops.push(async () => dynamoClient.destroy());

    const mail: LocalMail = await startMail(dataDir, options.smtpPort ?? 1025, options.mailWebPort ?? 1080);
    stops.push(() => mail.stop());
    const mailer = smtpMailer(options.smtpUrl ?? `smtp://${LOOPBACK}:${mail.smtpPort}`, MAIL_FROM);
    stops.push(async () => mailer.close());

    // Documents: an S3-compatible store that checks signatures as S3 does, reached through the real S3 client.
    const objectStore = await startObjectStore({ dataDir, bucket: DOCUMENTS_BUCKET, region: LOCAL_REGION, port: options.objectStorePort ?? 0, allowedOrigin: apiUrl });
    stops.push(() => objectStore.stop());
    const s3 = new S3Client(s3ClientConfig({ endpoint: objectStore.endpoint, region: LOCAL_REGION, forcePathStyle: true, credentials: objectStore.credentials }));
    stops.push(async () => s3.destroy());

    const identity = await identityStarting;

    // The functions get the workflow before the engine that runs their tasks exists.
    let stepFunctions: LocalStepFunctions | undefined;
    const workflow = localWorkflow(() => stepFunctions);
    const adapters: Adapters = {
      dynamo: documentClient(dynamoClient),
      tableNames: Object.fromEntries(Object.entries(TABLES).map(([key, table]) => [key, table.id])) as Record<TableKey, string>,
      workflow: options.wrapWorkflow ? options.wrapWorkflow(workflow) : workflow,
      mailer,
      linkSecret: (await loadOrCreateLinkSecret(dataDir)).source,
      documents: s3DocumentStore(s3, DOCUMENTS_BUCKET),
      publicBaseUrl: apiUrl,
      policies: createPolicyRegistry(options.extraPolicies ? { extra: options.extraPolicies } : {}),
      // The API accepts the local provider's access tokens, verified as on AWS (JWKS, issuer, audience).
      tokenVerifier: createTokenVerifier({ issuer: identity.issuer, audience: API_AUDIENCE, jwksUrl: `${identity.issuer}/jwks` }),
      // Browsers sign in at the same provider (authorization code + PKCE), as they do at Cognito on AWS.
      signIn: openIdSignIn({ issuer: identity.issuer, clientId: WEB_CLIENT_ID, redirectUri: `${apiUrl}${WEB_CALLBACK_PATH}`, postLogoutRedirectUri: `${apiUrl}/` }),
    };
    const handlers = new Map<string, LambdaHandler>();
    for (const spec of FUNCTIONS) handlers.set(spec.id, await composeHandler(spec, composeDeps(spec.id, adapters)));

    stepFunctions = await createLocalStepFunctions({
      definition: await loadDefinition(),
      handlers: Object.fromEntries(FUNCTIONS.filter((f) => f.kind === 'task').map((f) => [f.id, handlers.get(f.id)!])),
      dataDir,
      stateMachineArn: DEFAULT_STATE_MACHINE_ARN,
      ...(options.timeScale ? { timeScale: options.timeScale } : {}),
      log,
    });
    const machine = stepFunctions;
    stops.push(() => machine.stop());

    routes = FUNCTIONS.filter((f) => f.kind === 'api').flatMap((f) =>
      (f.routes ?? []).map((route) => ({ method: route.method, path: route.path, functionId: f.id, handler: handlers.get(f.id)! })));

    // Submissions a crash left half-done are finished at start-up and then on a timer (EventBridge
    // Scheduler on AWS), every grace period, so nothing stays SUBMITTED for long.
    const reconcileGraceSeconds = options.reconcileGraceSeconds ?? DEFAULT_GRACE_SECONDS;
    const reconcileHandler = makeReconcileHandler(composeDeps('ReconcileSubmissions', adapters), reconcileGraceSeconds);
    let reconciling = false;
    const reconcile = () => {
      if (reconciling) return;
      reconciling = true;
      void invokeHandler('ReconcileSubmissions', reconcileHandler, {})
        .catch((error: Error) => log(`reconciler: ${error.message}`)).finally(() => { reconciling = false; });
    };
    const reconciler = setInterval(reconcile, Math.max(1, reconcileGraceSeconds) * 1000);
    stops.push(async () => clearInterval(reconciler));
    reconcile();

    // The demo registry, registered by purchasing through the real use case (so each is on its chain).
    if (options.seedContracts) {
      const registrar = signInDirectory(adapters.policies).findById('p-jordan-blake');
      if (registrar) {
        const principal = { id: registrar.id, name: registrar.name, email: registrar.email, roles: ['requester', 'purchasing'] as const };
        const contractDeps = composeDeps('Contracts', adapters);
        const seeded = await seedContracts(contractDeps.contracts, (body) => createContract(contractDeps, body, { ...principal, roles: [...principal.roles] }), new Date());
        if (seeded) log(`contracts: registered ${seeded} sample contracts`);
      }
    }

    // The contract watch (EventBridge Scheduler on AWS): at start and then on its timer; a test
    // clock runs it only on demand, so the test decides which day it is.
    const watchHandler = makeWatchHandler(composeDeps('WatchContracts', { ...adapters, ...(options.watchClock ? { clock: options.watchClock } : {}) }));
    const watchContracts = () => invokeHandler('WatchContracts', watchHandler, {}) as Promise<WatchResult>;
    if (!options.watchClock) {
      const runWatch = () => void watchContracts().catch((error: Error) => log(`contract watch: ${error.message}`));
      const watcher = setInterval(runWatch, (functionById('WatchContracts').everyMinutes ?? 60) * 60_000);
      stops.push(async () => clearInterval(watcher));
      runWatch();
    }

    let stopping: Promise<void> | undefined;
    return {
      apiUrl,
      mailWebUrl: mail.webUrl,
      mailApiUrl: mail.apiUrl,
      smtpPort: mail.smtpPort,
      issuer: identity.issuer,
      dataDir,
      dynamoClientConfig,
      objectStore: { endpoint: objectStore.endpoint, bucket: objectStore.bucket },
      stepFunctions: machine,
      watchContracts,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
