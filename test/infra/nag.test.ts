/**
 * cdk-nag AwsSolutions (3.0.2, a CDK policy-validation plugin): the app synthesizes with zero
 * unacknowledged findings, and every acknowledgment carries a written reason. With 3.x a finding
 * makes `app.synth()` throw and lands in `policy-validation-report.json`; `Annotations` does not
 * see it, so the control case below proves the plugin really runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { synth } from './helpers';

const ACK_KEY = 'aws:cdk:acknowledged-rules';

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['prod', undefined],
    ['dev with CORS and an alarm email', { stage: 'dev', corsOrigins: 'https://purchasing.city.gov', alarmEmail: 'ops@city.gov' }],
  ] as const)('%s: synthesizes with zero unacknowledged findings', (_name, context) => {
    const s = context ? synth(context) : synth();
    const reportFile = path.join(s.outdir, 'policy-validation-report.json');
    if (fs.existsSync(reportFile)) {
      const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
      const violations = report.pluginReports.flatMap((p: any) => p.violations);
      expect(violations).toEqual([]);
    }
  });

  it('every acknowledgment names a rule and gives a specific reason', () => {
    const s = synth();
    const acks = s.app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === ACK_KEY).map((m) => ({ path: c.node.path, data: m.data })));
    expect(acks.length).toBeGreaterThan(0);
    for (const { path: where, data } of acks) {
      // Stored by CDK as { "Annotation::<rule id>": "<reason>" }.
      for (const [id, reason] of Object.entries(data as Record<string, string>)) {
        expect(`${where} ${id}`).toMatch(/AwsSolutions-[A-Z]+\d+/);
        expect(`${where} ${id}: ${reason}`.length - `${where} ${id}: `.length).toBeGreaterThanOrEqual(80);
      }
    }
  });

  it('control: an unacknowledged finding fails the synth and is reported', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-control-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Control');
    new sns.Topic(stack, 'PlainTopic');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const rules = report.pluginReports.flatMap((p: any) => p.violations.map((v: any) => v.ruleName));
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SNS3']));
  });
});
