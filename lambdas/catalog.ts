/**
 * Every Lambda function of the product, described once. The CDK stack creates one
 * `NodejsFunction` per entry (with the grants and environment listed here) and wires the API
 * routes; the local stack composes the same handler modules with local adapters and serves the
 * same routes. The ASL placeholders (`statemachines/placeholders.ts`) name task functions by these ids.
 */
import type { TableKey } from './shared/tables';

export type Access = 'read' | 'readWrite';
export interface Route { method: 'GET' | 'POST' | 'PUT'; path: string }

export interface FunctionSpec {
  /** PascalCase construct id; also the local function name. */
  id: string;
  /**
   * The function's code, relative to the repository root: exports `makeHandler(deps)` and has no
   * side effects when imported. The local stack and tests compose it with their own adapters.
   */
  module: string;
  /**
   * The AWS composition root (bundle entry), relative to the repository root: reads the
   * environment once, builds the clients the function uses and exports `handler`.
   */
  entry: string;
  /**
   * `api`: API Gateway proxy integration (REST, payload v1). `task`: invoked by the state machine.
   * `scheduled`: invoked every `everyMinutes` (EventBridge Scheduler on AWS, a timer locally).
   */
  kind: 'api' | 'task' | 'scheduled';
  routes?: Route[];
  /** Serves public routes only (no bearer tokens): gets no token verifier and no issuer settings. */
  publicOnly?: boolean;
  everyMinutes?: number;
  tables: Partial<Record<TableKey, Access>>;
  /** `start`: StartExecution on the state machine; `respond`: SendTaskSuccess/Failure/Heartbeat. */
  stateMachine?: 'start' | 'respond';
  /** Sends mail (SES v2 SendEmail; locally maildev). Gets MAIL_FROM and PUBLIC_BASE_URL. */
  sendsMail?: boolean;
  /** Reads the link-signing secret (LINK_SECRET_ARN) used for anti-forgery form values. */
  linkSecret?: boolean;
  /**
   * Signs browsers in at the OpenID provider (authorization code + PKCE): gets SIGN_IN_CLIENT_ID and
   * SIGN_OUT_URL. Functions granted the sessions table get PUBLIC_BASE_URL (cookie flags, origin checks).
   */
  signsIn?: boolean;
  /**
   * The documents bucket (DOCUMENTS_BUCKET). `read`: GetObject (inspect, presign downloads);
   * `readWrite`: also PutObject and DeleteObject (declarations, verified copies, presigned uploads).
   */
  documents?: Access;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    id: 'SubmitRequest', module: 'lambdas/handlers/submit-request.ts', entry: 'lambdas/functions/submit-request.ts', kind: 'api',
    routes: [{ method: 'POST', path: '/requests' }],
    tables: { requests: 'readWrite', audit: 'readWrite', idempotency: 'readWrite' }, stateMachine: 'start', documents: 'readWrite',
  },
  {
    id: 'ReadRequests', module: 'lambdas/handlers/read-requests.ts', entry: 'lambdas/functions/read-requests.ts', kind: 'api',
    routes: [
      { method: 'GET', path: '/requests' },
      { method: 'GET', path: '/requests/{id}' },
      { method: 'GET', path: '/requests/{id}/audit' },
      { method: 'POST', path: '/routing/preview' },
      { method: 'GET', path: '/health' },
    ],
    tables: { requests: 'read', audit: 'read', sessions: 'readWrite', contracts: 'read' }, documents: 'read',
  },
  {
    id: 'CancelRequest', module: 'lambdas/handlers/cancel-request.ts', entry: 'lambdas/functions/cancel-request.ts', kind: 'api',
    routes: [{ method: 'POST', path: '/requests/{id}/cancel' }],
    tables: { requests: 'readWrite', approvals: 'read', audit: 'readWrite', sessions: 'readWrite' }, stateMachine: 'respond',
  },
  {
    id: 'ApprovalPage', module: 'lambdas/handlers/approval-page.ts', entry: 'lambdas/functions/approval-page.ts', kind: 'api',
    routes: [{ method: 'GET', path: '/approvals/{approvalId}' }],
    tables: { requests: 'read', approvals: 'read', audit: 'read', sessions: 'readWrite' }, linkSecret: true, documents: 'read',
  },
  {
    id: 'DecideApproval', module: 'lambdas/handlers/decide-approval.ts', entry: 'lambdas/functions/decide-approval.ts', kind: 'api',
    routes: [{ method: 'POST', path: '/approvals/{approvalId}' }],
    tables: { requests: 'readWrite', approvals: 'read', audit: 'readWrite', sessions: 'readWrite' }, stateMachine: 'respond', linkSecret: true,
  },
  {
    id: 'ResendNotification', module: 'lambdas/handlers/resend-notification.ts', entry: 'lambdas/functions/resend-notification.ts', kind: 'api',
    routes: [{ method: 'POST', path: '/requests/{id}/resend-notification' }],
    tables: { requests: 'readWrite', approvals: 'readWrite', audit: 'readWrite', sessions: 'readWrite' }, sendsMail: true,
  },
  {
    // The API description (OpenAPI 3.1 and its page), generated from the schemas; touches no table.
    id: 'ApiDocs', module: 'lambdas/handlers/api-docs.ts', entry: 'lambdas/functions/api-docs.ts', kind: 'api', publicOnly: true,
    routes: [{ method: 'GET', path: '/openapi.json' }, { method: 'GET', path: '/docs' }],
    tables: {},
  },
  {
    // The new-request form (a page): preview and submit through the same use cases as the JSON routes.
    id: 'RequestForm', module: 'lambdas/handlers/request-form.ts', entry: 'lambdas/functions/request-form.ts', kind: 'api',
    routes: [{ method: 'GET', path: '/requests/new' }, { method: 'POST', path: '/requests/new' }],
    tables: { requests: 'readWrite', audit: 'readWrite', idempotency: 'readWrite', sessions: 'readWrite', contracts: 'read' }, stateMachine: 'start', documents: 'readWrite',
  },
  {
    // The list pages (HTML): my requests, waiting for me (and the hop to one's own approval link),
    // all open requests for purchasing and auditors. Reads the approvals table only for that hop.
    id: 'ListPages', module: 'lambdas/handlers/list-pages.ts', entry: 'lambdas/functions/list-pages.ts', kind: 'api',
    routes: [
      { method: 'GET', path: '/' },
      { method: 'GET', path: '/waiting' },
      { method: 'GET', path: '/waiting/{requestId}/{index}' },
      { method: 'GET', path: '/purchasing' },
    ],
    tables: { requests: 'read', approvals: 'read', sessions: 'readWrite' },
  },
  {
    // Browser sign-in (authorization code + PKCE at the OpenID provider) and sign-out; the
    // sessions the pages accept. Reads the link secret for the key of its pending-sign-in cookie.
    id: 'SignIn', module: 'lambdas/handlers/sign-in.ts', entry: 'lambdas/functions/sign-in.ts', kind: 'api',
    routes: [
      { method: 'GET', path: '/sign-in' },
      { method: 'POST', path: '/sign-in' },
      { method: 'GET', path: '/auth/callback' },
      { method: 'POST', path: '/sign-out' },
    ],
    tables: { sessions: 'readWrite' }, linkSecret: true, signsIn: true,
  },
  {
    // Upload first, reference on submit: a presigned PUT to the documents bucket (lambdas/app/documents.ts).
    id: 'UploadDocument', module: 'lambdas/handlers/upload-document.ts', entry: 'lambdas/functions/upload-document.ts', kind: 'api',
    routes: [{ method: 'POST', path: '/documents' }],
    // Sessions: the new-request form's script uploads with the browser's session (and its form token).
    tables: { sessions: 'readWrite' }, documents: 'readWrite',
  },
  {
        id: 'RouteRequest', module: 'lambdas/handlers/route-request.ts', entry: 'lambdas/functions/route-request.ts', kind: 'task',
    tables: { requests: 'readWrite', audit: 'readWrite', contracts: 'readWrite' },
  },
  {
    id: 'RequestApproval', module: 'lambdas/handlers/request-approval.ts', entry: 'lambdas/functions/request-approval.ts', kind: 'task',
    tables: { requests: 'readWrite', approvals: 'readWrite', audit: 'readWrite' }, stateMachine: 'respond', sendsMail: true,
  },
  {
    id: 'AdvanceDeadline', module: 'lambdas/handlers/advance-deadline.ts', entry: 'lambdas/functions/advance-deadline.ts', kind: 'task',
    tables: { requests: 'readWrite', audit: 'readWrite' },
  },
  {
    id: 'FinalizeDecision', module: 'lambdas/handlers/finalize-decision.ts', entry: 'lambdas/functions/finalize-decision.ts', kind: 'task',
    tables: { requests: 'readWrite', audit: 'readWrite', contracts: 'readWrite' }, sendsMail: true,
  },
  {
    // Finishes submissions a crash left SUBMITTED without a workflow (lambdas/app/reconcile.ts).
    id: 'ReconcileSubmissions', module: 'lambdas/handlers/reconcile-submissions.ts', entry: 'lambdas/functions/reconcile-submissions.ts', kind: 'scheduled', everyMinutes: 5,
    tables: { requests: 'readWrite', audit: 'readWrite' }, stateMachine: 'start',
  },
  // The registry of vetted contracts (lambdas/app/contracts.ts): search and read for everyone
  // signed in, register and edit for purchasing; each contract's changes on its own audit chain.
  {
    id: 'Contracts', module: 'lambdas/handlers/contracts.ts', entry: 'lambdas/functions/contracts.ts', kind: 'api',
    routes: [
      { method: 'GET', path: '/contracts' },
      { method: 'POST', path: '/contracts' },
      { method: 'GET', path: '/contracts/{id}' },
      { method: 'PUT', path: '/contracts/{id}' },
      // The register form (purchasing), filled in from a request that named an unregistered contract.
      { method: 'GET', path: '/contracts/new' },
      { method: 'POST', path: '/contracts/new' },
    ],
    tables: { contracts: 'readWrite', audit: 'readWrite', sessions: 'readWrite', requests: 'read' },
  },
  {
    // Expiry (90/60/30 days) and ceiling (80%/100%) alerts to purchasing, each once (lambdas/app/contracts-watch.ts).
    id: 'WatchContracts', module: 'lambdas/handlers/watch-contracts.ts', entry: 'lambdas/functions/watch-contracts.ts', kind: 'scheduled', everyMinutes: 30,
    tables: { contracts: 'readWrite', audit: 'readWrite' }, sendsMail: true,
  },
];

