/**
 * Per-stage deployment settings, read once from CDK context (`-c stage=prod -c mailFrom=…`) into a
 * frozen object. Only the `dev` stage has defaults for everything; any other stage must name its
 * sender, and a bad value stops the synth with a sentence that says which key and why.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { policyFileProblem, readPolicyFile } from '../lambdas/cli/policy-file';

/** Your own policy (`-c policyFile=my-policy.json`), checked at synth time as `npm run policy:check` does. */
export interface PolicyFileConfig {
  /** The file as named on the command line, for messages. */
  readonly file: string;
  /** The policy's id (what requests name in `policy`). */
  readonly id: string;
  /** The checked policy as JSON text, exactly what the functions load. */
  readonly json: string;
}

export interface ThrottleConfig {
  /** Steady-state requests per second for the whole API stage. */
  readonly rateLimit: number;
  /** Burst bucket size for the whole API stage. */
  readonly burstLimit: number;
}

export interface StageConfig {
  /** Stage name: lowercase letters, digits and dashes; also the API Gateway stage name. */
  readonly stage: string;
  /** Target account and region; undefined leaves the stacks environment-agnostic (offline synth). */
  readonly account?: string;
  readonly region?: string;
  /** Sender address of every email; must be (or belong to a domain that is) an SES verified identity. */
  readonly mailFrom: string;
  /**
   * SES identities the mail functions may send as (IAM resources `identity/<name>`). Always holds
   * the sender address and its domain; `mailIdentities` adds more (e.g. sandbox recipients).
   */
  readonly mailIdentities: readonly string[];
  /** Base URL for links in emails (a custom domain); undefined means the API's own invoke URL. */
  readonly publicBaseUrl?: string;
  readonly throttle: ThrottleConfig;
  readonly logRetention: RetentionDays;
  /** Removal policy of log groups, the link secret and the alarm key. Tables are always RETAIN. */
  readonly removalPolicy: RemovalPolicy;
  /** DynamoDB deletion protection on every table. */
  readonly deletionProtection: boolean;
  /** Optional address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** Origins allowed to call the JSON routes from a browser; empty means no CORS anywhere. */
  readonly corsOrigins: readonly string[];
  /**
   * Set the account-wide API Gateway CloudWatch role (needed once per account and region for access
   * and execution logs). Turn off when the account already has one managed elsewhere.
   */
  readonly manageApiGatewayAccountRole: boolean;
  /** Powertools log level for every function. */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Your own policy, served next to the shipped ones; undefined: the shipped policies only. */
  readonly policyFile?: PolicyFileConfig;
}

