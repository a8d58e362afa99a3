/**
 * The state machine, run in process by aws-local-stepfunctions, with what the engine lacks and the
 * product needs: callback tasks (`.waitForTaskToken`) answered through SendTaskSuccess/Failure,
 * task timeouts evaluated like AWS, executions kept on disk, and resume after a restart.
 *
 * Engine facts this file works around (aws-local-stepfunctions 3.0.0, checked in its source and by
 * test/integration/local-runtime.test.ts):
 * - `TimeoutSecondsPath` is read from the task's Parameters output, not from the state input, so
 *   `"$.wait.seconds"` fails the execution with an uncatchable States.Runtime (after the handler
 *   already ran). The runner therefore owns every task timeout: the engine gets a far timeout and
 *   the override rejects with the engine's own `StatesTimeoutError` class (so `States.TaskFailed`
 *   still excludes timeouts, as on AWS).
 * - The context object is spread once per run: a `Task` object with a `Token` getter survives the
 *   spread and mints a token each time `$$.Task.Token` is read; `Execution.Input`/`StartTime` are
 *   overwritten by the engine (after a resume they describe the resumed run).
 * - An override receives only the processed input; the raw state input (needed for the timeout
 *   path and for the resume position) comes from the `StateEntered`/`StateRetried` events, which
 *   are dispatched synchronously right before the override is called.
 */
import './polyfills';
import { randomBytes, randomUUID } from 'node:crypto';
import type * as Engine from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import { ExecutionStore, SnapshotWriter, type ExecutionRecord, type ExecutionStatus } from './execution-store';
import { invokeHandler, LOCAL_ACCOUNT, LOCAL_REGION, type LambdaHandler } from './lambda-context';
import { readReferencePath } from './reference-path';

// The package is an ES module with a CommonJS build; TypeScript (node16, CommonJS here) only
// allows its types through `resolution-mode`, so the value comes from `require`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as typeof Engine;
type StateMachine = Engine.StateMachine;
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
  log?: (line: string) => void;
}

export type StepFunctionsErrorCode =
  | 'TaskTimedOut' | 'InvalidToken' | 'ExecutionDoesNotExist' | 'ExecutionAlreadyExists' | 'InvalidOutput'
  | 'InvalidName' | 'InvalidArn' | 'InvalidExecutionInput' | 'StateMachineDoesNotExist';

/** An error with the `__type` the AWS JSON protocol reports, so SDK clients throw the named exception. */
export class StepFunctionsError extends Error {
  constructor(readonly code: StepFunctionsErrorCode, message: string) {
    super(message);
    this.name = code;
  }
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

export interface LocalStepFunctions {
  readonly stateMachineArn: string;
  startExecution(request: { name?: string; input?: string }): Promise<{ executionArn: string; startDate: Date }>;
  describeExecution(executionArn: string): ExecutionDescription;
  sendTaskSuccess(taskToken: string, output: string): void;
  sendTaskFailure(taskToken: string, error?: string, cause?: string): void;
  sendTaskHeartbeat(taskToken: string): void;
  /** Resolves once the execution is no longer RUNNING (tests and tools; not an AWS call). */
  waitForExecution(executionArn: string): Promise<ExecutionDescription>;
  /** Abort running executions WITHOUT recording an end, so the next start resumes them. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// ASL shapes the runner reads (loosely typed: the engine validates the definition itself).

interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: unknown;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Iterator?: AslDefinition;
  ItemProcessor?: AslDefinition;
  Branches?: AslDefinition[];
  [field: string]: unknown;
}
interface AslDefinition { StartAt: string; States: Record<string, AslState>; [field: string]: unknown }

const CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_INVOKE_RESOURCE = 'arn:aws:states:::lambda:invoke';
/** The longest timer Node keeps (about 24.8 days); the engine's own task timer is set to this. */
const MAX_TIMER_MS = 2_147_483_647;
const ENGINE_TASK_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

/**
 * Copies made with JSON, not structuredClone: the engine only treats objects whose prototype is
 * this realm's Object.prototype as payload templates, and under jest structuredClone returns
 * objects of another realm, whose nested `"key.$"` fields the engine would then leave unresolved.
 */
const jsonClone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** `arn:aws:lambda:…:function:Name[:qualifier]` or a bare name → `Name`. */
const functionIdOf = (arnOrName: string): string => {
  const match = /:function:([^:]+)/.exec(arnOrName);
  return match ? match[1]! : arnOrName;
};

const everyTaskState = (definition: AslDefinition, visit: (name: string, state: AslState) => void): void => {
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Task') visit(name, state);
    for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
      if (nested) everyTaskState(nested, visit);
    }
  }
};

