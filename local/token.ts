/**
 * `npm run --silent token -- <email>`: prints an access token for that person from the local
 * OpenID provider started by `npm start`, for scripts and tests (`curl -H "Authorization: Bearer
 * $(npm run --silent token -- dana.ortiz@sample-city.example)" …`). The token is the only thing on
 * stdout; messages go to stderr.
 *
 * Local only, by construction: it refuses an issuer that is not on this machine (loopback), and it
 * authenticates with the client secret the provider keeps in the data directory.
 * Environment: IDP_ISSUER (default http://127.0.0.1:$IDP_PORT, port 3001), DATA_DIR (default .data).
 * Exit codes: 0 token printed; 2 usage, unknown person or non-local issuer; 1 anything else.
 */
import { DEFAULT_IDP_PORT, LOCAL_PERSON_GRANT, readTokenCliSecret, TOKEN_CLI_CLIENT_ID, UNKNOWN_PERSON_ERROR } from './identity-provider';

export class TokenCliError extends Error {
  override readonly name = 'TokenCliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The issuer to ask, refused unless it is on this machine. */
export function localIssuer(env: NodeJS.ProcessEnv): URL {
  const raw = env.IDP_ISSUER || `http://127.0.0.1:${env.IDP_PORT || DEFAULT_IDP_PORT}`;
  let issuer: URL;
  try {
    issuer = new URL(raw);
  } catch {
    throw new TokenCliError(`IDP_ISSUER is not a URL: "${raw}"`, 2);
  }
  if (!['http:', 'https:'].includes(issuer.protocol) || !LOOPBACK_HOSTS.has(issuer.hostname))
    throw new TokenCliError(`refusing to ask ${issuer.origin} for a token: this command is for the local provider only (127.0.0.1); on AWS people sign in through Cognito`, 2);
  return issuer;
}

interface TokenResponse {
  access_token?: string;
  error?: string;
  error_description?: string;
}

export async function issueLocalToken(email: string, env: NodeJS.ProcessEnv): Promise<string> {
  const issuer = localIssuer(env);
  const dataDir = env.DATA_DIR || '.data';
  const secret = await readTokenCliSecret(dataDir);
  if (!secret) throw new TokenCliError(`no local OpenID provider has run with the data directory "${dataDir}": start it with npm start (or set DATA_DIR)`, 1);

  const issuerText = issuer.href.replace(/\/$/, '');
  let tokenEndpoint: URL;
  try {
    const discovery = await fetch(`${issuerText}/.well-known/openid-configuration`);
    if (!discovery.ok) throw new Error(`discovery answered ${discovery.status}`);
    const metadata = (await discovery.json()) as { issuer?: string; token_endpoint?: string };
    if (metadata.issuer !== issuerText || !metadata.token_endpoint) throw new Error(`${issuerText} is not the issuer it names (${metadata.issuer})`);
    tokenEndpoint = new URL(metadata.token_endpoint);
  } catch (error) {
    throw new TokenCliError(`cannot reach the local OpenID provider at ${issuerText} (${(error as Error).message}): is npm start running?`, 1);
  }
  // The secret goes only to a loopback endpoint, whatever the discovery document says.
  if (!LOOPBACK_HOSTS.has(tokenEndpoint.hostname)) throw new TokenCliError(`the provider's token endpoint ${tokenEndpoint.origin} is not on this machine`, 2);

  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(TOKEN_CLI_CLIENT_ID)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: LOCAL_PERSON_GRANT, email }),
  });
  const body = (await response.json().catch(() => ({}))) as TokenResponse;
  if (response.ok && body.access_token) return body.access_token;
  if (body.error === UNKNOWN_PERSON_ERROR) throw new TokenCliError(`unknown person: nobody with the email "${email}" is in the local people directory (policies/people/)`, 2);
  if (body.error === 'invalid_client')
    throw new TokenCliError(`the provider at ${issuerText} does not accept the client secret in "${dataDir}": was it started with another DATA_DIR?`, 1);
  throw new TokenCliError(`the provider refused: ${body.error ?? response.status}${body.error_description ? ` (${body.error_description})` : ''}`, 1);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    process.stderr.write('usage: npm run --silent token -- <email>\n');
    return 2;
  }
  try {
    process.stdout.write(`${await issueLocalToken(args[0]!, process.env)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof TokenCliError) {
      process.stderr.write(`token: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`token: ${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) void main().then((code) => { process.exitCode = code; });
