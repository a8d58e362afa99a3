/**
 * The ports every use case receives, and how a Lambda container builds them from its catalog
 * entry: only the tables, state machine access, mail and secret that the catalog grants the
 * function are wired; touching anything else fails loudly instead of silently using a default.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { functionById } from '../catalog';
import { ENV } from '../catalog';
import { createPolicyRegistry, type PolicyRegistry } from '../domain';
import { createMailer, type Mailer } from '../adapters/mailer';
import { createTokenVerifier } from '../adapters/token-verifier';
import { secretsManagerSource, type SecretSource } from '../adapters/link-secret';
import { StepFunctionsWorkflow, type Workflow } from '../adapters/workflow';
import { optionalEnv, requireEnv } from '../shared/config';
import { TABLES } from '../shared/tables';
import { ApprovalsTable } from '../store/approvals-table';
import { AuditTable } from '../store/audit-table';
import { IdempotencyTable } from '../store/idempotency-table';
import { RequestsTable } from '../store/requests-table';
import { signInDirectory, type IdentityDeps } from './identity';
import { newApprovalId, newRequestId } from './tokens';

export interface Deps {
  requests: RequestsTable;
  approvals: ApprovalsTable;
  audit: AuditTable;
  idempotency: IdempotencyTable;
  workflow: Workflow;
  mailer: Mailer;
  linkSecret: SecretSource;
  policies: PolicyRegistry;
  clock: () => Date;
  newRequestId: () => string;
  newApprovalId: () => string;
  /** Base URL for links in emails, e.g. https://abc.execute-api.us-east-1.amazonaws.com/prod */
  publicBaseUrl: string;
}

/** A stand-in for a port this function was not granted: any use is a wiring bug, said plainly. */
const notGranted = <T extends object>(functionId: string, port: string): T =>
  new Proxy({} as T, {
    get: (_target, property) => {
      if (property === 'then') return undefined;
      throw new Error(`${functionId} is not granted ${port} (see lambdas/catalog.ts)`);
    },
  });

const policiesFromEnv = (): PolicyRegistry => {
  const extra = optionalEnv(ENV.extraPolicies);
  return createPolicyRegistry(extra ? { extra: JSON.parse(extra) as unknown[] } : {});
};

/** API functions verify bearer tokens against the configured issuer and know the people directory. */
const identityFor = (functionId: string, kind: 'api' | 'task', policies: PolicyRegistry, env: NodeJS.ProcessEnv): IdentityDeps => {
  if (kind !== 'api') return { tokenVerifier: notGranted(functionId, 'token verification'), people: notGranted(functionId, 'the people directory') };
  return {
    tokenVerifier: createTokenVerifier({
      issuer: requireEnv(ENV.tokenIssuer, env), audience: requireEnv(ENV.tokenAudience, env), jwksUrl: requireEnv(ENV.tokenJwksUrl, env),
    }),
    people: signInDirectory(policies),
  };
};

/** Builds the ports for one catalog function from the environment the stack gave it. */
export const depsFor = (functionId: string, env: NodeJS.ProcessEnv = process.env): Deps & IdentityDeps => {
  const spec = functionById(functionId);
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const clock = () => new Date();
  const table = (key: keyof typeof TABLES) => (spec.tables[key] ? requireEnv(TABLES[key].envVar, env) : undefined);
  const requestsName = table('requests');
  const approvalsName = table('approvals');
  const auditName = table('audit');
  const idempotencyName = table('idempotency');
  const policies = policiesFromEnv();
  return {
    requests: requestsName ? new RequestsTable(dynamo, requestsName) : notGranted(functionId, 'the requests table'),
    approvals: approvalsName ? new ApprovalsTable(dynamo, approvalsName) : notGranted(functionId, 'the approvals table'),
    audit: auditName ? new AuditTable(dynamo, auditName, clock) : notGranted(functionId, 'the audit table'),
    idempotency: idempotencyName ? new IdempotencyTable(dynamo, idempotencyName) : notGranted(functionId, 'the idempotency table'),
    workflow: spec.stateMachine
      ? new StepFunctionsWorkflow(new SFNClient({}), requireEnv(ENV.stateMachineArn, env))
      : notGranted(functionId, 'the state machine'),
    mailer: spec.sendsMail
      ? createMailer(requireEnv(ENV.mailTransport, env), requireEnv(ENV.mailFrom, env))
      : notGranted(functionId, 'mail'),
    linkSecret: spec.linkSecret
      ? secretsManagerSource(new SecretsManagerClient({}), requireEnv(ENV.linkSecretArn, env))
      : () => Promise.reject(new Error(`${functionId} is not granted the link secret`)),
    policies,
    clock,
    newRequestId,
    newApprovalId,
    publicBaseUrl: spec.sendsMail ? requireEnv(ENV.publicBaseUrl, env).replace(/\/+$/, '') : '',
    ...identityFor(functionId, spec.kind, policies, env),
  };
};
