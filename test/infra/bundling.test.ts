/**
 * The CDK construct bundles with the shared esbuild options (infra/bundling.ts), the ones
 * `npm run bench` measures: class names kept (the ASL catches errors by name), minified, source
 * maps, the SDK bundled, and the Lambda credential provider in place of the default chain.
 */
import * as chain from '@aws-sdk/credential-provider-node';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { CREDENTIAL_CHAIN_MODULE, LAMBDA_BUNDLE, LAMBDA_CREDENTIALS_FILE } from '../../infra/bundling';
import { lambdaBundling } from '../../infra/constructs/app-function';
import * as shim from '../../lambdas/adapters/lambda-credentials';

describe('bundling', () => {
  it('translates every shared esbuild option into the construct\'s bundling props', () => {
    expect(LAMBDA_BUNDLE).toMatchObject({ bundle: true, platform: 'node', keepNames: true, minify: true });
    expect(lambdaBundling()).toEqual({
      format: nodejs.OutputFormat.CJS,
      target: LAMBDA_BUNDLE.target,
      mainFields: LAMBDA_BUNDLE.mainFields,
      minify: true,
      keepNames: true,
      sourceMap: LAMBDA_BUNDLE.sourcemap,
      sourcesContent: LAMBDA_BUNDLE.sourcesContent,
      bundleAwsSDK: true,
      externalModules: [],
      esbuildArgs: { [`--alias:${CREDENTIAL_CHAIN_MODULE}`]: LAMBDA_CREDENTIALS_FILE },
      forceDockerBundling: false,
      logLevel: nodejs.LogLevel.WARNING,
    });
  });

  it('follows a change of the shared options (nothing is restated in the construct)', () => {
    expect(lambdaBundling({ ...LAMBDA_BUNDLE, keepNames: false, target: 'node24' } as never)).toMatchObject({ keepNames: false, target: 'node24' });
  });

  it('replaces the credential chain with a module exporting what the clients import from it', async () => {
    expect(typeof chain.defaultProvider).toBe('function');
    expect(typeof shim.defaultProvider).toBe('function');
    // The environment is the only source: without role credentials in it, the SDK's own error.
    const saved = process.env;
    process.env = {};
    try {
      await expect(shim.defaultProvider()()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
      process.env = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };
      await expect(shim.defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' });
    } finally {
      process.env = saved;
    }
  });
});
