/**
 * Documents: upload first, reference on submit. `POST /documents` records what the person says
 * they will upload (name, type, exact size, purpose) and hands back a presigned PUT whose signature
 * covers that type and size, so the bucket refuses any other. On submit each referenced upload is
 * checked to be the submitter's, copied under `documents/` (the copy is what is kept: the upload
 * URL can no longer change it, and never-referenced uploads expire), then streamed once to measure
 * it and compute its SHA-256 here, never trusting a value a client sends; the hashes go on the
 * audit chain with the `request-submitted` event.
 *
 * Keys: `uploads/<id>` (the bytes), `uploads/<id>.json` (the declaration, written by the server),
 * `documents/<id>` (the verified copy). Ids are ULIDs.
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { z } from 'zod';
import type { DocumentStore } from '../adapters/documents';
import {
  DOCUMENT_LIMITS,
  DOCUMENT_MEDIA_TYPES,
  documentReferences,
  documentUploadBody,
  type DocumentPurpose,
  type DocumentUpload,
  type FieldError,
  type PurchaseRequest,
  type VerifiedDocument,
} from '../domain';
import { formatUsd } from '../domain/money';
import { toFieldErrors } from '../domain/schema';
import { normaliseVendorName } from '../domain/split';
import type { DocumentView, QuotesView } from '../presentation/types';
import { RequestValidationError } from '../shared/errors';
import { personOf, type Principal } from './identity';

/** How long an upload URL works: long enough for a large file on a slow line, short enough not to linger. */
export const UPLOAD_URL_SECONDS = 10 * 60;
/** How long a download link on a page works (the page makes new ones each time it is shown). */
export const DOWNLOAD_URL_SECONDS = 5 * 60;

export const uploadKey = (id: string) => `uploads/${id}`;
const declarationKey = (id: string) => `uploads/${id}.json`;
export const documentKey = (id: string) => `documents/${id}`;

/** What the server recorded when it handed out the upload URL. */
export interface UploadDeclaration extends DocumentUpload {
  documentId: string;
  owner: { id: string; name: string; email: string };
  declaredAt: string;
}

export interface UploadGrant {
  documentId: string;
  method: 'PUT';
  uploadUrl: string;
  /** Send exactly these headers (and the declared number of bytes), or the bucket refuses the upload. */
  headers: Record<string, string>;
  expiresAt: string;
}

/** The answer of POST /documents, for the API description. */
export const uploadGrantShape = z.object({
  documentId: z.string().meta({ description: 'Reference it from the request: a quote’s `document`, `method.documents` or `documents`.' }),
  method: z.literal('PUT'),
  uploadUrl: z.string().meta({ description: 'Presigned: PUT the file’s bytes here, with the headers below, before `expiresAt`.' }),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});

export type DocumentsDeps = { documents: DocumentStore; clock: () => Date };

/** POST /documents: the declaration is stored, then the URL signed for exactly that type and size. */
export const startUpload = async (deps: DocumentsDeps, body: unknown, by: Principal, newId: () => string = ulid): Promise<UploadGrant> => {
  const parsed = documentUploadBody.safeParse(body, { reportInput: true });
  if (!parsed.success) throw new RequestValidationError(toFieldErrors(parsed.error));
  const upload = parsed.data;
  const documentId = newId();
  const now = deps.clock();
  const declaration: UploadDeclaration = { ...upload, documentId, owner: personOf(by), declaredAt: now.toISOString() };
  await deps.documents.putJson(declarationKey(documentId), declaration);
  const uploadUrl = await deps.documents.presignUpload(uploadKey(documentId), { contentType: upload.mediaType, contentLength: upload.size }, UPLOAD_URL_SECONDS);
  return {
    documentId,
    method: 'PUT',
    uploadUrl,
    headers: { 'Content-Type': upload.mediaType },
    expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
  };
};

/** The declarations of the documents a request references that belong to `by` (no bytes read). */
const ownDeclarations = async (deps: Pick<DocumentsDeps, 'documents'>, request: PurchaseRequest, by: Principal) => {
  const seen = new Set<string>();
  const out: Array<{ field: string; id: string; declaration: UploadDeclaration | undefined }> = [];
  for (const { id, field } of documentReferences(request)) {
    if (seen.has(id)) continue;
    seen.add(id);
    const declaration = await deps.documents.getJson<UploadDeclaration>(declarationKey(id));
    // Someone else's upload is answered like a missing one: ids are not for probing.
    out.push({ field, id, declaration: declaration?.owner.id === by.id ? declaration : undefined });
  }
  return out;
};

