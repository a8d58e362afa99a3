/**
 * Executions of the local state machine, one small JSON file each under
 * `<dataDir>/stepfunctions/executions/`, written atomically (temporary file, then rename) so a
 * kill -9 leaves the previous or the next snapshot, never half of one. A record holds what a
 * restart needs to replay the execution from its start: the original input, the secret its task
 * tokens derive from, and for each callback wait so far its deadline and, once answered, the
 * answer. The directory is local developer data; nothing in it reaches a log.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A callback wait: its deadline (epoch ms, null without a timeout) and how it was answered. */
export interface WaitRecord {
  deadline: number | null;
  answer?: { output: unknown } | { error: string; cause: string };
}

export interface ExecutionRecord {
  version: 2;
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** The input exactly as given to StartExecution (compared for idempotent starts). */
  input: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Task tokens are an HMAC of the wait's number under this key, so a replay mints the same ones. */
  tokenKey: string;
  waits: WaitRecord[];
}

/** File names keep the execution name readable; anything outside a safe set is %-encoded. */
const fileNameFor = (name: string): string =>
  `${name.replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}.json`;

export class ExecutionStore {
  readonly directory: string;

  constructor(dataDir: string) {
    this.directory = path.join(dataDir, 'stepfunctions', 'executions');
  }

  async loadAll(): Promise<ExecutionRecord[]> {
    await mkdir(this.directory, { recursive: true });
    const records: ExecutionRecord[] = [];
    for (const file of await readdir(this.directory)) {
      const full = path.join(this.directory, file);
      if (file.endsWith('.tmp')) { await unlink(full).catch(() => undefined); continue; } // left by a kill -9
      if (!file.endsWith('.json')) continue;
      try {
        const record = JSON.parse(await readFile(full, 'utf8')) as ExecutionRecord;
        if (record.version === 2 && typeof record.name === 'string') records.push(record);
      } catch {
        // A file that does not parse cannot be resumed; leave it for a person to look at.
      }
    }
    return records;
  }

  async save(record: ExecutionRecord): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const target = path.join(this.directory, fileNameFor(record.name));
    const temporary = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
    await rename(temporary, target);
  }
}
