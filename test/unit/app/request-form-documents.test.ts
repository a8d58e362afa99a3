/**
 * Documents attached on the form: the hidden fields the script adds come back as a list (anything
 * that is not one is dropped), their ids go where POST /requests takes them (a quote's `document`,
 * the chosen method's `documents`, the request's `documents`), and the server's messages about a
 * document land beside the place it was attached. The page keeps them across a re-render.
 */
import { readRequestForm, requestBodyFromForm } from '../../../lambdas/app/request-form';
import { apiPathsOfSlots, attachedFieldValue, readAttachedDocuments, withoutRemoved, type AttachedDocument } from '../../../lambdas/app/request-form-documents';
import { parsePurchaseRequest } from '../../../lambdas/domain/schema';
import { renderRequestForm } from '../../../lambdas/presentation/request-form';
import { DOCUMENTS_SCRIPT_HASH, formContentSecurityPolicy } from '../../../lambdas/presentation/request-form-documents';

const ANA = { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' };
const ID = (n: number) => `01J${String(n).padStart(23, '0')}`;
const doc = (slot: string, n: number, purpose: AttachedDocument['purpose'] = 'quote'): AttachedDocument => ({ slot, id: ID(n), purpose, size: 1000 + n, name: `file ${n}.pdf` });
const attached = (...docs: AttachedDocument[]) => Object.fromEntries(docs.map((d, i) => [`attached[${i}]`, attachedFieldValue(d)]));

const typed = (fields: Record<string, string>) => readRequestForm({
  policy: 'sample-city', title: 'Benches', amount: '15000', category: 'goods', vendor: 'Bench Makers', fundingSource: 'local', submissionKey: 'k', ...fields,
});

describe('reading the attached documents', () => {
  it('keeps well-formed fields in order and drops the rest (edited, truncated, another name)', () => {
    const fields = {
      'attached[2]': attachedFieldValue(doc('documents', 2, 'other')),
      'attached[0]': attachedFieldValue(doc('quotes[0].document', 1)),
      'attached[1]': '{"slot":"documents","id":"not-an-id","purpose":"other","size":1,"name":"x"}',
      'attached[3]': '{not json',
      'attached[4]': attachedFieldValue({ ...doc('documents', 4, 'other'), purpose: 'script' as never }),
      attachedX: attachedFieldValue(doc('documents', 5, 'other')),
    };
    expect(readAttachedDocuments(fields).map((d) => d.id)).toEqual([ID(1), ID(2)]);
  });

  it('a Remove button drops exactly its field', () => {
    const fields = { ...attached(doc('documents', 1, 'other'), doc('documents', 2, 'other')), action: 'remove-document:attached[0]' };
    expect(readAttachedDocuments(withoutRemoved(fields, fields.action)).map((d) => d.id)).toEqual([ID(2)]);
    expect(withoutRemoved(fields, 'submit')).toBe(fields);
  });
});

describe('into the request body', () => {
  it('a quote’s document goes with its quote row (blank rows are not sent), general ones on the request; the schema takes the body', () => {
    const form = typed({
      method: 'quotes',
      'quotes[0].vendor': 'Bench Makers', 'quotes[0].amount': '15000',
      'quotes[2].vendor': 'Park Supply', 'quotes[2].amount': '16000',
      ...attached(doc('quotes[0].document', 1), doc('quotes[2].document', 2), doc('documents', 3, 'other'), doc('piggyback.contract', 4, 'contract')),
    });
    const { body, problems } = requestBodyFromForm(form, ANA, 'Public Works');
    expect(problems).toEqual([]);
    expect(body.method).toEqual({ type: 'quotes', quotes: [{ vendor: 'Bench Makers', amount: 15000, document: ID(1) }, { vendor: 'Park Supply', amount: 16000, document: ID(2) }] });
    expect(body.documents).toEqual([ID(3)]);
    const parsed = parsePurchaseRequest(body);
    expect(parsed.ok).toBe(true);
  });

  it('only the chosen method’s documents are sent, in method.documents', () => {
    const form = typed({ method: 'piggyback', 'piggyback.leadAgency': 'Orange County', ...attached(doc('piggyback.contract', 1, 'contract'), doc('piggyback.award', 2, 'award'), doc('sole-source.justification', 3, 'justification')) });
    const { body } = requestBodyFromForm(form, ANA, 'Public Works');
    expect((body.method as Record<string, unknown>).documents).toEqual([ID(1), ID(2)]);
    expect(body.documents).toBeUndefined();
  });

  it('a document on a quote row with nothing typed is a problem beside it, not silently lost', () => {
    const form = typed({ method: 'quotes', 'quotes[0].vendor': 'Bench Makers', 'quotes[0].amount': '15000', ...attached(doc('quotes[1].document', 1)) });
    expect(requestBodyFromForm(form, ANA, 'Public Works').problems).toEqual([{ field: 'quotes[1].document', message: expect.stringContaining('type the vendor and amount') }]);
  });

  it('the server’s paths for documents map back to the places they were attached', () => {
    const form = typed({ method: 'quotes', 'quotes[1].vendor': 'Park Supply', 'quotes[1].amount': '16000', ...attached(doc('quotes[1].document', 1), doc('documents', 2, 'other')) });
    const paths = apiPathsOfSlots(form, form.documents ?? []);
    expect(paths.get('method.quotes[0].document')).toBe('quotes[1].document');
    expect(paths.get('documents[0]')).toBe('documents');
  });
});

describe('on the page', () => {
  const viewer = { name: 'Ana Ruiz', email: ANA.email, roles: ['requester'], via: 'session' as const, formToken: 't' };
  const render = (fields: Record<string, string>, extra: Record<string, unknown> = {}) => renderRequestForm({
    viewer, base: '', requester: ANA, department: 'Public Works', policies: [{ id: 'sample-city', name: 'Sample City' }], values: typed(fields), ...extra,
  });

  it('re-renders attached documents as hidden fields with their names, and an error beside the place', () => {
    const fields = { method: 'quotes', 'quotes[0].vendor': 'Bench Makers', 'quotes[0].amount': '15000', ...attached(doc('quotes[0].document', 1)) };
    const page = render(fields, { errors: [{ field: 'method.quotes[0].document', message: 'document was never uploaded' }] });
    expect(page.body).toContain('name="attached[0]"');
    expect(page.body).toContain('file 1.pdf');
    expect(page.body).toMatch(/id="doc-quotes-0-document-error">.*document was never uploaded/);
    expect(page.body).toContain('value="remove-document:attached[0]"');
  });

  it('says plainly that attaching needs JavaScript, and allows only its own script and the bucket’s origin', () => {
    const page = render({}, { uploadOrigin: 'https://documents.s3.us-east-1.amazonaws.com' });
    expect(page.body).toContain('Attaching files needs JavaScript');
    const csp = page.headers['Content-Security-Policy']!;
    expect(csp).toBe(formContentSecurityPolicy('https://documents.s3.us-east-1.amazonaws.com'));
    expect(csp).toContain(`script-src '${DOCUMENTS_SCRIPT_HASH}'`);
    expect(csp).toContain("connect-src 'self' https://documents.s3.us-east-1.amazonaws.com");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    // The one script on the page is the one the hash allows.
    expect(page.body.match(/<script>/g)).toHaveLength(1);
  });
});
