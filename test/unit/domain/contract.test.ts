/**
 * One source for the contract: the API Gateway model is generated from the zod schema, the word
 * lists and limits are written once. The model must be a gate that never refuses what the handler
 * accepts (it keeps shape, types, required fields and enums, and leaves lengths and formats to the
 * handler), and it must refuse the shape errors the handler would refuse too.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { apiGatewayModel, PURCHASE_REQUEST_MODEL } from '../../../infra/request-models';
import { CATEGORIES, FUNDING_SOURCES, METHOD_TYPES, parsePurchaseRequest, SOLE_SOURCE_GROUNDS } from '../../../lambdas/domain';
import { LIMITS } from '../../../lambdas/domain/limits';
import { OUTCOMES, PHASES, REQUEST_STATUSES } from '../../../lambdas/domain/vocabulary';
import { outcomeOf, taskInputs } from '../../../lambdas/app/task-input';
import { WORKFLOW_ERRORS } from '../../../statemachines/placeholders';
import { requestStatusLabel } from '../../../lambdas/presentation/format';
import informalQuotes from '../../fixtures/requests/informal-quotes.json';
import microDirect from '../../fixtures/requests/micro-direct.json';
import piggyback from '../../fixtures/requests/piggyback-returned.json';
import { validBody } from './helpers';

type Schema = Record<string, any>;

/** The draft-4 keywords the generated model uses, checked as API Gateway checks them. */
const conforms = (schema: Schema, value: unknown): boolean => {
  const typeOk: Record<string, (v: unknown) => boolean> = {
    object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    array: Array.isArray,
    string: (v) => typeof v === 'string',
    number: (v) => typeof v === 'number',
    boolean: (v) => typeof v === 'boolean',
  };
  if (schema.type && !typeOk[schema.type]!(value)) return false;
  if (schema.enum && !schema.enum.includes(value)) return false;
  if (schema.oneOf && schema.oneOf.filter((s: Schema) => conforms(s, value)).length !== 1) return false;
  if (schema.type === 'array') {
    const list = value as unknown[];
    if (schema.maxItems !== undefined && list.length > schema.maxItems) return false;
    if (schema.items && !list.every((item) => conforms(schema.items, item))) return false;
  }
  if (schema.type === 'object') {
    const o = value as Record<string, unknown>;
    if ((schema.required ?? []).some((k: string) => !(k in o))) return false;
    for (const [k, v] of Object.entries(o)) {
      const sub = schema.properties?.[k];
      if (sub ? !conforms(sub, v) : schema.additionalProperties === false) return false;
    }
  }
  return true;
};

const walk = (schema: Schema, visit: (s: Schema) => void) => {
  visit(schema);
  for (const sub of Object.values(schema.properties ?? {})) walk(sub as Schema, visit);
  for (const sub of schema.oneOf ?? []) walk(sub, visit);
  if (schema.items) walk(schema.items, visit);
};

const model = PURCHASE_REQUEST_MODEL as Schema;

