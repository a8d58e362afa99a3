/**
 * The one place that decides how a product function is built and run (as Powertools' `examples/app`
 * does): Node.js 22 on arm64, a minified CommonJS bundle made by the local esbuild with source maps
 * and class names kept (infra/bundling.ts, shared with `npm run bench`), the AWS SDK bundled in, X-Ray, its own log group with the stage's retention, and a role that may
 * write only to that log group. `bindTable` gives a function a table's env var and grant together,
 * so the two can never disagree, and the grant holds only the actions the store code sends.
 */
import * as path from 'node:path';
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Access } from '../../lambdas/catalog';
import type { TableDefinition } from '../../lambdas/shared/tables';
import { LAMBDA_BUNDLE } from '../bundling';

/** Repository root: entries in the catalog are relative to it. */
export const REPO_ROOT = path.join(__dirname, '..', '..');

/** Service name shared by every function's logger (Powertools `POWERTOOLS_SERVICE_NAME`). */
export const SERVICE_NAME = 'purchase-approval-router';

/**
 * The DynamoDB actions the store code sends (lambdas/store: GetCommand, QueryCommand, PutCommand,
 * UpdateCommand, nothing else): no Scan, no batch calls, no DeleteItem, no DescribeTable, no
 * streams. A store that starts sending another command adds its action here, and the IAM test
 * checks the grants against this list.
 */
export const TABLE_ACTIONS: Readonly<Record<Access, readonly string[]>> = {
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  readWrite: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
};

export interface AppFunctionProps {
  /** Handler file relative to the repository root; the export is always `handler`. */
  readonly entry: string;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 512 (CPU scales with memory; 512 MB keeps cold starts of the bundled SDK short) */
  readonly memorySize?: number;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** @default 'INFO' */
  readonly logLevel?: string;
  readonly description?: string;
  readonly environment?: Record<string, string>;
}

/** The shared esbuild options (infra/bundling.ts) in the construct's terms, field by field. */
export const lambdaBundling = (options: typeof LAMBDA_BUNDLE = LAMBDA_BUNDLE): nodejs.BundlingOptions => ({
  format: options.format === 'cjs' ? nodejs.OutputFormat.CJS : nodejs.OutputFormat.ESM,
  // `bundle: true, platform: 'node'` is what the construct always does.
  target: options.target,
  mainFields: [...options.mainFields],
  minify: options.minify,
  keepNames: options.keepNames,
  sourceMap: options.sourcemap,
  sourcesContent: options.sourcesContent,
  bundleAwsSDK: true,
  externalModules: [...options.external],
  esbuildArgs: Object.fromEntries(Object.entries(options.alias).map(([module, file]) => [`--alias:${module}`, file])),
  forceDockerBundling: false,
  logLevel: nodejs.LogLevel.WARNING,
});

export class AppFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    // Created in the parent scope because `this` does not exist before super().
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole (logs:* on every log group in the account).
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${id} function`,
    });

    super(scope, id, {
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      ...(props.description ? { description: props.description } : {}),
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        ...props.environment,
      },
      bundling: lambdaBundling(),
    });
    logGroup.grantWrite(role);

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: it is the runtime the local stack, CI and the bundles (esbuild target node22) are ' +
        'tested on. Moving to a newer runtime is a deliberate change with its own test run, not an automatic one.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only xray:PutTraceSegments and xray:PutTelemetryRecords, added by active tracing: X-Ray has no resource-level ' +
        'permissions, so AWS requires Resource "*" for them.',
    });
  }

  /**
   * The table's env var and the matching grant in one call: exactly the actions of `TABLE_ACTIONS`
   * on the table, and Query alone on its global secondary indexes (the only call made on an index).
   */
  bindTable(definition: TableDefinition, table: dynamodb.ITable, access: Access): this {
    this.addEnvironment(definition.envVar, table.tableName);
    this.addToRolePolicy(new iam.PolicyStatement({
      sid: `${definition.id}Table${access === 'read' ? 'Read' : 'ReadWrite'}`,
      actions: [...TABLE_ACTIONS[access]],
      resources: [table.tableArn],
    }));
    if (definition.globalIndexes.length > 0) {
      this.addToRolePolicy(new iam.PolicyStatement({
        sid: `${definition.id}IndexQuery`,
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/*`],
      }));
    }
    return this;
  }
}
