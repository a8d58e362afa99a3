/**
 * The form ↔ request body mapping: what a person types becomes the body POST /requests takes,
 * judged by the same schema; a stored request becomes the form again ("Copy and fix"); and every
 * field path the API reports lands on the input that caused it.
 */
import {
  emptyForm,
  errorsByFormField,
  formFieldOf,
  formFromRequest,
  INITIAL_QUOTE_ROWS,
  MAX_QUOTE_ROWS,
  parseDollars,
  readRequestForm,
  requestBodyFromForm,
  withAnotherQuoteRow,
} from '../../../lambdas/app/request-form';
import { parsePurchaseRequest } from '../../../lambdas/domain/schema';
import type { PurchaseRequest } from '../../../lambdas/domain/types';

const ANA = { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' };

const typed = (fields: Record<string, string>) => readRequestForm({
  policy: 'sample-city', title: 'Handheld ticket writers', amount: '$120,000.00', category: 'goods',
  vendor: 'Acme Mobility', fundingSource: 'local', submissionKey: 'k', ...fields,
});

describe('parseDollars', () => {
  it.each([
    ['1250', 1250], ['$1,250.50', 1250.5], [' 99.9 ', 99.9], ['$ 12,000', 12000], ['.5', 0.5], ['0.001', 0.001],
  ])('reads %j as %d dollars (the schema then judges cents and range)', (text, value) => {
    expect(parseDollars(text)).toEqual({ value });
  });
  it.each(['a lot', '12 dollars', '1,25', '1.2.3', '-5', '1e3', '12,34,567'])('refuses %j in words', (text) => {
    expect(parseDollars(text)).toEqual({ problem: expect.stringMatching(/amount in dollars/) });
  });
  it('leaves an empty box empty (the schema says "is required")', () => {
    expect(parseDollars('  ')).toBeUndefined();
  });
});

describe('requestBodyFromForm', () => {
  it('builds the API body: requester and department from the profile, dollars as a number, optional blanks left out', () => {
    const { body, problems } = requestBodyFromForm(typed({ description: '', neededBy: '' }), ANA, 'Public Works');
    expect(problems).toEqual([]);
    expect(body).toEqual({
      policy: 'sample-city', title: 'Handheld ticket writers', department: 'Public Works', requester: ANA,
      category: 'goods', amount: 120000, currency: 'USD', vendor: { name: 'Acme Mobility' }, fundingSource: 'local',
    });
    expect(parsePurchaseRequest(body)).toMatchObject({ ok: true, value: { amountCents: 12_000_000 } });
  });

  it('sends only the chosen method\'s section; check boxes become true, unticked ones are left out', () => {
    const { body } = requestBodyFromForm(typed({
      method: 'piggyback',
      'piggyback.leadAgency': 'County of Sample', 'piggyback.leadAgencyIsPublic': 'yes', 'piggyback.contractNumber': 'C-1',
      'piggyback.expires': '2028-01-31', 'piggyback.competitivelyBid': 'yes',
      'cooperative.alliance': 'NCPA', 'emergency.justification': 'typed, then another method chosen',
    }), ANA, 'Public Works');
    expect(body.method).toEqual({ type: 'piggyback', leadAgency: 'County of Sample', leadAgencyIsPublic: true, contractNumber: 'C-1', expires: '2028-01-31', competitivelyBid: true });
    expect(parsePurchaseRequest(body).ok).toBe(true);
  });

  it('sends the quotes rows that were used, in order, skipping blank ones', () => {
    const { body, problems } = requestBodyFromForm(typed({
      method: 'quotes', quoteRows: '4',
      'quotes[0].vendor': 'Acme', 'quotes[0].amount': '900',
      'quotes[2].vendor': 'Beta', 'quotes[2].amount': '$1,100.50',
      'quotes[3].vendor': 'Gamma', 'quotes[3].amount': '',
    }), ANA, 'Public Works');
    expect(problems).toEqual([]);
    expect(body.method).toEqual({ type: 'quotes', quotes: [{ vendor: 'Acme', amount: 900 }, { vendor: 'Beta', amount: 1100.5 }, { vendor: 'Gamma' }] });
    // The half-filled row is the API's quotes[2]: the schema names its amount.
    const parsed = parsePurchaseRequest(body);
    expect(parsed.ok ? [] : parsed.errors).toEqual([{ field: 'method.quotes[2].amount', message: 'is required' }]);
  });

  it('an amount that is no number is the form\'s own problem, under the API\'s field path', () => {
    const { body, problems } = requestBodyFromForm(typed({ amount: 'a lot', method: 'quotes', 'quotes[1].vendor': 'Beta', 'quotes[1].amount': 'cheap' }), ANA, 'Public Works');
    expect(problems).toEqual([
      { field: 'amount', message: expect.stringMatching(/amount in dollars/) },
      { field: 'method.quotes[0].amount', message: expect.stringMatching(/amount in dollars/) },
    ]);
    expect(body).not.toHaveProperty('amount');
  });

  it('"Let the policy choose" sends no method; an unknown one is sent for the schema to name', () => {
    expect(requestBodyFromForm(typed({ method: '' }), ANA, 'Public Works').body).not.toHaveProperty('method');
    const { body } = requestBodyFromForm(typed({ method: 'barter' }), ANA, 'Public Works');
    const parsed = parsePurchaseRequest(body);
    expect(parsed.ok ? [] : parsed.errors.map((e) => e.field)).toEqual(['method.type']);
  });

  it('empty required fields are sent empty, so the schema says so beside them', () => {
    const { body } = requestBodyFromForm(readRequestForm({ policy: 'sample-city' }), ANA, 'Public Works');
    const parsed = parsePurchaseRequest(body);
    expect(parsed.ok ? [] : parsed.errors.map((e) => e.field).sort()).toEqual(['amount', 'category', 'fundingSource', 'title', 'vendor.name']);
  });
});

describe('readRequestForm and quote rows', () => {
  it('keeps everything as typed, with at least the initial rows', () => {
    const form = readRequestForm({ title: ' spaced ', amount: 'a lot', method: 'quotes', 'quotes[0].vendor': 'Acme', unknown: 'x' });
    expect(form.title).toBe(' spaced ');
    expect(form.amount).toBe('a lot');
    expect(form.sections.quotes).toHaveLength(INITIAL_QUOTE_ROWS);
    expect(form.sections.quotes[0]).toEqual({ vendor: 'Acme', amount: '' });
  });

  it('reads as many rows as were posted, never more than the schema allows', () => {
    expect(readRequestForm({ quoteRows: '5' }).sections.quotes).toHaveLength(5);
    expect(readRequestForm({ 'quotes[6].vendor': 'x' }).sections.quotes).toHaveLength(7);
    expect(readRequestForm({ quoteRows: '100000' }).sections.quotes).toHaveLength(MAX_QUOTE_ROWS);
  });

  it('"Add another quote" adds one blank row, up to the limit', () => {
    const form = readRequestForm({ 'quotes[0].vendor': 'Acme' });
    const more = withAnotherQuoteRow(form);
    expect(more.sections.quotes).toHaveLength(INITIAL_QUOTE_ROWS + 1);
    expect(more.sections.quotes[0]!.vendor).toBe('Acme');
    const full = readRequestForm({ quoteRows: String(MAX_QUOTE_ROWS) });
    expect(withAnotherQuoteRow(full).sections.quotes).toHaveLength(MAX_QUOTE_ROWS);
  });
});

describe('formFromRequest (Copy and fix)', () => {
  const request: PurchaseRequest = {
    policy: 'sample-city', title: 'Mowers', description: 'Two ride-on mowers', department: 'Parks and Recreation',
    requester: ANA, category: 'goods', amountCents: 1_240_050, currency: 'USD', vendor: { name: 'Green Blade' },
    fundingSource: 'state', neededBy: '2027-05-01',
    method: { type: 'quotes', quotes: [{ vendor: 'Green Blade', amountCents: 1_240_050 }, { vendor: 'Acme', amountCents: 1_300_000 }] },
  };

  it('fills the form as a person would have typed it, and round-trips to the same body', () => {
    const form = formFromRequest(request, 'sample-city', 'key');
    expect(form).toMatchObject({ title: 'Mowers', amount: '12400.50', vendor: 'Green Blade', fundingSource: 'state', neededBy: '2027-05-01', method: 'quotes' });
    expect(form.sections.quotes).toEqual([{ vendor: 'Green Blade', amount: '12400.50' }, { vendor: 'Acme', amount: '13000' }, { vendor: '', amount: '' }]);
    const { body } = requestBodyFromForm(form, ANA, 'Parks and Recreation');
    expect(parsePurchaseRequest(body)).toEqual({ ok: true, value: request });
  });

  it.each([
    { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true },
    { type: 'piggyback', leadAgency: 'County', leadAgencyIsPublic: true, contractNumber: 'C', expires: '2028-01-01', scopeCovers: true, competitivelyBid: true, cooperativeLanguage: true, procuredUnder2CFR200: true },
    { type: 'state-contract', state: 'California', contractNumber: 'S-1', expires: '2029-01-01', scopeCovers: true },
    { type: 'sole-source', ground: 'single-source', justification: 'Only maker.\nChecked three catalogues.' },
    { type: 'emergency', justification: 'Flooded pump station' },
    { type: 'direct' },
    { type: 'competitive' },
  ] as const)('round-trips the $type method', (method) => {
    const withMethod = { ...request, method } as PurchaseRequest;
    const { body } = requestBodyFromForm(formFromRequest(withMethod, 'sample-city', 'key'), ANA, 'Parks and Recreation');
    expect(parsePurchaseRequest(body)).toEqual({ ok: true, value: withMethod });
  });
});

describe('formFieldOf: the API\'s field paths on the form', () => {
  const form = readRequestForm({
    method: 'cooperative', quoteRows: '4',
    'quotes[1].vendor': 'Acme', 'quotes[3].vendor': 'Beta',
  });

  it.each([
    ['title', 'title'],
    ['vendor.name', 'vendor'],
    ['method.type', 'method'],
    ['method.contractNumber', 'cooperative.contractNumber'],
    ['method.scopeCovers', 'cooperative.scopeCovers'],
    ['requester', 'requester'],
  ])('%s → %s', (path, field) => {
    expect(formFieldOf(path, form)).toBe(field);
  });

  it('quote paths count the rows that were sent, not the blank ones', () => {
    expect(formFieldOf('method.quotes[0].vendor', form)).toBe('quotes[1].vendor');
    expect(formFieldOf('method.quotes[1].amount', form)).toBe('quotes[3].amount');
  });

  it('a method field follows the chosen method (the same name in another section is not blamed)', () => {
    expect(formFieldOf('method.contractNumber', { ...form, method: 'state-contract' })).toBe('state-contract.contractNumber');
    expect(formFieldOf('method.justification', { ...form, method: 'emergency' })).toBe('emergency.justification');
  });

  it('keeps the first message per field', () => {
    const errors = errorsByFormField([{ field: 'vendor.name', message: 'must not be empty' }, { field: 'vendor.name', message: 'second' }], emptyForm('p', 'k'));
    expect([...errors]).toEqual([['vendor', 'must not be empty']]);
  });
});
