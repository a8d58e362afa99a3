/** The steps of a request's life as the state machine and the routes drive them, on the fakes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requestApproval } from '../../../lambdas/app/checkpoints';
import { decideApproval, type DecisionForm } from '../../../lambdas/app/decide';
import { routeSubmittedRequest } from '../../../lambdas/app/routing';
import type { Principal } from '../../../lambdas/app/identity';
import { cancelRequest } from '../../../lambdas/app/lifecycle';
import { startUpload, uploadKey } from '../../../lambdas/app/documents';
import { submitRequest } from '../../../lambdas/app/submit';
import type { FakeDocumentStore } from './fake-documents';
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

/**
 * A quote-based body with the written quotes its method needs (sample-city): one PDF per quote,
 * uploaded by the requester and referenced from the quote. Other bodies come back as they are.
 */
export const withQuoteDocuments = async (deps: Parameters<typeof submitRequest>[0], body: unknown): Promise<unknown> => {
  const b = body as { method?: { type: string; quotes?: Array<Record<string, unknown>> } };
  if (b.method?.type !== 'quotes' || !b.method.quotes || b.method.quotes.every((q) => q.document)) return body;
  const quotes = [];
  for (const q of b.method.quotes) {
    const bytes = `%PDF-1.4 quote from ${String(q.vendor)}`;
    const grant = await startUpload(deps, { filename: `quote-${String(q.vendor)}.pdf`.replace(/[^\w.-]+/g, '-'), mediaType: 'application/pdf', size: bytes.length, purpose: 'quote' }, requesterOf(body));
    (deps.documents as FakeDocumentStore).upload(uploadKey(grant.documentId), bytes, 'application/pdf');
    quotes.push({ ...q, document: grant.documentId });
  }
  return { ...b, method: { ...b.method, quotes } };
};

/** Submits as the body's requester, signed in, with the documents its method needs. */
export const submitAsRequester = async (deps: Parameters<typeof submitRequest>[0], body: unknown, idempotencyKey?: string) =>
  submitRequest(deps, await withQuoteDocuments(deps, body), idempotencyKey, requesterOf(body));

/** The requester of the sample fixtures withdraws their request. */
export const cancelAsRequester = (deps: Parameters<typeof cancelRequest>[0], id: string, body: { reason?: unknown }) =>
  cancelRequest(deps, id, body, { kind: 'requester', id: 'p-ana-ruiz', name: 'Ana Ruiz', email: 'ana.ruiz@city.example' });