/** Context keys an operator may pass with `-c key=value`. */
export const CONTEXT_KEYS = [
  'stage', 'region', 'account', 'mailFrom', 'mailIdentities', 'publicBaseUrl', 'throttleRate', 'throttleBurst',
  'logRetentionDays', 'deletionProtection', 'alarmEmail', 'corsOrigins', 'manageApiGatewayAccountRole', 'logLevel',
  'policyFile',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Lookup = (key: ContextKey) => unknown;

const DEV_DEFAULTS = { mailFrom: 'purchasing@sample-city.example' } as const;
const EMAIL = /^[^\s@<>()",;:]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$/;
const STAGE = /^[a-z][a-z0-9-]{0,19}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const ACCOUNT = /^\d{12}$/;
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/**
 * Builds the stage config from CDK context (then `CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION` from the
 * CLI's credentials, when present). Throws a ConfigError listing every problem at once.
 */
export function loadConfig(context: Lookup, env: NodeJS.ProcessEnv = process.env): StageConfig {
  const problems: string[] = [];
  const str = (key: ContextKey): string | undefined => {
    const v = context(key);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      problems.push(`-c ${key} must be a single value`);
      return undefined;
    }
    return String(v).trim();
  };
  const int = (key: ContextKey, fallback: number, min: number, max: number): number => {
    const raw = str(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`-c ${key}=${raw} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const bool = (key: ContextKey, fallback: boolean): boolean => {
    const raw = str(key);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    problems.push(`-c ${key}=${raw} must be true or false`);
    return fallback;
  };
  const list = (key: ContextKey): string[] =>
    (str(key) ?? '').split(',').map((s) => s.trim()).filter(Boolean);

  const stage = str('stage') ?? 'dev';
  if (!STAGE.test(stage)) problems.push(`-c stage=${stage} must be lowercase letters, digits or dashes (at most 20), starting with a letter`);
  const isDev = stage === 'dev';

  let mailFrom = str('mailFrom');
  if (mailFrom === undefined) {
    if (isDev) mailFrom = DEV_DEFAULTS.mailFrom;
    else problems.push(`-c mailFrom=<address> is required for stage "${stage}": the SES verified sender of every email`);
  } else if (!EMAIL.test(mailFrom)) {
    problems.push(`-c mailFrom=${mailFrom} is not an email address`);
  }

  const extraIdentities = list('mailIdentities');
  for (const id of extraIdentities) {
    if (!EMAIL.test(id) && !/^([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$/.test(id)) {
      problems.push(`-c mailIdentities: "${id}" is neither an email address nor a domain`);
    }
  }

  const region = str('region') ?? env.CDK_DEFAULT_REGION;
  if (region !== undefined && !REGION.test(region)) problems.push(`region "${region}" is not an AWS region name`);
  const account = str('account') ?? env.CDK_DEFAULT_ACCOUNT;
  if (account !== undefined && !ACCOUNT.test(account)) problems.push(`account "${account}" must be 12 digits`);

  const publicBaseUrl = str('publicBaseUrl');
  if (publicBaseUrl !== undefined && !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(publicBaseUrl)) {
    problems.push(`-c publicBaseUrl=${publicBaseUrl} must be an https:// URL`);
  }

  const alarmEmail = str('alarmEmail');
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) problems.push(`-c alarmEmail=${alarmEmail} is not an email address`);

  const corsOrigins = list('corsOrigins');
  for (const origin of corsOrigins) {
    if (!/^https:\/\/[^\s/]+$/.test(origin) && !(isDev && /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin))) {
      problems.push(`-c corsOrigins: "${origin}" must be an https:// origin without a path (no "*")`);
    }
  }

  const logRetentionDays = int('logRetentionDays', isDev ? 14 : 365, 1, 3653);
  const logRetention = toRetention(logRetentionDays);
  if (logRetention === undefined) {
    problems.push(`-c logRetentionDays=${logRetentionDays} is not a CloudWatch retention (e.g. 7, 14, 30, 90, 365, 3653)`);
  }

  const throttle = {
    rateLimit: int('throttleRate', isDev ? 10 : 50, 1, 10_000),
    burstLimit: int('throttleBurst', isDev ? 20 : 100, 1, 5_000),
  };

  const logLevel = (str('logLevel') ?? 'INFO').toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`-c logLevel=${logLevel} must be one of ${LOG_LEVELS.join(', ')}`);

  const deletionProtection = bool('deletionProtection', !isDev);
  if (!isDev && !deletionProtection) problems.push(`-c deletionProtection=false is only allowed for the dev stage`);

  const manageApiGatewayAccountRole = bool('manageApiGatewayAccountRole', true);

  // Checked here, with the same checker as `npm run policy:check`, so a bad policy stops the synth
  // instead of failing in the functions after a deploy.
  const policyFileName = str('policyFile');
  let policyFile: PolicyFileConfig | undefined;
  if (policyFileName !== undefined) {
    const loaded = readPolicyFile(policyFileName);
    if (loaded.ok) policyFile = Object.freeze({ file: policyFileName, id: loaded.policy.id, json: JSON.stringify(loaded.json) });
    else problems.push(`-c policyFile: ${policyFileProblem(policyFileName, loaded.errors)}`);
  }

  if (problems.length > 0) {
    throw new ConfigError(`Invalid deployment configuration for stage "${stage}":\n- ${problems.join('\n- ')}`);
  }

  const sender = mailFrom as string;
  const mailIdentities = [...new Set([sender, sender.split('@')[1] as string, ...extraIdentities])];
  return Object.freeze({
    stage,
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
    mailFrom: sender,
    mailIdentities: Object.freeze(mailIdentities),
    ...(publicBaseUrl ? { publicBaseUrl: publicBaseUrl.replace(/\/?$/, '/') } : {}),
    throttle: Object.freeze(throttle),
    logRetention: logRetention as RetentionDays,
    removalPolicy: isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    deletionProtection,
    ...(alarmEmail ? { alarmEmail } : {}),
    corsOrigins: Object.freeze(corsOrigins),
    manageApiGatewayAccountRole,
    logLevel: logLevel as StageConfig['logLevel'],
    ...(policyFile ? { policyFile } : {}),
  });
}

function toRetention(days: number): RetentionDays | undefined {
  return (Object.values(RetentionDays) as Array<RetentionDays | string>).find((v) => v === days) as RetentionDays | undefined;
}
