/**
 * Reads an ASL reference path (`$.a.b`, `$['a'][0]`): the subset of JSONPath the States Language
 * allows in `TimeoutSecondsPath` and friends. The runner needs it because the engine evaluates
 * `TimeoutSecondsPath` against the task's Parameters output instead of the state input.
 */
export const readReferencePath = (path: string, input: unknown): unknown => {
  if (!path.startsWith('$')) throw new Error(`not a reference path: ${path}`);
  const steps = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/gy;
  let value: unknown = input;
  let index = 1;
  while (index < path.length) {
    steps.lastIndex = index;
    const match = steps.exec(path);
    if (!match) throw new Error(`unsupported reference path: ${path}`);
    index = steps.lastIndex;
    const key = match[1] ?? match[3] ?? match[4] ?? Number(match[2]);
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
};
