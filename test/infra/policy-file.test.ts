/**
 * Your own policy on AWS: `cdk deploy -c policyFile=my-policy.json` checks the file at synth time
 * with the checker of `npm run policy:check` (a bad file stops the synth with the checker's
 * message), ships it as one Lambda layer, and gives every function POLICY_FILE naming it — which
 * the functions' composition root reads next to the shipped policies. Without the key nothing of
 * this exists and the functions serve the shipped policies only. cdk-nag stays clean either way.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENV } from '../../lambdas/catalog';
import { policyFileProblem, readPolicyFile } from '../../lambdas/cli/policy-file';
import { awsDeps } from '../../lambdas/functions/aws';
import { main as policyCheck } from '../../local/policy-check';
import { ConfigError, loadConfig } from '../../infra/config';
import { POLICY_FILE_PATH } from '../../infra/constructs/policy-layer';
import { sampleCity } from '../fixtures/policies';
import { PROD_CONTEXT, resourcesOf, synth, type Synthesized } from './helpers';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-file-'));
const writePolicy = (name: string, policy: unknown): string => {
  const file = path.join(folder, name);
  fs.writeFileSync(file, JSON.stringify(policy, null, 2));
  return file;
};
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

/** Sample City's policy renamed, with one role of its own (the fire chief signs emergency buys). */
const OWN_POLICY = (() => {
  const p = sampleCity() as any;
  p.id = 'riverton';
  p.name = 'Riverton purchasing policy';
  p.roles['fire-chief'] = { title: 'Fire Chief', citation: 'Riverton Purchasing Policy §4.8', approver: { name: 'Dale Cooper', email: 'dale.cooper@riverton.example' }, escalation: { name: 'Morgan Hale', email: 'morgan.hale@sample-city.example' } };
  p.chain.push({ role: 'fire-chief', when: [{ methods: ['emergency'] }], citation: 'Riverton Purchasing Policy §4.8: the fire chief signs every emergency purchase' });
  return p;
})();
/** Descending ceilings: a mistake the checker names (`tiers[1]…`). */
const BAD_POLICY = (() => {
  const p = sampleCity() as any;
  p.id = 'riverton-draft';
  p.tiers[1].ceilings[0].amount = 1000;
  return p;
})();

const functionsOf = (s: Synthesized) => resourcesOf(s.stack, 'AWS::Lambda::Function');
const layersOf = (s: Synthesized) => resourcesOf(s.stack, 'AWS::Lambda::LayerVersion');
const nagViolations = (s: Synthesized): unknown[] => {
  const report = path.join(s.outdir, 'policy-validation-report.json');
  return fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, 'utf8')).pluginReports.flatMap((p: any) => p.violations) : [];
};

describe('-c policyFile: your own policy on AWS', () => {
  const file = writePolicy('riverton.json', OWN_POLICY);
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ ...PROD_CONTEXT, policyFile: file });
  });

  it('a valid file: one layer holds the checked policy, and every function has it and POLICY_FILE naming it', () => {
    const layers = Object.entries(layersOf(s));
    expect(layers).toHaveLength(1);
    const [layerId, layer] = layers[0]!;
    expect(layer.Properties).toMatchObject({ CompatibleRuntimes: ['nodejs22.x'], CompatibleArchitectures: ['arm64'] });
    expect(layer.Properties.Description).toContain('"riverton"');

    const functions = Object.values(functionsOf(s));
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) {
      expect(fn.Properties.Layers).toEqual([{ Ref: layerId }]);
      expect(fn.Properties.Environment.Variables[ENV.policyFile]).toBe(POLICY_FILE_PATH);
    }

    // The layer's content, as staged in the cloud assembly, is the policy the file holds.
    const assetHash = String(layer.Properties.Content.S3Key).replace(/\.zip$/, '');
    const staged = path.join(s.outdir, `asset.${assetHash}`, path.relative('/opt', POLICY_FILE_PATH));
    expect(JSON.parse(fs.readFileSync(staged, 'utf8'))).toEqual(OWN_POLICY);
  });

  it('a function given that environment and file serves the policy next to the shipped ones', () => {
    const fn = Object.values(functionsOf(s)).find((f) => String(f.Properties.Description).startsWith('RouteRequest '))!;
    // The stack's variables, with CloudFormation references replaced by placeholder values.
    const env: NodeJS.ProcessEnv = { AWS_REGION: 'us-east-1' };
    for (const [name, value] of Object.entries(fn.Properties.Environment.Variables as Record<string, unknown>)) env[name] = typeof value === 'string' ? value : `placeholder-${name}`;
    const layerFile = path.join(folder, 'layer-policy.json');
    fs.copyFileSync(file, layerFile);
    env[ENV.policyFile] = layerFile;

    const { policies } = awsDeps('RouteRequest', {}, env);
    expect(policies.get('riverton')).toMatchObject({ id: 'riverton', name: 'Riverton purchasing policy' });
    expect(policies.ids()).toEqual(expect.arrayContaining(['sample-city', 'federal', 'riverton']));
    // A file that is not there fails naming the variable, when a policy is first read.
    const missing = awsDeps('RouteRequest', {}, { ...env, [ENV.policyFile]: path.join(folder, 'absent.json') });
    expect(() => missing.policies.get('riverton')).toThrow(/POLICY_FILE=.*absent\.json cannot be read as a policy/);
  });

  it('the policy\'s own roles are user-pool groups, like the shipped policies\' roles', () => {
    const groups = Object.values(resourcesOf(s.data, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups).toEqual(expect.arrayContaining(['fire-chief', 'department-head', 'requester']));
    expect(Object.values(resourcesOf(synth().data, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName)).not.toContain('fire-chief');
  });

  it('cdk-nag: zero unacknowledged findings with the layer', () => {
    expect(nagViolations(s)).toEqual([]);
  });
});

describe('-c policyFile with a policy the checker refuses', () => {
  it('stops the synth with the message `npm run policy:check` prints', () => {
    const file = writePolicy('riverton-draft.json', BAD_POLICY);
    const checked = readPolicyFile(file);
    expect(checked.ok).toBe(false);
    const message = policyFileProblem(file, checked.ok ? [] : checked.errors);
    // The same words as the checker's output, field and reason.
    expect(policyCheck([file]).stderr.trim()).toBe(message);
    expect(message).toMatch(/tiers/);

    let thrown: unknown;
    try {
      loadConfig((key) => ({ ...PROD_CONTEXT, policyFile: file } as Record<string, string>)[key], {});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain(`-c policyFile: ${message}`);
  });

  it('a file that is missing or not JSON stops the synth too', () => {
    const notJson = path.join(folder, 'notes.json');
    fs.writeFileSync(notJson, 'tiers: micro, informal');
    for (const [file, words] of [[path.join(folder, 'absent.json'), /cannot read file/], [notJson, /is not valid JSON/]] as const) {
      expect(() => loadConfig((key) => ({ ...PROD_CONTEXT, policyFile: file } as Record<string, string>)[key], {})).toThrow(words);
    }
  });
});

describe('without -c policyFile', () => {
  it('no layer, no POLICY_FILE: the functions serve the shipped policies only', () => {
    const s = synth();
    expect(layersOf(s)).toEqual({});
    for (const fn of Object.values(functionsOf(s))) {
      expect(fn.Properties.Layers).toBeUndefined();
      expect(fn.Properties.Environment.Variables[ENV.policyFile]).toBeUndefined();
    }
    expect(s.config.policyFile).toBeUndefined();
  });
});
