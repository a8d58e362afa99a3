/**
 * The reconciler of half-done submissions runs on EventBridge Scheduler: one schedule per
 * scheduled catalog function, at its rate, through a role that may invoke that function only.
 */
import { FUNCTIONS } from '../../lambdas/catalog';
import { functionLogicalId, policyStatementsForRole, resourcesOf, synth } from './helpers';

const s = synth();
const scheduled = FUNCTIONS.filter((f) => f.kind === 'scheduled');

describe('scheduled functions', () => {
  it('the reconciler is a scheduled catalog function, every five minutes', () => {
    expect(scheduled.map((f) => [f.id, f.everyMinutes])).toEqual([['ReconcileSubmissions', 5], ['WatchContracts', 30]]);
  });

  it('has one enabled schedule per scheduled function, at its rate, targeting it', () => {
    const schedules = Object.values(resourcesOf(s.stack, 'AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(scheduled.length);
    for (const spec of scheduled) {
      const schedule = schedules.find((r) => r.Properties.Target.Arn['Fn::GetAtt']?.[0] === functionLogicalId(s, spec.id));
      expect(schedule?.Properties).toMatchObject({
        ScheduleExpression: `rate(${spec.everyMinutes} minutes)`,
        State: 'ENABLED',
        Target: { RetryPolicy: { MaximumRetryAttempts: 0 } },
      });
      const roleId = schedule!.Properties.Target.RoleArn['Fn::GetAtt'][0];
      const statements = policyStatementsForRole(s.stack, roleId);
      expect(statements.flatMap((st) => [st.Action].flat())).toEqual(['lambda:InvokeFunction']);
      const resources = JSON.stringify(statements.flatMap((st) => [st.Resource].flat()));
      expect(resources).toContain(functionLogicalId(s, spec.id));
      for (const other of FUNCTIONS.filter((f) => f.id !== spec.id)) expect(resources).not.toContain(functionLogicalId(s, other.id));
    }
  });
});
