/**
 * The AWS side of every function's composition root (the files beside this one, which the
 * catalog names as bundle entries): the environment the CDK stack gives the function is read once,
 * into a frozen config, and a missing variable fails the container's start with every missing
 * name listed. DynamoDB is built here because every function uses it; each entry file brings the
 * other clients it needs itself, so a bundle holds only the SDK clients its function calls.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../adapters/dynamo';
import type { DocumentStore } from '../adapters/documents';
import type { SecretSource } from '../adapters/link-secret';
import { createTokenVerifier } from '../adapters/token-verifier';
import type { OpenIdSignInConfig, SignInProvider } from '../adapters/openid-sign-in';
import type { Mailer } from '../adapters/mailer';
import type { Workflow } from '../adapters/workflow';
import { composeDeps, type Deps } from '../app/deps';
import { ENV, functionById, usesSessions, verifiesTokens } from '../catalog';
import { createPolicyRegistry, type PolicyRegistry } from '../domain';
import { TABLES, type TableKey } from '../shared/tables';

export class MissingConfigurationError extends Error {
  override name = 'MissingConfigurationError';
}

export interface FunctionConfig {
  readonly functionId: string;
  /** Physical names of the tables the catalog grants the function. */
  readonly tableNames: Readonly<Partial<Record<TableKey, string>>>;
  readonly stateMachineArn?: string;
  readonly linkSecretArn?: string;
  readonly documentsBucket?: string;
  readonly mail?: Readonly<{ from: string; publicBaseUrl: string }>;
  /** API functions: the OpenID issuer whose bearer tokens they accept. */
  readonly token?: Readonly<{ issuer: string; audience: string; jwksUrl: string; cognitoClientIds?: readonly string[] }>;
  /** Functions serving pages to browsers: the public base URL (cookie flags, origin checks). */
  readonly publicBaseUrl?: string;
  /** The SignIn function: the provider's web client, and Cognito's logout endpoint. */
  readonly signIn?: Readonly<OpenIdSignInConfig>;
}

/** The variables the catalog entry implies, read once; throws naming every one that is missing. */
export const readFunctionConfig = (functionId: string, env: NodeJS.ProcessEnv = process.env): FunctionConfig => {
  const spec = functionById(functionId);
  const missing: string[] = [];
  const read = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) missing.push(name);
    return value ?? '';
  };
  const tableNames: Partial<Record<TableKey, string>> = {};
  for (const key of Object.keys(spec.tables) as TableKey[]) tableNames[key] = read(TABLES[key].envVar);
  const config: { -readonly [K in keyof FunctionConfig]: FunctionConfig[K] } = {
    functionId,
    tableNames: Object.freeze(tableNames),
    ...(spec.stateMachine ? { stateMachineArn: read(ENV.stateMachineArn) } : {}),
    ...(spec.linkSecret ? { linkSecretArn: read(ENV.linkSecretArn) } : {}),
    ...(spec.documents ? { documentsBucket: read(ENV.documentsBucket) } : {}),
    ...(spec.sendsMail ? { mail: Object.freeze({ from: read(ENV.mailFrom), publicBaseUrl: read(ENV.publicBaseUrl) }) } : {}),
    ...(verifiesTokens(spec) ? { token: Object.freeze({ issuer: read(ENV.tokenIssuer), audience: read(ENV.tokenAudience), jwksUrl: read(ENV.tokenJwksUrl), ...cognitoClients(env) }) } : {}),
    // Read once even when mail needs it too, so a missing one is named once.
    ...(usesSessions(spec) || spec.signsIn ? { publicBaseUrl: spec.sendsMail ? env[ENV.publicBaseUrl] ?? '' : read(ENV.publicBaseUrl) } : {}),
  };
  if (spec.signsIn) {
    const base = (env[ENV.publicBaseUrl] ?? '').trim().replace(/\/+$/, '');
    const logout = env[ENV.signOutUrl]?.trim();
    Object.assign(config, {
      signIn: Object.freeze({
        issuer: config.token?.issuer ?? read(ENV.tokenIssuer),
        clientId: read(ENV.signInClientId),
        redirectUri: `${base}/auth/callback`,
        postLogoutRedirectUri: `${base}/`,
        ...(logout ? { cognitoLogoutUrl: logout } : {}),
      }),
    });
  }
  if (missing.length) throw new MissingConfigurationError(`${functionId}: environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not set`);
  return Object.freeze(config);
};

