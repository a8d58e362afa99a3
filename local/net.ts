/** Listening on loopback, closing again, and reading request bodies, with errors a person can act on. */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'node:worker_threads';

export const LOOPBACK = '127.0.0.1';

/** Thrown when a port the stack needs is already taken; `npm start` prints it and exits non-zero. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number, readonly role: string) {
    super(`port ${port} (${role}) on ${LOOPBACK} is already in use: stop whatever holds it or choose another port`);
  }
}

/** Listen on 127.0.0.1 only (never all interfaces); resolves with the bound port (useful for port 0). */
export const listenOnLoopback = (server: Server, port: number, role: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, role) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOOPBACK);
  });

/**
 * Close a server and resolve once its port is free. SDK clients keep connections alive, so idle
 * and in-flight connections are cut after `graceMs` instead of waiting for their keep-alive timeout.
 */
export const closeServer = (server: Server, graceMs = 1_000): Promise<void> =>
  new Promise((resolve) => {
    if (!server.listening) { resolve(); return; }
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => { clearTimeout(timer); resolve(); });
    server.closeIdleConnections();
  });

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/** A request body as text (null when empty), refused with BodyTooLargeError past `limit` bytes. */
export const readBody = async (request: IncomingMessage, limit: number): Promise<string | null> => {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return size === 0 ? null : Buffer.concat(chunks).toString('utf8');
};

/**
 * Stops a service running in a worker thread (maildev, the OpenID provider): asks it to close its
 * servers, waits up to `graceMs` for its `stopped` message, then terminates the thread.
 */
export const stopWorker = async (worker: Worker, graceMs = 5_000): Promise<void> => {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const stopped = new Promise<void>((resolve) => worker.on('message', (m: { type?: string }) => { if (m?.type === 'stopped') resolve(); }));
  worker.postMessage('stop');
  await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  await worker.terminate();
  await exited;
};
