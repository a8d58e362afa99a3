/**
 * The new-request form's attached documents, both ways. Pure. The form's script uploads each file
 * (POST /documents, then the presigned PUT) and adds a hidden field `attached[n]` holding what the
 * page needs to show it again: the slot it belongs to, the document id, its purpose, size and name.
 * Only the id goes into the request body, where the API takes it (a quote's `document`,
 * `method.documents`, `documents`); the name and size are for the person reading the form and are
 * never trusted: on submit the server checks each id is the submitter's upload and hashes it.
 */
import { z } from 'zod';
import { DOCUMENT_ID, DOCUMENT_PURPOSES, type DocumentPurpose } from '../domain/documents';
import type { FieldError } from '../domain/types';
import type { MethodType } from '../domain/vocabulary';
import type { RequestFormValues } from './request-form';

/** Where on the form a document is attached: one per quote row, the method's own, or general. */
export interface DocumentSlot {
  /** `quotes[0].document`, `piggyback.contract`, `documents` */
  key: string;
  /** The purpose an upload in this slot declares. */
  purpose: DocumentPurpose;
  /** Which method's body it goes into (undefined: the request's general documents). */
  method?: MethodType;
  /** One file (a quote) or several. */
  single: boolean;
}

/** What each method's section asks for, in the order shown. */
export const METHOD_DOCUMENT_SLOTS: Partial<Record<MethodType, ReadonlyArray<{ name: string; purpose: DocumentPurpose }>>> = {
  cooperative: [{ name: 'contract', purpose: 'contract' }, { name: 'solicitation', purpose: 'solicitation' }],
  piggyback: [{ name: 'contract', purpose: 'contract' }, { name: 'award', purpose: 'award' }],
  'state-contract': [{ name: 'contract', purpose: 'contract' }],
  'sole-source': [{ name: 'justification', purpose: 'justification' }],
  emergency: [{ name: 'justification', purpose: 'justification' }],
};

export const quoteSlot = (row: number): DocumentSlot => ({ key: `quotes[${row}].document`, purpose: 'quote', method: 'quotes', single: true });
export const methodSlots = (method: MethodType): DocumentSlot[] =>
  (METHOD_DOCUMENT_SLOTS[method] ?? []).map((s) => ({ key: `${method}.${s.name}`, purpose: s.purpose, method, single: false }));
export const GENERAL_SLOT: DocumentSlot = { key: 'documents', purpose: 'other', single: false };

/** One attached document as the hidden field carries it. */
export interface AttachedDocument {
  slot: string;
  id: string;
  purpose: DocumentPurpose;
  size: number;
  name: string;
}

const attached = z.strictObject({
  slot: z.string().regex(/^(quotes\[\d{1,2}\]\.document|[a-z-]+\.[a-z]+|documents)$/),
  id: z.string().regex(DOCUMENT_ID),
  purpose: z.enum(DOCUMENT_PURPOSES),
  size: z.number().int().min(0),
  name: z.string().min(1).max(200),
});

const ATTACHED_FIELD = /^attached\[(\d{1,3})\]$/;

/** The hidden field name of the n-th attached document. */
export const attachedFieldName = (n: number): string => `attached[${n}]`;
/** The hidden field's value (JSON; the page escapes it like any attribute). */
export const attachedFieldValue = (d: AttachedDocument): string => JSON.stringify(d);

/**
 * The attached documents of posted fields, in field order. A field that is not one (edited by
 * hand, truncated) is dropped: the person sees the list without it and attaches the file again.
 */
