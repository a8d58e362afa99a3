/** The steps of a request's life as the state machine and the routes drive them, on the fakes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requestApproval } from '../../../lambdas/app/checkpoints';
import { decideApproval, type DecisionForm } from '../../../lambdas/app/decide';
import { routeSubmittedRequest } from '../../../lambdas/app/routing';
import type { Principal } from '../../../lambdas/app/identity';
import { cancelRequest } from '../../../lambdas/app/lifecycle';
import { submitRequest } from '../../../lambdas/app/submit';
import { attachQuoteDocuments, type FakeDocumentStore } from './fake-documents';
import { issueAntiForgery } from '../../../lambdas/app/tokens';
import type { World } from './fakes';

export const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'requests', `${name}.json`), 'utf8'));

/** Submitted and routed: the micro purchase has one checkpoint (the department head), the quotes one two. */
export const submitAndRoute = async (w: World, name: 'micro-direct' | 'informal-quotes' = 'micro-direct') => {
  const { record } = await submitAsRequester(w.deps, fixture(name));
  await routeSubmittedRequest(w.deps, record.id);
  return record.id;
};

/** RequestApproval's first wait (which opens the next checkpoint, `index`); returns the approval id mailed to the approver. */
export const askApprover = async (w: World, requestId: string, index: number): Promise<string> => {
  await requestApproval(w.deps, { requestId, phase: 'request', taskToken: `token-${index}` });
  const link = [...w.approvals.links.values()].find((l) => l.requestId === requestId && l.index === index && l.kind === 'primary');
  return link!.approvalId;
};

/** The approver's POST, with the anti-forgery value the page would have carried. */
export const post = async (w: World, approvalId: string, form: DecisionForm) =>
  decideApproval(w.deps, approvalId, { antiForgery: issueAntiForgery(await w.deps.linkSecret(), approvalId, w.deps.clock()), ...form }, '');

/** The signed-in person a fixture names as its requester (the use cases take the requester from the sign-in). */
export const requesterOf = (body: unknown): Principal => {
  const { name, email } = (body as { requester: { name: string; email: string } }).requester;
  return { id: `p-${name.toLowerCase().replace(/[^a-z]+/g, '-')}`, name, email, roles: ['requester'] };
};

/** Submits as the body's requester, signed in, with the documents its method needs. */
export const submitAsRequester = async (deps: Parameters<typeof submitRequest>[0], body: unknown, idempotencyKey?: string) =>
  submitRequest(deps, await attachQuoteDocuments(deps, deps.documents as FakeDocumentStore, body, requesterOf(body)), idempotencyKey, requesterOf(body));

/** The requester of the sample fixtures withdraws their request. */
export const cancelAsRequester = (deps: Parameters<typeof cancelRequest>[0], id: string, body: { reason?: unknown }) =>
  cancelRequest(deps, id, body, { kind: 'requester', id: 'p-ana-ruiz', name: 'Ana Ruiz', email: 'ana.ruiz@city.example' });
