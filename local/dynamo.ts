/**
 * DynamoDB locally: dynalite on a loopback port, stored on disk under `<dataDir>/dynamodb` so a
 * restart keeps every request and approval. Tables come from the same definitions the CDK stack
 * uses (lambdas/shared/tables.ts), created through the real SDK.
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, ResourceInUseException, type AttributeDefinition, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { TableDefinition } from '../lambdas/shared/tables';
import { closeServer, listenOnLoopback, LOOPBACK } from './net';
import { LOCAL_REGION } from './lambda-context';

export interface LocalDynamo { endpoint: string; port: number; stop(): Promise<void> }

/** Static credentials: dynalite ignores them, the SDK just needs some to sign. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Another process (a running `npm start`, say) holds the data folder's database. */
export class DataFolderInUseError extends Error {
  override readonly name = 'DataFolderInUseError';
  constructor(readonly dataDir: string) {
    super(`the data folder ${dataDir} is in use by another running process (another npm start?): stop it, or set DATA_DIR to another folder`);
  }
}

/** The LevelDB module dynalite stores its tables with (resolved from dynalite, so it is the same copy). */
const dynaliteLevel = (): { Level: new (location: string) => { open(): Promise<void>; close(): Promise<void> } } =>
  createRequire(require.resolve('dynalite'))('level');

/**
 * Fails with DataFolderInUseError when another process holds the folder's database. LevelDB
 * locks its folder; dynalite opens it lazily and, when the lock is taken, only reports "Database
 * is not open" on the first request. Opening and closing it here first turns that into a sentence.
 */
export async function assertDataFolderFree(dataDir: string): Promise<void> {
  const database = new (dynaliteLevel().Level)(path.join(dataDir, 'dynamodb'));
  try {
    await database.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') throw new DataFolderInUseError(dataDir);
    throw error;
  }
  await database.close();
}

export async function startDynamo(dataDir: string, port = 0): Promise<LocalDynamo> {
  const directory = path.join(dataDir, 'dynamodb');
  await mkdir(directory, { recursive: true });
  await assertDataFolderFree(dataDir);
  // Tables become ACTIVE at once: handlers may write as soon as the stack says ready.
  const server: Server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const bound = await listenOnLoopback(server, port, 'DynamoDB (dynalite)');
  return { endpoint: `http://${LOOPBACK}:${bound}`, port: bound, stop: () => closeServer(server) };
}

/** CreateTable input for one definition (on-demand, each index projecting what it declares: ALL unless KEYS_ONLY or INCLUDE). */
export const createTableInput = (table: TableDefinition): CreateTableCommandInput => {
  const attributes = new Map<string, AttributeDefinition>();
  const add = (key: { name: string; type: 'S' | 'N' }) => attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  const keySchema = (partition: TableDefinition['partitionKey'], sort?: TableDefinition['sortKey']) => {
    add(partition);
    if (sort) add(sort);
    return [{ AttributeName: partition.name, KeyType: 'HASH' as const }, ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : [])];
  };
  const KeySchema = keySchema(table.partitionKey, table.sortKey);
  const GlobalSecondaryIndexes = table.globalIndexes.map((index) => ({
    IndexName: index.name, KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: index.projection ?? 'ALL', ...(index.projection === 'INCLUDE' ? { NonKeyAttributes: index.nonKeyAttributes ?? [] } : {}) },
  }));
  return {
    TableName: table.id,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema,
    AttributeDefinitions: [...attributes.values()],
    ...(GlobalSecondaryIndexes.length ? { GlobalSecondaryIndexes } : {}),
  };
};

/**
 * Create the tables that do not exist yet. TTL is skipped: dynalite has no UpdateTimeToLive, so
 * expired idempotency keys simply stay (readers must check `expiresAtEpoch` themselves anyway,
 * since DynamoDB deletes expired items only eventually).
 */
export async function ensureTables(endpoint: string, tables: readonly TableDefinition[]): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const existing = new Set<string>();
    let start: string | undefined;
    do {
      const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
      for (const name of page.TableNames ?? []) existing.add(name);
      start = page.LastEvaluatedTableName;
    } while (start);
    const created: string[] = [];
    for (const table of tables) {
      if (existing.has(table.id)) continue;
      try {
        await client.send(new CreateTableCommand(createTableInput(table)));
        created.push(table.id);
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }
    return created;
  } finally {
    client.destroy();
  }
}
