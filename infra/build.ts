/**
 * Assembles the app: both stacks for one stage, tags, and the cdk-nag AwsSolutions pack. Shared by
 * `infra/app.ts` (the CLI entry) and the infrastructure tests, so the tests check what deploys.
 */
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StageConfig } from './config';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';

export interface BuiltApp {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/** Stack names are `PurchaseApproval-<stage>-Data` and `PurchaseApproval-<stage>-App`. */
export function buildApp(app: App, config: StageConfig): BuiltApp {
  const env = config.account || config.region ? { account: config.account, region: config.region } : undefined;
  const prefix = `PurchaseApproval-${config.stage}`;
  const stateful = new StatefulStack(app, `${prefix}-Data`, {
    ...(env ? { env } : {}),
    config,
    description: `Purchase approval router (${config.stage}): tables and link-signing secret (retained)`,
    terminationProtection: config.stage !== 'dev',
  });
  const stateless = new StatelessStack(app, `${prefix}-App`, {
    ...(env ? { env } : {}),
    config,
    tableNames: stateful.tableNames,
    linkSecret: stateful.linkSecret,
    tokenIssuer: stateful.people.issuer,
    people: { userPoolId: stateful.people.userPool.userPoolId, signOutUrl: stateful.people.signOutUrl },
    description: `Purchase approval router (${config.stage}): functions, state machine, API, alarms`,
  });
  stateless.addStackDependency(stateful);

  Tags.of(app).add('Application', 'purchase-approval-router');
  Tags.of(app).add('Stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}