describe('the API Gateway model, generated from the zod schema', () => {
  it('is draft 4, strict at every object level, with the required fields and the contract enums', () => {
    expect(model.schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(model.required).toEqual(['policy', 'title', 'department', 'category', 'vendor', 'fundingSource']);
    expect(model.properties.category.enum).toEqual([...CATEGORIES]);
    expect(model.properties.fundingSource.enum).toEqual([...FUNDING_SOURCES]);
    expect(model.properties.method.oneOf.map((s: Schema) => s.properties.type.enum[0]).sort()).toEqual([...METHOD_TYPES].sort());
    expect(model.properties.method.oneOf.find((s: Schema) => s.properties.ground).properties.ground.enum).toEqual([...SOLE_SOURCE_GROUNDS]);
    expect(model.properties.amount.type).toBe('number');
    walk(model, (s) => { if (s.type === 'object') expect(s.additionalProperties).toBe(false); });
  });

  it('keeps no keyword API Gateway should not check: no lengths, patterns, formats or defaults at any level', () => {
    walk(model, (s) => {
      for (const keyword of ['$schema', 'minLength', 'maxLength', 'pattern', 'format', 'default']) expect(s).not.toHaveProperty(keyword);
      expect(Object.keys(s).length).toBeGreaterThan(0);
    });
    expect(model.properties.method.oneOf.find((s: Schema) => s.properties.quotes).properties.quotes.maxItems).toBe(LIMITS.quotes);
  });

  it.each([['the DESIGN §6 example', validBody()], ['micro direct', microDirect], ['informal quotes', informalQuotes], ['piggyback', piggyback]])('accepts %s, as the handler does', (_name, body) => {
    expect(parsePurchaseRequest(body).ok).toBe(true);
    expect(conforms(model, body)).toBe(true);
  });

  it('never refuses a body the handler accepts (generated bodies, padded and long text included)', () => {
    const text = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ maxLength: 5 }).map((s) => `  x${s}  `), fc.constant(`${' '.repeat(50)}x`));
    const body = fc.record({
      title: text, department: fc.constantFrom('Public Works', 'Police'), description: fc.option(text, { nil: undefined }),
      amount: fc.integer({ min: 1, max: 10_000_000 }).map((c) => c / 100), currency: fc.option(fc.constant('USD'), { nil: undefined }),
      method: fc.option(fc.oneof(
        fc.constant({ type: 'direct' }),
        fc.record({ type: fc.constant('quotes'), quotes: fc.array(fc.record({ vendor: text, amount: fc.integer({ min: 1, max: 100_000 }) }), { maxLength: 4 }) }),
        fc.record({ type: fc.constant('cooperative'), alliance: text, scopeCovers: fc.boolean() }),
      ), { nil: undefined }),
    }).map((over) => ({ ...validBody(), ...Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined)) }));
    fc.assert(fc.property(body, (b) => !parsePurchaseRequest(b).ok || conforms(model, b)), { numRuns: 300, seed: 8_5 });
  });

  it.each([
    ['an unknown field', { isAdmin: true }],
    ['an amount as a string', { amount: '1200' }],
    ['a category outside the list', { category: 'food' }],
    ['a method type outside the list', { method: { type: 'barter' } }],
    ['an unknown method field', { method: { type: 'direct', extra: 1 } }],
    ['a requester without email', { requester: { name: 'Ana' } }],
  ])('refuses %s, as the handler does', (_name, over) => {
    const body = { ...validBody(), ...over };
    expect(parsePurchaseRequest(body).ok).toBe(false);
    expect(conforms(model, body)).toBe(false);
  });

  it('refuses to generate a gate with a hole: a check JSON Schema cannot express needs .meta({ type })', () => {
    expect(() => apiGatewayModel(z.strictObject({ a: z.custom<number>(() => true) }))).toThrow(/body\.a: .*meta/);
  });
});

describe('one list each, one constant per limit', () => {
  it('the task inputs take exactly the contract phases and outcomes', () => {
    for (const phase of PHASES) expect(taskInputs.deadline.safeParse({ requestId: 'r', after: { phase } }).success).toBe(true);
    expect(taskInputs.deadline.safeParse({ requestId: 'r', after: { phase: 'nag' } }).success).toBe(false);
    // Every outcome is reachable from `$.result` (a routing result or a caught error), and nothing else is.
    const results = [
      ...(['PENDING_APPROVAL', 'RETURNED', 'CANCELLED'] as const).map((status) => ({ status })),
      ...[WORKFLOW_ERRORS.approvalRejected, WORKFLOW_ERRORS.requestCancelled, WORKFLOW_ERRORS.checkpointExpired].map((Error) => ({ Error })),
    ];
    for (const result of results) expect(taskInputs.finalize.safeParse({ requestId: 'r', result }).success).toBe(true);
    expect(new Set(results.map((r) => outcomeOf(r)))).toEqual(new Set(OUTCOMES));
    expect(taskInputs.finalize.safeParse({ requestId: 'r', result: { status: 'APPROVED' } }).success).toBe(false);
    expect(() => outcomeOf({ Error: 'States.Runtime' })).toThrow(/no outcome/);
  });

  it('every status has a label of its own', () => {
    const labels = REQUEST_STATUSES.map(requestStatusLabel);
    expect(new Set(labels).size).toBe(REQUEST_STATUSES.length);
    for (const [status, label] of REQUEST_STATUSES.map((s, i) => [s, labels[i]])) expect(label).not.toBe(status);
  });

  it('outcomes are final statuses', () => {
    for (const outcome of OUTCOMES) expect(REQUEST_STATUSES).toContain(outcome);
  });
});
