/**
 * Your own policy from a JSON file, the one way every entry point takes it: `npm run route --
 * --policy file.json`, `npm start` (`--policy file.json` or POLICY_FILE), `npm run policy:check --
 * file.json`, and `cdk deploy -c policyFile=file.json` (checked at synth time). The file goes through the same checks as a shipped policy (the schema, the rules a
 * schema cannot say, and its fit with the shipped overlay), and each problem comes back as
 * `field: reason`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createPolicyRegistry, PolicyInvalidError, type FieldError, type Policy } from '../domain';

export type PolicyFileResult = { ok: true; policy: Policy; json: unknown } | { ok: false; errors: FieldError[] };

/** `--policy` names a file (it ends in .json or exists) rather than a shipped policy id. */
export const isPolicyFile = (value: string): boolean => value.endsWith('.json') || value.includes('/') || existsSync(value);

const problemToField = (problem: string): FieldError => {
  const at = problem.indexOf(': ');
  return at > 0 && !problem.startsWith('overlay ') ? { field: problem.slice(0, at), message: problem.slice(at + 2) } : { field: 'policy', message: problem };
};

/** What `npm run policy:check` says about an invalid file: the file, then one `field: reason` line per problem. */
export const policyFileProblem = (file: string, errors: readonly FieldError[]): string =>
  `${file} is not a valid policy:\n${errors.map((e) => `${e.field}: ${e.message}`).join('\n')}`;

export function readPolicyFile(file: string): PolicyFileResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ok: false, errors: [{ field: 'policy', message: `cannot read file ${file}` }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ field: 'policy', message: `${file} is not valid JSON (${(error as Error).message})` }] };
  }
  try {
    const registry = createPolicyRegistry({ extra: [json] });
    const id = (json as { id: string }).id;
    return { ok: true, policy: registry.get(id), json };
  } catch (error) {
    if (error instanceof PolicyInvalidError) return { ok: false, errors: error.problems.map(problemToField) };
    throw error;
  }
}
