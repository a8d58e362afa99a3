/**
 * The link-signing secret (anti-forgery form values), served as Secrets Manager would serve it.
 * Generated once and kept in `<dataDir>/link-secret`, so forms rendered and links mailed before a
 * restart still verify after it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalSecret } from './aws-endpoint';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context';

export const LINK_SECRET_NAME = 'purchase-approval-link-secret';
export const LINK_SECRET_ARN = `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${LINK_SECRET_NAME}`;

export async function loadOrCreateLinkSecret(dataDir: string): Promise<LocalSecret> {
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
  return { arn: LINK_SECRET_ARN, name: LINK_SECRET_NAME, value, createdDate: (await stat(file)).mtime };
}
