import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger for every function (Powertools). Callers log ids of requests, never
 * approval ids or task tokens: those are credentials (see the log-hygiene test).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'purchase-approval' });
