/**
 * Stands in for `@aws-sdk/credential-provider-node` inside the Lambda bundles only (see the
 * `alias` in infra/bundling.ts): a function's credentials are its role's, which Lambda always
 * puts in the environment, so the environment provider is the whole chain there. Local runs and
 * tests do not bundle and keep the SDK's full default chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same name and call shape as the module it replaces: the clients' runtime config calls `defaultProvider(init)`. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
