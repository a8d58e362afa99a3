/** SignIn on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, Secrets Manager, the OpenID provider (Cognito). */
import { secretsManagerSource } from '../adapters/link-secret';
import { openIdSignIn } from '../adapters/openid-sign-in';
import { makeHandler } from '../handlers/sign-in';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('SignIn', { linkSecret: secretsManagerSource, signIn: openIdSignIn }));
