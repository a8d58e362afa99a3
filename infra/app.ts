/**
 * CDK entry (`cdk.json`: `npx tsx infra/app.ts`). Configuration comes from context, e.g.
 * `npx cdk deploy --all -c stage=prod -c mailFrom=purchasing@city.gov -c region=us-east-1`;
 * see `infra/config.ts` for every key. A bad or missing value stops here with a readable list.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from './build';
import { ConfigError, loadConfig } from './config';

const app = new App();
try {
  buildApp(app, loadConfig((key) => app.node.tryGetContext(key)));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
app.synth();
