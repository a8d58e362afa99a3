/**
 * The contracts registry (API Gateway proxy): POST /contracts and PUT /contracts/{id} (purchasing
 * only), GET /contracts (search) and GET /contracts/{id} (with spend and requests) for everyone
 * signed in. A browser (Accept: text/html, no application/json) gets the pages; anyone else JSON.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  contractDetail, contractQuery, createContract, searchRegistry, updateContract, type ContractDeps,
} from '../app/contracts';

import { utcDate } from '../domain/dates';
import { centsToDollars } from '../domain/money';
import { renderContractPage, renderContractsPage } from '../presentation/contracts';
import { authenticatedApi } from '../shared/authenticated';
import { authenticatedPage, type PageDeps } from '../shared/authenticated-page';
import { basePath, errorJson, header, json, jsonBody, wantsJson } from '../shared/http';
import type { ContractRecord } from '../store/contracts-table';

/** The ports this handler uses; composed by lambdas/functions/contracts.ts on AWS and by the local stack. */
export type HandlerDeps = ContractDeps & PageDeps;

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
    if (event.resource === '/contracts') {
      const query = contractQuery(event.queryStringParameters ?? {});
      return renderContractsPage({ viewer, base, query, today, contracts: await searchRegistry(deps, query) });
    }
    const { contract, audit } = await contractDetail(deps, event.pathParameters?.id ?? '');
    return renderContractPage({ viewer, base, contract, today, auditVerified: audit.verified, auditEvents: audit.events.length });
  });
  return async (event: APIGatewayProxyEvent) => (wantsPage(event) ? page(event) : api(event));
};