/** For the routing preview: what the referenced uploads say they are, without reading them. */
export const declaredDocuments = async (deps: Pick<DocumentsDeps, 'documents'>, request: PurchaseRequest, by: Principal): Promise<Array<{ id: string; purpose: DocumentPurpose }>> =>
  (await ownDeclarations(deps, request, by)).flatMap(({ id, declaration }) => (declaration ? [{ id, purpose: declaration.purpose }] : []));

const hashOf = async (body: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> => {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
};

/**
 * Every document the request references, verified: the submitter's, uploaded, of the declared
 * type and size (both within the limits), hashed from the stored bytes. Any failure refuses the
 * whole submission (400, one error per reference) and nothing is stored for the request.
 */
export const verifyDocuments = async (deps: Pick<DocumentsDeps, 'documents'>, request: PurchaseRequest, by: Principal): Promise<VerifiedDocument[]> => {
  const problems: FieldError[] = [];
  const verified: VerifiedDocument[] = [];
  for (const { field, id, declaration } of await ownDeclarations(deps, request, by)) {
    if (!declaration) {
      problems.push({ field, message: `no document of yours has the id ${id}; upload it with POST /documents first` });
      continue;
    }
    const kept = documentKey(id);
    if (!(await deps.documents.exists(kept))) {
      if (!(await deps.documents.exists(uploadKey(id)))) {
        problems.push({ field, message: `document ${id} (${declaration.filename}) was never uploaded, or its upload expired: PUT the file to its upload URL` });
        continue;
      }
      await deps.documents.copy(uploadKey(id), kept);
    }
    const stored = await deps.documents.open(kept);
    if (!stored) {
      problems.push({ field, message: `document ${id} (${declaration.filename}) is no longer stored; upload it again` });
      continue;
    }
    const { sha256, size } = await hashOf(stored.body);
    const type = (stored.contentType ?? '').toLowerCase();
    const wrong =
      size !== declaration.size || size > DOCUMENT_LIMITS.maxBytes ? `is ${size} bytes, not the ${declaration.size} declared`
      : type !== declaration.mediaType || !(DOCUMENT_MEDIA_TYPES as readonly string[]).includes(type) ? `is stored as ${type || 'no type'}, not ${declaration.mediaType}`
      : undefined;
    if (wrong) {
      await deps.documents.remove(kept);
      problems.push({ field, message: `document ${id} (${declaration.filename}) ${wrong}; upload it again` });
      continue;
    }
    verified.push({ id, purpose: declaration.purpose, filename: declaration.filename, mediaType: declaration.mediaType, size, sha256 });
  }
  if (problems.length) throw new RequestValidationError(problems);
  return verified;
};

const PURPOSE_LABELS: Record<DocumentPurpose, string> = {
  quote: 'Written quote', justification: 'Justification memo', contract: 'Contract', solicitation: 'Solicitation', award: 'Award',
  'cost-analysis': 'Cost or price analysis', resolution: 'Council resolution', other: 'Other',
};

const readableSize = (bytes: number): string =>
  bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** The documents as a page shows them, each with a download link made now and good for a few minutes. */
export const documentViews = async (deps: Pick<DocumentsDeps, 'documents'>, documents: readonly VerifiedDocument[]): Promise<DocumentView[]> =>
  Promise.all(documents.map(async (d) => ({
    filename: d.filename,
    purpose: PURPOSE_LABELS[d.purpose],
    mediaType: d.mediaType,
    size: readableSize(d.size),
    sha256: d.sha256,
    url: await deps.documents.presignDownload(documentKey(d.id), { filename: d.filename, contentType: d.mediaType }, DOWNLOAD_URL_SECONDS),
  })));

/**
 * The quotes as an approver judges them: vendor, amount, which one was selected (the request's
 * vendor), which is lowest, and a warning when the selected one is not the lowest and the
 * request gives no reason.
 */
export const quotesView = (request: PurchaseRequest): QuotesView | undefined => {
  if (request.method?.type !== 'quotes' || request.method.quotes.length === 0) return undefined;
  const { quotes, selectionReason } = request.method;
  const lowestCents = Math.min(...quotes.map((q) => q.amountCents));
  const chosen = normaliseVendorName(request.vendor.name);
  const rows = quotes.map((q) => ({
    vendor: q.vendor,
    amount: formatUsd(q.amountCents),
    selected: normaliseVendorName(q.vendor) === chosen,
    lowest: q.amountCents === lowestCents,
    hasDocument: q.document !== undefined,
  }));
  const selected = rows.find((r) => r.selected);
  const notLowest = selected !== undefined && !selected.lowest;
  return {
    rows,
    ...(notLowest && !selectionReason
      ? { notLowestWarning: `The selected vendor (${selected.vendor}, ${selected.amount}) is not the lowest quote (${formatUsd(lowestCents)}), and the request gives no reason.` }
      : {}),
    ...(selectionReason ? { selectionReason } : {}),
  };
};
