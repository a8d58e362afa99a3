/**
 * One function per catalog entry with the shared defaults (Node.js 22, arm64, X-Ray, source maps,
 * Powertools) and exactly the environment its catalog entry implies.
 */
import { ENV, FUNCTIONS } from '../../lambdas/catalog';
import { TABLES, type TableKey } from '../../lambdas/shared/tables';
import { physicalTableName } from '../../infra/stacks/stateful-stack';
import { functionLogicalId, resourcesOf, synth } from './helpers';

const s = synth();
const props = (id: string) => s.stack.toJSON().Resources[functionLogicalId(s, id)].Properties;

describe('functions from the catalog', () => {
  it('creates one function per catalog entry and no other', () => {
    expect(Object.keys(resourcesOf(s.stack, 'AWS::Lambda::Function'))).toHaveLength(FUNCTIONS.length);
  });

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s: shared defaults', (id, spec) => {
    expect(props(id)).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      MemorySize: 512,
      Timeout: spec.kind === 'api' ? 10 : 30,
      LoggingConfig: { LogFormat: 'JSON' },
    });
    expect(props(id).Environment.Variables).toMatchObject({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'purchase-approval-router',
    });
  });

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s: environment matches the catalog entry', (id, spec) => {
    const env = props(id).Environment.Variables;
    for (const key of Object.keys(TABLES) as TableKey[]) {
      const d = TABLES[key];
      if (spec.tables[key]) expect(env[d.envVar]).toBe(physicalTableName('prod', d));
      else expect(env[d.envVar]).toBeUndefined();
    }
    if (spec.stateMachine) expect(JSON.stringify(env[ENV.stateMachineArn])).toContain(':stateMachine:purchase-approval-prod');
    else expect(env[ENV.stateMachineArn]).toBeUndefined();
    expect(env[ENV.linkSecretArn] !== undefined).toBe(Boolean(spec.linkSecret));
  });

  it('gives every function its own log group with the stage retention', () => {
    const groups = Object.values(resourcesOf(s.stack, 'AWS::Logs::LogGroup'));
    for (const f of FUNCTIONS) {
      expect(JSON.stringify(props(f.id).LoggingConfig.LogGroup)).toContain(`${f.id}Logs`);
    }
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(365);
  });
});
