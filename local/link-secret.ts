/**
 * The link-signing secret (anti-forgery form values) of the local stack, handed to the functions
 * in process. Generated once and kept in `<dataDir>/link-secret`, so forms rendered and links
 * mailed before a restart still verify after it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SecretSource } from '../lambdas/adapters/link-secret';

export interface LocalLinkSecret {
  /** The secret's text: 32 random bytes in base64, as Secrets Manager holds it on AWS. */
  value: string;
  /** The key the functions sign with: the text's bytes, exactly as `secretsManagerSource` gives them on AWS. */
  source: SecretSource;
}

export async function loadOrCreateLinkSecret(dataDir: string): Promise<LocalLinkSecret> {
  const file = path.join(dataDir, 'link-secret');
  await mkdir(dataDir, { recursive: true });
  try {
    // 'wx' fails if the file exists, so two starts never overwrite each other's secret.
    await writeFile(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const value = (await readFile(file, 'utf8')).trim();
  if (Buffer.from(value, 'base64').length !== 32) throw new Error(`${file} does not hold a base64 32-byte secret; delete it to make a new one`);
  const key = Buffer.from(value, 'utf8');
  return { value, source: () => Promise.resolve(Buffer.from(key)) };
}
