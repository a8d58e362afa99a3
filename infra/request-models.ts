/**
 * The API Gateway model (JSON Schema draft 4, what API Gateway validates) for the body of
 * `POST /requests` and of `POST /routing/preview` (the preview takes the same body), generated
 * from the domain's zod schema (`lambdas/domain/schema.ts`), so the two cannot drift.
 *
 * The zod schema stays the authority and gives the per-field messages; this model is a first
 * gate that can only refuse what the handler would refuse too. It keeps shape, types, required
 * fields, enums, `additionalProperties: false` and list sizes, and drops the string constraints
 * (lengths, patterns, formats): the handler trims before it measures and counts UTF-16 units
 * where JSON Schema counts code points, so a gate with lengths could refuse a body the handler
 * accepts. Defaults are dropped too: API Gateway does not apply them.
 */
import type { JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import { JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';
import { API_BODIES } from '../lambdas/domain/schema';

/** Keywords dropped from the generated schema, at every level. */
const DROPPED = new Set(['$schema', 'minLength', 'maxLength', 'pattern', 'format', 'default']);

/** Subschema-holding keywords, walked recursively. */
const NESTED_MAP = new Set(['properties', 'patternProperties', 'definitions']);
const NESTED_LIST = new Set(['oneOf', 'anyOf', 'allOf']);
const NESTED_ONE = new Set(['items', 'additionalProperties', 'not']);

type Json = Record<string, unknown>;

const strip = (schema: Json, at = 'body'): Json => {
  // zod writes `{}` for what JSON Schema cannot say (a custom check without `.meta({ type })`):
  // refuse to generate a gate that would silently let anything through there.
  if (Object.keys(schema).length === 0) throw new Error(`${at}: the zod schema has no JSON Schema form; give it .meta({ type })`);
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue;
    if (NESTED_MAP.has(key)) out[key] = Object.fromEntries(Object.entries(value as Record<string, Json>).map(([k, v]) => [k, strip(v, `${at}.${k}`)]));
    else if (NESTED_LIST.has(key)) out[key] = (value as Json[]).map((v, i) => strip(v, `${at}.${key}[${i}]`));
    else if (NESTED_ONE.has(key) && typeof value === 'object' && value !== null) out[key] = strip(value as Json, `${at}.${key}`);
    else out[key] = value;
  }
  return out;
};

/** Draft 4, input side (what a client sends), stripped of what API Gateway should not check. */
export const apiGatewayModel = (schema: z.ZodType): JsonSchema => ({
  schema: JsonSchemaVersion.DRAFT4,
  ...(strip(z.toJSONSchema(schema, { target: 'draft-4', io: 'input', unrepresentable: 'any' }) as Json) as JsonSchema),
});

export const PURCHASE_REQUEST_MODEL: JsonSchema = apiGatewayModel(API_BODIES.PurchaseRequest);
