/** Errors named after facts, so a handler or an ASL Catch can tell them apart by name. */

export class UnknownPolicyError extends Error {
  override readonly name = 'UnknownPolicyError';
  constructor(
    readonly policyId: string,
    readonly known: string[],
  ) {
    super(`unknown policy "${policyId}"; known: ${known.join(', ')}`);
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
