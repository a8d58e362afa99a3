/**
 * Alarms that can reach someone. The alarm topic is KMS-encrypted and SSL-only; its policy replaces
 * SNS's default one, so CloudWatch may publish only because the topic policy and the key policy both
 * say so, and only for this stack's alarms in this account (aws:SourceAccount, aws:SourceArn). Mail
 * failures become metrics through metric filters on the mail functions' log groups, and the
 * filters match the log lines the code really writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAIL_CONFIGURATION_ERROR_MESSAGE, throwIfMailConfigurationError } from '../../lambdas/adapters/mail-errors';
import { FUNCTIONS } from '../../lambdas/catalog';
import { logger } from '../../lambdas/shared/logger';
import { alarmName, metricNamespace, NOTIFICATION_FAILED_LOG_MESSAGES } from '../../infra/stacks/stateless-stack';
import { asArray, resourcesOf, synth } from './helpers';

const s = synth();
const render = (v: unknown) => JSON.stringify(v);
const alarms = Object.values(resourcesOf(s.stack, 'AWS::CloudWatch::Alarm'));
const [topicId] = Object.keys(resourcesOf(s.stack, 'AWS::SNS::Topic'));
const [keyId, key] = Object.entries(resourcesOf(s.stack, 'AWS::KMS::Key'))[0]!;
const topicPolicy = Object.values(resourcesOf(s.stack, 'AWS::SNS::TopicPolicy'))[0]!.Properties.PolicyDocument.Statement as any[];
const keyPolicy = key.Properties.KeyPolicy.Statement as any[];
const cloudWatchStatements = (statements: any[]) => statements.filter((st) => render(st.Principal) === render({ Service: 'cloudwatch.amazonaws.com' }));
/** `arn:<partition>:cloudwatch:us-east-1:123456789012:alarm:<name>` as rendered in a policy. */
const arnOfAlarm = (name: string) => render({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:us-east-1:123456789012:alarm:${name}`]] });

/** Evaluates a JSON metric-filter pattern made of `$.field = "value"` terms joined by && and || against one log event. */
function matches(pattern: string, event: Record<string, unknown>): boolean {
  const body = pattern.trim().replace(/^\{/, '').replace(/\}$/, '');
  const expression = body.replace(/\$\.(\w+) = ("(?:[^"\\]|\\.)*")/g, (_m, field: string, value: string) => `(e[${render(field)}] === ${value})`);
  if (/\$\./.test(expression)) throw new Error(`unsupported term in ${pattern}`);
  return new Function('e', `return ${expression};`)(event) as boolean;
}

/** The JSON lines the real logger writes while `act` runs. */
function loggedLines(act: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  // Powertools writes info to stdout and warnings/errors to stderr, as Lambda's console does.
  const spies = [process.stdout, process.stderr].map((stream) => jest.spyOn(stream, 'write').mockImplementation((chunk: any) => {
    lines.push(String(chunk));
    return true;
  }));
  try {
    act();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  return lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('alarm topic', () => {
  it('every alarm has a fixed, stage-prefixed name and notifies the topic', () => {
    expect(alarms.length).toBeGreaterThanOrEqual(9);
    for (const a of alarms) {
      expect(a.Properties.AlarmName).toMatch(/^purchase-approval-prod-[A-Za-z0-9]+$/);
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  it('is encrypted with its own key and refuses publishing without TLS', () => {
    expect(Object.values(resourcesOf(s.stack, 'AWS::SNS::Topic'))[0]!.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(topicPolicy).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  const policies: Array<[string, any[], string[], unknown]> = [
    ['topic policy', topicPolicy, ['sns:Publish'], { Ref: topicId }],
    ['key policy', keyPolicy, ['kms:Decrypt', 'kms:GenerateDataKey*'], '*'],
  ];
  it.each(policies)('%s lets CloudWatch publish for exactly these alarms of this account', (_name, statements, actions, resource) => {
    const allow = cloudWatchStatements(statements);
    expect(allow).toHaveLength(1);
    expect(allow[0]).toMatchObject({ Effect: 'Allow', Resource: resource });
    expect(asArray(allow[0].Action).sort()).toEqual([...actions].sort());
    expect(allow[0].Condition.StringEquals).toEqual({ 'aws:SourceAccount': '123456789012' });
    const sourceArns = asArray(allow[0].Condition.ArnLike['aws:SourceArn']).map(render).sort();
    expect(sourceArns).toEqual(alarms.map((a) => arnOfAlarm(a.Properties.AlarmName)).sort());
    expect(sourceArns.join()).not.toContain('*');
  });

  it('the key policy names the alarms without referencing them (no dependency cycle key -> alarm -> topic -> key)', () => {
    expect(render(keyPolicy)).not.toMatch(/"Ref":"[A-Za-z]*(Alarm|Executions|Api|Notifications|Mail)[A-Za-z0-9]*"/);
  });

  it('names alarms per stage, so two stages in one account never grant each other', () => {
    const dev = synth({ stage: 'dev' });
    const names = Object.values(resourcesOf(dev.stack, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);
    expect(names.every((n: string) => n.startsWith('purchase-approval-dev-'))).toBe(true);
    expect(alarmName('dev', 'Api5xx')).toBe('purchase-approval-dev-Api5xx');
  });
});

describe('mail failure metrics', () => {
  const filters = Object.values(resourcesOf(s.stack, 'AWS::Logs::MetricFilter'));
  const filtersFor = (metricName: string) => filters.filter((f) => f.Properties.MetricTransformations[0].MetricName === metricName);
  const mailFunctions = FUNCTIONS.filter((f) => f.sendsMail).map((f) => f.id).sort();
  const logGroupOf = (filter: any) => render(filter.Properties.LogGroupName).match(/"Ref":"([A-Za-z]+)Logs[0-9A-F]{8}"/)![1];

  it.each(['NotificationsFailed', 'MailConfigurationErrors'])('%s: one filter on the log group of each function that sends mail', (metricName) => {
    const mine = filtersFor(metricName);
    expect(mine.map(logGroupOf).sort()).toEqual(mailFunctions);
    for (const f of mine) {
      expect(f.Properties.MetricTransformations).toEqual([{ MetricName: metricName, MetricNamespace: metricNamespace('prod'), MetricValue: '1' }]);
    }
  });

  it.each(['NotificationsFailed', 'MailConfigurationErrors'])('%s: an alarm on the first occurrence', (metricName) => {
    const alarm = alarms.find((a) => a.Properties.MetricName === metricName);
    expect(alarm?.Properties).toMatchObject({
      AlarmName: alarmName('prod', metricName),
      Namespace: 'PurchaseApprovalRouter/prod',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('the notification-failed filter matches the warnings the code logs, and nothing else', () => {
    const [pattern] = filtersFor('NotificationsFailed').map((f) => f.Properties.FilterPattern);
    const lines = loggedLines(() => {
      for (const message of NOTIFICATION_FAILED_LOG_MESSAGES) logger.warn(message, { requestId: '01TEST' });
      logger.info('approval requested', { requestId: '01TEST' });
      logger.info(NOTIFICATION_FAILED_LOG_MESSAGES[0], { requestId: '01TEST' });
    });
    expect(lines.map((l) => matches(pattern, l))).toEqual([true, true, false, false]);
  });

  it('the code still logs each of those warnings (renaming one would blind the alarm)', () => {
    const source = ['checkpoints.ts', 'lifecycle.ts'].map((f) => fs.readFileSync(path.join(__dirname, '..', '..', 'lambdas', 'app', f), 'utf8')).join('\n');
    for (const message of NOTIFICATION_FAILED_LOG_MESSAGES) expect(source).toContain(`logger.warn('${message}'`);
  });

  it('the configuration-error filter matches the line an SES refusal logs, not a transient failure', () => {
    const [pattern] = filtersFor('MailConfigurationErrors').map((f) => f.Properties.FilterPattern);
    expect(pattern).toContain(MAIL_CONFIGURATION_ERROR_MESSAGE);
    const refusal = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    const throttled = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
    const lines = loggedLines(() => {
      expect(() => throwIfMailConfigurationError(refusal, 'city.gov')).toThrow('MessageRejected');
      throwIfMailConfigurationError(throttled, 'city.gov');
    });
    expect(lines).toHaveLength(1);
    expect(matches(pattern, lines[0]!)).toBe(true);
    expect(lines[0]).toMatchObject({ errorName: 'MessageRejected', recipientDomain: 'city.gov' });
  });
});