/** The runner enforces task timeouts; the engine gets the farthest timer Node can keep. */
const withEngineTimeouts = (definition: AslDefinition): AslDefinition => {
  const copy = jsonClone(definition);
  everyTaskState(copy, (_name, state) => {
    delete state.TimeoutSecondsPath;
    state.TimeoutSeconds = ENGINE_TASK_TIMEOUT_SECONDS;
  });
  return copy;
};

/**
 * The engine's own `StatesTimeoutError` class is not exported. One throw-away run with a 1 ms
 * task timeout hands it over (as the `cause` of the ExecutionError), so the runner's timeouts are
 * indistinguishable from the engine's, `States.TaskFailed` matching included.
 */
let timeoutErrorClass: Promise<new () => Error> | undefined;
const statesTimeoutErrorClass = (): Promise<new () => Error> => {
  timeoutErrorClass ??= (async () => {
    const probe = new StateMachine(
      { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:Probe', TimeoutSeconds: 0.001, End: true } } } as unknown as StateMachineDefinition,
      { validationOptions: { noValidate: true } },
    );
    try {
      await probe.run(null, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise<never>(() => undefined) } } }).result;
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      if (cause?.name === 'States.Timeout') return cause.constructor as new () => Error;
    }
    return class StatesTimeoutError extends Error {
      constructor() { super('States.Timeout'); this.name = 'States.Timeout'; }
    };
  })();
  return timeoutErrorClass;
};

/** A handler's throw as a task failure: Error = its name (Catch by name), Cause = AWS-style JSON. */
const asTaskError = (thrown: unknown): Error => {
  const name = thrown instanceof Error ? thrown.name : 'Error';
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const trace = thrown instanceof Error && thrown.stack ? thrown.stack.split('\n').slice(1, 6).map((l) => l.trim()) : [];
  const error = new Error(JSON.stringify({ errorType: name, errorMessage: message, trace }));
  error.name = name;
  return error;
};

/** setTimeout beyond ~24.8 days fires at once in Node; chain shorter timers instead. */
const setLongTimeout = (fire: () => void, delayMs: number): (() => void) => {
  let timer: NodeJS.Timeout;
  const arm = (remaining: number) => {
    timer = setTimeout(() => (remaining > MAX_TIMER_MS ? arm(remaining - MAX_TIMER_MS) : fire()), Math.min(Math.max(remaining, 0), MAX_TIMER_MS));
  };
  arm(delayMs);
  return () => clearTimeout(timer);
};

// ---------------------------------------------------------------------------------------------

