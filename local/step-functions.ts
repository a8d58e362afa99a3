/**
 * The state machine, run in process by aws-local-stepfunctions, with what the engine lacks and the
 * product needs: callback tasks (`.waitForTaskToken`) answered through SendTaskSuccess/Failure,
 * task timeouts evaluated like AWS, executions kept on disk, and resume after a restart.
 *
 * Resume is a replay: every task handler is idempotent, so a resumed execution runs again from its
 * start with its original input. Plain tasks run again; a callback wait that was answered before
 * the restart gets the same answer at once; the wait still open re-runs its handler (no second
 * mail) with the same token (tokens are an HMAC of the wait's number) and keeps its deadline.
 *
 * Engine facts this file works around (aws-local-stepfunctions 3.0.0, checked in its source and by
 * test/integration/local-runtime.test.ts):
 * - `TimeoutSecondsPath` is read from the task's Parameters output, not from the state input, and
 *   a Task without a timeout gets 60 s. The engine's copy of the definition therefore evaluates
 *   the path as an extra Parameters field (removed before the handler sees it) and reads every
 *   task's timeout from `$$.Task.TimeoutSeconds`, which the runner sets as the task starts: a
 *   replayed wait keeps its first deadline, and the timeout stays the engine's own States.Timeout.
 * - The context object is spread once per run: a `Task` object with getters survives the spread.
 */
import './polyfills';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type * as Engine from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import { ExecutionStore, type ExecutionRecord, type ExecutionStatus, type WaitRecord } from './execution-store';
import { invokeHandler, LOCAL_ACCOUNT, LOCAL_REGION, type LambdaHandler } from './lambda-context';

type Answer = NonNullable<WaitRecord['answer']>;

// The package is an ES module with a CommonJS build; TypeScript (node16, CommonJS here) only
// allows its types through `resolution-mode`, so the value comes from `require`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as typeof Engine;
type StateMachineDefinition = Engine.StateMachineDefinition;

