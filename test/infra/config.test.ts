/**
 * The stage config fails loudly: every problem in one message naming the context key, defaults
 * only for `dev`.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ConfigError, type ContextKey, loadConfig } from '../../infra/config';

const load = (context: Partial<Record<ContextKey, string>>, env: NodeJS.ProcessEnv = {}) => loadConfig((k) => context[k], env);

describe('stage config from CDK context', () => {
  it('gives the dev stage working defaults', () => {
    const config = load({});
    expect(config).toMatchObject({
      stage: 'dev',
      mailFrom: 'purchasing@sample-city.example',
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
      logRetention: RetentionDays.TWO_WEEKS,
      corsOrigins: [],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('requires a sender for any other stage and retains its resources', () => {
    expect(() => load({ stage: 'prod' })).toThrow(/-c mailFrom=<address> is required for stage "prod"/);
    const config = load({ stage: 'prod', mailFrom: 'purchasing@city.gov' });
    expect(config).toMatchObject({ removalPolicy: RemovalPolicy.RETAIN, deletionProtection: true, logRetention: RetentionDays.ONE_YEAR });
  });

  it('lets the sender address and its domain be the SES identities, plus any extra ones', () => {
    const config = load({ stage: 'prod', mailFrom: 'purchasing@city.gov', mailIdentities: 'clerk@city.gov, city.gov' });
    expect(config.mailIdentities).toEqual(['purchasing@city.gov', 'city.gov', 'clerk@city.gov']);
  });

  it('takes account and region from context first, then from the CLI environment', () => {
    expect(load({}, { CDK_DEFAULT_REGION: 'eu-west-1', CDK_DEFAULT_ACCOUNT: '111111111111' })).toMatchObject({
      region: 'eu-west-1',
      account: '111111111111',
    });
    expect(load({ region: 'us-gov-west-1' }, { CDK_DEFAULT_REGION: 'eu-west-1' }).region).toBe('us-gov-west-1');
  });

  it('lists every bad value at once, each with its key', () => {
    let message = '';
    try {
      load({
        stage: 'Prod!',
        mailFrom: 'not-an-address',
        throttleRate: 'fast',
        logRetentionDays: '8',
        region: 'mars-1',
        corsOrigins: '*',
        publicBaseUrl: 'http://insecure.example',
        deletionProtection: 'maybe',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    for (const key of ['stage', 'mailFrom', 'throttleRate', 'logRetentionDays', 'region', 'corsOrigins', 'publicBaseUrl', 'deletionProtection']) {
      expect(message).toContain(key);
    }
  });

  it('refuses to turn deletion protection off outside dev', () => {
    expect(() => load({ stage: 'prod', mailFrom: 'a@city.gov', deletionProtection: 'false' })).toThrow(/only allowed for the dev stage/);
    expect(load({ deletionProtection: 'true' }).deletionProtection).toBe(true);
  });

  it('normalises the public base URL to end with one slash', () => {
    expect(load({ publicBaseUrl: 'https://purchasing.city.gov/app' }).publicBaseUrl).toBe('https://purchasing.city.gov/app/');
  });
});
