/**
 * One loopback HTTP endpoint that speaks the AWS JSON protocol for the few Step Functions and
 * Secrets Manager calls the handlers make, so they use the real SDK clients with nothing but
 * `AWS_ENDPOINT_URL_SFN` / `AWS_ENDPOINT_URL_SECRETS_MANAGER` pointing here. Requests are not
 * signature-checked: the endpoint only listens on 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { StepFunctionsError, type LocalStepFunctions } from './step-functions';
import { BodyTooLargeError, readBody } from './net';

export interface LocalSecret { arn: string; name: string; value: string; createdDate: Date }

export interface AwsEndpointOptions {
  /** Resolved per request, so the endpoint can listen before the state machine is built. */
  stepFunctions: () => LocalStepFunctions | undefined;
  secrets: LocalSecret[];
  log?: (line: string) => void;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** An AWS-style error: HTTP 400 and `__type`, which the SDK turns into the named exception class. */
class AwsError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) { super(message); }
}

const readJson = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
  let text: string | null;
  try {
    text = await readBody(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new AwsError('ValidationException', 'request body too large');
    throw error;
  }
  if (!text) return {};
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch { /* reported below */ }
  throw new AwsError('SerializationException', 'request body is not a JSON object');
};

const requiredString = (body: Record<string, unknown>, field: string): string => {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new AwsError('ValidationException', `${field} is required`);
  return value;
};
const optionalString = (body: Record<string, unknown>, field: string): string | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError('ValidationException', `${field} must be a string`);
  return value;
};

/** Timestamps travel as epoch seconds in the JSON protocol. */
const epochSeconds = (date: Date): number => date.getTime() / 1000;

type Operation = (body: Record<string, unknown>) => Promise<unknown> | unknown;

export function createAwsEndpoint(options: AwsEndpointOptions): Server {
  const sfn = (): LocalStepFunctions => {
    const machine = options.stepFunctions();
    if (!machine) throw new AwsError('ServiceUnavailable', 'the local state machine is not running', 503);
    return machine;
  };

  const operations: Record<string, Operation> = {
    'AWSStepFunctions.StartExecution': async (body) => {
      const arn = requiredString(body, 'stateMachineArn');
      if (arn !== sfn().stateMachineArn) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      const name = optionalString(body, 'name');
      const input = optionalString(body, 'input');
      const started = await sfn().startExecution({ ...(name !== undefined ? { name } : {}), ...(input !== undefined ? { input } : {}) });
      return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
    },
    'AWSStepFunctions.DescribeExecution': (body) => {
      const d = sfn().describeExecution(requiredString(body, 'executionArn'));
      return {
        executionArn: d.executionArn, stateMachineArn: d.stateMachineArn, name: d.name, status: d.status,
        startDate: epochSeconds(d.startDate), ...(d.stopDate ? { stopDate: epochSeconds(d.stopDate) } : {}),
        input: d.input, inputDetails: { included: true },
        ...(d.output !== undefined ? { output: d.output, outputDetails: { included: true } } : {}),
        ...(d.error !== undefined ? { error: d.error } : {}), ...(d.cause !== undefined ? { cause: d.cause } : {}),
      };
    },
    'AWSStepFunctions.SendTaskSuccess': (body) => {
      sfn().sendTaskSuccess(requiredString(body, 'taskToken'), requiredString(body, 'output'));
      return {};
    },
    'AWSStepFunctions.SendTaskFailure': (body) => {
      sfn().sendTaskFailure(requiredString(body, 'taskToken'), optionalString(body, 'error'), optionalString(body, 'cause'));
      return {};
    },
    'AWSStepFunctions.SendTaskHeartbeat': (body) => {
      sfn().sendTaskHeartbeat(requiredString(body, 'taskToken'));
      return {};
    },
    'secretsmanager.GetSecretValue': (body) => {
      const id = requiredString(body, 'SecretId');
      const secret = options.secrets.find((s) => s.arn === id || s.name === id);
      if (!secret) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return {
        ARN: secret.arn, Name: secret.name, SecretString: secret.value, VersionId: 'local-current',
        VersionStages: ['AWSCURRENT'], CreatedDate: epochSeconds(secret.createdDate),
      };
    },
  };

  const send = (response: ServerResponse, status: number, contentType: string, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...(status >= 400 ? { 'x-amzn-errortype': (body as { __type: string }).__type } : {}),
    });
    response.end(text);
  };

  return createServer((request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    // Step Functions speaks JSON 1.0, Secrets Manager 1.1; answer in the dialect asked.
    const contentType = String(request.headers['content-type'] ?? '').includes('1.1') ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
    void (async () => {
      try {
        if (request.method !== 'POST') throw new AwsError('UnknownOperationException', 'only POST is supported', 404);
        const operation = operations[target];
        const body = await readJson(request);
        if (!operation) throw new AwsError('UnknownOperationException', `operation not supported locally: ${target || '(none)'}`);
        send(response, 200, contentType, await operation(body));
      } catch (error) {
        if (error instanceof AwsError) {
          send(response, error.status, contentType, { __type: error.type, message: error.message });
        } else if (error instanceof StepFunctionsError) {
          send(response, 400, contentType, { __type: error.code, message: error.message });
        } else {
          options.log?.(`aws endpoint: ${target} failed: ${(error as Error).message}`);
          send(response, 500, contentType, { __type: 'InternalFailure', message: 'internal error in the local endpoint' });
        }
      }
    })();
  });
}
