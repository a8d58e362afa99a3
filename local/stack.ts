/**
 * The whole product on one machine, in one process, everything on 127.0.0.1: the API routes of
 * the function catalog, the purchase-approval ASL run by aws-local-stepfunctions, DynamoDB
 * (dynalite, on disk), mail (maildev) and an AWS-style endpoint for Step Functions and Secrets
 * Manager calls. Handlers are the real ones, loaded in process with the environment the CDK
 * stack would give them plus endpoint overrides.
 *
 * One stack per process at a time: handlers read `process.env` when their module loads, and
 * modules stay cached. A restart inside the same process must therefore reuse the same ports;
 * internal ports (dynalite, AWS endpoint) and ports asked for as 0 are remembered per process.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Server } from 'node:http';
import { ENV, FUNCTIONS, type FunctionSpec } from '../lambdas/catalog';
import { TABLES } from '../lambdas/shared/tables';
import { ASL_FUNCTION_PLACEHOLDERS, fillPlaceholders } from '../statemachines/placeholders';
import { createApiServer, type ApiRoute } from './api-server';
import { createAwsEndpoint } from './aws-endpoint';
import { API_AUDIENCE, startIdentityProvider, WEB_CALLBACK_PATH } from './identity-provider';
import { ensureTables, LOCAL_CREDENTIALS, startDynamo, type LocalDynamo } from './dynamo';
import { functionArn, LOCAL_REGION, type LambdaHandler } from './lambda-context';
import { LINK_SECRET_ARN, loadOrCreateLinkSecret } from './link-secret';
import { startMail, type LocalMail } from './mail';
import { closeServer, listenOnLoopback, LOOPBACK } from './net';
import { createLocalStepFunctions, DEFAULT_STATE_MACHINE_ARN, type LocalStepFunctions } from './step-functions';

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
  /** @default '.data' (relative to the working directory) */
  dataDir?: string;
  /** Extra policy objects, handed to handlers as EXTRA_POLICIES_JSON. */
  extraPolicies?: unknown[];
  log?: (line: string) => void;
  /** Added to (and overriding) the handlers' environment. */
  env?: Record<string, string>;
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
  stop(): Promise<void>;
}

export const MAIL_FROM = 'purchasing@sample-city.example';
const REPOSITORY_ROOT = path.resolve(__dirname, '..');
const ASL_FILE = path.join(REPOSITORY_ROOT, 'statemachines', 'purchase-approval.asl.json');

/** Ports bound earlier in this process, by role (see the header comment). */
const rememberedPorts = new Map<string, number>();
/** The PUBLIC_BASE_URL and MAIL_TRANSPORT the cached handler modules were loaded with. */
let loadedWith: string | undefined;
let stackRunning = false;

const portFor = (role: string, asked: number | undefined, fallback: number): number => {
  const port = asked ?? fallback;
  return port === 0 ? rememberedPorts.get(role) ?? 0 : port;
};

