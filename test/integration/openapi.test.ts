/**
 * The API description as the running local stack serves it: GET /openapi.json is public, valid
 * OpenAPI 3.1 by a real validator, and names every route the stack serves; GET /docs is the page.
 * Then the stack is held to the document: what it answers (errors included) is a status the
 * document lists for that route, in the documented error shape.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { catalogRoutes } from '../../lambdas/app/openapi';
import { HTTP_STATUS, type ErrorCode } from '../../lambdas/shared/error-codes';
import { startHarness, type ApiResponse, type Harness } from './support/harness';

let h: Harness;
let doc: Record<string, any>;

beforeAll(async () => {
  h = await startHarness();
  const response = await h.api.call('GET', '/openapi.json');
  expect(response.status).toBe(200);
  doc = response.body;
}, 60_000);
afterAll(async () => { await h?.close(); });

/** The live answer is one the document lists for the route; an error is in the documented shape. */
const expectDocumented = (method: string, path: string, response: ApiResponse) => {
  const documented = doc.paths[path][method.toLowerCase()].responses[String(response.status)];
  expect([`${method} ${path}`, response.status, documented !== undefined]).toEqual([`${method} ${path}`, response.status, true]);
  if (response.status >= 400 && typeof response.body === 'object') {
    const code = response.body.error.code as ErrorCode;
    expect(HTTP_STATUS[code]).toBe(response.status);
    expect(documented.content['application/json'].schema.properties.error.properties.code.enum).toContain(code);
  }
};

describe('GET /openapi.json on the local stack', () => {
  it('is served without a token, as JSON, and is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('names every route the stack serves', () => {
    for (const route of catalogRoutes()) expect(doc.paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
  });

  it('GET /docs is the readable page, linking the document', async () => {
    const response = await h.api.call('GET', '/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.text).toContain('<a href="openapi.json">');
    expect(response.text).toContain('<code>/requests/{id}/cancel</code>');
  });

  it('the stack answers as documented: health, a refused body, an unknown request, a closed link', async () => {
    expectDocumented('GET', '/health', await h.api.call('GET', '/health'));
    expectDocumented('POST', '/requests', await h.api.call('POST', '/requests', 'title=x', { 'content-type': 'text/plain' }));
    expectDocumented('POST', '/routing/preview', await h.api.call('POST', '/routing/preview', { title: 'no policy' }));
    expectDocumented('GET', '/requests/{id}', await h.api.call('GET', '/requests/01JXQ7Z3KX4M2Y8N6P0R5T9V1W'));
    expectDocumented('GET', '/approvals/{approvalId}', await h.api.call('GET', '/approvals/not-a-real-link'));
  });
});
