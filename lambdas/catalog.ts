/**
 * Every Lambda function of the product, described once. The CDK stack creates one
 * `NodejsFunction` per entry (with the grants and environment listed here) and wires the API
 * routes; the local stack imports the same entry files and serves the same routes. The ASL
 * placeholders (`statemachines/placeholders.ts`) name task functions by these ids.
 */
import type { TableKey } from './shared/tables';

export type Access = 'read' | 'readWrite';
export interface Route { method: 'GET' | 'POST'; path: string }

export interface FunctionSpec {
  /** PascalCase construct id; also the local function name. */
  id: string;
  /** Handler file, relative to the repository root; the export is always `handler`. */
  entry: string;
  /** `api`: API Gateway proxy integration (REST, payload v1). `task`: invoked by the state machine. */
  kind: 'api' | 'task';
  routes?: Route[];
  tables: Partial<Record<TableKey, Access>>;
  /** `start`: StartExecution on the state machine; `respond`: SendTaskSuccess/Failure/Heartbeat. */
  stateMachine?: 'start' | 'respond';
  /** Sends mail (SES v2 SendEmail; locally maildev). Gets MAIL_FROM and PUBLIC_BASE_URL. */
  sendsMail?: boolean;
  /** Reads the link-signing secret (LINK_SECRET_ARN) used for anti-forgery form values. */
  linkSecret?: boolean;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    id: 'SubmitRequest', entry: 'lambdas/handlers/submit-request.ts', kind: 'api',
    routes: [{ method: 'POST', path: '/requests' }],
    tables: { requests: 'readWrite', audit: 'readWrite', idempotency: 'readWrite' }, stateMachine: 'start',
  },
  {
    id: 'ReadRequests', entry: 'lambdas/handlers/read-requests.ts', kind: 'api',
    routes: [
      { method: 'GET', path: '/requests' },
      { method: 'GET', path: '/requests/{id}' },
      { method: 'GET', path: '/requests/{id}/audit' },
      { method: 'POST', path: '/routing/preview' },
      { method: 'GET', path: '/health' },
    ],
    tables: { requests: 'read', audit: 'read' },
  },
  {
    id: 'CancelRequest', entry: 'lambdas/handlers/cancel-request.ts', kind: 'api',
    routes: [{ method: 'POST', path: '/requests/{id}/cancel' }],
    tables: { requests: 'readWrite', approvals: 'read', audit: 'readWrite' }, stateMachine: 'respond',
  },
  {
    id: 'ApprovalPage', entry: 'lambdas/handlers/approval-page.ts', kind: 'api',
    routes: [{ method: 'GET', path: '/approvals/{approvalId}' }],
    tables: { requests: 'read', approvals: 'read', audit: 'read' }, linkSecret: true,
  },
  {
    id: 'DecideApproval', entry: 'lambdas/handlers/decide-approval.ts', kind: 'api',
    routes: [{ method: 'POST', path: '/approvals/{approvalId}' }],
    tables: { requests: 'readWrite', approvals: 'read', audit: 'readWrite' }, stateMachine: 'respond', linkSecret: true,
  },
  {
    id: 'ResendNotification', entry: 'lambdas/handlers/resend-notification.ts', kind: 'api',
    routes: [{ method: 'POST', path: '/requests/{id}/resend-notification' }],
    tables: { requests: 'read', approvals: 'readWrite', audit: 'readWrite' }, sendsMail: true,
  },
  {
    id: 'RouteRequest', entry: 'lambdas/handlers/route-request.ts', kind: 'task',
    tables: { requests: 'readWrite', audit: 'readWrite' },
  },
  {
    id: 'OpenCheckpoint', entry: 'lambdas/handlers/open-checkpoint.ts', kind: 'task',
    tables: { requests: 'readWrite', audit: 'readWrite' },
  },
  {
    id: 'RequestApproval', entry: 'lambdas/handlers/request-approval.ts', kind: 'task',
    tables: { requests: 'readWrite', approvals: 'readWrite', audit: 'readWrite' }, stateMachine: 'respond', sendsMail: true,
  },
  {
    id: 'AdvanceDeadline', entry: 'lambdas/handlers/advance-deadline.ts', kind: 'task',
    tables: { requests: 'readWrite', audit: 'readWrite' },
  },
  {
    id: 'FinalizeDecision', entry: 'lambdas/handlers/finalize-decision.ts', kind: 'task',
    tables: { requests: 'readWrite', audit: 'readWrite' }, sendsMail: true,
  },
];

export const functionById = (id: string): FunctionSpec => {
  const spec = FUNCTIONS.find((f) => f.id === id);
  if (!spec) throw new Error(`no function named ${id} in the catalog`);
  return spec;
};

/** Environment variable names shared by handlers, the CDK stack and the local stack. */
export const ENV = {
  stateMachineArn: 'STATE_MACHINE_ARN',
  mailFrom: 'MAIL_FROM',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  /** `ses` on AWS; an `smtp://host:port` URL locally (maildev). */
  mailTransport: 'MAIL_TRANSPORT',
  linkSecretArn: 'LINK_SECRET_ARN',
  /** Optional JSON array of extra policy objects (local development and tests only). */
  extraPolicies: 'EXTRA_POLICIES_JSON',
  /** The OpenID provider whose access tokens the API accepts: issuer, audience, JWKS URL. */
  tokenIssuer: 'TOKEN_ISSUER',
  tokenAudience: 'TOKEN_AUDIENCE',
  tokenJwksUrl: 'TOKEN_JWKS_URL',
} as const;
