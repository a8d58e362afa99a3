/**
 * JSON Schema (draft 4, what API Gateway validates) for the body of `POST /requests` and of
 * `POST /routing/preview` (the preview takes the same request body: `previewRouting` runs the same
 * validation). The domain's zod schema (`lambdas/domain/schema.ts`) stays the authority
 * and gives the per-field messages; this model is a conservative first gate built from the same
 * exported constants (categories, funding sources, method types), so it can only refuse what the
 * handler would refuse too: it checks shape, types, required fields and enums, and leaves lengths
 * (the handler trims before it measures), money rules and dates to the handler.
 */
import { JsonSchemaType as T, JsonSchemaVersion, type JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import { CATEGORIES, FUNDING_SOURCES, METHOD_TYPES } from '../lambdas/domain/types';

const str: JsonSchema = { type: T.STRING };

export const PURCHASE_REQUEST_MODEL: JsonSchema = {
  schema: JsonSchemaVersion.DRAFT4,
  title: 'PurchaseRequest',
  type: T.OBJECT,
  required: ['policy', 'title', 'department', 'requester', 'category', 'amount', 'vendor', 'fundingSource'],
  // The zod schema is strict at every level: an unknown top-level field is refused there too.
  additionalProperties: false,
  properties: {
    policy: str,
    title: str,
    description: str,
    department: str,
    requester: {
      type: T.OBJECT,
      required: ['name', 'email'],
      additionalProperties: false,
      properties: { name: str, email: str },
    },
    category: { type: T.STRING, enum: [...CATEGORIES] },
    amount: { type: T.NUMBER },
    currency: { type: T.STRING, enum: ['USD'] },
    vendor: { type: T.OBJECT, required: ['name'], additionalProperties: false, properties: { name: str } },
    fundingSource: { type: T.STRING, enum: [...FUNDING_SOURCES] },
    neededBy: str,
    method: {
      type: T.OBJECT,
      required: ['type'],
      properties: { type: { type: T.STRING, enum: [...METHOD_TYPES] } },
    },
  },
};
