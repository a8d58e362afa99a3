/**
 * The documents bucket: uploaded quotes, contracts and memos, private and kept. Block all public
 * access, S3-managed encryption, TLS only (1.2 or later), versioned (a kept document cannot be
 * silently replaced or lost), retained when the stack goes. Uploads nobody referenced
 * (`uploads/`, and the server's declarations beside them) expire after two days; what a submitted
 * request references was copied under `documents/` and stays.
 *
 * `grantDocuments` gives a function DOCUMENTS_BUCKET and exactly the S3 actions its catalog grant needs:
 * `read` GetObject (also what HeadObject and presigned GETs are authorized as) and ListBucket (so a
 * missing key is a 404, not a 403); `readWrite` adds PutObject (declarations, verified copies,
 * presigned uploads) and DeleteObject (a copy that failed verification).
 */
import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV, type Access } from '../../lambdas/catalog';

/** How long an upload nobody referenced is kept (its URL works for minutes; a request is submitted the same day). */
export const UNREFERENCED_UPLOAD_DAYS = 2;

export interface DocumentsBucketProps {
  readonly stage: string;
  readonly removalPolicy: RemovalPolicy;
  /**
   * The origin of the app's pages (the new-request form's script PUTs files here from a browser):
   * the only origin the bucket's CORS rule allows. Undefined: the API's default URL in this region.
   */
  readonly appOrigin?: string;
}

/** The origin of a base URL (`https://purchasing.city.gov/app/` → `https://purchasing.city.gov`). */
export const originOfUrl = (url: string): string => new URL(url).origin;

/**
 * What a browser may do cross-origin: PUT to a presigned upload URL with the one header it signs
 * besides the host (Content-Length is set by the browser, never asked in a preflight). Reading,
 * listing and deleting are never allowed from a page; downloads are navigations, not CORS.
 */
export const UPLOAD_CORS_HEADERS = ['Content-Type'] as const;

/**
 * The bucket's name, fixed per stage, account and region (bucket names are global), so the app
 * stack names it without a cross-stack export, as it names the tables.
 */
export const documentsBucketName = (stack: Stack, stage: string): string => `purchase-approval-${stage}-documents-${stack.account}-${stack.region}`;

/**
 * Without a custom domain the pages are served from the API's default URL, whose id the app stack
 * makes after this one: the rule names that host pattern in this account's region (one wildcard,
 * as S3 allows). Setting `publicBaseUrl` narrows it to exactly the app's origin.
 */
const defaultApiOrigin = (stack: Stack): string => `https://*.execute-api.${stack.region}.${stack.urlSuffix}`;

const ACTIONS: Record<Access, string[]> = {
  read: ['s3:GetObject'],
  readWrite: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
};

export class DocumentsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DocumentsBucketProps) {
    super(scope, id);
    const common = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: props.removalPolicy,
    } as const;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...common,
      bucketName: documentsBucketName(Stack.of(this), props.stage),
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      cors: [{
        id: 'UploadsFromTheAppPages',
        allowedOrigins: [props.appOrigin ?? defaultApiOrigin(Stack.of(this))],
        allowedMethods: [s3.HttpMethods.PUT],
        allowedHeaders: [...UPLOAD_CORS_HEADERS],
        exposedHeaders: ['ETag'],
        maxAge: 600,
      }],
      lifecycleRules: [
        {
          id: 'ExpireUnreferencedUploads',
          prefix: 'uploads/',
          expiration: Duration.days(UNREFERENCED_UPLOAD_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No object is reached except through the app: uploads and downloads use minutes-long URLs a function presigns for a ' +
        'signed-in person or an approval link, and each submitted document’s SHA-256 is on the request’s audit chain. An agency that wants every ' +
        'S3 call logged turns on CloudTrail data events for this bucket (account-wide trails are the agency’s).',
    });
  }
}

/** DOCUMENTS_BUCKET and the actions `access` needs, on the bucket's objects only. */
export function grantDocuments(grantee: iam.IGrantable & { addEnvironment(key: string, value: string): unknown }, bucket: s3.IBucket, access: Access): void {
  grantee.addEnvironment(ENV.documentsBucket, bucket.bucketName);
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: access === 'read' ? 'DocumentsRead' : 'DocumentsReadWrite',
    actions: ACTIONS[access],
    resources: [bucket.arnForObjects('*')],
  }));
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'DocumentsMissingIsNotFound',
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
  }));
}