interface PendingCallback {
  execution: LiveExecution;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

interface LiveExecution {
  record: ExecutionRecord;
  writer: SnapshotWriter;
  /** Set by stop(): nothing more is written or invoked, so the disk keeps the resume point. */
  frozen: boolean;
  abort?: () => void;
  ended: Promise<void>;
  markEnded: () => void;
  /** Tokens minted by `$$.Task.Token` and not yet claimed by a callback task. */
  minted: Set<string>;
  /** Tokens this execution is waiting on, and the cleanup for each. */
  waiting: Map<string, () => void>;
  /** Raw state inputs from StateEntered/StateRetried events, claimed in order by task overrides. */
  entries: Map<string, unknown[]>;
  entryWaiters: Map<string, ((input: unknown) => void)[]>;
  /** After a restart: the stored token and deadline the resumed callback task keeps (its handler re-runs with them). */
  resumeCallback?: { state: string; token: string; deadline: number | null };
}

/** Tokens name their execution so a late answer after a restart still gets TaskTimedOut. */
const mintToken = (executionName: string): string =>
  `${randomBytes(32).toString('base64url')}.${Buffer.from(executionName).toString('base64url')}`;
const executionNameInToken = (token: string): string | undefined => {
  const match = /^[A-Za-z0-9_-]{43}\.([A-Za-z0-9_-]+)$/.exec(token);
  return match ? Buffer.from(match[1]!, 'base64url').toString('utf8') : undefined;
};

const describe = (record: ExecutionRecord): ExecutionDescription => ({
  executionArn: record.executionArn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: new Date(record.startDate),
  ...(record.stopDate ? { stopDate: new Date(record.stopDate) } : {}),
  input: record.input,
  ...(record.output !== undefined ? { output: record.output } : {}),
  ...(record.error !== undefined ? { error: record.error } : {}),
  ...(record.cause !== undefined ? { cause: record.cause } : {}),
});

export async function createLocalStepFunctions(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  const log = options.log ?? (() => undefined);
  const stateMachineArn = options.stateMachineArn ?? DEFAULT_STATE_MACHINE_ARN;
  const stateMachineName = stateMachineArn.split(':').pop()!;
  const executionArnPrefix = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
  const definition = (typeof options.definition === 'string' ? JSON.parse(options.definition) : jsonClone(options.definition)) as AslDefinition;

  // Validate the real definition once (about 70 ms); every machine built afterwards skips it.
  new StateMachine(definition as unknown as StateMachineDefinition);
  const engineDefinition = withEngineTimeouts(definition);
  const machines = new Map<string, StateMachine>();
  const machineStartingAt = (state: string): StateMachine => {
    let machine = machines.get(state);
    if (!machine) {
      machine = new StateMachine({ ...engineDefinition, StartAt: state } as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
      machines.set(state, machine);
    }
    return machine;
  };

  const TimeoutError = await statesTimeoutErrorClass();
  const store = new ExecutionStore(options.dataDir);
  const executions = new Map<string, LiveExecution>();
  const pending = new Map<string, PendingCallback>();
  const inFlightHandlers = new Set<Promise<unknown>>();
  const topLevelTasks = new Set(Object.entries(definition.States).filter(([, s]) => s.Type === 'Task').map(([n]) => n));
  const taskStates = new Map<string, AslState>();
  everyTaskState(definition, (name, state) => taskStates.set(name, state));
  let stopped = false;

  const handlerFor = (functionId: string): LambdaHandler => {
    const handler = options.handlers[functionId];
    if (!handler) throw Object.assign(new Error(`no local handler for function ${functionId}`), { name: 'Lambda.ResourceNotFoundException' });
    return handler;
  };
  const callHandler = (functionId: string, event: unknown): Promise<unknown> => {
    const call = (async () => invokeHandler(functionId, handlerFor(functionId), event))();
    inFlightHandlers.add(call);
    void call.catch(() => undefined).finally(() => inFlightHandlers.delete(call));
    return call;
  };

  const persist = (execution: LiveExecution): Promise<void> => execution.writer.flush();

  const newLiveExecution = (record: ExecutionRecord): LiveExecution => {
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => { markEnded = resolve; });
    const execution: LiveExecution = {
      record, frozen: false, ended, markEnded, minted: new Set(), waiting: new Map(), entries: new Map(), entryWaiters: new Map(),
      writer: new SnapshotWriter(async (force) => {
        if (!execution.frozen || force) await store.save(execution.record);
      }),
    };
    if (record.status !== 'RUNNING') markEnded();
    return execution;
  };

  /** The raw input of the state whose override is running (see the header comment). */
  const claimEntry = (execution: LiveExecution, state: string): Promise<unknown> => {
    const queued = execution.entries.get(state);
    if (queued?.length) return Promise.resolve(queued.shift());
    return new Promise((resolve) => {
      const waiters = execution.entryWaiters.get(state) ?? [];
      waiters.push(resolve);
      execution.entryWaiters.set(state, waiters);
    });
  };
  const offerEntry = (execution: LiveExecution, state: string, input: unknown): void => {
    const waiter = execution.entryWaiters.get(state)?.shift();
    if (waiter) { waiter(input); return; }
    const queued = execution.entries.get(state) ?? [];
    queued.push(input);
    execution.entries.set(state, queued);
  };

  /** Timeout of a task attempt in ms (null: none, as AWS's default), read from the raw state input. */
  const taskTimeoutMs = (state: AslState, rawInput: unknown): number | null => {
    if (state.TimeoutSeconds !== undefined) return state.TimeoutSeconds * 1000;
    if (state.TimeoutSecondsPath !== undefined) {
      const seconds = readReferencePath(state.TimeoutSecondsPath, rawInput);
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
        throw Object.assign(new Error(`TimeoutSecondsPath ${state.TimeoutSecondsPath} must point to a positive integer`), { name: 'States.Runtime' });
      }
      return seconds * 1000;
    }
    return null;
  };

