/** The required-documents rule: pure, fed the documents the server verified. */
import { documentUploadBody, missingDocuments, parsePurchaseRequest, referencedDocumentIds, routeRequest, type VerifiedDocument } from '../../../lambdas/domain';
import { requirementsFor } from '../../../lambdas/domain/documents';
import { parsePolicy } from '../../../lambdas/domain';
import { documentsCity as documentsCityJson } from '../../fixtures/policies';
import { AT, request, validBody } from './helpers';

// sample-city with the recommended documents per method (the shipped sample-city lists none yet).
const documentsCity = parsePolicy(documentsCityJson);

const ID = (n: number) => `01JD0C${String(n).padStart(20, '0')}`;
const doc = (n: number, purpose: VerifiedDocument['purpose']) => ({ id: ID(n), purpose });

const quotesRequest = (documents: Array<string | undefined>) => request({
  amount: 18400,
  vendor: { name: 'Volt Partners' },
  method: {
    type: 'quotes',
    quotes: [
      { vendor: 'Volt Partners', amount: 18400, ...(documents[0] ? { document: documents[0] } : {}) },
      { vendor: 'Cell Depot', amount: 19250, ...(documents[1] ? { document: documents[1] } : {}) },
      { vendor: 'PowerHouse Ltd', amount: 20100, ...(documents[2] ? { document: documents[2] } : {}) },
    ],
  },
});

const withDocuments = (r: ReturnType<typeof request>, documents: ReturnType<typeof doc>[]) =>
  routeRequest(r, { policy: documentsCity, history: [], at: AT, documents });

describe('the request references documents by id', () => {
  it('per quote, per method and in general, each id found once', () => {
    const r = request({ method: { ...validBody().method, documents: [ID(1), ID(2)] }, documents: [ID(3), ID(1)] });
    expect(referencedDocumentIds(r)).toEqual([ID(1), ID(2), ID(3)]);
  });

  it('refuses an id that is not one the upload endpoint hands out, naming the field', () => {
    const parsed = parsePurchaseRequest({ ...validBody(), documents: ['../etc/passwd'] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors).toEqual([{ field: 'documents[0]', message: 'must be a document id (from POST /documents)' }]);
  });
});

describe('which documents each method needs is policy data', () => {
  it('quotes: every quote needs its own written quote; the one missing is named by its field and vendor', () => {
    const r = quotesRequest([ID(1), undefined, ID(3)]);
    const reasons = missingDocuments(r, [doc(1, 'quote'), doc(3, 'quote')], requirementsFor([documentsCity], 'quotes'));
    expect(reasons).toEqual([expect.objectContaining({ code: 'document-missing', field: 'method.quotes[1].document' })]);
    expect(reasons[0]!.message).toContain('quote 2 (Cell Depot) needs its written quote');
    expect(reasons[0]!.citation).toContain('2 CFR 200.318(i)');
  });

  it('a document of another purpose does not stand in for a quote', () => {
    const r = quotesRequest([ID(1), ID(2), ID(3)]);
    expect(missingDocuments(r, [doc(1, 'quote'), doc(2, 'contract'), doc(3, 'quote')], requirementsFor([documentsCity], 'quotes')))
      .toEqual([expect.objectContaining({ field: 'method.quotes[1].document' })]);
  });

  it('a referenced id the server did not verify counts as missing', () => {
    const r = quotesRequest([ID(1), ID(2), ID(3)]);
    expect(missingDocuments(r, [doc(1, 'quote'), doc(2, 'quote')], requirementsFor([documentsCity], 'quotes'))).toHaveLength(1);
  });

  it('sole source needs the justification memo', () => {
    const r = request({ amount: 8000, method: { type: 'sole-source', ground: 'single-source', justification: 'Only maker' } });
    const reasons = missingDocuments(r, [], requirementsFor([documentsCity], 'sole-source'));
    expect(reasons.map((x) => x.message)).toEqual([expect.stringContaining('needs a justification memo')]);
    const met = request({ amount: 8000, method: { type: 'sole-source', ground: 'single-source', justification: 'Only maker', documents: [ID(4)] } });
    expect(missingDocuments(met, [doc(4, 'justification')], requirementsFor([documentsCity], 'sole-source'))).toEqual([]);
  });

  it('cooperative needs the contract and the solicitation or award; either of the two satisfies the second', () => {
    const contractOnly = request({ documents: [ID(5)] });
    expect(missingDocuments(contractOnly, [doc(5, 'contract')], requirementsFor([documentsCity], 'cooperative')).map((x) => x.message))
      .toEqual([expect.stringContaining('solicitation or award showing competition')]);
    for (const second of ['solicitation', 'award'] as const) {
      const both = request({ method: { ...validBody().method, documents: [ID(5)] }, documents: [ID(6)] });
      expect(missingDocuments(both, [doc(5, 'contract'), doc(6, second)], requirementsFor([documentsCity], 'cooperative'))).toEqual([]);
    }
  });

  it('the council resolution is not asked for at submission (it comes after the meeting)', () => {
    const council = requirementsFor([documentsCity], 'direct');
    expect(council.map((q) => q.id)).toEqual(['council-resolution']);
    expect(missingDocuments(request({ method: { type: 'direct' } }), [], council)).toEqual([]);
  });
});

describe('routing with the verified documents', () => {
  it('a quote-based purchase missing a quote document is RETURNED with a reason naming it', () => {
    const decision = withDocuments(quotesRequest([ID(1), ID(2), undefined]), [doc(1, 'quote'), doc(2, 'quote')]);
    expect(decision.status).toBe('RETURNED');
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'document-missing', field: 'method.quotes[2].document', message: expect.stringContaining('PowerHouse Ltd') })]);
    expect(decision.checkpoints).toEqual([]);
  });

  it('with every document it goes to its approvers', () => {
    const decision = withDocuments(quotesRequest([ID(1), ID(2), ID(3)]), [doc(1, 'quote'), doc(2, 'quote'), doc(3, 'quote')]);
    expect(decision.status).toBe('PENDING_APPROVAL');
  });

  it('without a list of verified documents (a request stored before documents) documents are not judged', () => {
    expect(routeRequest(quotesRequest([]), { policy: documentsCity, history: [], at: AT }).status).toBe('PENDING_APPROVAL');
  });
});

describe('the upload body', () => {
  const valid = { filename: 'quote-volt.pdf', mediaType: 'application/pdf', size: 1234, purpose: 'quote' };
  it('accepts a PDF quote', () => expect(documentUploadBody.safeParse(valid).success).toBe(true));
  it.each([
    ['an HTML page', { mediaType: 'text/html' }, 'mediaType'],
    ['a file over 25 MiB', { size: 25 * 1024 * 1024 + 1 }, 'size'],
    ['an empty file', { size: 0 }, 'size'],
    ['a path for a name', { filename: '../../x.pdf' }, 'filename'],
    ['an unknown purpose', { purpose: 'receipt' }, 'purpose'],
  ])('refuses %s, naming the field', (_label, over, field) => {
    const parsed = documentUploadBody.safeParse({ ...valid, ...over });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual([field]);
  });
});