const loadHandler = async (spec: FunctionSpec): Promise<LambdaHandler> => {
  const module = (await import(path.join(REPOSITORY_ROOT, spec.entry))) as { handler?: LambdaHandler; default?: { handler?: LambdaHandler } };
  const handler = module.handler ?? module.default?.handler;
  if (typeof handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
  return handler;
};

/** The ASL with every `${…FunctionArn}` filled with the local function's ARN. */
export async function loadDefinition(): Promise<string> {
  const values = Object.fromEntries(Object.entries(ASL_FUNCTION_PLACEHOLDERS).map(([placeholder, id]) => [placeholder, functionArn(id)]));
  return fillPlaceholders(await readFile(ASL_FILE, 'utf8'), values);
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  if (stackRunning) throw new Error('a local stack is already running in this process (handlers share process.env)');
  stackRunning = true;
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
    // The stack's own SDK client (table creation) comes before the handlers' environment is set.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    await mkdir(dataDir, { recursive: true });

    // The API first: the well-known port is the one most likely to be taken, so fail before the rest.
    let routes: ApiRoute[] | undefined;
    const api: Server = createApiServer({ routes: () => routes, log });
    const apiPort = await listenOnLoopback(api, portFor('api', options.apiPort, 3000), 'API');
    rememberedPorts.set('api', apiPort);
    closeApi = async () => { routes = undefined; await closeServer(api); };
    const apiUrl = `http://${LOOPBACK}:${apiPort}`;

    const dynamo: LocalDynamo = await startDynamo(dataDir, rememberedPorts.get('dynamo') ?? 0);
    rememberedPorts.set('dynamo', dynamo.port);
    stops.push(() => dynamo.stop());
    const created = await ensureTables(dynamo.endpoint, Object.values(TABLES));
    if (created.length) log(`dynamodb: created tables ${created.join(', ')}`);

    const mail: LocalMail = await startMail(dataDir, portFor('smtp', options.smtpPort, 1025), portFor('mailWeb', options.mailWebPort, 1080));
    rememberedPorts.set('smtp', mail.smtpPort);
    rememberedPorts.set('mailWeb', Number(new URL(mail.webUrl).port));
    stops.push(() => mail.stop());

    const identity = await startIdentityProvider({ port: portFor('idp', options.idpPort, 0), dataDir, webRedirectUris: [`${apiUrl}${WEB_CALLBACK_PATH}`], log });
    rememberedPorts.set('idp', Number(new URL(identity.issuer).port));
    stops.push(() => identity.stop());

    let stepFunctions: LocalStepFunctions | undefined;
    const linkSecret = await loadOrCreateLinkSecret(dataDir);
    const endpoint = createAwsEndpoint({ stepFunctions: () => stepFunctions, secrets: [linkSecret], log });
    const endpointPort = await listenOnLoopback(endpoint, rememberedPorts.get('endpoint') ?? 0, 'AWS endpoint (Step Functions, Secrets Manager)');
    rememberedPorts.set('endpoint', endpointPort);
    stops.push(() => closeServer(endpoint));
    const endpointUrl = `http://${LOOPBACK}:${endpointPort}`;

    // The environment the CDK stack gives the functions, pointed at the local services.
    const mailTransport = `smtp://${LOOPBACK}:${mail.smtpPort}`;
    const environment: Record<string, string> = {
      ...Object.fromEntries(Object.values(TABLES).map((table) => [table.envVar, table.id])),
      [ENV.stateMachineArn]: DEFAULT_STATE_MACHINE_ARN,
      [ENV.mailTransport]: mailTransport,
      [ENV.mailFrom]: MAIL_FROM,
      [ENV.publicBaseUrl]: apiUrl,
      [ENV.linkSecretArn]: LINK_SECRET_ARN,
      // The API accepts the local provider's access tokens, verified as on AWS (JWKS, issuer, audience).
      [ENV.tokenIssuer]: identity.issuer,
      [ENV.tokenAudience]: API_AUDIENCE,
      [ENV.tokenJwksUrl]: `${identity.issuer}/jwks`,
      ...(options.extraPolicies ? { [ENV.extraPolicies]: JSON.stringify(options.extraPolicies) } : {}),
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SFN: endpointUrl,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpointUrl,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_SERVICE_NAME: 'purchase-approval',
      ...options.env,
    };
    delete process.env.AWS_SESSION_TOKEN; // a real session token would pair with the fake keys
    Object.assign(process.env, environment);
    const signature = `${apiUrl} ${mailTransport}`;
    if (loadedWith && loadedWith !== signature) {
      log(`warning: handler modules were loaded for ${loadedWith}; cached modules may still use those ports`);
    }
    loadedWith ??= signature;

    const handlers = new Map<string, LambdaHandler>();
    for (const spec of FUNCTIONS) handlers.set(spec.id, await loadHandler(spec));

    stepFunctions = await createLocalStepFunctions({
      definition: await loadDefinition(),
      handlers: Object.fromEntries(FUNCTIONS.filter((f) => f.kind === 'task').map((f) => [f.id, handlers.get(f.id)!])),
      dataDir,
      stateMachineArn: DEFAULT_STATE_MACHINE_ARN,
      log,
    });
    const machine = stepFunctions;
    stops.push(() => machine.stop());

    routes = FUNCTIONS.filter((f) => f.kind === 'api').flatMap((f) =>
      (f.routes ?? []).map((route) => ({ method: route.method, path: route.path, functionId: f.id, handler: handlers.get(f.id)! })));

    let stopping: Promise<void> | undefined;
    return {
      apiUrl,
      mailWebUrl: mail.webUrl,
      mailApiUrl: mail.apiUrl,
      smtpPort: mail.smtpPort,
      issuer: identity.issuer,
      dataDir,
      stop: () => {
        stopping ??= stopAll().finally(() => { stackRunning = false; });
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    stackRunning = false;
    throw error;
  }
}
