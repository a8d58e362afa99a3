/**
 * The smallest honest S3: exactly the REST calls the documents adapter makes (PutObject, also by
 * presigned URL; GetObject, also presigned, with `response-content-*` overrides; HeadObject;
 * CopyObject; DeleteObject), path-style, one bucket, on 127.0.0.1, objects on disk under
 * `<dataDir>/objects`. It verifies every Signature Version 4 the way S3 does, header or query
 * string, so a presigned upload whose Content-Type or Content-Length differs from what was signed
 * is refused (403 SignatureDoesNotMatch) and nothing is stored. That is the point of having it:
 * s3rver 3.7.1 (unmaintained) accepts any signature, so the limits a presigned URL carries would
 * go untested here. Anything else (multipart, aws-chunked bodies, other checksums, bucket
 * calls) is answered 501 NotImplemented, never silently half-done.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { closeServer, listenOnLoopback, LOOPBACK } from './net';

export interface LocalObjectStore {
  endpoint: string;
  port: number;
  bucket: string;
  region: string;
  /** The one key pair this server accepts; made fresh at each start, never written anywhere. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export interface ObjectStoreOptions {
  dataDir: string;
  bucket: string;
  region: string;
  /** @default 0 (a free port) */
  port?: number;
  /** Bodies above this are refused (EntityTooLarge). @default 32 MiB */
  maxObjectBytes?: number;
  /**
   * The one origin whose pages may PUT here from a browser (the app's, `http://127.0.0.1:3000`),
   * as the bucket's CORS rule on AWS allows (infra/constructs/documents-bucket.ts). @default none
   */
  allowedOrigin?: string;
}

interface StoredMeta { key: string; contentType: string; size: number; etag: string; lastModified: string }

class S3Error extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `20261128T115631Z` → epoch ms. */
const amzDateMs = (value: string): number => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw new S3Error(403, 'AccessDenied', 'X-Amz-Date is not a valid ISO 8601 basic date-time');
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
};

interface Signed { credential: string; amzDate: string; signedHeaders: string[]; signature: string; payloadHash: string; presigned: boolean }

/** The SigV4 parts of a request, from its Authorization header or its query string. */
const signatureOf = (request: IncomingMessage, query: URLSearchParams): Signed => {
  const authorization = request.headers.authorization;
  if (authorization) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization.trim());
    if (!m) throw new S3Error(400, 'AuthorizationHeaderMalformed', 'the Authorization header is not AWS4-HMAC-SHA256');
    const amzDate = String(request.headers['x-amz-date'] ?? '');
    if (Math.abs(Date.now() - amzDateMs(amzDate)) > MAX_CLOCK_SKEW_MS) throw new S3Error(403, 'RequestTimeTooSkewed', 'the request time is too far from the server time');
    const payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
    if (!payloadHash) throw new S3Error(400, 'InvalidRequest', 'missing x-amz-content-sha256');
    return { credential: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]!, amzDate, payloadHash, presigned: false };
  }
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw new S3Error(403, 'AccessDenied', 'the request is not signed');
  const amzDate = query.get('X-Amz-Date') ?? '';
  const expires = Number(query.get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_SECONDS) throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be 1 to 604800 seconds');
  const start = amzDateMs(amzDate);
  if (Date.now() > start + expires * 1000) throw new S3Error(403, 'AccessDenied', 'Request has expired');
  if (Date.now() < start - MAX_CLOCK_SKEW_MS) throw new S3Error(403, 'AccessDenied', 'Request is not yet valid');
  return {
    credential: query.get('X-Amz-Credential') ?? '',
    amzDate,
    signedHeaders: (query.get('X-Amz-SignedHeaders') ?? '').split(';'),
    signature: query.get('X-Amz-Signature') ?? '',
    payloadHash: query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
    presigned: true,
  };
};

const headerValue = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');
};