export const DEFAULT_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:PurchaseApproval`;

export interface LocalStepFunctionsOptions {
  /** The ASL with its placeholders already filled (object or JSON text). */
  definition: object | string;
  /** Function id (the last part of the Lambda ARN a Task names) → handler. */
  handlers: Record<string, LambdaHandler>;
  /** Executions are kept under `<dataDir>/stepfunctions/`. */
  dataDir: string;
  /** @default arn:aws:states:us-east-1:000000000000:stateMachine:PurchaseApproval */
  stateMachineArn?: string;
  /** Passed to the engine; only to shorten retry pauses in tests. */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Task timeouts run this many times faster than the ASL says (tests of deadlines only). @default 1 */
  timeScale?: number;
  log?: (line: string) => void;
}

export type StepFunctionsErrorCode = 'TaskTimedOut' | 'InvalidToken' | 'ExecutionDoesNotExist' | 'ExecutionAlreadyExists'
  | 'InvalidOutput' | 'InvalidName' | 'InvalidArn' | 'InvalidExecutionInput' | 'StateMachineDoesNotExist';

/** An error named like the AWS API's exception, so callers can tell them apart as with the SDK. */
export class StepFunctionsError extends Error {
  constructor(readonly code: StepFunctionsErrorCode, message: string) {
    super(message);
    this.name = code;
  }
}

/** As DescribeExecution answers: the record without the runner's own fields, dates as Dates. */
export type ExecutionDescription = Omit<ExecutionRecord, 'version' | 'tokenKey' | 'waits' | 'startDate' | 'stopDate'> & { startDate: Date; stopDate?: Date };

export interface LocalStepFunctions {
  readonly stateMachineArn: string;
  startExecution(request: { name?: string; input?: string }): Promise<{ executionArn: string; startDate: Date }>;
  describeExecution(executionArn: string): ExecutionDescription;
  sendTaskSuccess(taskToken: string, output: string): void;
  sendTaskFailure(taskToken: string, error?: string, cause?: string): void;
  /** HeartbeatSeconds is not enforced locally; this only checks that the token is live. */
  sendTaskHeartbeat(taskToken: string): void;
  /** Resolves once the execution is no longer RUNNING (tests and tools; not an AWS call). */
  waitForExecution(executionArn: string): Promise<ExecutionDescription>;
  /** Abort running executions WITHOUT recording an end, so the next start resumes them. */
  stop(): Promise<void>;
}

interface AslState { Type: string; Resource?: string; Parameters?: Record<string, unknown>; TimeoutSeconds?: number; TimeoutSecondsPath?: string }
interface AslDefinition { StartAt: string; States: Record<string, AslState> }

const CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_INVOKE_RESOURCE = 'arn:aws:states:::lambda:invoke';
/** The extra Parameters field that carries a TimeoutSecondsPath value to the runner. */
const TIMEOUT_FIELD = 'localTimeoutSeconds';
/** The longest timer Node keeps (about 24.8 days): the timeout of a task without one. */
const NO_TIMEOUT_SECONDS = Math.floor(2_147_483_647 / 1000);
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

/**
 * Copies made with JSON, not structuredClone: the engine only treats objects whose prototype is
 * this realm's Object.prototype as payload templates (under jest structuredClone returns another realm's).
 */
const jsonClone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const settled = () => {
  let resolve!: () => void;
  return { promise: new Promise<void>((r) => { resolve = r; }), resolve };
};

/** `arn:aws:lambda:…:function:Name[:qualifier]` or a bare name → `Name`. */
const functionIdOf = (arnOrName: string): string => /:function:([^:]+)/.exec(arnOrName)?.[1] ?? arnOrName;

/** A handler's throw as a task failure: Error = its name (Catch by name), Cause = AWS-style JSON. */
const asTaskError = (thrown: unknown): Error => {
  const name = thrown instanceof Error ? thrown.name : 'Error';
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const trace = thrown instanceof Error && thrown.stack ? thrown.stack.split('\n').slice(1, 6).map((l) => l.trim()) : [];
  return Object.assign(new Error(JSON.stringify({ errorType: name, errorMessage: message, trace })), { name });
};

/** The engine's copy: timeouts come from the runner (see the header), TimeoutSecondsPath via Parameters. */
const engineDefinitionOf = (definition: AslDefinition): AslDefinition => {
  const copy = jsonClone(definition);
  for (const [name, state] of Object.entries(copy.States)) {
    if (state.Type !== 'Task') continue;
    if (state.TimeoutSecondsPath) {
      if (!state.Parameters) throw new Error(`the local runner needs Parameters on ${name} to read its TimeoutSecondsPath`);
      state.Parameters[`${TIMEOUT_FIELD}.$`] = state.TimeoutSecondsPath;
    }
    delete state.TimeoutSeconds;
    state.TimeoutSecondsPath = '$$.Task.TimeoutSeconds';
  }
  return copy;
};

/** Tokens name their execution (so a late answer gets TaskTimedOut) and are unguessable. */
const tokenFor = (record: ExecutionRecord, wait: number): string =>
  `${createHmac('sha256', Buffer.from(record.tokenKey, 'base64url')).update(String(wait)).digest('base64url')}.${Buffer.from(record.name).toString('base64url')}`;
const executionNameInToken = (token: string): string | undefined => {
  const match = /^[A-Za-z0-9_-]{43}\.([A-Za-z0-9_-]+)$/.exec(token);
  return match ? Buffer.from(match[1]!, 'base64url').toString('utf8') : undefined;
};

interface LiveExecution {
  record: ExecutionRecord;
  /** Set by stop(): nothing more is written or invoked, so the disk keeps the replay point. */
  frozen: boolean;
  abort?: () => void;
  ended: { promise: Promise<void>; resolve: () => void };
  /** Number of the next callback wait in this run (replays count from 0 again). */
  nextWait: number;
  /** The timeout of the task starting now, read by the engine through `$$.Task.TimeoutSeconds`. */
  timeoutSeconds: number;
  saving: Promise<void>;
}

interface PendingWait { execution: LiveExecution; wait: WaitRecord; settle: (answer: Answer) => void }

const describe = ({ version: _v, tokenKey: _k, waits: _w, startDate, stopDate, ...rest }: ExecutionRecord): ExecutionDescription =>
  ({ ...rest, startDate: new Date(startDate), ...(stopDate ? { stopDate: new Date(stopDate) } : {}) });

export async function createLocalStepFunctions(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  const log = options.log ?? (() => undefined);
  const timeScale = options.timeScale ?? 1;
  const stateMachineArn = options.stateMachineArn ?? DEFAULT_STATE_MACHINE_ARN;
  const executionArnPrefix = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
  const definition = (typeof options.definition === 'string' ? JSON.parse(options.definition) : jsonClone(options.definition)) as AslDefinition;
  const nested = Object.keys(definition.States).filter((name) => ['Map', 'Parallel'].includes(definition.States[name]!.Type));
  if (nested.length) throw new Error(`the local runner runs top-level states only; ${nested.join(', ')} would call AWS`);
  new StateMachine(definition as unknown as StateMachineDefinition); // validates the real definition (about 70 ms)
  const machine = new StateMachine(engineDefinitionOf(definition) as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });

  const store = new ExecutionStore(options.dataDir);
  const executions = new Map<string, LiveExecution>();
  /** Starts whose record is still being saved, by name (see startExecution). */
  const starting = new Map<string, { input: string; started: Promise<{ executionArn: string; startDate: Date }> }>();
  const pending = new Map<string, PendingWait>();
  const inFlightHandlers = new Set<Promise<unknown>>();
  let stopped = false;

  const save = (execution: LiveExecution): Promise<void> => {
    if (execution.frozen) return execution.saving;
    const snapshot = jsonClone(execution.record);
    execution.saving = execution.saving.then(() => store.save(snapshot)).catch((error: Error) => log(`step functions: could not save ${snapshot.name}: ${error.message}`));
    return execution.saving;
  };

  const callHandler = (functionId: string, event: unknown): Promise<unknown> => {
    const handler = options.handlers[functionId];
    const call = handler
      ? (async () => invokeHandler(functionId, handler, event))().catch((error: unknown) => { throw asTaskError(error); })
      : Promise.reject(Object.assign(new Error(`no local handler for function ${functionId}`), { name: 'Lambda.ResourceNotFoundException' }));
    inFlightHandlers.add(call);
    void call.catch(() => undefined).finally(() => inFlightHandlers.delete(call));
    return call;
  };

  /** A callback wait: replayed from its answer, or armed (its deadline kept across replays) and its handler run. */
  const waitForCallback = async (execution: LiveExecution, functionId: string, event: unknown, seconds: number | undefined): Promise<unknown> => {
    const number = execution.nextWait++;
    const token = tokenFor(execution.record, number);
    const wait = (execution.record.waits[number] ??= { deadline: seconds === undefined ? null : Date.now() + (seconds * 1000) / timeScale });
    execution.timeoutSeconds = wait.deadline === null ? NO_TIMEOUT_SECONDS : Math.max(1, Math.ceil((wait.deadline - Date.now()) / 1000));
    const replay = (answer: Answer) => {
      if ('output' in answer) return answer.output;
      throw Object.assign(new Error(answer.cause), { name: answer.error });
    };
    if (wait.answer) return replay(wait.answer);
    if (wait.deadline !== null && wait.deadline <= Date.now()) return new Promise<never>(() => undefined); // the engine's timer fires
    await save(execution); // the deadline is on disk before anyone is asked
    if (execution.frozen) return null;
    const answered = new Promise<Answer>((resolve) => pending.set(token, { execution, wait, settle: resolve }));
    // At the deadline the token is forgotten (a late answer gets TaskTimedOut); the engine's own
    // timer, a moment later, ends the task with States.Timeout and this wait is never settled.
    const timer = wait.deadline === null ? undefined : setTimeout(() => pending.delete(token), wait.deadline - Date.now());
    try {
      const handlerFailed = callHandler(functionId, event).then(() => new Promise<never>(() => undefined));
      const answer = await Promise.race([answered, handlerFailed.catch((error: Error) => ({ error: error.name, cause: error.message }))]);
      wait.answer = answer;
      await save(execution);
      return replay(answer);
    } finally {
      clearTimeout(timer);
      pending.delete(token);
    }
  };

  const runTask = async (execution: LiveExecution, state: AslState, input: unknown): Promise<unknown> => {
    const { [TIMEOUT_FIELD]: pathSeconds, ...processedInput } = (input ?? {}) as Record<string, unknown>;
    const seconds = state.TimeoutSeconds ?? (pathSeconds as number | undefined);
    execution.timeoutSeconds = seconds === undefined ? NO_TIMEOUT_SECONDS : Math.max(1, Math.ceil(seconds / timeScale));
    // stop() is under way: settling (not hanging) lets the aborted engine loop end and clear its timers.
    if (execution.frozen || stopped) return null;
    const resource = state.Resource ?? '';
    const viaInvoke = resource === CALLBACK_RESOURCE || resource === LAMBDA_INVOKE_RESOURCE;
    const functionId = functionIdOf(viaInvoke ? String(processedInput.FunctionName ?? '') : resource);
    const event = viaInvoke ? processedInput.Payload ?? {} : processedInput;
    if (resource === CALLBACK_RESOURCE) return waitForCallback(execution, functionId, event, seconds);
    const result = await callHandler(functionId, event);
    return resource === LAMBDA_INVOKE_RESOURCE ? { ExecutedVersion: '$LATEST', Payload: result ?? null, StatusCode: 200 } : result;
  };

  const finish = async (execution: LiveExecution, status: ExecutionStatus, result: { output?: unknown; error?: string; cause?: string }) => {
    if (execution.frozen) return; // stopped: keep RUNNING on disk so the next start resumes it
    for (const [token, entry] of pending) if (entry.execution === execution) pending.delete(token);
    Object.assign(execution.record, {
      status, stopDate: new Date().toISOString(),
      ...(result.output !== undefined ? { output: JSON.stringify(result.output) } : {}),
      ...(result.error !== undefined ? { error: result.error, cause: result.cause } : {}),
    });
    await save(execution);
    log(`step functions: ${execution.record.name} ${status}${result.error ? ` (${result.error})` : ''}`);
    execution.ended.resolve();
  };

  const launch = (record: ExecutionRecord): LiveExecution => {
    const execution: LiveExecution = { record, frozen: false, ended: settled(), nextWait: 0, timeoutSeconds: NO_TIMEOUT_SECONDS, saving: Promise.resolve() };
    executions.set(record.name, execution);
    if (record.status !== 'RUNNING') { execution.ended.resolve(); return execution; }
    const context = {
      Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local` },
      StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() },
      Task: {
        get Token(): string { return tokenFor(record, execution.nextWait); },
        get TimeoutSeconds(): number { return execution.timeoutSeconds; },
      },
    };
    const overrides = Object.fromEntries(Object.entries(definition.States).filter(([, state]) => state.Type === 'Task')
      .map(([name, state]) => [name, (input: unknown) => runTask(execution, state, input)]));
    const run = machine.run(JSON.parse(record.input) as never, {
      overrides: { taskResourceLocalHandlers: overrides as never, ...(options.retryIntervalOverrides ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}) },
      context: context as never,
      noThrowOnAbort: true,
    });
    execution.abort = run.abort;
    run.result.then(
      (output) => finish(execution, 'SUCCEEDED', { output }),
      (error: Error & { cause?: Error }) => {
        if (error.name === 'ExecutionTimeoutError') return finish(execution, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out' });
        const cause = error.cause ?? error;
        return finish(execution, 'FAILED', { error: cause.name, cause: cause.message });
      },
    ).catch(() => undefined);
    return execution;
  };

  // Resume what was running when the process last stopped (cleanly or not): replay from the start.
  for (const record of await store.loadAll()) {
    if (record.status === 'RUNNING') log(`step functions: resuming ${record.name}`);
    launch(record);
  }

  const executionByArn = (executionArn: string): LiveExecution => {
    const execution = executionArn.startsWith(executionArnPrefix) ? executions.get(executionArn.slice(executionArnPrefix.length)) : undefined;
    if (!execution) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  };

  const pendingFor = (taskToken: string): PendingWait => {
    const entry = pending.get(taskToken);
    if (entry) return entry;
    const name = typeof taskToken === 'string' ? executionNameInToken(taskToken) : undefined;
    if (name !== undefined && executions.has(name)) throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
    throw new StepFunctionsError('InvalidToken', 'Invalid Token');
  };
  const answer = (taskToken: string, entry: PendingWait, result: Answer) => {
    pending.delete(taskToken);
    entry.settle(result);
  };

  return {
    stateMachineArn,

    async startExecution({ name, input }) {
      if (stopped) throw new Error('the local state machine is stopped');
      const executionName = name ?? randomUUID();
      if (!EXECUTION_NAME.test(executionName)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${executionName}'`);
      const inputText = input ?? '{}';
      try { JSON.parse(inputText); } catch {
        throw new StepFunctionsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: input is not JSON');
      }
      const existing = executions.get(executionName);
      if (existing) {
        // As AWS Standard workflows: idempotent only while running and with the same input.
        if (existing.record.status === 'RUNNING' && existing.record.input === inputText) {
          return { executionArn: existing.record.executionArn, startDate: new Date(existing.record.startDate) };
        }
        throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.record.executionArn}'`);
      }
      // A start of the same name still saving its record counts as running: concurrent starts
      // (retried submissions) must not launch two executions while the first is on its way to disk.
      const beingStarted = starting.get(executionName);
      if (beingStarted) {
        if (beingStarted.input === inputText) return beingStarted.started;
        throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArnPrefix}${executionName}'`);
      }
      const record: ExecutionRecord = {
        version: 2, executionArn: executionArnPrefix + executionName, stateMachineArn, name: executionName,
        input: inputText, status: 'RUNNING', startDate: new Date().toISOString(), tokenKey: randomBytes(32).toString('base64url'), waits: [],
      };
      const started = (async () => {
        await store.save(record); // on disk before the caller hears "started"
        launch(record);
        return { executionArn: record.executionArn, startDate: new Date(record.startDate) };
      })();
      starting.set(executionName, { input: inputText, started });
      try {
        return await started;
      } finally {
        starting.delete(executionName);
      }
    },

    describeExecution: (executionArn) => describe(executionByArn(executionArn).record),

    sendTaskSuccess(taskToken, output) {
      const entry = pendingFor(taskToken);
      let parsed: unknown;
      try { parsed = JSON.parse(output); } catch {
        throw new StepFunctionsError('InvalidOutput', 'Invalid Output: output is not JSON');
      }
      answer(taskToken, entry, { output: parsed });
    },

    sendTaskFailure(taskToken, error, cause) {
      answer(taskToken, pendingFor(taskToken), { error: error ?? '', cause: cause ?? '' });
    },

    sendTaskHeartbeat(taskToken) {
      pendingFor(taskToken);
    },

    async waitForExecution(executionArn) {
      const execution = executionByArn(executionArn);
      await execution.ended.promise;
      return describe(execution.record);
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      for (const execution of executions.values()) {
        if (execution.record.status !== 'RUNNING') continue;
        execution.frozen = true;
        execution.abort?.();
      }
      // Settle the open waits so the aborted runs end and clear the engine's timers; `frozen` keeps them off the disk.
      for (const entry of pending.values()) entry.settle({ output: null });
      pending.clear();
      // Let handlers that are mid-call finish (they talk to dynalite, which closes next), briefly.
      await Promise.race([Promise.allSettled([...inFlightHandlers]), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await Promise.allSettled([...executions.values()].map((execution) => execution.saving));
    },
  };
}
