/**
 * The ports every use case receives, and the one place that turns a function's catalog grants
 * into them. A composition root brings the adapters (lambdas/functions/* on AWS, local/stack.ts
 * on this machine); only the tables, state machine access, mail and secret that the catalog grants
 * the function are wired, and touching anything else fails loudly instead of silently using a default.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { functionById, verifiesTokens, type FunctionSpec } from '../catalog';
import type { PolicyRegistry } from '../domain';
import type { DocumentStore } from '../adapters/documents';
import type { SecretSource } from '../adapters/link-secret';
import type { Mailer } from '../adapters/mailer';
import type { Workflow } from '../adapters/workflow';
import type { TableKey } from '../shared/tables';
import type { TokenVerifier } from '../adapters/token-verifier';
import type { SignInProvider } from '../adapters/openid-sign-in';
import { ApprovalsTable } from '../store/approvals-table';
import { AuditTable } from '../store/audit-table';
import { ContractsTable } from '../store/contracts-table';
import { IdempotencyTable } from '../store/idempotency-table';
import { RequestsTable } from '../store/requests-table';
import { signInDirectory, type IdentityDeps } from './identity';
import { SessionStore } from './session';
import { newApprovalId, newRequestId } from './tokens';

export interface Deps extends IdentityDeps {
  requests: RequestsTable;
  approvals: ApprovalsTable;
  audit: AuditTable;
  idempotency: IdempotencyTable;
  contracts: ContractsTable;
  workflow: Workflow;
  mailer: Mailer;
  linkSecret: SecretSource;
  policies: PolicyRegistry;
  /** The documents bucket (S3 on AWS, the local object store under `npm start`). */
  documents: DocumentStore;
  clock: () => Date;
  newRequestId: () => string;
  newApprovalId: () => string;
  /** Base URL for links in emails, e.g. https://abc.execute-api.us-east-1.amazonaws.com/prod */
  publicBaseUrl: string;
  /** Browser sessions (functions that serve pages; lambdas/app/session.ts). */
  sessions: SessionStore;
  /** Signing browsers in at the OpenID provider (the SignIn function). */
  signIn: SignInProvider;
}

/** What a composition root brings. Adapters for grants the function lacks may be left out. */
export interface Adapters {
  dynamo: DynamoDBDocumentClient;
  /** The physical name of each table the function may use (from its environment on AWS). */
  tableNames: Partial<Record<TableKey, string>>;
  workflow?: Workflow;
  mailer?: Mailer;
  linkSecret?: SecretSource;
  documents?: DocumentStore;
  publicBaseUrl?: string;
  policies: PolicyRegistry;
  /** Verifies bearer tokens (API functions): jose against the issuer's JWKS, here and on AWS. */
  tokenVerifier?: TokenVerifier;
  /** Browser sign-in at the OpenID provider (functions the catalog marks `signsIn`). */
  signIn?: SignInProvider;
  /** @default the system clock */
  clock?: () => Date;
}

/** A stand-in for a port this function was not granted: any use is a wiring bug, said plainly. */
const notGranted = <T extends object>(functionId: string, port: string): T =>
  new Proxy({} as T, {
    get: (_target, property) => {
      if (property === 'then') return undefined;
      throw new Error(`${functionId} is not granted ${port} (see lambdas/catalog.ts)`);
    },
  });

/** Throws when the catalog grants something the composition root did not bring. */
const brought = <T>(functionId: string, port: string, adapter: T | undefined): T => {
  if (adapter === undefined) throw new Error(`${functionId} is granted ${port} (lambdas/catalog.ts) but its composition brings no adapter for it`);
  return adapter;
};

/** API functions verify bearer tokens and know the people directory; task functions act for nobody. */
const identityFor = (spec: FunctionSpec, adapters: Adapters): IdentityDeps => (verifiesTokens(spec)
  ? { tokenVerifier: brought(spec.id, 'token verification', adapters.tokenVerifier), people: signInDirectory(adapters.policies) }
  : { tokenVerifier: notGranted(spec.id, 'token verification'), people: notGranted(spec.id, 'the people directory') });

/** The ports of one catalog function, from the adapters its composition root brings. */
export const composeDeps = (functionId: string, adapters: Adapters): Deps => {
  const spec = functionById(functionId);
  const clock = adapters.clock ?? (() => new Date());
  const table = (key: TableKey): string | undefined => (spec.tables[key] ? brought(functionId, `the ${key} table`, adapters.tableNames[key]) : undefined);
  const requestsName = table('requests');
  const approvalsName = table('approvals');
  const auditName = table('audit');
  const idempotencyName = table('idempotency');
  const sessionsName = table('sessions');
  const contractsName = table('contracts');
  const { dynamo } = adapters;
  return {
    requests: requestsName ? new RequestsTable(dynamo, requestsName) : notGranted(functionId, 'the requests table'),
    approvals: approvalsName ? new ApprovalsTable(dynamo, approvalsName) : notGranted(functionId, 'the approvals table'),
    audit: auditName ? new AuditTable(dynamo, auditName) : notGranted(functionId, 'the audit table'),
    idempotency: idempotencyName ? new IdempotencyTable(dynamo, idempotencyName) : notGranted(functionId, 'the idempotency table'),
    contracts: contractsName ? new ContractsTable(dynamo, contractsName) : notGranted(functionId, 'the contracts table'),
    workflow: spec.stateMachine ? brought(functionId, 'the state machine', adapters.workflow) : notGranted(functionId, 'the state machine'),
    mailer: spec.sendsMail ? brought(functionId, 'mail', adapters.mailer) : notGranted(functionId, 'mail'),
    linkSecret: spec.linkSecret
      ? brought(functionId, 'the link secret', adapters.linkSecret)
      : () => Promise.reject(new Error(`${functionId} is not granted the link secret (see lambdas/catalog.ts)`)),
    policies: adapters.policies,
    documents: spec.documents ? brought(functionId, 'the documents bucket', adapters.documents) : notGranted(functionId, 'the documents bucket'),
    clock,
    newRequestId,
    newApprovalId,
    publicBaseUrl: spec.sendsMail || sessionsName ? brought(functionId, 'a public base URL', adapters.publicBaseUrl).replace(/\/+$/, '') : '',
    sessions: sessionsName ? new SessionStore(dynamo, sessionsName, brought(functionId, 'a public base URL', adapters.publicBaseUrl)) : notGranted(functionId, 'the sessions table'),
    signIn: spec.signsIn ? brought(functionId, 'browser sign-in', adapters.signIn) : notGranted(functionId, 'browser sign-in'),
    ...identityFor(spec, adapters),
  };
};