  const forgetToken = (token: string): void => {
    const entry = pending.get(token);
    if (!entry) return;
    pending.delete(token);
    entry.execution.waiting.get(token)?.();
    entry.execution.waiting.delete(token);
  };

  /** The token `$$.Task.Token` put into this callback task's payload. */
  const claimToken = (execution: LiveExecution, payload: unknown): string => {
    const seen = JSON.stringify(payload ?? null);
    const token = [...execution.minted].find((candidate) => seen.includes(candidate));
    execution.minted.clear();
    // A callback task that never reads $$.Task.Token can only time out, as on AWS.
    return token ?? mintToken(execution.record.name);
  };

  const runTask = async (execution: LiveExecution, stateName: string, processedInput: unknown): Promise<unknown> => {
    // stop() is under way. Settling (not hanging) lets the aborted engine loop end and clear its timers.
    if (execution.frozen || stopped) return null;
    const startedAt = Date.now();
    const state = taskStates.get(stateName)!;
    const resource = state.Resource ?? '';
    const isCallback = resource === CALLBACK_RESOURCE;
    const viaInvoke = isCallback || resource === LAMBDA_INVOKE_RESOURCE;
    const parameters = (processedInput ?? {}) as { FunctionName?: string; Payload?: unknown };
    const functionId = functionIdOf(viaInvoke ? String(parameters.FunctionName ?? '') : resource);
    const event = viaInvoke ? parameters.Payload ?? {} : processedInput;
    const resumed = execution.resumeCallback?.state === stateName ? execution.resumeCallback : undefined;
    execution.resumeCallback = undefined;
    const isTopLevel = topLevelTasks.has(stateName);

    if (!isCallback) {
      // Top-level tasks learn their raw input from the event log (and record it as the resume point).
      const rawInput = isTopLevel ? await claimEntry(execution, stateName) : processedInput;
      if (execution.frozen) return null;
      const timeoutMs = taskTimeoutMs(state, rawInput);
      if (isTopLevel) await persist(execution); // never run a handler while the disk points earlier
      let cancelTimer = () => undefined as void;
      const timedOut = new Promise<never>((_resolve, reject) => {
        if (timeoutMs !== null) cancelTimer = setLongTimeout(() => reject(new TimeoutError()), timeoutMs - (Date.now() - startedAt));
      });
      try {
        const result = await Promise.race([callHandler(functionId, event).catch((e: unknown) => { throw asTaskError(e); }), timedOut]);
        return resource === LAMBDA_INVOKE_RESOURCE ? { ExecutedVersion: '$LATEST', Payload: result ?? null, StatusCode: 200 } : result;
      } finally {
        cancelTimer();
      }
    }

    // Callback task. The token is live from this synchronous first step on: an answer may come
    // while the handler still runs, or (after a restart) as soon as the runner is back.
    // On a resume the engine minted a new token for the payload; the stored one replaces it.
    const fresh = resumed ? [...execution.minted].find((candidate) => JSON.stringify(event ?? null).includes(candidate)) : undefined;
    if (resumed) execution.minted.clear();
    const token = resumed?.token ?? claimToken(execution, event);
    let resolveAnswer!: (output: unknown) => void;
    let rejectAnswer!: (error: Error) => void;
    const answered = new Promise<unknown>((resolve, reject) => { resolveAnswer = resolve; rejectAnswer = reject; });
    answered.catch(() => undefined); // an early SendTaskFailure must not count as unhandled
    let cancelTimer = () => undefined as void;
    pending.set(token, { execution, resolve: resolveAnswer, reject: rejectAnswer });
    execution.waiting.set(token, () => cancelTimer());

    try {
      const rawInput = isTopLevel ? await claimEntry(execution, stateName) : processedInput;
      if (execution.frozen) return null;
      const timeoutMs = resumed ? null : taskTimeoutMs(state, rawInput);
      const deadline = resumed ? resumed.deadline : timeoutMs === null ? null : startedAt + timeoutMs;
      if (deadline !== null && pending.has(token)) {
        cancelTimer = setLongTimeout(() => {
          forgetToken(token);
          rejectAnswer(new TimeoutError());
        }, deadline - Date.now());
      }
      const position = execution.record.position;
      if (isTopLevel && position?.state === stateName) {
        position.callback = { token, deadline, handlerDone: Boolean(resumed) };
      }
      await persist(execution);
      // After a restart the handler runs again with the stored token (not the freshly minted one):
      // handlers are idempotent — no second email — and one that finds a decision recorded while
      // the runner was down answers the token at once instead of waiting for the next deadline.
      const handlerEvent = resumed && fresh !== undefined && fresh !== token
        ? JSON.parse(JSON.stringify(event).split(fresh).join(token))
        : event;
      if (resumed) log(`step functions: ${execution.record.name} waits again in ${stateName} after a restart`);
      const handlerFailed = callHandler(functionId, handlerEvent).then(
        () => {
          if (position?.callback?.token === token && (pending.has(token) || execution.frozen)) {
            // The mail is out: from now on a restart only waits. Written even during stop(),
            // which waits for handlers mid-call, or the restart would mail the approver twice.
            position.callback.handlerDone = true;
            void execution.writer.flush(true);
          }
          return new Promise<never>(() => undefined);
        },
        (error: unknown) => { throw asTaskError(error); },
      );
      return await Promise.race([answered, handlerFailed]);
    } finally {
      forgetToken(token);
    }
  };

