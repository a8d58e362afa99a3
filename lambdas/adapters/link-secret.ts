/**
 * The link-signing secret. On AWS it is read from Secrets Manager once per container and kept in
 * memory; the local stack passes the secret it keeps on disk. Never logged.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export type SecretSource = () => Promise<Buffer>;

export const secretsManagerSource = (secretId: string, client: SecretsManagerClient = new SecretsManagerClient({})): SecretSource => {
  let cached: Promise<Buffer> | undefined;
  return () => {
    cached ??= client.send(new GetSecretValueCommand({ SecretId: secretId })).then((out) => {
      if (!out.SecretString) throw new Error('the link secret is empty');
      return Buffer.from(out.SecretString, 'utf8');
    }).catch((error) => { cached = undefined; throw error; });
    return cached;
  };
};
