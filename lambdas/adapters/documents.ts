/**
 * The documents port: a private bucket, reached through the real S3 client (S3 on AWS, the local
 * object store under `npm start`). Uploads and downloads go straight between the browser (or
 * script) and the bucket by presigned URL; the functions only sign, inspect and stream.
 */
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface StoredObject { contentType: string | undefined; size: number | undefined; body: AsyncIterable<Uint8Array> }

export interface DocumentStore {
  /** A PUT URL whose signature covers Content-Type and Content-Length: another type or size is refused by the bucket. */
  presignUpload(key: string, object: { contentType: string; contentLength: number }, expiresInSeconds: number): Promise<string>;
  /** A GET URL answering with `Content-Disposition: attachment` (an uploaded page is never rendered inline). */
  presignDownload(key: string, object: { filename: string; contentType: string }, expiresInSeconds: number): Promise<string>;
  putJson(key: string, value: unknown): Promise<void>;
  getJson<T>(key: string): Promise<T | undefined>;
  exists(key: string): Promise<boolean>;
  copy(fromKey: string, toKey: string): Promise<void>;
  open(key: string): Promise<StoredObject | undefined>;
  remove(key: string): Promise<void>;
}

/**
 * The client settings every S3 client of this product uses. Checksums only where S3 requires
 * them: otherwise the presigner signs a CRC32 of the *empty* body into the upload URL, and S3
 * refuses the real upload with BadDigest.
 */
export const s3ClientConfig = (config: S3ClientConfig = {}): S3ClientConfig => ({
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  ...config,
});

const isMissing = (error: unknown) =>
  error instanceof NoSuchKey || error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;

/** RFC 6266: a plain-ASCII fallback name and the exact UTF-8 name. */
export const attachmentDisposition = (filename: string): string => {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
};

export const s3DocumentStore = (client: S3Client, bucket: string): DocumentStore => ({
  presignUpload: (key, object, expiresIn) =>
    getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: object.contentType, ContentLength: object.contentLength }), {
      expiresIn,
      signableHeaders: new Set(['content-type', 'content-length']),
    }),
  presignDownload: (key, object, expiresIn) =>
    getSignedUrl(client, new GetObjectCommand({
      Bucket: bucket, Key: key, ResponseContentDisposition: attachmentDisposition(object.filename), ResponseContentType: object.contentType,
    }), { expiresIn }),
  putJson: async (key, value) => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json' }));
  },
  getJson: async <T>(key: string) => {
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return JSON.parse(await object.Body!.transformToString('utf8')) as T;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },
  exists: async (key) => {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  },
  copy: async (fromKey, toKey) => {
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: toKey, CopySource: `${bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}` }));
  },
  open: async (key) => {
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { contentType: object.ContentType, size: object.ContentLength, body: object.Body as AsyncIterable<Uint8Array> };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },
  remove: async (key) => {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  },
});

/** The bucket on AWS (DOCUMENTS_BUCKET); the region and credentials come from the function's environment. */
export const awsDocumentStore = (bucket: string): DocumentStore => s3DocumentStore(new S3Client(s3ClientConfig()), bucket);