  /** Follow the engine's event log: record the position, hand raw inputs to task overrides. */
  const follow = async (execution: LiveExecution, events: AsyncGenerator<{ type: string; state?: { name: string; input: unknown }; index?: number }>) => {
    for await (const event of events) {
      if (execution.frozen) continue;
      const stateName = event.state?.name;
      if (!stateName || event.index !== undefined || !(stateName in definition.States)) continue;
      if (event.type === 'StateEntered') {
        execution.record.position = { state: stateName, input: event.state!.input, enteredAt: new Date().toISOString() };
        if (topLevelTasks.has(stateName)) offerEntry(execution, stateName, event.state!.input); // its override persists
        else void persist(execution);
      } else if (event.type === 'StateRetried' && topLevelTasks.has(stateName)) {
        if (execution.record.position) delete execution.record.position.callback;
        offerEntry(execution, stateName, event.state!.input);
      }
    }
  };

  const finish = async (execution: LiveExecution, status: ExecutionStatus, result: { output?: unknown; error?: string; cause?: string }) => {
    if (execution.frozen) return; // stopped: keep RUNNING on disk so the next start resumes it
    for (const token of [...execution.waiting.keys()]) forgetToken(token);
    const record = execution.record;
    record.status = status;
    record.stopDate = new Date().toISOString();
    if (result.output !== undefined) record.output = JSON.stringify(result.output);
    if (result.error !== undefined) record.error = result.error;
    if (result.cause !== undefined) record.cause = result.cause;
    delete record.position;
    await persist(execution).catch((error: Error) => log(`step functions: could not save ${record.name}: ${error.message}`));
    log(`step functions: ${record.name} ${status}${result.error ? ` (${result.error})` : ''}`);
    execution.markEnded();
  };

