/** An in-memory documents bucket: what S3 would hold, with presigned URLs that name the key. */
import type { DocumentStore } from '../../../lambdas/adapters/documents';
import { startUpload, uploadKey } from '../../../lambdas/app/documents';
import type { Principal } from '../../../lambdas/app/identity';

interface Stored { body: Buffer; contentType: string }

export class FakeDocumentStore implements DocumentStore {
  readonly objects = new Map<string, Stored>();

  /** What a client's PUT to the presigned URL does (the bucket checks type and size by the signature; tests put what they like). */
  upload(key: string, body: Buffer | string, contentType: string) { this.objects.set(key, { body: Buffer.from(body), contentType }); }

  async presignUpload(key: string, object: { contentType: string; contentLength: number }, expiresInSeconds: number) {
    return `https://bucket.example/${key}?type=${encodeURIComponent(object.contentType)}&length=${object.contentLength}&expires=${expiresInSeconds}`;
  }
  async presignDownload(key: string, object: { filename: string }, expiresInSeconds: number) {
    return `https://bucket.example/${key}?download=${encodeURIComponent(object.filename)}&expires=${expiresInSeconds}`;
  }
  async putJson(key: string, value: unknown) { this.upload(key, JSON.stringify(value), 'application/json'); }
  async getJson<T>(key: string) { const o = this.objects.get(key); return o ? (JSON.parse(o.body.toString('utf8')) as T) : undefined; }
  async exists(key: string) { return this.objects.has(key); }
  async copy(fromKey: string, toKey: string) { const o = this.objects.get(fromKey); if (!o) throw new Error(`NoSuchKey ${fromKey}`); this.objects.set(toKey, { ...o }); }
  async open(key: string) {
    const o = this.objects.get(key);
    if (!o) return undefined;
    return { contentType: o.contentType, size: o.body.length, body: (async function* () { yield new Uint8Array(o.body); })() };
  }
  async remove(key: string) { this.objects.delete(key); }
}

/**
 * A quote-based body with a written quote per quote, declared through the real upload use case
 * as `owner` and put in `store` as a client's PUT would; other bodies come back as they are.
 */
export const attachQuoteDocuments = async (
  deps: { documents: DocumentStore; clock: () => Date }, store: FakeDocumentStore, body: unknown, owner: Principal,
): Promise<unknown> => {
  const b = body as { method?: { type: string; quotes?: Array<Record<string, unknown>> } };
  if (b.method?.type !== 'quotes' || !b.method.quotes || b.method.quotes.every((q) => q.document)) return body;
  const quotes = [];
  for (const q of b.method.quotes) {
    const bytes = `%PDF-1.4 quote from ${String(q.vendor)}`;
    const grant = await startUpload(deps, { filename: `quote-${String(q.vendor)}.pdf`.replace(/[^\w.-]+/g, '-'), mediaType: 'application/pdf', size: bytes.length, purpose: 'quote' }, owner);
    store.upload(uploadKey(grant.documentId), bytes, 'application/pdf');
    quotes.push({ ...q, document: grant.documentId });
  }
  return { ...b, method: { ...b.method, quotes } };
};
