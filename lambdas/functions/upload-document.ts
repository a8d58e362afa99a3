/** UploadDocument on AWS (the bundle entry lambdas/catalog.ts names): S3 (the documents bucket). */
import { awsDocumentStore } from '../adapters/documents';
import { makeHandler } from '../handlers/upload-document';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('UploadDocument', { documents: awsDocumentStore }));
