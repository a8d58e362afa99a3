/**
 * The contracts registry (API Gateway proxy): POST /contracts and PUT /contracts/{id} (purchasing
 * only), GET /contracts (search) and GET /contracts/{id} (with spend and requests) for everyone
 * signed in. A browser (Accept: text/html, no application/json) gets the pages; anyone else JSON.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { contractBodyFromForm, emptyContractForm, readContractForm } from '../app/contract-form';
import {
  contractDetail, contractFormFor, contractQuery, createContract, requirePurchasing, requireRegistryReader, searchRegistry, updateContract, type ContractDeps,
} from '../app/contracts';
import type { Deps } from '../app/deps';
import { isWellFormedRequestId } from '../app/tokens';

import { utcDate } from '../domain/dates';
import { centsToDollars } from '../domain/money';
import { renderContractForm } from '../presentation/contract-form';
import { renderContractPage, renderContractsPage } from '../presentation/contracts';
import { authenticatedApi } from '../shared/authenticated';
import { authenticatedPage, requireFormToken, type PageDeps, type Viewer } from '../shared/authenticated-page';
import { RequestValidationError } from '../shared/errors';
import { basePath, errorJson, formBody, header, json, jsonBody, wantsJson } from '../shared/http';
import type { ContractRecord } from '../store/contracts-table';

/**
 * The ports this handler uses; composed by lambdas/functions/contracts.ts on AWS and by the local
 * stack. The requests table is read only to fill the register form from a request.
 */
export type HandlerDeps = ContractDeps & PageDeps & Pick<Deps, 'requests'>;

/** The API shape of a contract: dollars, the spend with it. */
export const contractJson = (c: ContractRecord, base: string) => {
  const { ceilingCents, spentCents, uses, auditHead: _head, ...rest } = c;
  return {
    ...rest,
    ...(ceilingCents !== undefined ? { ceiling: centsToDollars(ceilingCents) } : {}),
    spend: centsToDollars(spentCents),
    requests: Object.values(uses).map((u) => ({ ...u, amount: centsToDollars(u.amountCents), amountCents: undefined, link: `${base}/requests/${u.requestId}` })),
    links: { self: `${base}/contracts/${c.id}` },
  };
};

const wantsPage = (event: APIGatewayProxyEvent): boolean =>
  event.httpMethod === 'GET' && !wantsJson(event) && (header(event, 'accept') ?? '').toLowerCase().includes('text/html');

export const makeHandler = (deps: HandlerDeps) => {
  const api = authenticatedApi(deps, async (event, principal): Promise<APIGatewayProxyResult> => {
    const base = basePath(event);
    if (event.httpMethod === 'GET') requireRegistryReader(principal);
    const id = event.pathParameters?.id ?? '';
    switch (`${event.httpMethod} ${event.resource}`) {
      case 'POST /contracts': {
        const created = await createContract(deps, jsonBody(event), principal);
        return json(201, contractJson(created, base), { Location: `${base}/contracts/${created.id}` });
      }
      case 'PUT /contracts/{id}':
        return json(200, contractJson(await updateContract(deps, id, jsonBody(event), principal), base));
      case 'GET /contracts': {
        const found = await searchRegistry(deps, contractQuery(event.queryStringParameters ?? {}));
        return json(200, { items: found.map((c) => contractJson(c, base)) });
      }
      case 'GET /contracts/{id}': {
        const { contract, audit } = await contractDetail(deps, id);
        return json(200, { ...contractJson(contract, base), audit: { verified: audit.verified, events: audit.events.length } });
      }
      default:
        return errorJson('not_found', 'no such route');
    }
  });
  const page = authenticatedPage(deps, async (event, viewer) => {
    const base = basePath(event);
    const today = utcDate(deps.clock());
    if (event.resource === '/contracts/new') return event.httpMethod === 'POST' ? registerFromForm(event, viewer, base) : showRegisterForm(event, viewer, base);
    requireRegistryReader(viewer);
    if (event.resource === '/contracts') {
      const query = contractQuery(event.queryStringParameters ?? {});
      return renderContractsPage({ viewer, base, query, today, contracts: await searchRegistry(deps, query) });
    }
    const { contract, audit } = await contractDetail(deps, event.pathParameters?.id ?? '');
    return renderContractPage({ viewer, base, contract, today, auditVerified: audit.verified, auditEvents: audit.events.length });
  });
  /** GET /contracts/new: the register form, empty or filled in from a request (`?from=`). */
  const showRegisterForm = async (event: APIGatewayProxyEvent, viewer: Viewer, base: string) => {
    requirePurchasing(viewer);
    const from = event.queryStringParameters?.from;
    if (from === undefined) return renderContractForm({ viewer, base, values: emptyContractForm() });
    const { record, values } = await contractFormFor(deps, from, viewer);
    const link = { label: record.number ?? record.id, href: `${base}/requests/${record.id}` };
    if (!values) {
      return renderContractForm({ viewer, base, values: emptyContractForm(), from: link, message: 'That request names no unregistered contract: nothing to fill in from it.' });
    }
    return renderContractForm({ viewer, base, values, from: link });
  };

  /** POST /contracts/new: register through the same use case as POST /contracts, then 303 to the contract. */
  const registerFromForm = async (event: APIGatewayProxyEvent, viewer: Viewer, base: string) => {
    requirePurchasing(viewer);
    const fields = formBody(event);
    requireFormToken(viewer, fields);
    const values = readContractForm(fields);
    const from = values.fromRequest ? await fromLink(values.fromRequest, base) : undefined;
    const { body, problems } = contractBodyFromForm(values);
    try {
      if (problems.length > 0) throw new RequestValidationError(problems);
      const created = await createContract(deps, body, viewer);
      return { statusCode: 303, headers: { Location: `${base}/contracts/${created.id}`, 'Cache-Control': 'no-store' }, body: '' };
    } catch (error) {
      if (error instanceof RequestValidationError) return renderContractForm({ viewer, base, values, errors: error.fields, ...(from ? { from } : {}) });
      throw error;
    }
  };

  /** The request a register form came from, for the page's link back (none if it is not there). */
  const fromLink = async (id: string, base: string) => {
    const record = isWellFormedRequestId(id) ? await deps.requests.get(id) : undefined;
    return record ? { label: record.number ?? record.id, href: `${base}/requests/${record.id}` } : undefined;
  };

  // The register form is a page whatever the Accept header (its POST is a form post, not JSON).
  return async (event: APIGatewayProxyEvent) => (wantsPage(event) || event.resource === '/contracts/new' ? page(event) : api(event));
};