/** Recomputes the signature with the server's secret; throws unless it matches. */
const verifySignature = (request: IncomingMessage, url: URL, signed: Signed, credentials: LocalObjectStore['credentials'], region: string): void => {
  const [accessKeyId, date, scopeRegion, service, terminator] = signed.credential.split('/');
  if (accessKeyId !== credentials.accessKeyId) throw new S3Error(403, 'InvalidAccessKeyId', 'the access key id is not known here');
  if (scopeRegion !== region || service !== 's3' || terminator !== 'aws4_request' || date !== signed.amzDate.slice(0, 8)) {
    throw new S3Error(403, 'SignatureDoesNotMatch', 'the credential scope is wrong');
  }
  if (!signed.signedHeaders.includes('host')) throw new S3Error(403, 'AccessDenied', 'the host header must be signed');
  const query = [...url.searchParams.entries()]
    .filter(([key]) => !(signed.presigned && key === 'X-Amz-Signature'))
    .map(([key, value]) => [encode(key), encode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalUri = url.pathname.split('/').map((segment) => encode(decodeURIComponent(segment))).join('/');
  const canonicalHeaders = signed.signedHeaders.map((name) => `${name}:${headerValue(request, name)}\n`).join('');
  const canonicalRequest = [request.method, canonicalUri, query, canonicalHeaders, signed.signedHeaders.join(';'), signed.payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', signed.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region), 's3'), 'aws4_request');
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign).digest('hex'));
  const given = Buffer.from(signed.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
  }
};

const readAll = async (request: IncomingMessage, limit: number): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
};

/** The one checksum the SDK may put on a request; any other is refused rather than ignored. */
const checkChecksums = (request: IncomingMessage, query: URLSearchParams, body: Buffer): void => {
  const names = new Set([...Object.keys(request.headers), ...query.keys()].map((k) => k.toLowerCase()).filter((k) => k.startsWith('x-amz-checksum-')));
  for (const name of names) {
    if (name !== 'x-amz-checksum-crc32') throw new S3Error(501, 'NotImplemented', `${name} is not supported by the local object store`);
    const given = String(request.headers[name] ?? query.get(name) ?? query.get('x-amz-checksum-crc32') ?? '');
    const actual = Buffer.alloc(4);
    actual.writeUInt32BE(crc32(body));
    if (given !== actual.toString('base64')) throw new S3Error(400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum');
  }
};

const xml = (response: ServerResponse, status: number, body: string) => {
  response.writeHead(status, { 'Content-Type': 'application/xml' });
  response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
};

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** What a browser may send cross-origin, as the bucket's CORS rule says: a PUT with the headers the upload URL signs. */
export const CORS_METHODS = ['PUT'] as const;
export const CORS_HEADERS = ['content-type'] as const;
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * A CORS preflight as S3 answers it: allowed only for the configured origin, method and headers
 * (then 200 with the Access-Control-* headers), otherwise 403 with no Access-Control-* header, so
 * the browser does not send the real request. It carries no signature: the PUT that follows does.
 */
const answerPreflight = (request: IncomingMessage, response: ServerResponse, allowedOrigin: string | undefined): void => {
  const origin = headerValue(request, 'origin');
  const method = headerValue(request, 'access-control-request-method');
  const asked = headerValue(request, 'access-control-request-headers').toLowerCase().split(',').map((h) => h.trim()).filter(Boolean);
  const allowed = allowedOrigin !== undefined && origin === allowedOrigin
    && (CORS_METHODS as readonly string[]).includes(method)
    && asked.every((h) => (CORS_HEADERS as readonly string[]).includes(h));
  if (!allowed) {
    xml(response, 403, '<Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed.</Message></Error>');
    return;
  }
  response.writeHead(200, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': CORS_METHODS.join(', '),
    ...(asked.length > 0 ? { 'Access-Control-Allow-Headers': asked.join(', ') } : {}),
    'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    'Content-Length': '0',
  });
  response.end();
};

