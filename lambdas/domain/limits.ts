/**
 * Every length limit of the contract, once. The zod schema, the API Gateway model, the decision
 * form's `maxlength` attributes and the server-side checks all read these, so the page can never
 * offer more than the server accepts (nor less).
 */
export const LIMITS = {
  /** An identifier the client names: a policy id, a prior request's id. */
  id: 100,
  title: 200,
  description: 4000,
  name: 200,
  email: 254,
  /** Short one-line values: department, contract numbers, alliance and agency names. */
  text: 200,
  justification: 4000,
  quotes: 50,
  /** Line items on one request, and the length of an account code. */
  lines: 100,
  account: 64,
  /** An approver's comment (required to reject). */
  comment: 2000,
  /** A council resolution number as the clerk records it, e.g. "R-2027-014". */
  resolutionNumber: 64,
  /** The requester's reason for cancelling. */
  cancelReason: 1000,
} as const;
