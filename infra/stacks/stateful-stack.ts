/**
 * What must outlive a redeploy: the four tables (built from `TABLES`, the same data the local
 * stack uses for its CreateTable calls) and the link-signing secret. Kept apart from the stateless
 * stack so functions, the state machine and the API can be replaced or torn down freely.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLES, type TableDefinition, type TableKey } from '../../lambdas/shared/tables';
import type { StageConfig } from '../config';
import { DocumentsBucket, originOfUrl } from '../constructs/documents-bucket';
import { PeopleUserPool } from '../constructs/user-pool';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * Physical table name: fixed per stage, so the stateless stack and operators can name a table
 * without a cross-stack export (and cdk-nag findings name it predictably). A fixed name also means
 * a key change can never silently replace a table: it has to be a deliberate migration.
 */
export const physicalTableName = (stage: string, d: TableDefinition): string => `purchase-approval-${stage}-${d.id}`;

export class StatefulStack extends Stack {
  readonly tables: Readonly<Record<TableKey, dynamodb.Table>>;
  /** Literal physical names, for the stateless stack and the operator. */
  readonly tableNames: Readonly<Record<TableKey, string>>;
  readonly linkSecret: secretsmanager.ISecret;
  /** Who may sign in (people outlive any redeploy of the app). */
  readonly people: PeopleUserPool;
  /** Uploaded documents (quotes, contracts, memos): records of the agency, kept like the tables. */
  readonly documents: DocumentsBucket;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    const tables = {} as Record<TableKey, dynamodb.Table>;
    for (const [key, definition] of Object.entries(TABLES) as Array<[TableKey, TableDefinition]>) {
      const table = buildTable(this, definition, physicalTableName(config.stage, definition), config.deletionProtection);
      tables[key] = table;
      new CfnOutput(this, `${definition.id}TableName`, { value: table.tableName });
    }
    this.tables = Object.freeze(tables);
    this.tableNames = Object.freeze(
      Object.fromEntries(
        (Object.entries(TABLES) as Array<[TableKey, TableDefinition]>).map(([key, d]) => [key, physicalTableName(config.stage, d)]),
      ) as Record<TableKey, string>,
    );

    // Signs the per-page anti-forgery values of approval forms. Generated, never seen by a person.
    const secret = new secretsmanager.Secret(this, 'LinkSigningSecret', {
      description: `Link-signing key of the purchase approval router (${config.stage})`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: config.removalPolicy,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key only signs anti-forgery values of approval pages, which live as long as one page view; rotating it needs no ' +
        'coordinated credential change and is done by `aws secretsmanager put-secret-value` (open forms re-render on the next GET). ' +
        'A rotation Lambda would add code and permissions without protecting anything more.',
    });
    this.linkSecret = secret;
    new CfnOutput(this, 'LinkSecretArn', { value: secret.secretArn });

    this.documents = new DocumentsBucket(this, 'Documents', {
      stage: config.stage,
      removalPolicy: config.removalPolicy,
      ...(config.publicBaseUrl ? { appOrigin: originOfUrl(config.publicBaseUrl) } : {}),
    });
    new CfnOutput(this, 'DocumentsBucketName', { value: this.documents.bucket.bucketName });

    // The pages' app client (callback and sign-out URLs on the API's URL) is in the app stack.
    this.people = new PeopleUserPool(this, 'People', {
      stage: config.stage,
      removalPolicy: config.removalPolicy,
      deletionProtection: config.deletionProtection,
      ...(config.policyFile ? { ownPolicies: [JSON.parse(config.policyFile.json)] } : {}),
    });
  }
}

/** A table with the product's non-negotiables: on demand, PITR, AWS-managed encryption, RETAIN. */
function buildTable(scope: Construct, d: TableDefinition, tableName: string, deletionProtection: boolean): dynamodb.Table {
  const attr = (a: { name: string; type: 'S' | 'N' }): dynamodb.Attribute => ({
    name: a.name,
    type: a.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  });
  const table = new dynamodb.Table(scope, d.id, {
    tableName,
    partitionKey: attr(d.partitionKey),
    ...(d.sortKey ? { sortKey: attr(d.sortKey) } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    // Requests, decisions and the audit trail are records of the agency: never dropped by a stack change.
    removalPolicy: RemovalPolicy.RETAIN,
    ...(d.timeToLiveAttribute ? { timeToLiveAttribute: d.timeToLiveAttribute } : {}),
  });
  for (const index of d.globalIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: attr(index.partitionKey),
      ...(index.sortKey ? { sortKey: attr(index.sortKey) } : {}),
      projectionType: index.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY
        : index.projection === 'INCLUDE' ? dynamodb.ProjectionType.INCLUDE : dynamodb.ProjectionType.ALL,
      ...(index.projection === 'INCLUDE' ? { nonKeyAttributes: index.nonKeyAttributes ?? [] } : {}),
    });
  }
  return table;
}
