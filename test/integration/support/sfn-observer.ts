/**
 * Watches the Step Functions API calls the handlers make, from outside: a pass-through HTTP proxy
 * that the handlers are pointed at (`AWS_ENDPOINT_URL_SFN`) and that forwards each call to the
 * local stack's AWS endpoint unchanged, recording the operation, the task token's fingerprint and
 * the answer. It lets a test count how many SendTask* calls reached the workflow.
 *
 * The local stack serves Step Functions and Secrets Manager from one endpoint and does not expose
 * its URL, so the upstream is read from AWS_ENDPOINT_URL_SECRETS_MANAGER when a call arrives.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';

export interface ObservedCall {
  /** e.g. `SendTaskSuccess` */
  operation: string;
  /** sha256 of the task token (never the token itself), when the call carried one */
  token?: string;
  status: number;
  errorType?: string;
}

export interface SfnObserver {
  url: string;
  calls: ObservedCall[];
  sendTaskCalls(since?: number): ObservedCall[];
  close(): Promise<void>;
}

const readAll = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
};

export const startSfnObserver = async (upstream: () => string | undefined = () => process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER): Promise<SfnObserver> => {
  const calls: ObservedCall[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readAll(request);
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.split('.').pop() ?? target;
      let token: string | undefined;
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { taskToken?: unknown };
        if (typeof parsed.taskToken === 'string') token = createHash('sha256').update(parsed.taskToken).digest('hex');
      } catch { /* not JSON: forwarded as is */ }
      const base = upstream();
      if (!base) {
        response.writeHead(503).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const answer = await fetch(new URL(request.url ?? '/', base), { method: request.method, headers, body: request.method === 'POST' ? body : undefined });
      const payload = Buffer.from(await answer.arrayBuffer());
      calls.push({ operation, token, status: answer.status, errorType: answer.headers.get('x-amzn-errortype') ?? undefined });
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => { if (!['content-length', 'connection', 'transfer-encoding', 'content-encoding'].includes(name)) out[name] = value; });
      response.writeHead(answer.status, { ...out, 'content-length': String(payload.length) });
      response.end(payload);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    sendTaskCalls: (since = 0) => calls.slice(since).filter((c) => c.operation.startsWith('SendTask')),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
};
