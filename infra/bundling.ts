/**
 * How every Lambda bundle is built, as esbuild options: the CDK construct (infra/constructs/
 * app-function.ts) translates this object into `NodejsFunction` bundling props and `npm run bench`
 * hands it to esbuild as is, so the bundles measured are the bundles deployed.
 */
import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';

const REPO_ROOT = path.join(__dirname, '..');

/**
 * On Lambda the credentials are always the execution role's, in AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. The SDK's default chain (SSO, ini files, process,
 * web identity, container and instance metadata, with the STS and SSO clients they need) is
 * about 140 KB of every minified bundle that would never run, so bundles get the environment
 * provider in its place (lambdas/adapters/lambda-credentials.ts).
 */
export const CREDENTIAL_CHAIN_MODULE = '@aws-sdk/credential-provider-node';
export const LAMBDA_CREDENTIALS_FILE = path.join(REPO_ROOT, 'lambdas', 'adapters', 'lambda-credentials.ts');

export const LAMBDA_BUNDLE = {
  bundle: true,
  platform: 'node',
  // CommonJS: an ESM bundle that contains the SDK fails at run time with
  // `Dynamic require of "node:https"` (see TOOLCHAIN.md).
  format: 'cjs',
  target: 'node22',
  // Prefer the ESM builds of dependencies so esbuild can drop what is unused.
  mainFields: ['module', 'main'],
  minify: true,
  // The state machine catches errors by name (ApprovalRejectedError, RequestCancelledError…), and
  // Lambda reports `error.name` as the errorType: minified class names would break both.
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  // The SDK is bundled: the versions in package-lock.json are the versions that run, not
  // whatever the Lambda runtime happens to ship this month.
  external: [] as string[],
  alias: { [CREDENTIAL_CHAIN_MODULE]: LAMBDA_CREDENTIALS_FILE },
  logLevel: 'warning',
} as const satisfies BuildOptions;
