/**
 * The documentation page and the ApiDocs handler: the page lists every operation of the document
 * with its parameters, body and answers; it is escaped by construction, holds no script and loads
 * nothing, and its one stylesheet is the one the CSP allows by hash.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { buildOpenApiDocument } from '../../../lambdas/app/openapi';
import { makeHandler } from '../../../lambdas/handlers/api-docs';

const handler = makeHandler();
import { renderApiDocsPage } from '../../../lambdas/presentation/api-docs';

const doc = buildOpenApiDocument();
const page = renderApiDocsPage(doc);

const event = (resource: string, stage = ''): APIGatewayProxyEvent =>
  ({ httpMethod: 'GET', resource, path: resource, headers: {}, requestContext: { path: `${stage}${resource}` } }) as unknown as APIGatewayProxyEvent;

describe('API documentation page', () => {
  it('lists every operation with an anchor, and links the JSON document', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(page.body).toContain(`id="op-${op.operationId as string}"`);
        expect(page.body).toContain(`<span class="method">${method.toUpperCase()}</span> <code>${path}</code>`);
      }
    }
    expect(page.body).toContain('<a href="openapi.json">');
  });

  it('shows the fields of the request body, the example and each status', () => {
    const submit = page.body.slice(page.body.indexOf('id="op-postRequests"'), page.body.indexOf('id="op-getRequests"'));
    expect(submit).toContain('<a href="#schema-PurchaseRequest">PurchaseRequest</a>');
    expect(submit).toContain('&quot;title&quot;: &quot;Handheld ticket writers&quot;');
    for (const status of ['202', '400', '401', '403', '413', '415', '422']) expect(submit).toContain(`<dt>${status}</dt>`);
    expect(submit).toContain('<code>Idempotency-Key</code> <span class="type">header, string, optional</span>');
    expect(submit).toContain('<a href="#schema-Error">Error</a> with code <code>idempotency_key_reused</code>');
    const schema = page.body.slice(page.body.indexOf('id="schema-PurchaseRequest"'));
    expect(schema).toMatch(/<code>fundingSource<\/code> <span class="type">string, required<\/span> — one of: local, state, federal/);
    expect(schema).toContain('<code>type: &quot;sole-source&quot;</code>');
  });

  it('says who may call each route', () => {
    const section = (id: string) => page.body.slice(page.body.indexOf(`id="${id}"`)).split('</section>')[0]!;
    expect(section('op-getRequests')).toContain('Access: Signed in: Authorization: Bearer');
    expect(section('op-getHealth')).toContain('Access: Public');
    expect(section('op-getApprovalsApprovalId')).toContain('Access: The emailed approval link');
  });

  it('holds no script, loads nothing, and its stylesheet is the one the CSP allows', () => {
    expect(page.body).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|<[^>]*\son\w+=/i);
    const css = /<style>([\s\S]*?)<\/style>/.exec(page.body)![1]!;
    const hash = createHash('sha256').update(css, 'utf8').digest('base64');
    expect(page.headers['Content-Security-Policy']).toContain(`style-src 'sha256-${hash}'`);
    expect(page.headers['Content-Security-Policy']).toMatch(/default-src 'none'.*form-action 'none'/);
    expect(page.body).toMatch(/^<!doctype html>\n<html lang="en">/);
  });

  it('escapes whatever the document says', () => {
    const hostile = structuredClone(doc);
    (hostile.paths['/health']!.get as Record<string, unknown>).summary = '<script>alert(1)</script>';
    const body = renderApiDocsPage(hostile).body;
    expect(body).not.toContain('<script>alert(1)</script>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('ApiDocs handler', () => {
  it('GET /openapi.json answers the document, its server the stage prefix', async () => {
    const response = await handler(event('/openapi.json', '/prod'));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(response.body);
    expect(body.openapi).toBe(doc.openapi);
    expect(body.servers).toEqual([{ url: '/prod' }]);
    expect(Object.keys(body.paths)).toEqual(Object.keys(doc.paths));
  });

  it('GET /docs answers the page', async () => {
    const response = await handler(event('/docs'));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('Purchase approval router — API');
  });

  it('any other route is a JSON 404', async () => {
    const response = await handler(event('/elsewhere'));
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });
});
