/** ApiDocs on AWS (the bundle entry lambdas/catalog.ts names): no table, no client. */
import { makeHandler } from '../handlers/api-docs';

export const handler = makeHandler();
