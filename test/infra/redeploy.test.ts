/**
 * `cdk destroy` then `cdk deploy` of the app stack must work. A retained resource outlives its
 * stack; if its physical name were fixed, the next create of the same name would fail ("already
 * exists"). So in the app stack nothing is both retained and named by a literal: the state-machine
 * log group's name ends with the stack's id (new on every create). The data stack's tables are
 * retained with fixed names on purpose (the README says how to redeploy it: import or delete).
 */
import { resourcesOf, synth } from './helpers';

const NAME_PROPERTY = /Name$/;

/** `[logical id, property, value]` for every literal name property of the template's resources. */
function literalNames(resources: Record<string, { Properties?: Record<string, unknown> }>): Array<[string, string, string]> {
  return Object.entries(resources).flatMap(([id, r]) =>
    Object.entries(r.Properties ?? {})
      .filter(([key, value]) => NAME_PROPERTY.test(key) && typeof value === 'string')
      .map(([key, value]) => [id, key, value as string] as [string, string, string]));
}

describe.each([['prod'], ['dev']])('redeploy after destroy (%s)', (stage) => {
  const s = stage === 'prod' ? synth() : synth({ stage: 'dev' });
  const all = s.stack.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }>;

  it('no retained resource of the app stack has a fixed physical name', () => {
    const retained = Object.fromEntries(Object.entries(all).filter(([, r]) => r.DeletionPolicy === 'Retain'));
    if (stage === 'prod') expect(Object.keys(retained).length).toBeGreaterThan(0);
    expect(literalNames(retained)).toEqual([]);
  });

  it('the state-machine log group keeps the vended-logs prefix and ends with this stack instance\'s id', () => {
    const machine = Object.values(resourcesOf(s.stack, 'AWS::StepFunctions::StateMachine'))[0]!;
    const groupArn = machine.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn;
    const [groupId] = groupArn['Fn::GetAtt'];
    const group = all[groupId]!;
    expect(group.Properties!.LogGroupName).toEqual({
      'Fn::Join': ['', [`/aws/vendedlogs/states/purchase-approval-${stage}-`, { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]],
    });
    expect(group.DeletionPolicy).toBe(stage === 'prod' ? 'Retain' : 'Delete');
  });

  it('fixed names stay only on resources deleted with the stack (state machine, alarms)', () => {
    const fixed = literalNames(all).filter(([, key]) => key !== 'Name' && key !== 'Description');
    expect(fixed.length).toBeGreaterThan(0);
    for (const [id] of fixed) expect([id, all[id]!.DeletionPolicy ?? 'Delete']).toEqual([id, 'Delete']);
  });
});
