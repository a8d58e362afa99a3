/**
 * Documents of a purchase request: what may be uploaded (types, size), how a request references
 * them (per quote, per method, general) and which ones each method needs (policy data, checked
 * here, purely). The bytes never pass through this code: the server verifies each referenced
 * object (owner, size, type, SHA-256) and hands the routing core the list of verified documents.
 */
import * as z from 'zod';
import type { DocumentRequirement, Policy } from './policy-schema';
import { textProblem } from './text';
import type { PurchaseRequest, Reason } from './types';

/** What a document is for: the upload says it, the policy's requirements are met by it. */
export const DOCUMENT_PURPOSES = [
  'quote',
  'justification',
  'contract',
  'solicitation',
  'award',
  'cost-analysis',
  'resolution',
  'other',
] as const;
export type DocumentPurpose = (typeof DOCUMENT_PURPOSES)[number];

/**
 * The media types accepted: documents people read, none a browser runs. HTML and SVG are left out
 * on purpose (a stored page would be a script host on the bucket's origin if anyone rendered it).
 */
export const DOCUMENT_MEDIA_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'text/plain',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;
export type DocumentMediaType = (typeof DOCUMENT_MEDIA_TYPES)[number];

export const DOCUMENT_LIMITS = {
  /** 25 MiB: a scanned contract fits; a video does not. */
  maxBytes: 25 * 1024 * 1024,
  filename: 200,
  /** Documents one request may reference in all. */
  perRequest: 60,
} as const;

/** Document ids are ULIDs handed out by the upload endpoint. */
export const DOCUMENT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const documentId = z.string({ error: 'must be a document id (from POST /documents)' }).regex(DOCUMENT_ID, { error: 'must be a document id (from POST /documents)' });

/** The body of `POST /documents`. */
export const documentUploadBody = z
  .strictObject({
    filename: z
      .string({ error: 'is required' })
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(DOCUMENT_LIMITS.filename, { error: `must be at most ${DOCUMENT_LIMITS.filename} characters` })
      .superRefine((s, ctx) => {
        const problem = textProblem(s, 'one-line') ?? (/[\\/"]/.test(s) ? 'must be a file name, without / \\ or "' : undefined);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
      }),
    mediaType: z.enum(DOCUMENT_MEDIA_TYPES, { error: `must be one of: ${DOCUMENT_MEDIA_TYPES.join(', ')}` }),
    size: z
      .number({ error: 'must be the file size in bytes' })
      .int({ error: 'must be a whole number of bytes' })
      .min(1, { error: 'must be at least 1 byte' })
      .max(DOCUMENT_LIMITS.maxBytes, { error: `must be at most ${DOCUMENT_LIMITS.maxBytes} bytes (25 MiB)` }),
    purpose: z.enum(DOCUMENT_PURPOSES, { error: `must be one of: ${DOCUMENT_PURPOSES.join(', ')}` }),
  })
  .meta({ title: 'DocumentUpload', description: 'A file about to be uploaded: its name, media type, exact size in bytes and purpose.' });
export type DocumentUpload = z.output<typeof documentUploadBody>;

/** A referenced document as the server found it: the stored object, measured and hashed server side. */
export interface VerifiedDocument {
  id: string;
  purpose: DocumentPurpose;
  filename: string;
  mediaType: DocumentMediaType;
  size: number;
  /** Hex SHA-256 of the stored bytes, computed by the server. */
  sha256: string;
}

/** Where a request references a document, for field names in errors and reasons. */
export interface DocumentReference { id: string; field: string }

/** Every document id a request references, in body order, each with the field naming it. */
export function documentReferences(r: PurchaseRequest): DocumentReference[] {
  const out: DocumentReference[] = [];
  if (r.method?.type === 'quotes') r.method.quotes.forEach((q, i) => { if (q.document) out.push({ id: q.document, field: `method.quotes[${i}].document` }); });
  (r.method?.documents ?? []).forEach((id, i) => out.push({ id, field: `method.documents[${i}]` }));
  (r.documents ?? []).forEach((id, i) => out.push({ id, field: `documents[${i}]` }));
  return out;
}

/** Distinct referenced ids (a document may serve as a quote and be listed again). */
export const referencedDocumentIds = (r: PurchaseRequest): string[] => [...new Set(documentReferences(r).map((d) => d.id))];

/** The requirements of every layer that applies (base, then overlay), for the request's method. */
export function requirementsFor(layers: readonly Policy[], method: string | undefined): DocumentRequirement[] {
  return layers
    .flatMap((p) => p.documents?.required ?? [])
    .filter((q) => q.methods === undefined || (method !== undefined && (q.methods as readonly string[]).includes(method)));
}

const article = (title: string) => (/^[aeiou]/i.test(title) ? 'an' : 'a');

/**
 * The reasons a request lacks a document its method needs. Pure: `verified` is what the server
 * found and hashed (a reference the server could not verify never gets this far). Requirements
 * recorded at a checkpoint (`atCheckpoint`, the council's resolution) are not judged at submission.
 */
export function missingDocuments(r: PurchaseRequest, verified: readonly Pick<VerifiedDocument, 'id' | 'purpose'>[], requirements: readonly DocumentRequirement[]): Reason[] {
  const byId = new Map(verified.map((d) => [d.id, d]));
  const referenced = referencedDocumentIds(r).map((id) => byId.get(id)).filter((d) => d !== undefined);
  const reasons: Reason[] = [];
  for (const q of requirements) {
    if (q.atCheckpoint) continue;
    const fits = (id: string | undefined) => id !== undefined && (q.purposes as readonly string[]).includes(byId.get(id)?.purpose ?? '');
    const purposes = q.purposes.map((p) => `"${p}"`).join(' or ');
    if (q.perQuote) {
      if (r.method?.type !== 'quotes') continue;
      r.method.quotes.forEach((quote, i) => {
        if (fits(quote.document)) return;
        reasons.push({
          code: 'document-missing',
          field: `method.quotes[${i}].document`,
          message: `quote ${i + 1} (${quote.vendor}) needs its ${q.title}: upload it with purpose ${purposes} and reference it in method.quotes[${i}].document`,
          citation: q.citation,
        });
      });
      continue;
    }
    if (referenced.some((d) => fits(d.id))) continue;
    reasons.push({
      code: 'document-missing',
      field: 'method.documents',
      message: `${r.method?.type ?? 'this'} purchase needs ${article(q.title)} ${q.title}: upload it with purpose ${purposes} and reference it in method.documents`,
      citation: q.citation,
    });
  }
  return reasons;
}
