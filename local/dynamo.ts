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

type LevelEntry = [string, unknown];
type LevelOperation = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };
interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
  iterator(range: { gte: string; lt: string }): AsyncIterable<LevelEntry>;
  batch(operations: LevelOperation[]): Promise<void>;
}

/** The LevelDB module dynalite stores its tables with (resolved from dynalite, so it is the same copy). */
const dynaliteLevel = (): { Level: new (location: string, options?: { valueEncoding: 'json' }) => LevelDatabase } =>
  createRequire(require.resolve('dynalite'))('level');

/** dynalite's own derivation of the index entries of an item (the one its writes use). */
type IndexEntries = { puts: Array<{ key: string; item: unknown }> };
const dynaliteIndexEntries = (): (indexes: unknown[], existing: undefined, item: unknown, table: unknown) => IndexEntries =>
  createRequire(require.resolve('dynalite'))('./db').getIndexActions;

/** Every key in LevelDB that starts with `prefix` (which ends in dynalite's separator `~`), with its value. */
const entriesUnder = async (database: LevelDatabase, prefix: string): Promise<LevelEntry[]> => {
  const found: LevelEntry[] = [];
  // `~` is 0x7E: every key under the prefix sorts before the prefix with its `~` raised to 0x7F.
  for await (const entry of database.iterator({ gte: prefix, lt: `${prefix.slice(0, -1)}\x7f` })) found.push(entry);
  return found;
};

/**
 * Rebuilds every secondary index from the items, one atomic LevelDB batch per table.
 *
 * Why: dynalite writes an item's index entries and then the item, as separate LevelDB writes. A
 * `kill -9` between the two (a power cut, in DynamoDB's terms) leaves an index entry for an item
 * that was never stored, or one showing a state the item never reached: a request listed as
 * SUBMITTED that nobody can open. DynamoDB keeps its indexes consistent with the table; a restart
 * here restores that by deriving the indexes again, with dynalite's own rules, from what the
 * table holds. The batch is atomic, so a crash during the repair leaves the old indexes, and the
 * next start repairs again. Returns how many index entries were dropped or rewritten.
 */
export async function repairIndexes(dataDir: string): Promise<{ tables: number; items: number; repaired: number }> {
  const database = new (dynaliteLevel().Level)(path.join(dataDir, 'dynamodb'), { valueEncoding: 'json' });
  await database.open();
  const indexEntriesOf = dynaliteIndexEntries();
  let items = 0;
  let repaired = 0;
  try {
    const tables = (await entriesUnder(database, 'table~')).map(([, table]) => table as {
      TableName: string; LocalSecondaryIndexes?: Array<{ IndexName: string }>; GlobalSecondaryIndexes?: Array<{ IndexName: string }>;
    });
    for (const table of tables) {
      const prefixes = [
        ...(table.LocalSecondaryIndexes ?? []).map((index) => ({ index, prefix: `index-local~${table.TableName}~${index.IndexName}~` })),
        ...(table.GlobalSecondaryIndexes ?? []).map((index) => ({ index, prefix: `index-global~${table.TableName}~${index.IndexName}~` })),
      ];
      if (prefixes.length === 0) continue;
      const stored = new Map<string, string>();
      for (const { prefix } of prefixes) {
        for (const [key, value] of await entriesUnder(database, prefix)) stored.set(key, JSON.stringify(value));
      }
      const derived = new Map<string, unknown>();
      for (const [, item] of await entriesUnder(database, `item-${table.TableName}~`)) {
        items += 1;
        for (const { index, prefix } of prefixes) {
          for (const put of indexEntriesOf([index], undefined, item, table).puts) derived.set(prefix + put.key, put.item);
        }
      }
      const operations: LevelOperation[] = [];
      for (const key of stored.keys()) if (!derived.has(key)) operations.push({ type: 'del', key });
      for (const [key, value] of derived) if (stored.get(key) !== JSON.stringify(value)) operations.push({ type: 'put', key, value });
      if (operations.length > 0) await database.batch(operations);
      repaired += operations.length;
    }
    return { tables: tables.length, items, repaired };
  } finally {
    await database.close();
  }
}

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

export async function startDynamo(dataDir: string, port = 0, log: (line: string) => void = () => undefined): Promise<LocalDynamo> {
  const directory = path.join(dataDir, 'dynamodb');
  await mkdir(directory, { recursive: true });
  await assertDataFolderFree(dataDir);
  const repair = await repairIndexes(dataDir);
  if (repair.repaired > 0) log(`dynamodb: ${repair.repaired} index entries left by an interrupted write repaired`);
  // Tables become ACTIVE at once: handlers may write as soon as the stack says ready.
  const server: Server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const bound = await listenOnLoopback(server, port, 'DynamoDB (dynalite)');
  // dynalite opens its LevelDB lazily; one call holds the folder's lock before anyone is told the
  // database is up, so another process opening the folder meanwhile is refused, never let in.
  const client = new DynamoDBClient({ endpoint: `http://${LOOPBACK}:${bound}`, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(new ListTablesCommand({}));
  } finally {
    client.destroy();
  }
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