export async function startObjectStore(options: ObjectStoreOptions): Promise<LocalObjectStore> {
  const { bucket, region } = options;
  const maxBytes = options.maxObjectBytes ?? 32 * 1024 * 1024;
  const root = path.join(options.dataDir, 'objects', bucket);
  await mkdir(root, { recursive: true });
  const credentials = { accessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64') };

  // Keys become file names by hash, so no key (`../x`, `a//b`) can reach outside the bucket's folder.
  const fileOf = (key: string) => path.join(root, sha256Hex(key));
  const readMeta = async (key: string): Promise<StoredMeta | undefined> => {
    try {
      return JSON.parse(await readFile(`${fileOf(key)}.json`, 'utf8')) as StoredMeta;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const store = async (key: string, body: Buffer, contentType: string): Promise<StoredMeta> => {
    const meta: StoredMeta = { key, contentType, size: body.length, etag: `"${createHash('md5').update(body).digest('hex')}"`, lastModified: new Date().toUTCString() };
    const file = fileOf(key);
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(`${temporary}.bin`, body);
    await writeFile(`${temporary}.json`, JSON.stringify(meta));
    await rename(`${temporary}.bin`, `${file}.bin`);
    await rename(`${temporary}.json`, `${file}.json`);
    return meta;
  };
  const objectHeaders = (meta: StoredMeta) => ({
    'Content-Type': meta.contentType, 'Content-Length': String(meta.size), ETag: meta.etag, 'Last-Modified': meta.lastModified, 'Accept-Ranges': 'none',
  });
  const noSuchKey = (key: string) => new S3Error(404, 'NoSuchKey', `The specified key does not exist: ${key}`);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method === 'OPTIONS') return answerPreflight(request, response, options.allowedOrigin);
    // The allowed origin may read the answer (and the ETag) of what it sent; any other origin gets no CORS header.
    response.setHeader('Vary', 'Origin');
    if (options.allowedOrigin !== undefined && headerValue(request, 'origin') === options.allowedOrigin) {
      response.setHeader('Access-Control-Allow-Origin', options.allowedOrigin);
      response.setHeader('Access-Control-Expose-Headers', 'ETag');
    }
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? LOOPBACK}`);
    const [, bucketName, ...rest] = url.pathname.split('/').map((s) => decodeURIComponent(s));
    const key = rest.join('/');
    const signed = signatureOf(request, url.searchParams);
    verifySignature(request, url, signed, credentials, region);
    if (bucketName !== bucket) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (!key) throw new S3Error(501, 'NotImplemented', 'bucket-level calls are not supported by the local object store');
    if ([...url.searchParams.keys()].some((k) => ['uploads', 'uploadId', 'partNumber', 'tagging', 'acl'].includes(k))) {
      throw new S3Error(501, 'NotImplemented', 'only whole-object PUT, GET, HEAD, copy and delete are supported by the local object store');
    }

    switch (request.method) {
      case 'PUT': {
        if (signed.payloadHash.startsWith('STREAMING-')) throw new S3Error(501, 'NotImplemented', 'aws-chunked bodies are not supported by the local object store');
        const body = await readAll(request, maxBytes);
        if (/^[0-9a-f]{64}$/.test(signed.payloadHash) && sha256Hex(body) !== signed.payloadHash) {
          throw new S3Error(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed');
        }
        checkChecksums(request, url.searchParams, body);
        const copySource = request.headers['x-amz-copy-source'];
        if (copySource) {
          const source = decodeURIComponent(String(copySource)).replace(/^\//, '');
          const [sourceBucket, ...sourceKey] = source.split('/');
          if (sourceBucket !== bucket) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
          const meta = await readMeta(sourceKey.join('/'));
          if (!meta) throw noSuchKey(sourceKey.join('/'));
          const copied = await store(key, await readFile(`${fileOf(meta.key)}.bin`), meta.contentType);
          xml(response, 200, `<CopyObjectResult><ETag>${escapeXml(copied.etag)}</ETag><LastModified>${new Date(copied.lastModified).toISOString()}</LastModified></CopyObjectResult>`);
          return;
        }
        const meta = await store(key, body, String(request.headers['content-type'] ?? 'binary/octet-stream'));
        response.writeHead(200, { ETag: meta.etag, 'Content-Length': '0' });
        response.end();
        return;
      }
      case 'GET':
      case 'HEAD': {
        const meta = await readMeta(key);
        if (!meta) {
          if (request.method === 'HEAD') { response.writeHead(404); response.end(); return; }
          throw noSuchKey(key);
        }
        const headers: Record<string, string> = objectHeaders(meta);
        const overrides: Record<string, string> = {
          'response-content-type': 'Content-Type', 'response-content-disposition': 'Content-Disposition', 'response-cache-control': 'Cache-Control',
        };
        for (const [parameter, name] of Object.entries(overrides)) {
          const value = url.searchParams.get(parameter);
          if (value !== null) headers[name] = value;
        }
        response.writeHead(200, headers);
        if (request.method === 'HEAD') { response.end(); return; }
        createReadStream(`${fileOf(key)}.bin`).pipe(response);
        return;
      }
      case 'DELETE':
        await rm(`${fileOf(key)}.bin`, { force: true });
        await rm(`${fileOf(key)}.json`, { force: true });
        response.writeHead(204);
        response.end();
        return;
      default:
        throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource');
    }
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const e = error instanceof S3Error ? error : new S3Error(500, 'InternalError', 'We encountered an internal error');
      // Drain what the client is still sending, so it reads the answer instead of a reset connection.
      request.resume();
      if (response.headersSent) { response.destroy(); return; }
      if (request.method === 'HEAD') { response.writeHead(e.status); response.end(); return; }
      xml(response, e.status, `<Error><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message></Error>`);
    });
  });
  const port = await listenOnLoopback(server, options.port ?? 0, 'object store (S3)');
  return { endpoint: `http://${LOOPBACK}:${port}`, port, bucket, region, credentials, stop: () => closeServer(server) };
}
