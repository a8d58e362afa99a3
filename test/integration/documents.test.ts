/**
 * Documents end to end over HTTP against the local S3 (local/object-store.ts, which checks
 * Signature V4 as S3 does): upload by presigned URL, submit referencing it, the server's SHA-256
 * in the audit trail, the approval page's download link; a wrong type or size refused by the
 * bucket with nothing stored; someone else's document refused; a missing required document
 * RETURNED with a reason naming it.
 */
import { createHash } from 'node:crypto';
import { approvalLink, openLink, purchase, startHarness, type Harness } from './support/harness';
import { pdf, uploadDocument, withDocuments } from './support/documents';
import { documentsCity } from '../fixtures/policies';

let h: Harness;
beforeAll(async () => { h = await startHarness({ extraPolicies: [documentsCity] }); }, 60_000);
afterAll(async () => { await h?.close(); });

const REQUESTER = 'ana.ruiz@city.example';
const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const OTHER = 'sam.ortega@sample-city.example';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const cooperative = { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true };

test('a cooperative purchase with its contract and award: hashes in the audit trail, the approver downloads them as attachments', async () => {
  const contract = await uploadDocument(h.api, REQUESTER, { filename: 'NCPA contract 01-97.pdf', purpose: 'contract', bytes: pdf('contract 01-97') });
  const award = await uploadDocument(h.api, REQUESTER, { filename: 'award.pdf', purpose: 'award', bytes: pdf('award letter') });
  expect(contract.grant).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'application/pdf' } });
  const title = 'Benches with documents';
  const submitted = await h.api.submit(purchase({
    title, amount: 15000, vendor: { name: 'Bench Makers Ltd' }, method: { ...cooperative, documents: [contract.documentId, award.documentId] },
  }));
  expect(submitted.status).toBe(202);
  const id = submitted.body.id as string;
  await h.api.waitForStatus(id, 'PENDING_APPROVAL');

  const trail = await h.api.audit(id);
  const submittedEvent = trail.body.events.find((e: any) => e.type === 'request-submitted');
  expect(submittedEvent.data.documents).toEqual([
    expect.objectContaining({ documentId: contract.documentId, purpose: 'contract', size: contract.bytes.length, sha256: sha256(contract.bytes) }),
    expect.objectContaining({ documentId: award.documentId, purpose: 'award', sha256: sha256(award.bytes) }),
  ]);

  const page = await openLink(approvalLink(await h.mail.waitFor(DEPT_HEAD, new RegExp(title))));
  expect(page.status).toBe(200);
  expect(page.html).toContain('NCPA contract 01-97.pdf');
  expect(page.html).toContain(sha256(contract.bytes).slice(0, 12));
  const href = /<a href="([^"]+)" download="NCPA contract 01-97.pdf">/.exec(page.html)![1]!.replace(/&amp;/g, '&');
  const download = await fetch(href);
  expect(download.status).toBe(200);
  expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="NCPA contract 01-97.pdf"/);
  expect(Buffer.from(await download.arrayBuffer())).toEqual(contract.bytes);
});

test('the bucket refuses an upload of another type or size than declared (403), and nothing is stored to submit', async () => {
  const bytes = pdf('declared');
  const declared = await h.api.as(REQUESTER).call('POST', '/documents', { filename: 'q.pdf', mediaType: 'application/pdf', size: bytes.length, purpose: 'quote' });
  expect(declared.status).toBe(201);
  const { uploadUrl } = declared.body;
  const asHtml = await fetch(uploadUrl, { method: 'PUT', headers: { 'Content-Type': 'text/html' }, body: bytes });
  expect(asHtml.status).toBe(403);
  const bigger = await fetch(uploadUrl, { method: 'PUT', headers: { 'Content-Type': 'application/pdf' }, body: Buffer.concat([bytes, Buffer.from('more')]) });
  expect(bigger.status).toBe(403);

  const submitted = await h.api.submit(purchase({ title: 'Never uploaded', documents: [declared.body.documentId] }));
  expect(submitted.status).toBe(400);
  expect(submitted.body.error.fields).toEqual([{ field: 'documents[0]', message: expect.stringContaining('was never uploaded') }]);
});

test('the upload endpoint refuses a type or size outside the limits, naming the field', async () => {
  const html = await h.api.as(REQUESTER).call('POST', '/documents', { filename: 'x.html', mediaType: 'text/html', size: 10, purpose: 'other' });
  expect(html.status).toBe(400);
  expect(html.body.error.fields).toEqual([expect.objectContaining({ field: 'mediaType' })]);
  const huge = await h.api.as(REQUESTER).call('POST', '/documents', { filename: 'x.pdf', mediaType: 'application/pdf', size: 26 * 1024 * 1024, purpose: 'other' });
  expect(huge.status).toBe(400);
  expect(huge.body.error.fields).toEqual([expect.objectContaining({ field: 'size' })]);
  const anonymous = await h.api.anonymous().call('POST', '/documents', { filename: 'x.pdf', mediaType: 'application/pdf', size: 10, purpose: 'other' });
  expect(anonymous.status).toBe(401);
});

test('someone else’s document is refused like a missing one, and nothing is stored', async () => {
  const theirs = await uploadDocument(h.api, OTHER, { filename: 'theirs.pdf', purpose: 'contract', bytes: pdf('not yours') });
  const before = (await h.api.as(REQUESTER).call('GET', '/requests')).body.items.length;
  const submitted = await h.api.submit(purchase({ title: 'Borrowed contract', documents: [theirs.documentId] }));
  expect(submitted.status).toBe(400);
  expect(submitted.body.error.fields).toEqual([{ field: 'documents[0]', message: expect.stringContaining('no document of yours') }]);
  expect((await h.api.as(REQUESTER).call('GET', '/requests')).body.items.length).toBe(before);
});

test('a cooperative purchase without the award is RETURNED with a reason naming the missing document', async () => {
  const contract = await uploadDocument(h.api, REQUESTER, { filename: 'contract.pdf', purpose: 'contract', bytes: pdf('contract') });
  const submitted = await h.api.submit(purchase({ policy: 'documents-city', title: 'No award', amount: 15000, vendor: { name: 'Bench Makers Ltd' }, method: { ...cooperative, documents: [contract.documentId] } }));
  expect(submitted.status).toBe(202);
  const view = await h.api.waitForStatus(submitted.body.id, 'RETURNED');
  expect(view.reasons).toEqual([expect.objectContaining({ code: 'document-missing', field: 'method.documents', message: expect.stringContaining('solicitation or award') })]);
});

test('a quote-based purchase with a written quote per quote goes to its approvers', async () => {
  const body = await withDocuments(h.api, purchase({
    title: 'Radios with quotes', amount: 6000, vendor: { name: 'Volt Partners' },
    method: { type: 'quotes', quotes: [{ vendor: 'Volt Partners', amount: 6000 }, { vendor: 'Cell Depot', amount: 6200 }, { vendor: 'PowerHouse', amount: 6400 }] },
  }));
  const submitted = await h.api.submit(body);
  expect(submitted.status).toBe(202);
  await h.api.waitForStatus(submitted.body.id, 'PENDING_APPROVAL');
});
