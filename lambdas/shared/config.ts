/**
 * Environment read once, when a container builds its ports (lambdas/app/deps.ts). A missing
 * variable is an error at start-up (the container fails with a clear message), never a silent default.
 */
export class MissingConfigurationError extends Error {
  override name = 'MissingConfigurationError';
}

export const requireEnv = (name: string, env: NodeJS.ProcessEnv = process.env): string => {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new MissingConfigurationError(`environment variable ${name} is not set`);
  }
  return value;
};

export const optionalEnv = (name: string, env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
};