export const readAttachedDocuments = (fields: Record<string, string>): AttachedDocument[] =>
  Object.keys(fields)
    .map((name) => ({ name, n: ATTACHED_FIELD.exec(name)?.[1] }))
    .filter((f): f is { name: string; n: string } => f.n !== undefined)
    .sort((a, b) => Number(a.n) - Number(b.n))
    .flatMap(({ name }) => {
      try {
        const parsed = attached.safeParse(JSON.parse(fields[name]!));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    })
    // The same document twice in one slot (a double-added field) is one attachment.
    .filter((d, i, all) => all.findIndex((e) => e.slot === d.slot && e.id === d.id) === i);

/** The action of a "Remove" button that works without the script: `remove-document:attached[3]`. */
export const REMOVE_ACTION = /^remove-document:(attached\[\d{1,3}\])$/;

/** The fields without the one a "Remove" button names. */
export const withoutRemoved = (fields: Record<string, string>, action: string | undefined): Record<string, string> => {
  const removed = REMOVE_ACTION.exec(action ?? '')?.[1];
  if (!removed) return fields;
  const { [removed]: _gone, ...rest } = fields;
  return rest;
};

/** The rows of the quotes table that are sent (blank rows are not), by form row. */
const sentQuoteRows = (form: RequestFormValues): number[] =>
  form.sections.quotes.flatMap((row, index) => (row.vendor.trim() !== '' || row.amount.trim() !== '' ? [index] : []));

/**
 * Where in the API body each slot's documents go, so the server's messages about a document
 * (`method.quotes[1].document`, `method.documents[0]`, `documents[2]`) land beside its slot.
 */
export const apiPathsOfSlots = (form: RequestFormValues, documents: readonly AttachedDocument[]): Map<string, string> => {
  const out = new Map<string, string>();
  const sent = sentQuoteRows(form);
  let methodIndex = 0;
  let generalIndex = 0;
  for (const d of documents) {
    const quote = /^quotes\[(\d+)\]\.document$/.exec(d.slot);
    if (quote) {
      if (form.method === 'quotes') {
        const at = sent.indexOf(Number(quote[1]));
        out.set(at < 0 ? d.slot : `method.quotes[${at}].document`, d.slot);
      }
    } else if (d.slot === GENERAL_SLOT.key) {
      out.set(`documents[${generalIndex++}]`, d.slot);
    } else if (d.slot.startsWith(`${form.method}.`)) {
      out.set(`method.documents[${methodIndex++}]`, d.slot);
    }
  }
  if (form.method !== '' && form.method !== 'quotes') out.set('method.documents', methodSlots(form.method)[0]?.key ?? GENERAL_SLOT.key);
  return out;
};

/**
 * The request body with the attached documents' ids where the API takes them. Only the chosen
 * method's documents are sent (like its other fields); a quote's document goes with its quote
 * row, and one attached to a blank row is a problem the person can see and fix.
 */
export const withAttachedDocuments = (body: Record<string, unknown>, form: RequestFormValues, documents: readonly AttachedDocument[]): { body: Record<string, unknown>; problems: FieldError[] } => {
  const problems: FieldError[] = [];
  const general = documents.filter((d) => d.slot === GENERAL_SLOT.key).map((d) => d.id);
  const out: Record<string, unknown> = { ...body, ...(general.length > 0 ? { documents: general } : {}) };
  const method = body.method as Record<string, unknown> | undefined;
  if (!method || form.method === '') return { body: out, problems };
  if (form.method === 'quotes') {
    const quotes = [...((method.quotes as Array<Record<string, unknown>>) ?? [])].map((q) => ({ ...q }));
    const sent = sentQuoteRows(form);
    for (const d of documents) {
      const row = /^quotes\[(\d+)\]\.document$/.exec(d.slot)?.[1];
      if (row === undefined) continue;
      const at = sent.indexOf(Number(row));
      if (at < 0) problems.push({ field: d.slot, message: 'type the vendor and amount of the quote this document belongs to, or remove it' });
      else quotes[at]!.document = d.id;
    }
    out.method = { ...method, quotes };
    return { body: out, problems };
  }
  const own = documents.filter((d) => d.slot.startsWith(`${form.method}.`)).map((d) => d.id);
  if (own.length > 0) out.method = { ...method, documents: own };
  return { body: out, problems };
};
