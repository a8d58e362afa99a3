/**
 * The composition roots: each catalog function's handler module is free of side effects, its AWS
 * entry composes with exactly the environment the catalog implies (and fails naming every missing
 * variable), and the ports it was not granted refuse to be used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { composeDeps, type Adapters } from '../../../lambdas/app/deps';
import { ENV, FUNCTIONS, type FunctionSpec, usesSessions, verifiesTokens } from '../../../lambdas/catalog';
import { createPolicyRegistry } from '../../../lambdas/domain';
import { awsDeps, MissingConfigurationError, readFunctionConfig } from '../../../lambdas/functions/aws';
import { TABLES, type TableKey } from '../../../lambdas/shared/tables';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** What the CDK stack sets for `spec` (infra/stacks/stateless-stack.ts), with placeholder values. */
const catalogEnvironment = (spec: FunctionSpec): NodeJS.ProcessEnv => ({
  AWS_REGION: 'us-east-1',
  ...Object.fromEntries((Object.keys(spec.tables) as TableKey[]).map((key) => [TABLES[key].envVar, `prod-${TABLES[key].id}`])),
  ...(spec.stateMachine ? { [ENV.stateMachineArn]: 'arn:aws:states:us-east-1:123456789012:stateMachine:x' } : {}),
  ...(spec.linkSecret ? { [ENV.linkSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x' } : {}),
  ...(spec.documents ? { [ENV.documentsBucket]: 'prod-documents' } : {}),
  ...(spec.sendsMail ? { [ENV.mailFrom]: 'purchasing@city.gov', [ENV.publicBaseUrl]: 'https://api.example/prod/' } : {}),
  ...(verifiesTokens(spec) ? {
    [ENV.tokenIssuer]: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x', [ENV.tokenAudience]: 'purchase-approval',
    [ENV.tokenJwksUrl]: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x/.well-known/jwks.json',
  } : {}),
  ...(usesSessions(spec) || spec.signsIn ? { [ENV.publicBaseUrl]: 'https://api.example/prod/' } : {}),
  ...(spec.signsIn ? { [ENV.signInClientId]: 'web-client' } : {}),
});

/** Loads a module afresh with `env` as the process environment (restored afterwards). */
const loadWith = (env: NodeJS.ProcessEnv, file: string): Record<string, unknown> => {
  const saved = process.env;
  process.env = env;
  try {
    let loaded: Record<string, unknown> = {};
    jest.isolateModules(() => { loaded = require(path.join(REPO, file)) as Record<string, unknown>; });
    return loaded;
  } finally {
    process.env = saved;
  }
};

describe.each(FUNCTIONS.map((spec) => [spec.id, spec] as const))('%s', (_id, spec) => {
  it('handler module: exports makeHandler and nothing composed, and loads with an empty environment', () => {
    const module = loadWith({}, spec.module);
    expect(typeof module.makeHandler).toBe('function');
    expect(module.handler).toBeUndefined();
  });

  it('AWS entry: composes its handler module with exactly the environment the catalog implies', () => {
    const source = readFileSync(path.join(REPO, spec.entry), 'utf8');
    expect(source).toContain(`from '../handlers/${path.basename(spec.module, '.ts')}'`);
    expect(typeof loadWith(catalogEnvironment(spec), spec.entry).handler).toBe('function');
  });

  it('AWS entry: fails to load naming every variable that is missing (or needs none)', () => {
    const names = Object.keys(catalogEnvironment(spec)).filter((name) => name !== 'AWS_REGION');
    if (names.length === 0) {
      expect(typeof loadWith({ AWS_REGION: 'us-east-1' }, spec.entry).handler).toBe('function');
      return;
    }
    expect(() => loadWith({ AWS_REGION: 'us-east-1' }, spec.entry)).toThrow(new MissingConfigurationError(
      `${spec.id}: environment variable${names.length > 1 ? 's' : ''} ${names.join(', ')} not set`));
  });
});

it('every composition root in lambdas/functions is a catalog entry', () => {
  const roots = readdirSync(path.join(REPO, 'lambdas', 'functions')).filter((file) => file !== 'aws.ts').map((file) => `lambdas/functions/${file}`);
  expect(roots.sort()).toEqual(FUNCTIONS.map((f) => f.entry).sort());
});

describe('readFunctionConfig', () => {
  it('reads the granted variables once into a frozen config and nothing else', () => {
    const spec = FUNCTIONS.find((f) => f.id === 'DecideApproval')!;
    const env: NodeJS.ProcessEnv = { ...catalogEnvironment(spec), [ENV.mailFrom]: 'ignored@city.gov' };
    const config = readFunctionConfig('DecideApproval', env);
    expect(config).toEqual({
      functionId: 'DecideApproval',
      tableNames: { requests: `prod-${TABLES.requests.id}`, approvals: `prod-${TABLES.approvals.id}`, audit: `prod-${TABLES.audit.id}`, sessions: `prod-${TABLES.sessions.id}` },
      stateMachineArn: env[ENV.stateMachineArn],
      linkSecretArn: env[ENV.linkSecretArn],
      token: { issuer: env[ENV.tokenIssuer], audience: env[ENV.tokenAudience], jwksUrl: env[ENV.tokenJwksUrl] },
      publicBaseUrl: env[ENV.publicBaseUrl],
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tableNames)).toBe(true);
    env[ENV.stateMachineArn] = 'changed later';
    expect(config.stateMachineArn).not.toBe('changed later');
  });

  it('treats a blank variable as missing', () => {
    const spec = FUNCTIONS.find((f) => f.id === 'RouteRequest')!;
    expect(() => readFunctionConfig('RouteRequest', { ...catalogEnvironment(spec), [TABLES.audit.envVar]: '  ' })).toThrow(/AUDIT_TABLE not set/);
  });
});

describe('composeDeps and awsDeps', () => {
  const adapters = (over: Partial<Adapters> = {}): Adapters => ({
    dynamo: {} as Adapters['dynamo'],
    tableNames: Object.fromEntries(Object.entries(TABLES).map(([key, table]) => [key, table.id])),
    policies: createPolicyRegistry(),
    ...over,
  });

  it('a port the catalog does not grant refuses any use, naming the catalog', async () => {
    const deps = composeDeps('ReadRequests', adapters({ workflow: { start: jest.fn(), succeed: jest.fn(), fail: jest.fn() }, tokenVerifier: { verify: jest.fn() }, publicBaseUrl: 'https://api.example/prod/', documents: {} as never }));
    expect(() => Reflect.get(deps.approvals, 'getCallback')).toThrow('ReadRequests is not granted the approvals table (see lambdas/catalog.ts)');
    expect(() => deps.workflow.start('x', {})).toThrow('ReadRequests is not granted the state machine');
    expect(() => deps.mailer.send({} as never)).toThrow('ReadRequests is not granted mail');
    await expect(deps.linkSecret()).rejects.toThrow('ReadRequests is not granted the link secret');
    expect(() => deps.signIn.start()).toThrow('ReadRequests is not granted browser sign-in');
  });

  it('Cognito: TOKEN_CLIENT_ID makes the verifier check the app client instead of an audience', () => {
    const spec = FUNCTIONS.find((f) => f.id === 'SubmitRequest')!;
    const config = readFunctionConfig('SubmitRequest', { ...catalogEnvironment(spec), [ENV.tokenClientId]: 'web-client' });
    expect(config.token?.cognitoClientIds).toEqual(['web-client']);
    expect(readFunctionConfig('SubmitRequest', catalogEnvironment(spec)).token?.cognitoClientIds).toBeUndefined();
  });

  it('SignIn: the web client, its callback and sign-out URLs from the public base URL, Cognito\'s logout endpoint when set', () => {
    const spec = FUNCTIONS.find((f) => f.id === 'SignIn')!;
    const config = readFunctionConfig('SignIn', { ...catalogEnvironment(spec), [ENV.signOutUrl]: 'https://pa.auth.us-east-1.amazoncognito.com/logout' });
    expect(config.signIn).toEqual({
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x', clientId: 'web-client',
      redirectUri: 'https://api.example/prod/auth/callback', postLogoutRedirectUri: 'https://api.example/prod/',
      cognitoLogoutUrl: 'https://pa.auth.us-east-1.amazoncognito.com/logout',
    });
  });

  it('task functions act for nobody: they get no token verifier', () => {
    const deps = composeDeps('RouteRequest', adapters());
    expect(() => deps.tokenVerifier.verify('x')).toThrow('RouteRequest is not granted token verification');
    expect(() => deps.documents.exists('x')).toThrow('RouteRequest is not granted the documents bucket');
  });

  it('a granted port without an adapter is a wiring error at composition time', () => {
    expect(() => composeDeps('SubmitRequest', adapters())).toThrow('SubmitRequest is granted the state machine (lambdas/catalog.ts) but its composition brings no adapter for it');
  });

  it('an AWS composition that brings a client the catalog does not grant fails', () => {
    const spec = FUNCTIONS.find((f) => f.id === 'RouteRequest')!;
    expect(() => awsDeps('RouteRequest', { mailer: () => ({ send: jest.fn() }) }, catalogEnvironment(spec))).toThrow('RouteRequest brings a mailer that lambdas/catalog.ts does not grant it');
  });

  it('trims the trailing slash of the public base URL', () => {
    const deps = composeDeps('FinalizeDecision', adapters({ mailer: { send: jest.fn() }, publicBaseUrl: 'https://api.example/prod/' }));
    expect(deps.publicBaseUrl).toBe('https://api.example/prod');
  });
});
