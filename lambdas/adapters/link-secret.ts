/**
 * The link-signing secret (Secrets Manager on AWS; the local stack serves the same API). Fetched
 * once per container and kept in memory; never logged.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export type SecretSource = () => Promise<Buffer>;

export const secretsManagerSource = (client: SecretsManagerClient, secretId: string): SecretSource => {
  let cached: Promise<Buffer> | undefined;
  return () => {
    cached ??= client.send(new GetSecretValueCommand({ SecretId: secretId })).then((out) => {
      if (!out.SecretString) throw new Error('the link secret is empty');
      return Buffer.from(out.SecretString, 'utf8');
    }).catch((error) => { cached = undefined; throw error; });
    return cached;
  };
};