/** API functions that verify who is calling (every one but those serving public routes only). */
export const verifiesTokens = (spec: FunctionSpec): boolean => spec.kind === 'api' && !spec.publicOnly;

export const functionById = (id: string): FunctionSpec => {
  const spec = FUNCTIONS.find((f) => f.id === id);
  if (!spec) throw new Error(`no function named ${id} in the catalog`);
  return spec;
};

/** Environment variable names the CDK stack sets and the AWS composition (lambdas/functions/aws.ts) reads. */
export const ENV = {
  stateMachineArn: 'STATE_MACHINE_ARN',
  mailFrom: 'MAIL_FROM',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  linkSecretArn: 'LINK_SECRET_ARN',
  /** Optional: how long a request may stay SUBMITTED before the reconciler finishes its submission (default 120). */
  reconcileGraceSeconds: 'RECONCILE_GRACE_SECONDS',
  /** The OpenID provider whose access tokens the API accepts: issuer, audience, JWKS URL. */
  tokenIssuer: 'TOKEN_ISSUER',
  tokenAudience: 'TOKEN_AUDIENCE',
  tokenJwksUrl: 'TOKEN_JWKS_URL',
  /** Cognito: the app client whose access tokens the API accepts (they carry no `aud`). */
  tokenClientId: 'TOKEN_CLIENT_ID',
  /** The web client browsers sign in with, and Cognito's logout endpoint (optional: else the discovery's end_session_endpoint). */
  signInClientId: 'SIGN_IN_CLIENT_ID',
  signOutUrl: 'SIGN_OUT_URL',
  /** The private bucket of uploaded documents (functions granted `documents`). */
  documentsBucket: 'DOCUMENTS_BUCKET',
  /** Optional: a policy file served next to the shipped ones (on AWS a layer's file, `cdk deploy -c policyFile=…`). */
  policyFile: 'POLICY_FILE',
} as const;

/** Functions that serve pages to signed-in browsers (granted the sessions table). */
export const usesSessions = (spec: FunctionSpec): boolean => spec.tables.sessions !== undefined;
