/**
 * Everything that can be replaced without losing data: one function per catalog entry, the
 * purchase-approval state machine from the shared ASL file, the REST API from the catalog routes,
 * and the alarms. Nothing here is listed by hand: functions, grants, env vars, routes and ASL
 * substitutions all come from `lambdas/catalog.ts`, `lambdas/shared/tables.ts` and
 * `statemachines/placeholders.ts`.
 */
import * as path from 'node:path';
import { ArnFormat, Aws, CfnOutput, CrossStackReferences, Duration, Fn, ReferenceStrength, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { MAIL_CONFIGURATION_ERROR_MESSAGE } from '../../lambdas/adapters/mail-errors';
import { API_RESOURCE_SERVER_ID, WebSignInClient } from '../constructs/user-pool';
import { type Access, ENV, FUNCTIONS, type FunctionSpec, usesSessions, verifiesTokens } from '../../lambdas/catalog';
import { CORS_ORIGINS_ENV } from '../../lambdas/shared/cors';
import { TABLES, type TableDefinition, type TableKey } from '../../lambdas/shared/tables';
import { ASL_FUNCTION_PLACEHOLDERS } from '../../statemachines/placeholders';
import type { StageConfig } from '../config';
import { documentsBucketName, grantDocuments } from '../constructs/documents-bucket';
import { AppFunction } from '../constructs/app-function';
import { PolicyLayer } from '../constructs/policy-layer';
import { PURCHASE_REQUEST_MODEL } from '../request-models';

export const ASL_FILE = path.join(__dirname, '..', '..', 'statemachines', 'purchase-approval.asl.json');

/**
 * Routes whose JSON body is described by the purchase request model. The model documents the
 * body (it is in the API's export) but API Gateway does not validate it: the handler does, with
 * the zod schema, and answers `{ error: { code: 'validation_failed', message, fields: [...] } }`
 * naming every bad field. A gateway validator could only answer one string for the first problem
 * (`$context.error.validationErrorString`), never the field list, so clients would have to parse
 * two formats for the same mistake.
 */
export const MODELLED_BODY_ROUTES: ReadonlySet<string> = new Set(['POST /requests', 'POST /routing/preview']);

/** Routes that are not part of the JSON API: same-origin HTML pages and the health check. */
const isJsonApiRoute = (path: string): boolean => !path.startsWith('/approvals') && path !== '/health';

/**
 * The warnings the use cases log when an email could not be delivered (alongside the
 * `notification-failed` audit event): `lambdas/app/checkpoints.ts` for approval emails,
 * `lambdas/app/lifecycle.ts` for outcome emails. The metric filter matches these messages exactly;
 * test/infra/alarms.test.ts fails if the code stops logging one of them.
 */
export const NOTIFICATION_FAILED_LOG_MESSAGES = ['approval email could not be delivered', 'outcome email could not be delivered'] as const;

/** Namespace of the metrics the stack derives from function logs. */
export const metricNamespace = (stage: string): string => `PurchaseApprovalRouter/${stage}`;

/** Alarm names are fixed (`purchase-approval-<stage>-<id>`) so the topic and key policies can name them. */
export const alarmName = (stage: string, id: string): string => `purchase-approval-${stage}-${id}`;

export interface StatelessStackProps extends StackProps {
  readonly config: StageConfig;
  /** Physical names of the stateful stack's tables (literal strings, not cross-stack tokens). */
  readonly tableNames: Readonly<Record<TableKey, string>>;
  readonly linkSecret: secretsmanager.ISecret;
  /** The OpenID issuer whose access tokens the JSON API accepts (the Cognito user pool's). */
  readonly tokenIssuer: string;
  /** The Cognito user pool people sign in to, and its hosted UI's logout endpoint. */
  readonly people: { readonly userPoolId: string; readonly signOutUrl: string };
}

export class StatelessStack extends Stack {
  readonly functions: ReadonlyMap<string, AppFunction>;
  readonly stateMachine: sfn.StateMachine;
  readonly api: apigw.RestApi;
  readonly alarmTopic: sns.Topic;
  /** The web pages' Cognito app client (authorization code + PKCE). */
  readonly webClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    // The one cross-stack reference (the secret ARN) stays an Export/Import, so the data stack
    // cannot be deleted while this stack still uses it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    // The state machine's name is fixed, so its ARN is known before it exists. Functions that
    // start or answer executions get that ARN (env + grants) without referencing the resource:
    // RequestApproval both answers executions and is invoked by the state machine, and a real
    // reference would make a cycle (machine → function → role policy → machine).
    const stateMachineName = `purchase-approval-${config.stage}`;
    const stateMachineRef = sfn.StateMachine.fromStateMachineArn(
      this,
      'StateMachineByName',
      this.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );

    // Tables by name: grants resolve to literal ARNs in this stack, no export/import pair to pin.
    const tables = {} as Record<TableKey, dynamodb.ITable>;
    for (const [key, definition] of Object.entries(TABLES) as Array<[TableKey, TableDefinition]>) {
      const tableName = props.tableNames[key];
      if (Token.isUnresolved(tableName)) throw new Error(`table name for ${key} must be a literal string`);
      tables[key] = dynamodb.Table.fromTableAttributes(this, `${definition.id}Table`, {
        tableName,
        grantIndexPermissions: definition.globalIndexes.length > 0,
      });
    }

    // The documents bucket by name too (infra/constructs/documents-bucket.ts).
    const documents = s3.Bucket.fromBucketName(this, 'DocumentsBucket', documentsBucketName(this, config.stage));

    const functions = new Map<string, AppFunction>();
    for (const spec of FUNCTIONS) {
      functions.set(spec.id, this.buildFunction(spec, config, tables, props.linkSecret, stateMachineRef, props.tokenIssuer, documents));
    }
    this.functions = functions;

    // Your own policy (-c policyFile=…), checked at synth: one layer, and POLICY_FILE in every function.
    if (config.policyFile) {
      const policy = new PolicyLayer(this, 'Policy', config.policyFile);
      for (const fn of functions.values()) {
        fn.addLayers(policy.layer);
        fn.addEnvironment(ENV.policyFile, policy.path);
      }
    }

    this.api = this.buildApi(config, functions);

    // The base URL is built from the RestApi id and the stage *name*, not from `api.url`: `api.url`
    // references the deployment stage, which depends on every method and so on the API-integrated
    // functions — a cycle for an API function that sends mail (ResendNotification).
    const publicBaseUrl = config.publicBaseUrl
      ?? `https://${this.api.restApiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${config.stage}/`;
    for (const spec of FUNCTIONS.filter((f) => f.sendsMail || usesSessions(f) || f.signsIn)) {
      functions.get(spec.id)!.addEnvironment(ENV.publicBaseUrl, publicBaseUrl);
    }

    // Browsers sign in at Cognito's hosted UI with the pages' app client; its callback and sign-out
    // URLs are this API's. Cognito access tokens carry the client id instead of an audience.
    this.webClient = new WebSignInClient(this, 'WebSignIn', {
      userPool: cognito.UserPool.fromUserPoolId(this, 'People', props.people.userPoolId),
      callbackUrls: [`${publicBaseUrl}auth/callback`],
      logoutUrls: [publicBaseUrl],
    }).client;
    for (const spec of FUNCTIONS) {
      const fn = functions.get(spec.id)!;
      if (verifiesTokens(spec)) fn.addEnvironment(ENV.tokenClientId, this.webClient.userPoolClientId);
      if (spec.signsIn) {
        fn.addEnvironment(ENV.signInClientId, this.webClient.userPoolClientId);
        fn.addEnvironment(ENV.signOutUrl, props.people.signOutUrl);
      }
    }

    this.stateMachine = this.buildStateMachine(config, stateMachineName, functions);

    // Scheduled functions (the reconciler of half-done submissions) run on EventBridge Scheduler.
    for (const spec of FUNCTIONS.filter((f) => f.kind === 'scheduled')) {
      const fn = functions.get(spec.id)!;
      const role = new iam.Role(this, `${spec.id}ScheduleRole`, { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') });
      new scheduler.Schedule(this, `${spec.id}Schedule`, {
        schedule: scheduler.ScheduleExpression.rate(Duration.minutes(spec.everyMinutes ?? 5)),
        target: new schedulerTargets.LambdaInvoke(fn, { role, retryAttempts: 0 }),
        description: `${spec.id} every ${spec.everyMinutes ?? 5} minutes — purchase approval router, ${config.stage}`,
      });
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResource(this, `${fn.functionArn}:*`)}]`,
        reason: `lambda:InvokeFunction on the versions of ${spec.id} only, added by the scheduler target's grant; the wildcard stands for the version qualifier of this one function.`,
      });
    }

    this.alarmTopic = this.buildAlarms(config, functions);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API, stage included' });
    new CfnOutput(this, 'PublicBaseUrl', { value: publicBaseUrl, description: 'Base URL used in approval links' });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  private buildFunction(
    spec: FunctionSpec,
    config: StageConfig,
    tables: Readonly<Record<TableKey, dynamodb.ITable>>,
    linkSecret: secretsmanager.ISecret,
    stateMachine: sfn.IStateMachine,
    tokenIssuer: string,
    documents: s3.IBucket,
  ): AppFunction {
    const fn = new AppFunction(this, spec.id, {
      entry: spec.entry,
      description: `${spec.id} (${spec.kind}) — purchase approval router, ${config.stage}`,
      // API Gateway gives up after 29 s; task functions may retry SDK calls a little longer.
      timeout: spec.kind === 'api' ? Duration.seconds(10) : Duration.seconds(30),
      logRetention: config.logRetention,
      logRemovalPolicy: config.removalPolicy,
      logLevel: config.logLevel,
    });

    for (const [key, access] of Object.entries(spec.tables) as Array<[TableKey, Access]>) {
      const definition: TableDefinition = TABLES[key];
      fn.bindTable(definition, tables[key], access);
      if (definition.globalIndexes.length > 0) {
        // grantReadData/grantReadWriteData add `<table>/index/*` when the table has indexes.
        Validations.of(fn.role!).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagResource(this, `${tables[key].tableArn}/index/*`)}]`,
          reason:
            `Query access to the global secondary indexes of the ${definition.id} table only ` +
            `(${definition.globalIndexes.map((i) => i.name).join(', ')}), added by the table grant; the wildcard stands ` +
            'for the index name inside this one table.',
        });
      }
    }

    if (spec.stateMachine === 'start') {
      fn.addEnvironment(ENV.stateMachineArn, stateMachine.stateMachineArn);
      stateMachine.grantStartExecution(fn);
    } else if (spec.stateMachine === 'respond') {
      fn.addEnvironment(ENV.stateMachineArn, stateMachine.stateMachineArn);
      // Success and failure only: no task sends heartbeats (grantTaskResponse would add SendTaskHeartbeat).
      fn.addToRolePolicy(new iam.PolicyStatement({
        sid: 'AnswerApprovalCallbacks',
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [stateMachine.stateMachineArn],
      }));
    }

    if (spec.sendsMail) {
      fn.addEnvironment(ENV.mailFrom, config.mailFrom);
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'SendAsTheVerifiedSender',
          // SES v2 SendEmail (what nodemailer's SES transport calls, raw MIME included) is
          // authorized as ses:SendEmail; ses:SendRawEmail is the v1 API, which nothing calls.
          actions: ['ses:SendEmail'],
          resources: config.mailIdentities.map((identity) => this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
        }),
      );
    }

    if (spec.kind === 'api' && config.corsOrigins.length > 0 && (spec.routes ?? []).some((r) => isJsonApiRoute(r.path))) {
      // lambdas/shared/cors.ts echoes a listed Origin on every JSON response (the preflight alone is not enough).
      fn.addEnvironment(CORS_ORIGINS_ENV, config.corsOrigins.join(','));
    }

    if (verifiesTokens(spec)) {
      // Bearer tokens are verified in the handler (jose): signature by the issuer's JWKS, issuer, audience, expiry.
      fn.addEnvironment(ENV.tokenIssuer, tokenIssuer);
      fn.addEnvironment(ENV.tokenAudience, API_RESOURCE_SERVER_ID);
      fn.addEnvironment(ENV.tokenJwksUrl, `${tokenIssuer}/.well-known/jwks.json`);
    }

    if (spec.linkSecret) {
      fn.addEnvironment(ENV.linkSecretArn, linkSecret.secretArn);
      // GetSecretValue only (grantRead adds DescribeSecret, which the code never calls).
      fn.addToRolePolicy(new iam.PolicyStatement({
        sid: 'ReadLinkSigningSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [linkSecret.secretArn],
      }));
    }
    if (spec.documents) {
      grantDocuments(fn, documents, spec.documents);
      Validations.of(fn.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResource(this, documents.arnForObjects('*'))}]`,
        reason: 'Object access in the documents bucket only (the catalog grant: GetObject, plus PutObject and DeleteObject for readWrite); keys are made per upload (ULIDs), so there is no fixed list of keys.',
      });
    }
    return fn;
  }

  private buildApi(config: StageConfig, functions: ReadonlyMap<string, AppFunction>): apigw.RestApi {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const api = new apigw.RestApi(this, 'Api', {
      restApiName: `purchase-approval-${config.stage}`,
      description: 'Purchase approval router: requests, routing preview, approval pages',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: config.manageApiGatewayAccountRole,
      deployOptions: {
        stageName: config.stage,
        throttlingRateLimit: config.throttle.rateLimit,
        throttlingBurstLimit: config.throttle.burstLimit,
        tracingEnabled: true,
        metricsEnabled: true,
        // Errors only, and never request/response bodies: bodies carry anti-forgery values.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        // resourcePath is the template (`/approvals/{approvalId}`), never the path itself: the
        // approval id is a credential and must not land in the access log.
        accessLogFormat: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: apigw.AccessLogField.contextRequestId(),
            requestTime: apigw.AccessLogField.contextRequestTime(),
            ip: apigw.AccessLogField.contextIdentitySourceIp(),
            userAgent: apigw.AccessLogField.contextIdentityUserAgent(),
            httpMethod: apigw.AccessLogField.contextHttpMethod(),
            resourcePath: apigw.AccessLogField.contextResourcePath(),
            status: apigw.AccessLogField.contextStatus(),
            responseLength: apigw.AccessLogField.contextResponseLength(),
            responseLatency: apigw.AccessLogField.contextResponseLatency(),
            integrationLatency: apigw.AccessLogField.contextIntegrationLatency(),
            errorType: apigw.AccessLogField.contextErrorResponseType(),
            xrayTraceId: apigw.AccessLogField.contextXrayTraceId(),
          }),
        ),
      },
    });
    if (config.manageApiGatewayAccountRole) {
      const role = api.node.findChild('CloudWatchRole');
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role API Gateway uses to write access and execution logs; AWS documents this managed policy for ' +
          'it and API Gateway creates the log groups itself, so their names are not known in advance.',
      });
    }

    api.addGatewayResponse('Throttled', {
      type: apigw.ResponseType.THROTTLED,
      templates: { 'application/json': '{"error":{"code":"too_many_requests","message":$context.error.messageString}}' },
    });

    const requestModel = new apigw.Model(this, 'PurchaseRequestModel', {
      restApi: api,
      contentType: 'application/json',
      modelName: 'PurchaseRequest',
      schema: PURCHASE_REQUEST_MODEL,
    });
    const corsResources = new Set<apigw.IResource>();
    for (const spec of FUNCTIONS) {
      if (spec.kind !== 'api') continue;
      const integration = new apigw.LambdaIntegration(functions.get(spec.id)!, { allowTestInvoke: false });
      for (const route of spec.routes ?? []) {
        const resource = api.root.resourceForPath(route.path);
        const options: apigw.MethodOptions = MODELLED_BODY_ROUTES.has(`${route.method} ${route.path}`)
          ? { requestModels: { 'application/json': requestModel } }
          : {};
        const method = resource.addMethod(route.method, integration, options);
        this.acknowledgePublic(method, route.path);
        // A HEAD on the approval page answers like GET (headers only); mail scanners send it.
        if (route.method === 'GET' && route.path.startsWith('/approvals/')) {
          this.acknowledgePublic(resource.addMethod('HEAD', integration), route.path);
        }
        if (isJsonApiRoute(route.path)) corsResources.add(resource);
      }
    }

    // CORS only for the JSON routes, and only when an origin is configured. The approval pages
    // are same-origin HTML forms: allowing cross-origin calls there would only widen forgery.
    if (config.corsOrigins.length > 0) {
      for (const resource of corsResources) {
        const options = resource.addCorsPreflight({
          allowOrigins: [...config.corsOrigins],
          allowMethods: ['GET', 'POST'],
          allowHeaders: ['Content-Type', 'Idempotency-Key'],
          maxAge: Duration.hours(1),
        });
        this.acknowledgePublic(options, resource.path);
      }
    }

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL by default: the stage is throttled, bodies are schema-validated, and a web ACL costs a fixed monthly fee ' +
        'most agencies using this will not need. Attach the agency\'s managed web ACL to the stage when policy requires one.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Request bodies are validated by the handlers against the zod schema, which names every bad field in the API error ' +
        'format; an API Gateway validator could only answer one unstructured string for the first problem. The request ' +
        'model stays attached to the body routes as documentation, and path parameters are checked by each handler.',
    });
    return api;
  }

  private acknowledgePublic(method: apigw.Method, routePath: string): void {
    const reason = routePath.startsWith('/approvals')
      ? 'Public by design: the approval page and decision are reached from an emailed link whose opaque random approval id ' +
        '(at least 128 bits, single checkpoint, expiring) is the credential, like a password-reset link; the decision POST ' +
        'also needs the per-page anti-forgery value. Approvers have no accounts to sign in with.'
      : 'The requester API carries no user pool in v1: it sits behind the agency network or gateway that calls it, is ' +
        'throttled and validated, and never exposes approval ids or task tokens. Add an authorizer here when exposing it publicly.';
    Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
    Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
  }

  private buildStateMachine(config: StageConfig, name: string, functions: ReadonlyMap<string, AppFunction>): sfn.StateMachine {
    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      // Vended-log group names for Step Functions must start with /aws/vendedlogs/ to keep the
      // resource policy small. The name ends with this stack's id (a UUID CloudFormation assigns on
      // every create), so a group retained by an earlier, destroyed stack never blocks a redeploy:
      // the new stack makes a new group and the old one keeps its history until its retention ends.
      logGroupName: `/aws/vendedlogs/states/${name}-${Fn.select(2, Fn.split('/', Aws.STACK_ID))}`,
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const definitionSubstitutions: Record<string, string> = {};
    for (const [placeholder, functionId] of Object.entries(ASL_FUNCTION_PLACEHOLDERS)) {
      const fn = functions.get(functionId);
      if (!fn) throw new Error(`ASL placeholder \${${placeholder}} names ${functionId}, which is not in the catalog`);
      definitionSubstitutions[placeholder] = fn.functionArn;
    }
    const machine = new sfn.StateMachine(this, 'PurchaseApproval', {
      stateMachineName: name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(ASL_FILE),
      definitionSubstitutions,
      tracingEnabled: true,
      // ALL events for the trail, but never inputs/outputs: they carry task tokens.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // Exactly the unqualified ARNs the definition names. (`grantInvoke` would also allow
    // `<arn>:*`, every version and alias, which the definition never uses.)
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'InvokeTaskFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: [...new Set(Object.values(definitionSubstitutions))],
      }),
    );
    Validations.of(machine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by Step Functions logging and tracing, both required: CloudWatch Logs vended-log delivery actions ' +
        '(logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, ' +
        'DescribeResourcePolicies, DescribeLogGroups) and X-Ray (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, ' +
        'GetSamplingTargets) do not support resource-level permissions, so AWS requires Resource "*".',
    });
    return machine;
  }

  private buildAlarms(config: StageConfig, functions: ReadonlyMap<string, AppFunction>): sns.Topic {
    // A customer managed key: CloudWatch cannot publish to a topic under the AWS managed SNS key.
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: `Encrypts the alarm topic of the purchase approval router (${config.stage})`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Purchase approval router alarms (${config.stage})`,
      masterKey: key,
      enforceSSL: true,
    });
    if (config.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    const notify = new actions.SnsAction(topic);

    const period = Duration.minutes(5);
    const alarmArns: string[] = [];
    const alarm = (id: string, metric: cloudwatch.IMetric, description: string, threshold = 1): void => {
      const name = alarmName(config.stage, id);
      alarmArns.push(this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));
      const a = new cloudwatch.Alarm(this, id, {
        alarmName: name,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(notify);
    };

    alarm('ExecutionsFailed', this.stateMachine.metricFailed({ period, statistic: 'Sum' }),
      'A purchase-approval execution failed: a request is stuck outside the normal outcomes. Check the execution history.');
    alarm('ExecutionsTimedOut', this.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
      'A purchase-approval execution timed out.');
    alarm('ExecutionsThrottled', this.stateMachine.metricThrottled({ period, statistic: 'Sum' }),
      'Step Functions throttled state transitions of the purchase-approval machine.');
    alarm('Api5xx', this.api.metricServerError({ period, statistic: 'Sum' }),
      'The API answered with 5XX: a handler failed or timed out.');

    // REST APIs have no throttle metric of their own; throttled API calls show as Lambda throttles
    // (concurrency) or 429s in 4XXError. Sum the throttles of the functions, per function kind, in
    // groups of ten: an alarm's math expression may use at most 10 metrics. The first group keeps
    // the alarm's original name (ApiFunctionThrottles), later ones are numbered (…Throttles2).
    for (const kind of ['api', 'task'] as const) {
      const specs = FUNCTIONS.filter((f) => f.kind === kind);
      for (let group = 0; group * 10 < specs.length; group++) {
        const throttles: Record<string, cloudwatch.IMetric> = {};
        specs.slice(group * 10, group * 10 + 10).forEach((spec, i) => {
          throttles[`t${i}`] = functions.get(spec.id)!.metricThrottles({ period, statistic: 'Sum' });
        });
        const name = `${kind === 'api' ? 'ApiFunctionThrottles' : 'TaskFunctionThrottles'}${group === 0 ? '' : group + 1}`;
        alarm(name, new cloudwatch.MathExpression({
          expression: Object.keys(throttles).join(' + '),
          usingMetrics: throttles,
          period,
          label: `Throttles of the ${kind} functions${group === 0 ? '' : ` (group ${group + 1})`}`,
        }), `Lambda throttled invocations of the purchase approval router's ${kind} functions${group === 0 ? '' : ` (group ${group + 1})`}.`);
      }
    }
    alarm('Api4xxSpike', this.api.metricClientError({ period, statistic: 'Sum' }),
      'Many 4XX answers (includes 429 Too Many Requests from the stage throttle): a client loop or the throttle is too low.', 100);

    // Mail failures, counted by metric filters on the log groups of the functions that send mail
    // (the use cases already log them; no metrics library in the bundles). Every filter of a
    // metric writes the same name without dimensions, so CloudWatch sums them into one metric.
    const namespace = metricNamespace(config.stage);
    const mailers = FUNCTIONS.filter((f) => f.sendsMail).map((f) => functions.get(f.id)!);
    const logMetric = (metricName: string, pattern: logs.IFilterPattern): cloudwatch.Metric => {
      for (const fn of mailers) {
        new logs.MetricFilter(this, `${fn.node.id}${metricName}Filter`, {
          logGroup: fn.logGroup,
          filterPattern: pattern,
          metricNamespace: namespace,
          metricName,
          metricValue: '1',
        });
      }
      return new cloudwatch.Metric({ namespace, metricName, period, statistic: 'Sum' });
    };
    alarm('NotificationsFailed', logMetric('NotificationsFailed', logs.FilterPattern.all(
      logs.FilterPattern.stringValue('$.level', '=', 'WARN'),
      logs.FilterPattern.any(...NOTIFICATION_FAILED_LOG_MESSAGES.map((m) => logs.FilterPattern.stringValue('$.message', '=', m))),
    )), 'An approval or outcome email could not be delivered (a notification-failed audit event): the approver or requester ' +
      'was not told. Fix mail, then POST /requests/{id}/resend-notification for approval emails.');
    alarm('MailConfigurationErrors', logMetric('MailConfigurationErrors', logs.FilterPattern.all(
      logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
      logs.FilterPattern.stringValue('$.message', '=', MAIL_CONFIGURATION_ERROR_MESSAGE),
    )), 'SES refused an email for a configuration reason (unverified sender or sandbox recipient, AccessDenied, sending ' +
      'paused): nothing will be delivered until the SES setup is fixed. The log line names the SES error.');

    // Who may publish: CloudWatch, for these alarms of this account only (confused-deputy guard),
    // on the topic policy (which replaces the default one, so without this nobody could publish)
    // and on the key (CloudWatch calls KMS itself for an encrypted topic). The ARNs are built from
    // the fixed alarm names, so the key policy needs no reference to the alarms (that would be a
    // cycle: key -> alarms -> topic -> key).
    const fromTheseAlarms = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: { 'aws:SourceArn': alarmArns },
    };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromTheseAlarms,
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsUseTopicKey',
      principals: [cloudWatch],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: fromTheseAlarms,
    }));

    return topic;
  }
}

/** The finding id cdk-nag prints for an IAM resource (its `flattenCfnReference` rendering). */
function nagResource(stack: Stack, value: string): string {
  const visit = (node: unknown): string => {
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    const o = node as Record<string, unknown>;
    if (o['Fn::Join']) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(visit).join(delimiter);
    }
    if (o['Fn::GetAtt']) {
      const [resource, attribute] = o['Fn::GetAtt'] as [string, string];
      return `<${resource}.${attribute}>`;
    }
    if (o.Ref) return `<${String(o.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(stack.resolve(value));
}
