/**
 * The OpenAPI document: valid OpenAPI 3.1 by a real validator, one operation per catalog route
 * (no more, no fewer), the auth of each route, the error statuses each route answers with (from
 * the one code-to-status table), examples that the contract itself accepts, and the request
 * schema generated from the same zod source as the API Gateway model.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { z } from 'zod';
import { errorBody, type requestListItem as listItemShape, type submitted } from '../../../lambdas/app/api-shapes';
import { parseContract } from '../../../lambdas/domain/contracts';
import { buildOpenApiDocument, catalogRoutes, describedRoutes, MAX_IDEMPOTENCY_KEY } from '../../../lambdas/app/openapi';
import { validateIdempotencyKey } from '../../../lambdas/app/submit';
import type { requestListItem } from '../../../lambdas/app/views';
import { parsePurchaseRequest } from '../../../lambdas/domain/schema';
import { HTTP_STATUS, type ErrorCode } from '../../../lambdas/shared/error-codes';
import { PURCHASE_REQUEST_MODEL } from '../../../infra/request-models';
import example from '../../fixtures/requests/formal-cooperative.json';

// Compile-time: what the handlers answer is what the document says they answer.
type Documents<S extends z.ZodType, T extends z.output<S>> = T;
export type ListItemIsDocumented = Documents<typeof listItemShape, ReturnType<typeof requestListItem>>;
export type SubmittedIsDocumented = Documents<typeof submitted, { id: string; number: string | null; status: 'SUBMITTED'; created: boolean; links: { self: string; audit: string; cancel: string } }>;

type Json = Record<string, any>;
const doc = buildOpenApiDocument();
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op: op as Json })));
const op = (key: string): Json => operations.find((o) => o.key === key)!.op;
const statuses = (key: string) => Object.keys(op(key).responses).map(Number);

const PUBLIC = ['GET /health', 'GET /openapi.json', 'GET /docs', 'GET /sign-in', 'POST /sign-in', 'GET /auth/callback', 'POST /sign-out'];
const APPROVAL_LINKS = ['GET /approvals/{approvalId}', 'POST /approvals/{approvalId}'];

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.1 (swagger-parser validates against the official 3.1 schema and resolves every $ref)', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('the validator does refuse a broken document (so the check above can fail)', async () => {
    const broken = structuredClone(doc) as Json;
    delete broken.paths['/requests'].post.responses;
    broken.paths['/health'].get.security = 'none';
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow(/responses|security/);
  });

  it('describes every catalog route once, and nothing else', () => {
    const catalog = catalogRoutes().map((r) => `${r.method} ${r.path}`).sort();
    expect(operations.map((o) => o.key).sort()).toEqual(catalog);
    expect(describedRoutes().sort()).toEqual(catalog);
    expect(catalog).toEqual(expect.arrayContaining(['GET /openapi.json', 'GET /docs', 'POST /requests']));
    expect(new Set(operations.map((o) => o.op.operationId)).size).toBe(operations.length);
  });

  it('every route has a summary, a tag and a success answer', () => {
    for (const { key, op: o } of operations) {
      expect([key, typeof o.summary, o.tags?.length]).toEqual([key, 'string', 1]);
      // A success is a 2xx, or the 303 of a page that sends the browser on (sign-in, GET /waiting/{requestId}/{index}).
      expect(Object.keys(o.responses).some((s) => s.startsWith('2') || s === '303')).toBe(true);
    }
  });

  it('JSON routes need the bearer token; health, the description and approval links do not', () => {
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
    for (const { key, op: o } of operations) {
      if ([...PUBLIC, ...APPROVAL_LINKS].includes(key)) {
        expect([key, o.security]).toEqual([key, []]);
        expect(o.responses['401']).toBeUndefined();
      } else {
        expect([key, o.security]).toEqual([key, undefined]);
        expect(o.responses['401'].headers['WWW-Authenticate']).toBeDefined();
        // Signed-in pages answer a bad token with a page; the JSON routes with the error JSON.
        const page = o.tags?.includes('Pages') || (o.responses['200']?.content['text/html'] && !o.responses['200'].content['application/json']);
        if (page) {
          expect(o.responses['401'].content['text/html']).toBeDefined();
          continue;
        }
        expect(o.responses['401'].content['application/json'].example.error.code).toBe('unauthorized');
      }
    }
  });

  it.each([
    ['POST /requests', [202, 400, 401, 403, 413, 415, 422, 500]],
    ['GET /requests', [200, 400, 401, 403, 500]],
    ['GET /requests/{id}', [200, 401, 403, 404, 500]],
    ['GET /requests/{id}/audit', [200, 400, 401, 403, 404, 500]],
    ['POST /routing/preview', [200, 400, 401, 403, 413, 415, 500]],
    ['POST /requests/{id}/cancel', [200, 400, 401, 403, 404, 409, 413, 415, 500]],
    ['POST /requests/{id}/resend-notification', [200, 401, 403, 404, 409, 500, 503]],
    ['GET /approvals/{approvalId}', [200, 403, 404, 409, 410, 500]],
    ['POST /approvals/{approvalId}', [200, 400, 403, 404, 409, 410, 413, 415, 500]],
    ['GET /health', [200]],
    ['GET /contracts', [200, 400, 401, 500]],
    ['POST /contracts', [201, 400, 401, 403, 413, 415, 500]],
    ['GET /contracts/{id}', [200, 401, 404, 500]],
    ['PUT /contracts/{id}', [200, 400, 401, 403, 404, 409, 413, 415, 500]],
  ] as const)('%s answers %j', (key, expected) => {
    expect(statuses(key)).toEqual(expected);
  });

  it('the contract routes carry the registry schemas, and the documented contract is one the parser accepts', () => {
    const post = operations.find((o) => o.key === 'POST /contracts')!.op;
    expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Contract' });
    expect(parseContract(post.requestBody.content['application/json'].example).ok).toBe(true);
    expect(doc.components.schemas.Contract.required).toEqual(expect.arrayContaining(['vehicle', 'number', 'supplier', 'categories', 'termStart', 'termEnd']));
    expect(operations.find((o) => o.key === 'GET /contracts')!.op.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ContractList' });
    const method = (doc.components.schemas.PurchaseRequest as Json).properties.method;
    expect(method.anyOf ?? method.oneOf).toEqual(
      expect.arrayContaining([expect.objectContaining({ properties: expect.objectContaining({ contractId: expect.anything() }) })]),
    );
  });

  it('each error answer is the error model, its codes exactly those the one table maps to that status, with a conforming example', () => {
    for (const { key, op: o } of operations) {
      for (const [status, response] of Object.entries(o.responses as Record<string, Json>)) {
        const media = response.content?.['application/json'];
        if (Number(status) < 400 || !media) continue;
        const codes: ErrorCode[] = media.schema.properties.error.properties.code.enum;
        expect([key, status, codes.every((c) => HTTP_STATUS[c] === Number(status))]).toEqual([key, status, true]);
        expect(media.schema.required).toEqual(['error']);
        expect(errorBody(codes).safeParse(media.example).success).toBe(true);
      }
    }
  });

  it('approval pages answer errors as pages; the decision POST as JSON too when asked', () => {
    expect(Object.keys(op('GET /approvals/{approvalId}').responses['410'].content)).toEqual(['text/html']);
    expect(Object.keys(op('POST /approvals/{approvalId}').responses['409'].content).sort()).toEqual(['application/json', 'text/html']);
    expect(Object.keys(op('POST /approvals/{approvalId}').requestBody.content)).toEqual(['application/x-www-form-urlencoded', 'application/json']);
  });

  it('the request example is the fixture the tests submit, and the contract accepts it', () => {
    for (const key of ['POST /requests', 'POST /routing/preview']) {
      const media = op(key).requestBody.content['application/json'];
      expect(media.schema).toEqual({ $ref: '#/components/schemas/PurchaseRequest' });
      expect(media.example).toEqual(example);
      expect(parsePurchaseRequest(media.example).ok).toBe(true);
    }
  });

  it('the 400 example is what the parser really answers for a bad amount and category', () => {
    const fields = op('POST /requests').responses['400'].content['application/json'].example.error.fields.map((f: Json) => f.field);
    expect(fields.sort()).toEqual(['amount', 'category']);
  });

  it('the request schema comes from the same zod source as the API Gateway model', () => {
    const schema = doc.components.schemas.PurchaseRequest as Json;
    const model = PURCHASE_REQUEST_MODEL as Json;
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(model.properties).sort());
    expect(schema.required).toEqual(model.required);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.category.enum).toEqual(model.properties.category.enum);
    expect(schema.properties.title.maxLength).toBe(200);
    expect(schema.$schema).toBeUndefined();
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('the documented Idempotency-Key limit is the one submission enforces', () => {
    const parameter = op('POST /requests').parameters.find((p: Json) => p.name === 'Idempotency-Key');
    expect(parameter.schema.maxLength).toBe(MAX_IDEMPOTENCY_KEY);
    expect(validateIdempotencyKey('k'.repeat(MAX_IDEMPOTENCY_KEY))).toBe('k'.repeat(MAX_IDEMPOTENCY_KEY));
    expect(() => validateIdempotencyKey('k'.repeat(MAX_IDEMPOTENCY_KEY + 1))).toThrow();
  });

  it('query parameters and headers are optional, path parameters required', () => {
    for (const { key, op: o } of operations) {
      for (const p of (o.parameters ?? []) as Json[]) expect([key, p.name, p.required]).toEqual([key, p.name, p.in === 'path']);
    }
    expect(op('GET /requests').parameters.map((p: Json) => p.name)).toEqual(['status', 'department', 'limit', 'cursor']);
  });

  it('names the server it is served from (the stage prefix behind API Gateway)', () => {
    expect(buildOpenApiDocument({ serverUrl: '/prod' }).servers).toEqual([{ url: '/prod' }]);
    expect(doc.servers).toEqual([{ url: '/' }]);
  });
});
