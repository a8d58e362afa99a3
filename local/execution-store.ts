/**
 * Executions of the local state machine, one small JSON file each under
 * `<dataDir>/stepfunctions/executions/`. Written atomically (temporary file, then rename) so a
 * kill -9 leaves either the previous or the next snapshot, never half of one. The file holds the
 * current position (last entered top-level state and its input, plus the task token and absolute
 * deadline while paused in a callback task): enough to resume after a restart. The directory is
 * local developer data; task tokens in it never reach a log.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile, unlink } from 'node:fs/promises';
import path from 'node:path';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface CallbackPosition {
  token: string;
  /** Epoch milliseconds when the task times out; null when the task has no timeout. */
  deadline: number | null;
  /**
   * True once the notification handler returned. A restart before that re-runs the task from
   * scratch with a new token (the handler may not have stored the token); after it, the task keeps
   * this token and deadline, and its idempotent handler runs again with them (no second mail; a
   * decision recorded while the runner was down is delivered at once).
   */
  handlerDone: boolean;
}

export interface ExecutionPosition {
  state: string;
  input: unknown;
  enteredAt: string;
  callback?: CallbackPosition;
}

export interface ExecutionRecord {
  version: 1;
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
  position?: ExecutionPosition;
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
        if (record.version === 1 && typeof record.name === 'string') records.push(record);
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

/**
 * Serialises the writes of one execution and coalesces bursts: a caller gets a promise that
 * settles once a snapshot taken after its call is on disk.
 */
export class SnapshotWriter {
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private force = false;

  /** `write(force)`: the owner decides whether to write; `force` is set if any caller forced. */
  constructor(private readonly write: (force: boolean) => Promise<void>) {}

  flush(force = false): Promise<void> {
    this.force ||= force;
    if (this.queued) return this.queued;
    const next = this.chain.then(() => {
      this.queued = null; // later changes need a later write
      const forced = this.force;
      this.force = false;
      return this.write(forced);
    });
    this.queued = next;
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Settles when every write asked for so far has finished. */
  idle(): Promise<void> {
    return this.chain;
  }
}
