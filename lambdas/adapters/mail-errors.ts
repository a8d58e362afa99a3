/**
 * Which mail failures are worth a retry. SES refuses some sends for reasons that no retry can
 * change: the role may not send as the sender (AccessDenied), the sender or a sandbox recipient is
 * not a verified identity (MessageRejected "Email address is not verified"), the MAIL FROM domain
 * is unverified, the account's sending is paused or suspended. Those are configuration errors: they
 * are logged at once under one message (a CloudWatch metric filter counts it and an alarm fires on
 * the first one) and the send gives up instead of retrying for seconds and then for days.
 * Everything else (throttling, timeouts, 5xx, a local SMTP server that is down) stays retryable.
 */
import { logger } from '../shared/logger';

/** The one log message of a configuration refusal; the stack's metric filter matches it exactly. */
export const MAIL_CONFIGURATION_ERROR_MESSAGE = 'mail refused by SES configuration';

/** SES v2 SendEmail and IAM error names that a retry cannot fix. */
export const MAIL_CONFIGURATION_ERROR_NAMES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'NotFoundException',
]);

/** The error's name if it is an SES configuration refusal, otherwise undefined. */
export const mailConfigurationErrorName = (error: unknown): string | undefined => {
  const name = error instanceof Error ? error.name : (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && MAIL_CONFIGURATION_ERROR_NAMES.has(name) ? name : undefined;
};

/** SES refused the send for a configuration reason; `retryable` is false so callers give up at once. */
export class MailConfigurationError extends Error {
  override name = 'MailConfigurationError';
  readonly retryable = false;
}

/**
 * Called by the mailer with whatever the transport threw: a configuration refusal is logged once
 * (the error name and the recipient's domain only, never the address) and rethrown as a
 * MailConfigurationError; any other error returns and takes the usual retry path.
 */
export const throwIfMailConfigurationError = (error: unknown, recipientDomain: string): void => {
  const refusal = mailConfigurationErrorName(error);
  if (!refusal) return;
  logger.error(MAIL_CONFIGURATION_ERROR_MESSAGE, { errorName: refusal, recipientDomain });
  throw new MailConfigurationError(`SES refused mail to a ${recipientDomain} address: ${refusal}`);
};
