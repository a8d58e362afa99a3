/**
 * The tables are built from `TABLES` (the same data the local stack uses), and every one carries
 * the non-negotiables: on demand, PITR, deletion protection, RETAIN, AWS-managed encryption.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { TABLES, type TableDefinition } from '../../lambdas/shared/tables';
import { physicalTableName } from '../../infra/stacks/stateful-stack';
import { resourcesOf, synth } from './helpers';

const prod = synth();
const definitions = Object.values(TABLES) as TableDefinition[];

describe('stateful stack', () => {
  it('holds exactly one table per table definition', () => {
    const tables = Object.values(resourcesOf(prod.data, 'AWS::DynamoDB::Table'));
    expect(tables.map((t) => t.Properties.TableName).sort()).toEqual(definitions.map((d) => physicalTableName('prod', d)).sort());
  });

  it.each(definitions.map((d) => [d.id, d] as const))('%s: on demand, PITR, deletion protection, retained, AWS-managed key', (_id, d) => {
    const [table] = Object.values(resourcesOf(prod.data, 'AWS::DynamoDB::Table')).filter((t) => t.Properties.TableName === physicalTableName('prod', d));
    expect(table).toBeDefined();
    expect(table!.DeletionPolicy).toBe('Retain');
    expect(table!.UpdateReplacePolicy).toBe('Retain');
    expect(table!.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
    });
    expect(table!.Properties.SSESpecification.KMSMasterKeyId).toBeUndefined();
  });

  it.each(definitions.map((d) => [d.id, d] as const))('%s: keys, indexes (projection ALL) and TTL as defined', (_id, d) => {
    const keySchema = [{ AttributeName: d.partitionKey.name, KeyType: 'HASH' }, ...(d.sortKey ? [{ AttributeName: d.sortKey.name, KeyType: 'RANGE' }] : [])];
    prod.data.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: physicalTableName('prod', d),
      KeySchema: keySchema,
      GlobalSecondaryIndexes: d.globalIndexes.length
        ? d.globalIndexes.map((i) => Match.objectLike({ IndexName: i.name, Projection: { ProjectionType: 'projection' in i ? i.projection : 'ALL' } }))
        : Match.absent(),
      TimeToLiveSpecification: d.timeToLiveAttribute ? { AttributeName: d.timeToLiveAttribute, Enabled: true } : Match.absent(),
    });
  });

  it('keeps deletion protection configurable for dev only, and tables are retained there too', () => {
    const dev = synth({ stage: 'dev' });
    for (const t of Object.values(resourcesOf(dev.data, 'AWS::DynamoDB::Table'))) {
      expect(t.Properties.DeletionProtectionEnabled).toBe(false);
      expect(t.DeletionPolicy).toBe('Retain');
    }
  });

  it('generates the link-signing secret in Secrets Manager (retained outside dev)', () => {
    const secrets = Object.values(resourcesOf(prod.data, 'AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    expect(secrets[0]!.DeletionPolicy).toBe('Retain');
  });
});