/** Cognito's access tokens name the app client instead of an audience (TOKEN_CLIENT_ID, optional). */
const cognitoClients = (env: NodeJS.ProcessEnv) => {
  const id = env[ENV.tokenClientId]?.trim();
  return id ? { cognitoClientIds: Object.freeze([id]) } : {};
};

/**
 * The shipped policies, plus the deployment's own policy when POLICY_FILE names one (a layer's file,
 * `cdk deploy -c policyFile=…`; already checked at synth time, checked again here as every policy
 * is), validated when a function first reads one. Validation (zod) was about a fifth of a measured
 * cold start, and seven of the eleven functions never read a policy.
 */
const deployedPolicies = (env: NodeJS.ProcessEnv): PolicyRegistry => {
  let registry: PolicyRegistry | undefined;
  const file = env[ENV.policyFile]?.trim();
  const extra = (): unknown[] => {
    if (!file) return [];
    try {
      return [JSON.parse(readFileSync(file, 'utf8'))];
    } catch (error) {
      throw new MissingConfigurationError(`${ENV.policyFile}=${file} cannot be read as a policy: ${(error as Error).message}`);
    }
  };
  const loaded = () => (registry ??= createPolicyRegistry({ extra: extra() }));
  return { get: (id) => loaded().get(id), ids: () => loaded().ids() };
};

/** The clients a function needs beyond DynamoDB, each built from its part of the config. */
export interface AwsAdapterFactories {
  workflow?: (stateMachineArn: string) => Workflow;
  mailer?: (from: string) => Mailer;
  linkSecret?: (secretArn: string) => SecretSource;
  signIn?: (config: OpenIdSignInConfig) => SignInProvider;
  documents?: (bucketName: string) => DocumentStore;
}

/** The ports of one function on AWS. Called once per container, when its bundle loads. */
export const awsDeps = (functionId: string, factories: AwsAdapterFactories = {}, env: NodeJS.ProcessEnv = process.env): Deps => {
  const config = readFunctionConfig(functionId, env);
  const spec = functionById(functionId);
  // An adapter the catalog does not grant would only make the bundle bigger (and have no permission).
  const extra = [
    factories.workflow && !spec.stateMachine && 'a workflow',
    factories.mailer && !spec.sendsMail && 'a mailer',
    factories.linkSecret && !spec.linkSecret && 'a link secret',
    factories.signIn && !spec.signsIn && 'browser sign-in',
    factories.documents && !spec.documents && 'a documents bucket',
  ].filter(Boolean);
  if (extra.length) throw new Error(`${functionId} brings ${extra.join(', ')} that lambdas/catalog.ts does not grant it`);
  return composeDeps(functionId, {
    dynamo: documentClient(new DynamoDBClient({})),
    tableNames: config.tableNames,
    ...(config.stateMachineArn && factories.workflow ? { workflow: factories.workflow(config.stateMachineArn) } : {}),
    ...(config.linkSecretArn && factories.linkSecret ? { linkSecret: factories.linkSecret(config.linkSecretArn) } : {}),
    ...(config.documentsBucket && factories.documents ? { documents: factories.documents(config.documentsBucket) } : {}),
    ...(config.mail && factories.mailer ? { mailer: factories.mailer(config.mail.from), publicBaseUrl: config.mail.publicBaseUrl } : {}),
    ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
    ...(config.signIn && factories.signIn ? { signIn: factories.signIn(config.signIn) } : {}),
    ...(config.token ? { tokenVerifier: createTokenVerifier(config.token) } : {}),
    policies: deployedPolicies(env),
  });
};
