/**
 * Documents over HTTP, as a client does it: declare the file with POST /documents, PUT its bytes
 * to the presigned URL with fetch, then reference the id. `withDocuments` gives a body the
 * documents its method needs under sample-city (one per quote; the contract and the award for
 * cooperative and piggyback; the memo for sole source), uploaded by the body's requester.
 */
import type { Api } from './harness';

export interface Uploaded { documentId: string; bytes: Buffer; grant: any }

/** A small, real-looking PDF (the bucket stores bytes; nobody parses them). */
export const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);

export const uploadDocument = async (
  api: Api, owner: string, file: { filename: string; purpose: string; bytes: Buffer; mediaType?: string },
): Promise<Uploaded> => {
  const mediaType = file.mediaType ?? 'application/pdf';
  const declared = await api.as(owner).call('POST', '/documents', { filename: file.filename, mediaType, size: file.bytes.length, purpose: file.purpose });
  if (declared.status !== 201) throw new Error(`POST /documents answered ${declared.status}: ${declared.text}`);
  const put = await fetch(declared.body.uploadUrl, { method: 'PUT', headers: declared.body.headers, body: file.bytes });
  if (put.status !== 200) throw new Error(`the upload answered ${put.status}: ${await put.text()}`);
  return { documentId: declared.body.documentId, bytes: file.bytes, grant: declared.body };
};

export const withDocuments = async (api: Api, body: Record<string, any>): Promise<Record<string, any>> => {
  const owner = body.requester.email as string;
  const method = body.method ? { ...body.method } : undefined;
  const up = async (purpose: string, name: string) => (await uploadDocument(api, owner, { filename: `${name}.pdf`, purpose, bytes: pdf(name) })).documentId;
  if (method?.type === 'quotes') {
    method.quotes = await Promise.all(method.quotes.map(async (q: any, i: number) => ({ ...q, document: await up('quote', `quote-${i + 1}`) })));
  } else if (method?.type === 'cooperative' || method?.type === 'piggyback') {
    method.documents = [await up('contract', 'contract'), await up('award', 'award')];
  } else if (method?.type === 'sole-source') {
    method.documents = [await up('justification', 'justification-memo')];
  }
  return { ...body, ...(method ? { method } : {}) };
};
