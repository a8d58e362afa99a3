/**
 * SES refusals that no retry can fix are told apart from transient failures: they become a
 * MailConfigurationError (not retryable) and one error log line that the stack's metric filter
 * counts; everything else returns untouched to the retry path.
 */
import { MAIL_CONFIGURATION_ERROR_MESSAGE, MailConfigurationError, mailConfigurationErrorName, throwIfMailConfigurationError } from '../../../lambdas/adapters/mail-errors';
import { logger } from '../../../lambdas/shared/logger';

const sdkError = (name: string, message = 'refused') => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

describe('SES configuration errors', () => {
  it.each(['MessageRejected', 'AccessDeniedException', 'AccessDenied', 'MailFromDomainNotVerifiedException', 'AccountSuspendedException', 'SendingPausedException', 'NotFoundException'])(
    '%s is a configuration error',
    (name) => expect(mailConfigurationErrorName(sdkError(name))).toBe(name),
  );

  it.each(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'InternalFailure', 'TimeoutError', 'Error', 'MailDeliveryError'])(
    '%s stays retryable',
    (name) => expect(mailConfigurationErrorName(sdkError(name))).toBeUndefined(),
  );

  it('reads the name of plain objects too (what some transports reject with), and ignores non-errors', () => {
    expect(mailConfigurationErrorName({ name: 'MessageRejected' })).toBe('MessageRejected');
    expect(mailConfigurationErrorName(undefined)).toBeUndefined();
    expect(mailConfigurationErrorName('MessageRejected')).toBeUndefined();
  });

  it('a sandbox refusal is thrown as a non-retryable MailConfigurationError and logged once, without the address', () => {
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      const refusal = sdkError('MessageRejected', 'Email address is not verified. The following identities failed the check in region US-EAST-1: pat@city.gov');
      let thrown: unknown;
      try {
        throwIfMailConfigurationError(refusal, 'city.gov');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(MailConfigurationError);
      expect(thrown).toMatchObject({ name: 'MailConfigurationError', retryable: false });
      expect(logged).toHaveBeenCalledTimes(1);
      expect(logged).toHaveBeenCalledWith(MAIL_CONFIGURATION_ERROR_MESSAGE, { errorName: 'MessageRejected', recipientDomain: 'city.gov' });
      expect(JSON.stringify(logged.mock.calls)).not.toContain('pat@');
    } finally {
      logged.mockRestore();
    }
  });

  it('a transient failure returns without logging, for the caller to retry', () => {
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      expect(() => throwIfMailConfigurationError(sdkError('TooManyRequestsException'), 'city.gov')).not.toThrow();
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});
