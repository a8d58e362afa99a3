/**
 * The registry on the new-request form: which contracts a section offers (vehicle, active, the
 * "Find" words, the chosen one always), what the form sends when one is picked (the id alone,
 * never the typed answers), "Use in a new request", Copy and fix of a request under a contract,
 * and the page: the chosen contract's verified facts shown, errors beside the choice, no script,
 * every value escaped.
 */
import { emptyForm, formFromRequest, readRequestForm, requestBodyFromForm } from '../../../lambdas/app/request-form';
import {
  chosenContract, formForContract, MAX_LISTED_CONTRACTS, registeredMethodBody, sectionChoices, withContract, type FormRegistry,
} from '../../../lambdas/app/request-form-contracts';
import type { ContractFacts } from '../../../lambdas/domain/contracts';
import type { PurchaseRequest } from '../../../lambdas/domain/types';
import { renderRequestForm, type RequestFormView } from '../../../lambdas/presentation/request-form';
import { renderApprovalPage } from '../../../lambdas/presentation/pages';
import { DOCUMENTS_SCRIPT } from '../../../lambdas/presentation/request-form-documents';
import { aRequest, aView, HOSTILE, scriptFreeProblems } from '../presentation/fixtures';

/** The page without the one script it may carry (the documents script, allowed by its hash). */
const withoutDocumentsScript = (body: string) => body.replace(`<script>${DOCUMENTS_SCRIPT}</script>`, '');

const jordan = { id: 'p-jordan-blake', name: 'Jordan Blake', email: 'jordan.blake@city.example' };
const verified = (value = true) => ({ value, verifiedBy: jordan, verifiedAt: '2026-10-02T09:00:00.000Z' });

const contract = (id: string, overrides: Partial<ContractFacts> = {}): ContractFacts => ({
  id, vehicle: 'piggyback', number: `KW-${id.slice(-2)}`, supplier: 'Harborline Technology', leadAgency: 'City of Key West',
  addendumRequired: false, facts: { leadAgencyPublic: verified(), competitivelyBid: verified(), cooperativeLanguage: verified() },
  categories: ['technology', 'services'], scope: 'Network equipment and managed Wi-Fi', termStart: '2026-01-01', termEnd: '2027-12-31', documentIds: [],
  ...overrides,
});

const KW = contract('01JCCCCCCCCCCCCCCCCCCCCC01');
const ENDED = contract('01JCCCCCCCCCCCCCCCCCCCCC02', { supplier: 'Old Wire Co', termStart: '2020-01-01', termEnd: '2021-01-01' });
const COOP = contract('01JCCCCCCCCCCCCCCCCCCCCC03', { vehicle: 'cooperative', supplier: 'Acme Mobility', gpo: 'NCPA', gpoModel: 'public-gpo', leadAgency: undefined, categories: ['goods'] });
const registry: FormRegistry = { contracts: [KW, ENDED, COOP], today: '2026-11-28' };

describe('the contracts a section offers', () => {
  it('lists the active contracts of the method\'s vehicle; "Find" narrows by supplier, scope or number', () => {
    expect(sectionChoices(registry, 'piggyback', '', '').listed.map((c) => c.id)).toEqual([KW.id]);
    expect(sectionChoices(registry, 'cooperative', '', '').listed.map((c) => c.id)).toEqual([COOP.id]);
    expect(sectionChoices(registry, 'piggyback', 'wi-fi', '').listed).toHaveLength(1);
    expect(sectionChoices(registry, 'piggyback', 'plows', '')).toEqual({ listed: [], more: 0, total: 1 });
    expect(sectionChoices(registry, 'state-contract', '', '').total).toBe(0);
  });

  it('always lists the chosen contract, even one that has ended or that the search leaves out', () => {
    expect(sectionChoices(registry, 'piggyback', '', ENDED.id).listed.map((c) => c.id)).toEqual([ENDED.id, KW.id]);
    expect(sectionChoices(registry, 'piggyback', 'plows', KW.id).listed.map((c) => c.id)).toEqual([KW.id]);
  });

  it('caps a long list and says how many more match', () => {
    const many = Array.from({ length: MAX_LISTED_CONTRACTS + 3 }, (_, i) => contract(`01JCCCCCCCCCCCCCCCCCCCCD${String(i).padStart(2, '0')}`));
    const choices = sectionChoices({ contracts: many, today: '2026-11-28' }, 'piggyback', '', '');
    expect(choices.listed).toHaveLength(MAX_LISTED_CONTRACTS);
    expect(choices.more).toBe(3);
  });
});

