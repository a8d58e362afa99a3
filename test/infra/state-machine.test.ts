/**
 * The deployed machine is the shared ASL file with its `${Name}` placeholders filled from
 * `ASL_FUNCTION_PLACEHOLDERS`: every placeholder has a substitution and the reverse, each names the
 * right catalog function, and nothing is left unfilled. Logging keeps execution data out (tokens).
 */
import * as fs from 'node:fs';
import { functionById } from '../../lambdas/catalog';
import { ASL_FUNCTION_PLACEHOLDERS, fillPlaceholders } from '../../statemachines/placeholders';
import { ASL_FILE } from '../../infra/stacks/stateless-stack';
import { functionLogicalId, resourcesOf, synth } from './helpers';

const s = synth();
const machine = () => Object.values(resourcesOf(s.stack, 'AWS::StepFunctions::StateMachine'))[0]!.Properties;
const aslText = fs.readFileSync(ASL_FILE, 'utf8');
const placeholdersInFile = new Set([...aslText.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!));

describe('purchase-approval state machine', () => {
  it('is one Standard machine with X-Ray tracing', () => {
    expect(Object.keys(resourcesOf(s.stack, 'AWS::StepFunctions::StateMachine'))).toHaveLength(1);
    expect(machine()).toMatchObject({ StateMachineType: 'STANDARD', TracingConfiguration: { Enabled: true } });
  });

  it('logs ALL events to CloudWatch without execution data (task tokens stay out of logs)', () => {
    expect(machine().LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(machine().LoggingConfiguration.Destinations).toHaveLength(1);
  });

  it('deploys the ASL file itself (an asset), not a copy', () => {
    expect(machine().DefinitionS3Location).toBeDefined();
    expect(machine().DefinitionString).toBeUndefined();
  });

  it('has a substitution for every placeholder in the file, and a placeholder for every substitution', () => {
    const substitutions = Object.keys(machine().DefinitionSubstitutions).sort();
    expect(placeholdersInFile.size).toBeGreaterThan(0);
    expect(substitutions).toEqual([...placeholdersInFile].sort());
    expect(Object.keys(ASL_FUNCTION_PLACEHOLDERS).sort()).toEqual(substitutions);
  });

  it.each(Object.entries(ASL_FUNCTION_PLACEHOLDERS))('fills ${%s} with the ARN of the %s task function', (placeholder, functionId) => {
    expect(functionById(functionId).kind).toBe('task');
    expect(machine().DefinitionSubstitutions[placeholder]).toEqual({ 'Fn::GetAtt': [functionLogicalId(s, functionId), 'Arn'] });
  });

  it('renders a valid definition with no `${` left', () => {
    const values = Object.fromEntries(Object.keys(machine().DefinitionSubstitutions).map((k) => [k, `arn:aws:lambda:us-east-1:123456789012:function:${k}`]));
    const rendered = fillPlaceholders(aslText, values);
    expect(rendered).not.toContain('${');
    const definition = JSON.parse(rendered);
    const resources = Object.values<any>(definition.States)
      .filter((state) => state.Type === 'Task')
      .map((state) => state.Parameters?.FunctionName ?? state.Resource);
    for (const r of resources) expect(r).toMatch(/^arn:aws:(lambda|states):/);
    // asl-validator ships no types; its export is `(definition) => { isValid, errors }`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const validate = require('asl-validator') as (d: unknown) => { isValid: boolean; errors: unknown[] };
    expect(validate(definition).errors).toEqual([]);
  });
});