  const launch = (execution: LiveExecution, startState: string, input: unknown) => {
    const record = execution.record;
    const context = {
      Execution: { Id: record.executionArn, Name: record.name, Input: JSON.parse(record.input) as unknown, StartTime: record.startDate, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local` },
      StateMachine: { Id: stateMachineArn, Name: stateMachineName },
      Task: {
        get Token(): string {
          const token = mintToken(record.name);
          execution.minted.add(token);
          return token;
        },
      },
    };
    const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const stateName of taskStates.keys()) overrides[stateName] = (taskInput) => runTask(execution, stateName, taskInput);
    const run = machineStartingAt(startState).run(input as never, {
      overrides: {
        taskResourceLocalHandlers: overrides as never,
        ...(options.retryIntervalOverrides ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}),
      },
      context: context as never,
      noThrowOnAbort: true,
    });
    execution.abort = run.abort;
    void follow(execution, run.eventLogs as never).catch((error: Error) => log(`step functions: event log of ${record.name} failed: ${error.message}`));
    run.result.then(
      (output) => finish(execution, 'SUCCEEDED', { output }),
      (error: Error & { cause?: Error }) => {
        if (error.name === 'ExecutionTimeoutError') return finish(execution, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out' });
        const cause = error.cause ?? error;
        return finish(execution, 'FAILED', { error: cause.name, cause: cause.message });
      },
    ).catch(() => undefined);
  };

  // Resume what was running when the process last stopped (cleanly or not).
  for (const record of await store.loadAll()) {
    const execution = newLiveExecution(record);
    executions.set(record.name, execution);
    if (record.status !== 'RUNNING') continue;
    const position = record.position;
    if (position && !(position.state in definition.States)) {
      await finish(execution, 'FAILED', { error: 'States.Runtime', cause: `state ${position.state} is no longer in the definition` });
      continue;
    }
    if (position?.callback?.handlerDone) {
      execution.resumeCallback = { state: position.state, token: position.callback.token, deadline: position.callback.deadline };
    }
    log(`step functions: resuming ${record.name} at ${position?.state ?? definition.StartAt}`);
    launch(execution, position?.state ?? definition.StartAt, position ? position.input : JSON.parse(record.input));
  }

  const executionByArn = (executionArn: string): LiveExecution => {
    if (!executionArn.startsWith(executionArnPrefix)) {
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    const execution = executions.get(executionArn.slice(executionArnPrefix.length));
    if (!execution) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  };

  const pendingFor = (taskToken: string): PendingCallback => {
    const entry = pending.get(taskToken);
    if (entry) return entry;
    const name = typeof taskToken === 'string' ? executionNameInToken(taskToken) : undefined;
    if (name !== undefined && executions.has(name)) {
      throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
    }
    throw new StepFunctionsError('InvalidToken', 'Invalid Token');
  };

  return {
    stateMachineArn,

    async startExecution({ name, input }) {
      if (stopped) throw new Error('the local state machine is stopped');
      const executionName = name ?? randomUUID();
      if (!EXECUTION_NAME.test(executionName)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${executionName}'`);
      const inputText = input ?? '{}';
      let parsed: unknown;
      try { parsed = JSON.parse(inputText); } catch {
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
      const record: ExecutionRecord = {
        version: 1, executionArn: executionArnPrefix + executionName, stateMachineArn, name: executionName,
        input: inputText, status: 'RUNNING', startDate: new Date().toISOString(),
      };
      const execution = newLiveExecution(record);
      executions.set(executionName, execution);
      await persist(execution); // on disk before the caller hears "started"
      launch(execution, definition.StartAt, parsed);
      return { executionArn: record.executionArn, startDate: new Date(record.startDate) };
    },

    describeExecution(executionArn) {
      return describe(executionByArn(executionArn).record);
    },

    sendTaskSuccess(taskToken, output) {
      const entry = pendingFor(taskToken);
      let parsed: unknown;
      try { parsed = JSON.parse(output); } catch {
        throw new StepFunctionsError('InvalidOutput', 'Invalid Output: output is not JSON');
      }
      forgetToken(taskToken);
      entry.resolve(parsed);
    },

    sendTaskFailure(taskToken, error, cause) {
      const entry = pendingFor(taskToken);
      forgetToken(taskToken);
      const failure = new Error(cause ?? '');
      failure.name = error ?? '';
      entry.reject(failure);
    },

    sendTaskHeartbeat(taskToken) {
      pendingFor(taskToken); // HeartbeatSeconds is not enforced locally; a live token is all we check
    },

    async waitForExecution(executionArn) {
      const execution = executionByArn(executionArn);
      await execution.ended;
      return describe(execution.record);
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      for (const execution of executions.values()) {
        if (execution.record.status !== 'RUNNING') continue;
        execution.frozen = true;
        execution.abort?.();
        // Settle the waiting callback tasks so the aborted runs end and clear the engine's timers;
        // `frozen` keeps the disk at the paused position, tokens included.
        for (const token of [...execution.waiting.keys()]) {
          const entry = pending.get(token);
          forgetToken(token);
          entry?.resolve(null);
        }
      }
      // Let handlers that are mid-call finish (they talk to dynalite, which closes next), briefly.
      await Promise.race([Promise.allSettled([...inFlightHandlers]), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await Promise.allSettled([...executions.values()].map((execution) => execution.writer.idle()));
    },
  };
}
