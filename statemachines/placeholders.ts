/**
 * The `${Name}` placeholders of `purchase-approval.asl.json`, each mapped to the catalog function
 * whose ARN fills it. CDK passes these as `definitionSubstitutions`; the local runner fills them
 * the same way; a test checks that every placeholder in the file has an entry and the reverse.
 */
export const ASL_FUNCTION_PLACEHOLDERS = {
  RouteRequestFunctionArn: 'RouteRequest',
  RequestApprovalFunctionArn: 'RequestApproval',
  AdvanceDeadlineFunctionArn: 'AdvanceDeadline',
  FinalizeDecisionFunctionArn: 'FinalizeDecision',
} as const;

export type AslPlaceholder = keyof typeof ASL_FUNCTION_PLACEHOLDERS;

/** Error names thrown by task handlers or sent with SendTaskFailure, caught by name in the ASL. */
export const WORKFLOW_ERRORS = {
  approvalRejected: 'ApprovalRejectedError',
  requestCancelled: 'RequestCancelledError',
  checkpointExpired: 'CheckpointExpiredError',
} as const;

/** Fill every `${Name}` in the definition text; throws if one is left without a value. */
export const fillPlaceholders = (definition: string, values: Record<string, string>): string =>
  definition.replace(/\$\{(\w+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ASL placeholder \${${name}}`);
    return value;
  });