describe('what the form sends', () => {
  const filled = () => readRequestForm({
    policy: 'sample-city', title: 'Wi-Fi', amount: '4000', category: 'technology', vendor: 'Harborline', fundingSource: 'local', method: 'piggyback',
    'piggyback.leadAgency': 'City of Key West', 'piggyback.competitivelyBid': 'yes', 'piggyback.contractNumber': 'typed',
    'piggyback.contractId': KW.id, 'piggyback.contractSearch': 'key west',
  });

  it('a picked contract is sent as its id alone: the typed answers and the search words stay on the page', () => {
    const { body } = requestBodyFromForm(filled(), { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' }, 'Public Works');
    expect(body.method).toEqual({ type: 'piggyback', contractId: KW.id });
    expect(registeredMethodBody(filled())).toEqual({ type: 'piggyback', contractId: KW.id });
    expect(chosenContract(filled(), registry)).toBe(KW);
  });

  it('"Not in the registry" sends the typed facts as before', () => {
    const form = filled();
    form.sections.piggyback.contractId = '';
    const { body } = requestBodyFromForm(form, { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' }, 'Public Works');
    expect(body.method).toEqual({ type: 'piggyback', leadAgency: 'City of Key West', contractNumber: 'typed', competitivelyBid: true });
  });

  it('a contract picked in another method\'s section is not sent', () => {
    const form = filled();
    form.method = 'quotes';
    expect(registeredMethodBody(form)).toBeUndefined();
  });
});

describe('starting from a contract, and copying a request made under one', () => {
  it('"Use in a new request" chooses the method and the contract, and fills the vendor and a single category', () => {
    const [form, extra] = formForContract(registry, COOP.id, emptyForm('sample-city', 'AAAAAAAAAAAAAAAAAAAAAA'));
    expect(extra).toEqual({});
    expect(form).toMatchObject({ method: 'cooperative', vendor: 'Acme Mobility', category: 'goods' });
    expect(form.sections.cooperative.contractId).toBe(COOP.id);
    // Two categories: the person chooses.
    expect(withContract(emptyForm('p', 'k'), KW).category).toBe('');
  });

  it('an id the registry does not hold gives the empty form, 404, saying so', () => {
    const [form, extra] = formForContract(registry, 'nope', emptyForm('sample-city', 'k'));
    expect(form.method).toBe('');
    expect(extra.statusCode).toBe(404);
  });

  it('Copy and fix of a request under a contract picks the same contract', () => {
    const request = {
      policy: 'sample-city', title: 'Wi-Fi', department: 'Public Works', requester: { name: 'Ana Ruiz', email: 'a@x' }, category: 'technology',
      amountCents: 400_000, currency: 'USD', vendor: { name: 'Harborline' }, fundingSource: 'local', method: { type: 'piggyback', contractId: KW.id },
    } as unknown as PurchaseRequest;
    const form = formFromRequest(request, 'sample-city', 'k');
    expect(form.method).toBe('piggyback');
    expect(form.sections.piggyback.contractId).toBe(KW.id);
  });
});

describe('the form page with the registry', () => {
  const view = (values = withContract(emptyForm('sample-city', 'AAAAAAAAAAAAAAAAAAAAAA'), KW), overrides: Partial<RequestFormView> = {}): RequestFormView => ({
    viewer: { name: 'Ana Ruiz', email: 'ana.ruiz@city.example', roles: ['requester'], via: 'bearer' }, base: '/prod',
    requester: { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' }, department: 'Public Works',
    policies: [{ id: 'sample-city', name: 'Sample City' }], values, registry, ...overrides,
  });

  it('shows the chosen contract checked, with its verified facts, term and scope; the questions sit apart to be hidden', () => {
    const body = renderRequestForm(view()).body;
    expect(body).toMatch(new RegExp(`id="f-piggyback-contractId" name="piggyback.contractId" value="${KW.id}" checked`));
    expect(body).toContain('Awarded through a formal competitive process: <strong>yes</strong> <span class="muted">verified by Jordan Blake on 2026-10-02</span>');
    expect(body).toContain('<dt>Term</dt><dd>2026-01-01 to 2027-12-31</dd>');
    expect(body).toMatch(/<div class="rfc-typed">[\s\S]*name="piggyback.competitivelyBid"/);
    expect(body).toContain('<button type="submit" name="action" value="find-contract" class="rf-secondary">Find</button>');
    expect(scriptFreeProblems(withoutDocumentsScript(body))).toEqual([]);
  });

  it('marks an ended contract that was chosen, and puts routing\'s error beside the choice', () => {
    const values = withContract(emptyForm('sample-city', 'k'), ENDED);
    const body = renderRequestForm(view(values, {
      errors: [{ field: 'method.contractId', message: 'contract ends 2021-01-01, before 2026-12-01' }],
    })).body;
    expect(body).toContain('<strong class="bad">Ended</strong>');
    expect(body).toContain('<p class="field-error" id="f-piggyback-contractId-error"><span class="rf-visually-hidden">Error: </span>contract ends 2021-01-01, before 2026-12-01</p>');
    expect(body).toContain('<a href="#f-piggyback-contractId">Piggyback on another agency’s contract: Registered contract: contract ends');
  });

  it('escapes what the registry holds', () => {
    const hostile = contract('01JCCCCCCCCCCCCCCCCCCCCC09', { supplier: HOSTILE, scope: HOSTILE });
    const body = renderRequestForm(view(withContract(emptyForm('p', 'k'), hostile), { registry: { contracts: [hostile], today: '2026-11-28' } })).body;
    expect(body).not.toContain(HOSTILE);
    expect(scriptFreeProblems(withoutDocumentsScript(body))).toEqual([]);
  });

  it('with no matching contract says so and keeps "Not in the registry" as the choice', () => {
    const values = emptyForm('sample-city', 'k');
    values.method = 'piggyback';
    values.sections.piggyback.contractSearch = 'plows';
    const body = renderRequestForm(view(values)).body;
    expect(body).toContain('No registered contract matches “plows”');
    expect(body).toMatch(/class="rfc-unregistered" id="f-piggyback-contractId" name="piggyback.contractId" value="" checked/);
  });
});

describe('the approval page of a request naming an unregistered contract', () => {
  it('offers purchasing the one step to add it to the registry, behind the same stage prefix; other requests have no such link', () => {
    const flagged = aView({
      formAction: '/prod/approvals/abc',
      request: aRequest({ id: '01JDDDDDDDDDDDDDDDDDDDDD01', flags: [{ type: 'contract-unverified', detail: 'contract KW-1 is not in the registry' }] }),
    });
    expect(renderApprovalPage(flagged).body).toContain('<a href="/prod/contracts/new?from=01JDDDDDDDDDDDDDDDDDDDDD01">Purchasing: add this contract to the registry</a>');
    expect(renderApprovalPage(aView({ request: aRequest({ flags: [] }) })).body).not.toContain('/contracts/new');
  });
});
