// The local OpenID provider's thread (see identity-provider.ts). oidc-provider is ESM-only and
// jest's CommonJS runtime cannot load it, so this worker loads it with Node's own loader and the
// TypeScript provider with tsx, under `npm start` and jest alike. Plain JavaScript on purpose:
// workers run files as they are.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

// oidc-provider reports configuration notices on the console; the stack prints its own summary,
// and nothing a provider logs may reach the terminal unchecked (it could hold a token).
for (const method of ['log', 'info', 'warn', 'debug']) console[method] = () => {};

try {
  const oidc = await import('oidc-provider');
  const { serveIdentityProvider } = await tsImport('./identity-provider.ts', import.meta.url);
  await serveIdentityProvider(oidc, workerData);
} catch (error) {
  parentPort.postMessage({ type: 'failed', code: error.name === 'PortInUseError' ? 'EADDRINUSE' : error.code, message: error.message });
}
