/**
 * Errors named after facts. One a user can cause carries the API's stable `code` and the field
 * at fault (lambdas/shared/error-codes.ts maps the code to a status); a broken policy is a
 * deployment bug and carries none, so it answers 500.
 */

export class UnknownPolicyError extends Error {
  override readonly name = 'UnknownPolicyError';
  readonly code = 'validation_failed';
  readonly fields: Array<{ field: string; message: string }>;
  constructor(
    readonly policyId: string,
    readonly known: string[],
  ) {
    super(`unknown policy "${policyId}"; known: ${known.join(', ')}`);
    this.fields = [{ field: 'policy', message: this.message }];
  }
}

export class PolicyInvalidError extends Error {
  override readonly name = 'PolicyInvalidError';
  constructor(
    readonly policyId: string,
    readonly problems: string[],
  ) {
    super(`policy "${policyId}" is invalid:\n- ${problems.join('\n- ')}`);
  }
}
