/**
 * The local object store answers a browser's CORS preflight as the documents bucket's rule does
 * on AWS (infra/constructs/documents-bucket.ts): the configured app origin may PUT with the header
 * an upload URL signs; any other origin, method or header is refused with no Access-Control-*
 * header, so the browser never sends the upload. A signed PUT from the allowed origin carries the
 * header that lets the page read the answer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig, s3DocumentStore } from '../../lambdas/adapters/documents';
import { startObjectStore, type LocalObjectStore } from '../../local/object-store';

const APP = 'http://127.0.0.1:3000';
let store: LocalObjectStore;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'object-store-cors-'));
  store = await startObjectStore({ dataDir, bucket: 'documents', region: 'us-east-1', allowedOrigin: APP });
});
afterAll(async () => {
  await store?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const preflight = (headers: Record<string, string>) => fetch(`${store.endpoint}/documents/uploads/X`, { method: 'OPTIONS', headers });

test('the app’s origin may PUT with Content-Type: the preflight says so', async () => {
  const answer = await preflight({ Origin: APP, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' });
  expect(answer.status).toBe(200);
  expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
  expect(answer.headers.get('access-control-allow-methods')).toBe('PUT');
  expect(answer.headers.get('access-control-allow-headers')).toBe('content-type');
});

test.each([
  ['another origin', { Origin: 'http://127.0.0.1:3001', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' }],
  ['a look-alike origin', { Origin: 'http://127.0.0.1:30000', 'Access-Control-Request-Method': 'PUT' }],
  ['no origin', { 'Access-Control-Request-Method': 'PUT' }],
  ['GET', { Origin: APP, 'Access-Control-Request-Method': 'GET' }],
  ['DELETE', { Origin: APP, 'Access-Control-Request-Method': 'DELETE' }],
  ['a header the URL does not sign', { Origin: APP, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type,x-amz-acl' }],
])('refused: %s', async (_case, headers) => {
  const answer = await preflight(headers);
  expect(answer.status).toBe(403);
  expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  expect(await answer.text()).toContain('CORSResponse');
});

test('a presigned PUT from the app’s origin is stored and readable by the page; another origin gets no CORS header', async () => {
  const s3 = new S3Client(s3ClientConfig({ endpoint: store.endpoint, region: store.region, forcePathStyle: true, credentials: store.credentials }));
  const documents = s3DocumentStore(s3, store.bucket);
  const bytes = Buffer.from('%PDF-1.4\n% quote\n%%EOF\n');
  const url = await documents.presignUpload('uploads/ONE', { contentType: 'application/pdf', contentLength: bytes.length }, 60);
  const fromApp = await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/pdf', Origin: APP }, body: bytes });
  expect(fromApp.status).toBe(200);
  expect(fromApp.headers.get('access-control-allow-origin')).toBe(APP);
  expect(fromApp.headers.get('vary')).toBe('Origin');
  expect(await documents.exists('uploads/ONE')).toBe(true);

  const url2 = await documents.presignUpload('uploads/TWO', { contentType: 'application/pdf', contentLength: bytes.length }, 60);
  const fromElsewhere = await fetch(url2, { method: 'PUT', headers: { 'Content-Type': 'application/pdf', Origin: 'https://elsewhere.example' }, body: bytes });
  expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
  s3.destroy();
});
