/**
 * aws-local-stepfunctions 3 calls `Promise.withResolvers` (Node 22+) inside every Task state. On
 * Node 20 each Task then fails with "Promise.withResolvers is not a function", and a
 * `Catch: States.ALL` would hide that. Import this module before the engine.
 */
interface Resolvers<T> { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void }

const promiseConstructor = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };

if (typeof promiseConstructor.withResolvers !== 'function') {
  promiseConstructor.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: Resolvers<T>['resolve'];
    let reject!: Resolvers<T>['reject'];
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

export {};
