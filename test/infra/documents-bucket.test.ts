/**
 * The documents bucket as it deploys: private (every public-access block), encrypted, TLS only,
 * versioned and retained, unreferenced uploads expiring; and
 * each function the catalog grants `documents` gets DOCUMENTS_BUCKET and exactly its S3 actions.
 */
import { FUNCTIONS } from '../../lambdas/catalog';
import { UNREFERENCED_UPLOAD_DAYS } from '../../infra/constructs/documents-bucket';
import { asArray, functionLogicalId, PROD_CONTEXT, resourcesOf, statementsOf, synth } from './helpers';

const s = synth();
const bucketId = s.stateful.getLogicalId(s.stateful.documents.bucket.node.defaultChild as any);
const buckets = resourcesOf(s.data, 'AWS::S3::Bucket');
const bucket = buckets[bucketId]!;

describe('the documents bucket', () => {
  it('blocks every kind of public access and encrypts at rest', () => {
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
  });

  it('refuses plain HTTP and TLS below 1.2 in its bucket policy', () => {
    const policy = Object.values(resourcesOf(s.data, 'AWS::S3::BucketPolicy')).find((p) => p.Properties.Bucket.Ref === bucketId)!;
    const denies = (policy.Properties.PolicyDocument.Statement as any[]).filter((st) => st.Effect === 'Deny');
    expect(denies).toEqual(expect.arrayContaining([
      expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({ Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
    ]));
  });

  it('is versioned and retained in production', () => {
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('expires uploads nobody referenced, and only those', () => {
    const rules = bucket.Properties.LifecycleConfiguration.Rules as any[];
    const expiring = rules.filter((r) => r.ExpirationInDays !== undefined);
    expect(expiring).toEqual([expect.objectContaining({ Prefix: 'uploads/', ExpirationInDays: UNREFERENCED_UPLOAD_DAYS, Status: 'Enabled' })]);
  });
});

describe('S3 grants follow the catalog', () => {
  const granted = FUNCTIONS.filter((f) => f.documents);
  it('some functions are granted the bucket, not all', () => {
    expect(granted.map((f) => f.id).sort()).toEqual(['ApprovalPage', 'ReadRequests', 'RequestForm', 'SubmitRequest', 'UploadDocument']);
  });

  it.each(FUNCTIONS.map((f) => [f.id, f.documents ?? 'none'] as const))('%s: %s', (id, access) => {
    const s3Actions = statementsOf(s, id).flatMap((st) => asArray(st.Action)).filter((a: string) => a.startsWith('s3:')).sort();
    const expected = { none: [], read: ['s3:GetObject', 's3:ListBucket'], readWrite: ['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'] }[access];
    expect(s3Actions).toEqual(expected);
    const env = resourcesOf(s.stack, 'AWS::Lambda::Function')[functionLogicalId(s, id)]!.Properties.Environment?.Variables ?? {};
    expect('DOCUMENTS_BUCKET' in env).toBe(access !== 'none');
  });
});

describe('browser uploads (CORS)', () => {
  const corsOf = (b: any) => b.Properties.CorsConfiguration.CorsRules as any[];

  it('lets only the app’s origin PUT, with the one header an upload URL signs', () => {
    const withDomain = synth({ ...PROD_CONTEXT, publicBaseUrl: 'https://purchasing.city.example/app/' });
    const id = withDomain.stateful.getLogicalId(withDomain.stateful.documents.bucket.node.defaultChild as any);
    expect(corsOf(resourcesOf(withDomain.data, 'AWS::S3::Bucket')[id]!)).toEqual([{
      Id: 'UploadsFromTheAppPages',
      AllowedOrigins: ['https://purchasing.city.example'],
      AllowedMethods: ['PUT'],
      AllowedHeaders: ['Content-Type'],
      ExposedHeaders: ['ETag'],
      MaxAge: 600,
    }]);
  });

  it('without a custom domain, allows the API’s default URLs of this region only, and never GET or DELETE', () => {
    const [rule] = corsOf(bucket);
    expect(JSON.stringify(rule.AllowedOrigins)).toMatch(/https:\/\/\*\.execute-api\./);
    expect(JSON.stringify(rule.AllowedOrigins)).not.toContain('"*"');
    expect(rule.AllowedMethods).toEqual(['PUT']);
  });
});
