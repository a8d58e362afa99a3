/**
 * Bad input against the embedded local stack: a corpus of hand-written cases plus cases generated
 * with fast-check, over every route. Each one must get a 4xx JSON error `{ error: { code,
 * message, fields? } }` naming the field where there is one (the approval page answers GET with
 * its HTML 404 page), never a 5xx; nothing is stored (GET /requests counts the same before and
 * after); and the service answers the next valid request normally.
 */
import fc from 'fast-check';
import { councilCity } from '../fixtures/policies';
import {
  approvalLink, openLink, purchase, startHarness, type Harness,
} from './support/harness';

const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const MAX_BODY_BYTES = 64 * 1024;

let h: Harness;
let stored = 0;
let checked = 0;
const seen: string[] = [];

beforeAll(async () => {
  h = await startHarness({ extraPolicies: [councilCity] });
  stored = await h.api.countRequests();
}, 60_000);
afterAll(async () => { await h?.close(); });

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  /** Sent byte for byte; no content type is added unless `contentType` says so. */
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  /** The status expected, or any 4xx when omitted. */
  status?: number;
  /** The field the error must name. */
  field?: string;
  /** The approval page answers GET with an HTML page rather than JSON. */
  html?: boolean;
}

const JSON_TYPE = 'application/json';
const valid = () => purchase({ title: 'Valid request', amount: 1200 });
const validText = () => JSON.stringify(valid());
const withField = (path: string, value: unknown, base: Record<string, unknown> = valid()) => {
  const body = structuredClone(base) as Record<string, any>;
  const parts = path.split('.');
  let at = body;
  for (const p of parts.slice(0, -1)) at = (at[p] ??= {});
  at[parts[parts.length - 1]!] = value;
  return body;
};
/** A valid body with one value replaced by raw JSON text (numbers JSON.stringify cannot write). */
const withRaw = (field: string, rawJson: string) => JSON.stringify(withField(field, '__RAW__')).replace('"__RAW__"', rawJson);
const submitCase = (name: string, body: unknown, field?: string, status = 400): Case => ({
  name, method: 'POST', path: '/requests', body: typeof body === 'string' ? body : JSON.stringify(body), contentType: JSON_TYPE, status, field,
});

const send = async (c: Case) => {
  const headers: Record<string, string> = { ...(await h.api.authorization(c.method, c.path, c.body)), ...(c.contentType ? { 'content-type': c.contentType } : {}), ...c.headers };
  // A Uint8Array body keeps fetch from adding a content type of its own.
  const body = c.body === undefined ? undefined : typeof c.body === 'string' ? new TextEncoder().encode(c.body) : c.body;
  const response = await fetch(`${h.api.baseUrl}${c.path}`, { method: c.method, headers, body });
  const text = await response.text();
  let parsed: any;
  try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, body: parsed };
};

const describeCase = (c: Case) => `${c.name} [${c.method} ${c.path.slice(0, 80)}${c.path.length > 80 ? '…' : ''}]`;

/** One case end to end: a 4xx JSON error naming the field, nothing stored, the service still fine. */
const check = async (c: Case) => {
  const label = describeCase(c);
  const before = await h.api.countRequests();
  const r = await send(c);
  checked += 1;
  seen.push(c.name);
  expect([label, r.status >= 400 && r.status < 500]).toEqual([label, true]);
  if (c.status !== undefined) expect([label, r.status]).toEqual([label, c.status]);
  if (c.html) {
    expect([label, r.contentType]).toEqual([label, expect.stringMatching(/^text\/html/)]);
  } else {
    expect([label, r.contentType]).toEqual([label, expect.stringMatching(/^application\/json/)]);
    expect([label, r.body]).toEqual([label, { error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) }]);
    const { fields } = r.body.error;
    if (fields !== undefined) {
      expect([label, Array.isArray(fields) && fields.every((f: any) => typeof f.field === 'string' && typeof f.message === 'string')]).toEqual([label, true]);
    }
    if (c.field !== undefined) {
      expect([label, (fields ?? []).map((f: { field: string }) => f.field)]).toEqual([label, expect.arrayContaining([c.field])]);
    }
  }
  // Nothing stored…
  const after = await h.api.countRequests();
  stored = after;
  expect([label, after]).toEqual([label, before]);
  // …and the next valid request is answered normally (routing preview: the full validation path, no side effects).
  const next = await h.api.call('POST', '/routing/preview', valid());
  expect([label, next.status]).toEqual([label, 200]);
  return r;
};

const runAll = async (cases: Case[]) => {
  for (const c of cases) await check(c);
};

// ---------------------------------------------------------------- hand-written corpus

const malformedJson = [
  '{', '}', '{"policy":', '{"a":}', "{'policy':'sample-city'}", '[1,]', '{"a":1,}', 'NaN', 'undefined', '{} x',
  '\uFEFF{}', '{"amount": 01}', '{"amount": .5}', '{"amount": 1.}', '{"title": "unterminated}', '{"title": "\\x41"}',
  'tru', '{"a" 1}', '\u0000', '{"a":1}{"b":2}', '{"amount": Infinity}', '{"amount": -Infinity}', '{"amount": +1}',
  validText().slice(0, -1), `${validText()},`, '/* comment */ {}',
];
const notAnObject = ['null', '[]', '123', '"text"', 'true', `[${validText()}]`];

const STRING_FIELDS = ['policy', 'title', 'description', 'department', 'category', 'currency', 'fundingSource', 'neededBy'];
const OBJECT_FIELDS = ['requester', 'vendor', 'method'];
const NESTED_STRING_FIELDS = ['requester.name', 'requester.email', 'vendor.name'];
const wrongTypes: Case[] = [
  ...STRING_FIELDS.flatMap((f) => [null, 123, true, [], {}, ['x']].map((v) => submitCase(`wrong type ${f}=${JSON.stringify(v)}`, withField(f, v), f))),
  ...OBJECT_FIELDS.flatMap((f) => [null, 'x', 123, true, []].map((v) => submitCase(`wrong type ${f}=${JSON.stringify(v)}`, withField(f, v), f))),
  ...NESTED_STRING_FIELDS.flatMap((f) => [null, 42, false, {}].map((v) => submitCase(`wrong type ${f}=${JSON.stringify(v)}`, withField(f, v), f))),
  ...[null, '1200', true, [], {}, '1,200.00', [1200]].map((v) => submitCase(`wrong type amount=${JSON.stringify(v)}`, withField('amount', v), 'amount')),
  // `requester` may be left out (the signed-in person is the requester), so it is not among these.
  ...['policy', 'title', 'department', 'category', 'amount', 'vendor', 'fundingSource'].map((f) => {
    const body = valid() as Record<string, unknown>;
    delete body[f];
    return submitCase(`missing ${f}`, body, f);
  }),
];

const amounts = [
  '1e309', '-1e309', '-0', '0', '0.0', '-5', '-0.01', '0.001', '12.345', '1200.999', '1e13', '1000000000000.01', '5e-324',
  '1e-7', '0.000001', '2.5e-3', '1E400', '123456789012345678901234567890',
].map((raw) => ({ ...submitCase(`amount ${raw}`, withRaw('amount', raw), 'amount') }));
const quoteAmounts = ['0', '-1', '1.001', '1e309'].map((raw) => submitCase(
  `quote amount ${raw}`,
  JSON.stringify(withField('method', { type: 'quotes', quotes: [{ vendor: 'A', amount: '__RAW__' }] }, purchase({ amount: 6000 }))).replace('"__RAW__"', raw),
  'method.quotes[0].amount',
));

const controlCharacters: Case[] = [
  ['title', 'Cones\u0000'], ['title', 'Cones\u0007 bell'], ['title', '\u001b[2JCones'], ['title', 'Cones\u007f'],
  ['title', 'Cones\r\nBcc: victim@example.com'], ['title', 'Cones\u0085next line'], ['requester.name', 'Ana\nRuiz'],
  ['vendor.name', 'Acme\u0000'], ['department', 'Public\u0008Works'], ['description', 'Replace\u0000 40 handhelds'],
  ['description', 'Beep\u0007'], ['policy', 'sample-city\u0000'],
].map(([field, value]) => submitCase(`control character in ${field}: ${JSON.stringify(value)}`, withField(field!, value), field));

/**
 * One text rule for every free-text field (lambdas/domain/text.ts): no C0/C1 controls (line breaks
 * and tabs only where text may span lines), no bidi overrides or isolates, no lone surrogates.
 */
const textRule: Case[] = [
  ['title', 'Invoice \u202efdp.exe'], ['title', 'Invoice \u2066x\u2069'], ['vendor.name', 'Acme\u202a'], ['requester.name', 'Ana \u202dRuiz'],
  ['department', 'Public\u2067Works'], ['description', 'Replace handhelds\u202e'], ['description', 'Next line\u0085here'],
  ['description', 'Control \u009b[31m'], ['title', 'Cones \ud800'], ['vendor.name', '\udc00Acme'], ['description', 'Lone \udbff'],
  ['title', 'Cones\u2069'], ['requester.name', 'Ana\u0080'],
].map(([field, value]) => submitCase(`text rule in ${field}: ${JSON.stringify(value)}`, withField(field!, value), field))
  .concat([
    submitCase('bidi override in a justification', withField('method', { type: 'emergency', justification: 'Flood\u202e' }, purchase({ amount: 6000 })), 'method.justification'),
    submitCase('lone surrogate in a justification', withField('method', { type: 'sole-source', justification: 'x\ud83d' }, purchase({ amount: 6000 })), 'method.justification'),
    submitCase('bidi isolate in a quote vendor', withField('method', { type: 'quotes', quotes: [{ vendor: 'A\u2068', amount: 10 }] }, purchase({ amount: 6000 })), 'method.quotes[0].vendor'),
    submitCase('C1 control in a contract number', withField('method', { type: 'cooperative', contractNumber: 'NCPA\u0085' }), 'method.contractNumber'),
    submitCase('bidi override in a lead agency', withField('method', { type: 'piggyback', leadAgency: 'County\u202e' }), 'method.leadAgency'),
  ]);

/** We read UTF-8 only: a body declared in another charset would be stored mangled, so it is 415. */
const charsets: Case[] = ['iso-8859-1', 'ISO-8859-1', 'utf-16', '"latin1"', 'windows-1252', 'us-ascii'].map((charset) => ({
  name: `charset=${charset}`, method: 'POST' as const, path: '/requests', body: validText(), contentType: `application/json; charset=${charset}`, status: 415,
})).concat([
  { name: 'preview with charset=iso-8859-1', method: 'POST', path: '/routing/preview', body: validText(), contentType: 'application/json;charset=iso-8859-1', status: 415 },
]);

const longStrings: Case[] = [
  ['title', 201], ['title', 10_000], ['description', 4001], ['department', 201], ['requester.name', 201], ['vendor.name', 201], ['policy', 101],
].map(([field, n]) => submitCase(`very long ${field} (${n})`, withField(field as string, 'x'.repeat(n as number)), field as string))
  .concat([
    submitCase('very long email (300)', withField('requester.email', `${'a'.repeat(290)}@city.example`), 'requester.email'),
    submitCase('very long contract number', withField('method', { type: 'cooperative', contractNumber: 'x'.repeat(201) }), 'method.contractNumber'),
    submitCase('very long justification', withField('method', { type: 'emergency', justification: 'x'.repeat(4001) }, purchase({ amount: 6000 })), 'method.justification'),
  ]);

const unknownFields: Case[] = [
  ['isAdmin', true], ['status', 'APPROVED'], ['id', '01J00000000000000000000000'], ['submittedAt', '2020-01-01T00:00:00Z'],
  ['amountCents', 1], ['constructor', {}], ['requester.role', 'admin'], ['vendor.id', 7], ['checkpoints', []], ['Title', 'x'],
].map(([field, value]) => submitCase(`unknown field ${field}`, withField(field as string, value), field as string)).concat([
  submitCase('unknown field __proto__', validText().replace(/^\{/, '{"__proto__":{"isAdmin":true},'), '__proto__'),
  submitCase('unknown field method.extra', withField('method', { type: 'direct', extra: 1 }), 'method.extra'),
  submitCase('unknown field in a quote', withField('method', { type: 'quotes', quotes: [{ vendor: 'A', amount: 10, note: 'x' }] }, purchase({ amount: 6000 })), 'method.quotes[0].note'),
]);

const otherInvalid: Case[] = [
  submitCase('bad email', withField('requester.email', 'not-an-email'), 'requester.email'),
  submitCase('email with a space', withField('requester.email', 'ana ruiz@city.example'), 'requester.email'),
  submitCase('impossible date', withField('neededBy', '2027-02-30'), 'neededBy'),
  submitCase('short year', withField('neededBy', '27-03-01'), 'neededBy'),
  submitCase('date without padding', withField('neededBy', '2027-3-1'), 'neededBy'),
  submitCase('date-time instead of date', withField('neededBy', '2027-03-01T00:00:00Z'), 'neededBy'),
  submitCase('unknown department', withField('department', 'Ministry of Silly Walks'), 'department'),
  submitCase('unknown policy', withField('policy', 'nope'), 'policy'),
  submitCase('overlay as base policy', withField('policy', 'federal'), 'policy'),
  submitCase('bad category', withField('category', 'food'), 'category'),
  submitCase('currency EUR', withField('currency', 'EUR'), 'currency'),
  submitCase('bad funding source', withField('fundingSource', 'grant'), 'fundingSource'),
  submitCase('unknown method type', withField('method', { type: 'barter' }), 'method.type'),
  submitCase('method without type', withField('method', { alliance: 'NCPA' }), 'method.type'),
  submitCase('quotes not a list', withField('method', { type: 'quotes', quotes: 'three' }, purchase({ amount: 6000 })), 'method.quotes'),
  submitCase('51 quotes', withField('method', { type: 'quotes', quotes: Array.from({ length: 51 }, (_, i) => ({ vendor: `V${i}`, amount: 10 })) }, purchase({ amount: 6000 })), 'method.quotes'),
  submitCase('bad sole-source ground', withField('method', { type: 'sole-source', ground: 'because', justification: 'x' }), 'method.ground'),
  submitCase('empty title', withField('title', '   '), 'title'),
  submitCase('empty vendor name', withField('vendor.name', ''), 'vendor.name'),
];

const contentTypes: Case[] = [
  { name: 'no content type', method: 'POST', path: '/requests', body: validText(), status: 415 },
  { name: 'text/plain', method: 'POST', path: '/requests', body: validText(), contentType: 'text/plain', status: 415 },
  { name: 'form encoded', method: 'POST', path: '/requests', body: 'title=x&amount=1', contentType: 'application/x-www-form-urlencoded', status: 415 },
  { name: 'multipart', method: 'POST', path: '/requests', body: '--x\r\n\r\n{}\r\n--x--', contentType: 'multipart/form-data; boundary=x', status: 415 },
  { name: 'text/json', method: 'POST', path: '/requests', body: validText(), contentType: 'text/json', status: 415 },
  { name: 'application/xml', method: 'POST', path: '/requests', body: '<request/>', contentType: 'application/xml', status: 415 },
  { name: 'application/x-json', method: 'POST', path: '/requests', body: validText(), contentType: 'application/x-json', status: 415 },
  { name: 'preview as text/plain', method: 'POST', path: '/routing/preview', body: validText(), contentType: 'text/plain', status: 415 },
];

const tooLarge: Case[] = [
  submitCase('title of 70 KB', withField('title', 'x'.repeat(70_000)), undefined, 413),
  submitCase('64 KB + 1 of spaces around a valid body', `${validText()}${' '.repeat(MAX_BODY_BYTES + 1 - validText().length)}`, undefined, 413),
  submitCase('1 MB', withField('description', 'é'.repeat(512 * 1024)), undefined, 413),
  { name: 'over the limit as text/plain', method: 'POST', path: '/requests', body: 'x'.repeat(MAX_BODY_BYTES + 10), contentType: 'text/plain', status: 413 },
  { name: 'preview over the limit', method: 'POST', path: '/routing/preview', body: JSON.stringify(withField('description', 'x'.repeat(MAX_BODY_BYTES))), contentType: JSON_TYPE, status: 413 },
  { name: 'multi-byte body just over the limit', method: 'POST', path: '/requests', body: JSON.stringify(withField('description', '€'.repeat(Math.ceil(MAX_BODY_BYTES / 3) + 10))), contentType: JSON_TYPE, status: 413 },
];

const nest = (depth: number, open: string, close: string, inner = '0') => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
const deepNesting: Case[] = [
  submitCase('array nested 20000 deep', nest(20_000, '[', ']'), 'body'),
  submitCase('object nested 5000 deep', nest(5000, '{"a":', '}'), 'a'),
  submitCase('deep array as title', withRaw('title', nest(10_000, '[', ']')), 'title'),
  submitCase('deep object inside requester', withRaw('requester', `{"name":"A","email":"a@b.example","x":${nest(5000, '{"a":', '}')}}`), 'requester.x'),
  submitCase('deep object as method', withRaw('method', nest(5000, '{"type":', '}', '"direct"')), 'method.type'),
  submitCase('deep unknown field', withRaw('extra', nest(10_000, '[', ']')), 'extra'),
];

const badKeys: Case[] = ['', 'a b', 'x'.repeat(256), 'cl\u00e9', '\u00ff\u00fe', 'a\tb', 'key"; DROP TABLE'.replace('"', '\u00a0')].map((key) => ({
  ...submitCase(`bad Idempotency-Key ${JSON.stringify(key.slice(0, 20))}`, valid(), 'Idempotency-Key'), headers: { 'Idempotency-Key': key },
}));

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A cursor from raw JSON text (numbers JSON.stringify would not write as given). */
const rawCursor = (json: string) => Buffer.from(json).toString('base64url');
const badQueries: Case[] = [
  ['status=FOO', 'status'], ['status=approved', 'status'], ['status=', 'status'], ['limit=0', 'limit'], ['limit=101', 'limit'],
  ['limit=-1', 'limit'], ['limit=1.5', 'limit'], ['limit=abc', 'limit'], ['limit=', 'limit'], ['limit=Infinity', 'limit'],
  ['department=', 'department'], [`department=${'x'.repeat(201)}`, 'department'], ['cursor=garbage!!', 'cursor'],
  [`cursor=${'A'.repeat(2049)}`, 'cursor'], [`cursor=${cursorOf([])}`, 'cursor'], [`cursor=${cursorOf({ pk: { S: 'x' } })}`, 'cursor'],
  [`cursor=${cursorOf({ pk: 'x' })}`, 'cursor'], [`cursor=${cursorOf({ listKey: 'REQUEST' })}`, 'cursor'],
  [`cursor=${cursorOf({ nope: 1, other: 'x' })}`, 'cursor'], [`status=APPROVED&cursor=${cursorOf({ pk: 'REQUEST#x', sk: 'REQUEST' })}`, 'cursor'],
  // Forged cursors with numbers no key holds (issue 13: `{"pk":1e16}` answered 500): refused by their shape.
  [`cursor=${rawCursor('{"pk":1e16}')}`, 'cursor'],
  [`cursor=${rawCursor('{"pk":1e16,"sk":"REQUEST","listKey":"REQUEST","submittedAt":"2026-01-01T00:00:00.000Z"}')}`, 'cursor'],
  [`cursor=${rawCursor('{"pk":"REQUEST#x","sk":"REQUEST","listKey":"REQUEST","submittedAt":-1e308}')}`, 'cursor'],
  [`cursor=${rawCursor('{"pk":"REQUEST#x","sk":"REQUEST","listKey":"REQUEST","submittedAt":9007199254740993}')}`, 'cursor'],
  [`cursor=${cursorOf({ pk: 'REQUEST#x', sk: 'REQUEST', listKey: 'REQUEST', submittedAt: '2026-01-01T00:00:00.000Z', extra: 'x' })}`, 'cursor'],
  [`cursor=${cursorOf({ pk: 'REQUEST#x', sk: 'REQUEST', listKey: 'REQUEST', submittedAt: true })}`, 'cursor'],
  [`cursor=${cursorOf({ pk: '', sk: 'REQUEST', listKey: 'REQUEST', submittedAt: '2026-01-01T00:00:00.000Z' })}`, 'cursor'],
  [`status=APPROVED&cursor=${cursorOf({ pk: 'REQUEST#x', sk: 'REQUEST', listKey: 'REQUEST', submittedAt: '2026-01-01T00:00:00.000Z' })}`, 'cursor'],
  ['foo=1', 'foo'], ['Status=APPROVED', 'Status'],
].map(([query, field]) => ({ name: `GET /requests?${query!.slice(0, 40)}`, method: 'GET' as const, path: `/requests?${query}`, status: 400, field }));

const BAD_IDS = [
  'x', '0', '01j00000000000000000000000', '01J000000000000000000000000', '01J0000000000000000000000', '01JI0000000000000000000000',
  '01JU0000000000000000000000', '01J00000000000000000000000' /* well formed, unknown */, '%00', '..%2F..%2Fhealth', 'A'.repeat(3000),
  '%F0%9F%98%80', "'%20OR%201=1--", '%3Cscript%3E',
];
const badIds: Case[] = BAD_IDS.flatMap((id) => [
  { name: `GET /requests/{${id.slice(0, 30)}}`, method: 'GET' as const, path: `/requests/${id}`, status: 404 },
  { name: `GET /requests/{${id.slice(0, 30)}}/audit`, method: 'GET' as const, path: `/requests/${id}/audit`, status: 404 },
  { name: `POST /requests/{${id.slice(0, 30)}}/cancel`, method: 'POST' as const, path: `/requests/${id}/cancel`, body: '{}', contentType: JSON_TYPE, status: 404 },
  { name: `GET /approvals/{${id.slice(0, 30)}}`, method: 'GET' as const, path: `/approvals/${id}`, status: 404, html: true },
  {
    name: `POST /approvals/{${id.slice(0, 30)}}`, method: 'POST' as const, path: `/approvals/${id}`, body: 'decision=approve&antiForgery=1.x',
    contentType: 'application/x-www-form-urlencoded', headers: { accept: JSON_TYPE }, status: 404,
  },
]);

const wrongMethods: Case[] = [
  { name: 'PUT /requests', method: 'PUT', path: '/requests', body: validText(), contentType: JSON_TYPE, status: 405 },
  { name: 'DELETE /requests/{id}', method: 'DELETE', path: '/requests/01J00000000000000000000000', status: 405 },
  { name: 'PATCH /health', method: 'PATCH', path: '/health', body: '{}', contentType: JSON_TYPE, status: 405 },
  { name: 'GET /routing/preview', method: 'GET', path: '/routing/preview', status: 405 },
  { name: 'no such route', method: 'GET', path: '/admin', status: 404 },
];

const previewCases: Case[] = [
  { name: 'preview malformed', method: 'POST', path: '/routing/preview', body: '{', contentType: JSON_TYPE, status: 400, field: 'body' },
  { name: 'preview wrong type', method: 'POST', path: '/routing/preview', body: JSON.stringify(withField('amount', '12')), contentType: JSON_TYPE, status: 400, field: 'amount' },
  { name: 'preview unknown field', method: 'POST', path: '/routing/preview', body: JSON.stringify(withField('x', 1)), contentType: JSON_TYPE, status: 400, field: 'x' },
  { name: 'preview 1e309', method: 'POST', path: '/routing/preview', body: withRaw('amount', '1e309'), contentType: JSON_TYPE, status: 400, field: 'amount' },
  { name: 'preview control character', method: 'POST', path: '/routing/preview', body: JSON.stringify(withField('title', 'a\u0000b')), contentType: JSON_TYPE, status: 400, field: 'title' },
];

const handWritten: Array<[string, Case[]]> = [
  ['malformed JSON', [
    ...malformedJson.map((text) => submitCase(`malformed JSON ${JSON.stringify(text.slice(0, 30))}`, text, 'body')),
    submitCase('empty body', '', 'body'), submitCase('blank body', ' \n\t ', 'body'),
    ...notAnObject.map((text) => submitCase(`not an object ${text.slice(0, 30)}`, text, 'body')),
  ]],
  ['wrong content type', contentTypes],
  ['bodies over the limit', tooLarge],
  ['deep nesting', deepNesting],
  ['wrong types and missing fields', wrongTypes],
  ['out-of-range and non-finite amounts', [...amounts, ...quoteAmounts]],
  ['control characters', controlCharacters],
  ['the text rule: bidi controls, lone surrogates, C1 controls', textRule],
  ['a charset other than UTF-8', charsets],
  ['very long strings', longStrings],
  ['unknown fields', unknownFields],
  ['other invalid values', otherInvalid],
  ['bad Idempotency-Key', badKeys],
  ['bad query parameters on GET /requests', badQueries],
  ['bad ids on every route', badIds],
  ['wrong methods and routes', wrongMethods],
  ['routing preview', previewCases],
];

describe('hand-written corpus', () => {
  test.each(handWritten)('%s', async (_group, cases) => {
    await runAll(cases);
  }, 120_000);

  test('a bad body under a good Idempotency-Key claims nothing: the key then serves a valid body normally', async () => {
    const key = `bad-then-good-${Date.now()}`;
    await check({ ...submitCase('bad body with a key', withField('amount', -1), 'amount'), headers: { 'Idempotency-Key': key } });
    const good = await h.api.submit(purchase({ title: 'After a refused body', amount: 300 }), { 'Idempotency-Key': key });
    expect(good.status).toBe(202);
    expect(good.body.created).toBe(true);
    expect(good.body.id).toMatch(ULID);
    expect(await h.api.countRequests()).toBe(stored + 1);
    stored += 1;
  }, 60_000);
});

// ---------------------------------------------------------------- generated corpus (fast-check)

const KNOWN_TOP = new Set(['policy', 'title', 'description', 'department', 'requester', 'category', 'amount', 'currency', 'vendor', 'fundingSource', 'neededBy', 'method']);
const controlChar = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((c) => String.fromCharCode(c));
const TEXT_FIELDS: Array<[string, number]> = [['title', 200], ['department', 200], ['requester.name', 200], ['vendor.name', 200], ['policy', 100]];

const badText = (max: number) => fc.oneof(
  fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 3 })),
  fc.integer({ min: max + 1, max: max + 500 }).map((n) => 'y'.repeat(n)),
  fc.stringMatching(/^[ \t\n\r]{0,5}$/),
  fc.tuple(fc.string({ maxLength: 20 }), controlChar, fc.string({ maxLength: 20 })).map(([a, c, b]) => `Cones ${a}${c}${b}`.slice(0, max)),
);
const badAmount = fc.oneof(
  fc.integer({ max: 0 }),
  fc.double({ max: 0, noNaN: true }),
  fc.double({ min: 1e12 + 1, max: 1e300, noNaN: true, noDefaultInfinity: true }),
  fc.tuple(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 1, max: 9 })).map(([cents, d]) => Number(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}${d}`)),
  fc.string().map((s) => s as unknown),
  fc.constantFrom<unknown>(null, true, [], {}),
);

const mutations: fc.Arbitrary<{ field: string; value: unknown }> = fc.oneof(
  fc.constantFrom(...TEXT_FIELDS).chain(([field, max]) => badText(max).map((value) => ({ field, value }))),
  badAmount.map((value) => ({ field: 'amount', value })),
  fc.string().filter((s) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s.trim())).map((value) => ({ field: 'requester.email', value })),
  fc.string().filter((s) => !['goods', 'services', 'construction', 'professional-services', 'technology'].includes(s)).map((value) => ({ field: 'category', value })),
  fc.string().filter((s) => !['local', 'state', 'federal'].includes(s)).map((value) => ({ field: 'fundingSource', value })),
  fc.oneof(fc.string().filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)), fc.tuple(fc.integer({ min: 2000, max: 2999 }), fc.integer({ min: 13, max: 99 })).map(([y, m]) => `${y}-${m}-01`))
    .map((value) => ({ field: 'neededBy', value })),
);

const generated: Array<[string, number, fc.Arbitrary<Case>]> = [
  ['any JSON value that is not a request', 40, fc.jsonValue({ maxDepth: 4 }).map((v) => submitCase(`json ${JSON.stringify(v)?.slice(0, 40)}`, JSON.stringify(v) ?? 'null'))],
  ['text that is not JSON', 30, fc.string({ minLength: 1, maxLength: 80 }).map((s) => Buffer.from(s, 'utf8').toString('utf8')).filter((s) => {
    if (s.trim() === '') return false;
    try { JSON.parse(s); return false; } catch { return true; }
  }).map((s) => submitCase(`not JSON ${JSON.stringify(s.slice(0, 30))}`, s, 'body'))],
  ['a valid body with one bad value', 70, mutations.map(({ field, value }) => submitCase(`${field}=${String(JSON.stringify(value)).slice(0, 40)}`, withField(field, value), field))],
  ['an unknown field', 30, fc.tuple(fc.constantFrom('', 'requester.', 'vendor.'), fc.string({ minLength: 1, maxLength: 30 }))
    .filter(([parent, key]) => key !== '__proto__' && !(parent === '' ? KNOWN_TOP : parent === 'requester.' ? new Set(['name', 'email']) : new Set(['name'])).has(key))
    .map(([parent, key]) => {
      const body = valid() as Record<string, any>;
      const target = parent === '' ? body : body[parent.slice(0, -1)];
      Object.defineProperty(target, key, { value: 'surprise', enumerable: true, configurable: true, writable: true });
      return submitCase(`unknown ${parent}${JSON.stringify(key)}`, body, `${parent}${key}`);
    })],
  ['a bad Idempotency-Key', 20, fc.oneof(
    fc.integer({ min: 256, max: 600 }).map((n) => 'k'.repeat(n)),
    fc.tuple(fc.stringMatching(/^[!-~]{1,20}$/), fc.constantFrom(' ', '\t', '\u00e9', '\u00a0', '\u00ff'), fc.stringMatching(/^[!-~]{1,20}$/)).map(([a, c, b]) => `${a}${c}${b}`),
  ).map((key) => ({ ...submitCase(`key ${JSON.stringify(key.slice(0, 20))}`, valid(), 'Idempotency-Key'), headers: { 'Idempotency-Key': key } }))],
  ['bad query parameters', 30, fc.oneof(
    fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 101 }), fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)), fc.stringMatching(/^[a-z]{1,8}$/))
      .map((v) => ({ query: `limit=${encodeURIComponent(String(v))}`, field: 'limit' })),
    fc.string({ maxLength: 20 }).filter((s) => !['SUBMITTED', 'PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'RETURNED', 'EXPIRED', 'CANCELLED'].includes(s))
      .map((v) => ({ query: `status=${encodeURIComponent(v)}`, field: 'status' })),
    fc.stringMatching(/^[a-z]{1,12}$/).filter((k) => !['status', 'department', 'limit', 'cursor'].includes(k)).map((k) => ({ query: `${k}=1`, field: k })),
    fc.string({ minLength: 1, maxLength: 60 }).map((v) => ({ query: `cursor=${encodeURIComponent(v)}`, field: 'cursor' })),
  ).map(({ query, field }) => ({ name: `GET /requests?${query.slice(0, 40)}`, method: 'GET' as const, path: `/requests?${query}`, status: 400, field }))],
  ['bad request ids', 30, fc.tuple(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !ULID.test(s) && !/^\.{1,2}$/.test(s)), fc.constantFrom('', '/audit', '/cancel'))
    .map(([id, suffix]) => ({
      name: `bad id ${JSON.stringify(id)}${suffix}`, method: suffix === '/cancel' ? 'POST' as const : 'GET' as const, path: `/requests/${encodeURIComponent(id)}${suffix}`,
      ...(suffix === '/cancel' ? { body: '{}', contentType: JSON_TYPE } : {}), status: 404,
    }))],
];

describe('generated corpus (fast-check)', () => {
  test.each(generated)('%s (%i runs)', async (_name, numRuns, arbitrary) => {
    await fc.assert(fc.asyncProperty(arbitrary, async (c) => { await check(c); }), { numRuns, seed: 20_240_611, endOnFailure: true });
  }, 180_000);
});

// ---------------------------------------------------------------- bad forms and bodies on a live request

describe('bad forms on POST /approvals and bad cancel bodies on a pending request', () => {
  test('each is refused with a 4xx JSON error naming the field; the checkpoint stays pending and the audit unchanged', async () => {
    const submitted = await h.api.submit(purchase({ title: 'Bad forms target', amount: 1200, vendor: { name: 'Form Co' } }));
    expect(submitted.status).toBe(202);
    stored += 1;
    const id = submitted.body.id as string;
    const link = approvalLink(await h.mail.waitFor(DEPT_HEAD, /Bad forms target/));
    await h.api.waitForAudit(id, 'approval-requested', { index: 0 });
    const path = new URL(link).pathname;
    const token = (await openLink(link)).antiForgery!;
    const before = { view: (await h.api.get(id)).body, audit: (await h.api.audit(id)).body.events };

    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const post = (name: string, body: string, contentType: string, status: number, field?: string): Case => ({
      name, method: 'POST', path, body, contentType, headers: { accept: JSON_TYPE }, status, field,
    });
    const FORM = 'application/x-www-form-urlencoded';
    const cases: Case[] = [
      post('no anti-forgery value', form({ decision: 'approve' }), FORM, 403, 'antiForgery'),
      post('forged anti-forgery value', form({ decision: 'approve', antiForgery: `${Date.now()}.forged` }), FORM, 403, 'antiForgery'),
      post('no decision', form({ antiForgery: token }), FORM, 400, 'decision'),
      post('decision APPROVE', form({ decision: 'APPROVE', antiForgery: token }), FORM, 400, 'decision'),
      post('decision yes', form({ decision: 'yes', antiForgery: token }), FORM, 400, 'decision'),
      post('decision empty', form({ decision: '', antiForgery: token }), FORM, 400, 'decision'),
      post('reject without a reason', form({ decision: 'reject', antiForgery: token }), FORM, 400, 'comment'),
      post('reject with a blank reason', form({ decision: 'reject', comment: ' \n ', antiForgery: token }), FORM, 400, 'comment'),
      post('comment too long', form({ decision: 'approve', comment: 'c'.repeat(2001), antiForgery: token }), FORM, 400, 'comment'),
      post('comment with a NUL', form({ decision: 'approve', comment: 'ok\u0000', antiForgery: token }), FORM, 400, 'comment'),
      post('comment with an escape sequence', form({ decision: 'reject', comment: '\u001b[31mno', antiForgery: token }), FORM, 400, 'comment'),
      post('form over the limit', form({ decision: 'approve', comment: 'c'.repeat(MAX_BODY_BYTES), antiForgery: token }), FORM, 413),
      // A content type the form route does not read is 415, as on every route (one code-to-status mapping).
      post('text/plain', form({ decision: 'approve', antiForgery: token }), 'text/plain', 415),
      post('multipart', '--x\r\nContent-Disposition: form-data; name="decision"\r\n\r\napprove\r\n--x--', 'multipart/form-data; boundary=x', 415),
      post('JSON array', '[]', JSON_TYPE, 400, 'body'),
      post('JSON null', 'null', JSON_TYPE, 400, 'body'),
      post('malformed JSON', '{"decision":', JSON_TYPE, 400, 'body'),
      post('JSON decision as a list', JSON.stringify({ decision: ['approve'], antiForgery: token }), JSON_TYPE, 400, 'decision'),
      post('JSON decision as a number', JSON.stringify({ decision: 1, antiForgery: token }), JSON_TYPE, 400, 'decision'),
      post('JSON anti-forgery as a list', JSON.stringify({ decision: 'approve', antiForgery: [token] }), JSON_TYPE, 400, 'antiForgery'),
      post('JSON comment as an object', JSON.stringify({ decision: 'approve', comment: { text: 'hi' }, antiForgery: token }), JSON_TYPE, 400, 'comment'),
      post('JSON decision null', JSON.stringify({ decision: null, antiForgery: token }), JSON_TYPE, 400, 'decision'),
      // The one text rule holds for decision comments too (C1 controls and lone surrogates used to be kept).
      post('comment with a C1 control', form({ decision: 'approve', comment: 'ok\u0085next', antiForgery: token }), FORM, 400, 'comment'),
      post('comment with a CSI', form({ decision: 'reject', comment: '\u009b31mno', antiForgery: token }), FORM, 400, 'comment'),
      post('comment with a bidi override', form({ decision: 'reject', comment: 'no \u202etxt.exe', antiForgery: token }), FORM, 400, 'comment'),
      post('comment with a bidi isolate', form({ decision: 'approve', comment: 'fine \u2067x\u2069', antiForgery: token }), FORM, 400, 'comment'),
      post('JSON comment with a lone surrogate', JSON.stringify({ decision: 'approve', comment: 'ok \ud800', antiForgery: token }), JSON_TYPE, 400, 'comment'),
      post('form declared as ISO-8859-1', form({ decision: 'approve', antiForgery: token }), `${FORM}; charset=iso-8859-1`, 415),
      post('JSON declared as UTF-16', JSON.stringify({ decision: 'approve', antiForgery: token }), `${JSON_TYPE}; charset=utf-16`, 415),
      // Bad cancel bodies on the same (pending) request: refused before anything is cancelled.
      { name: 'cancel: reason a number', method: 'POST', path: `/requests/${id}/cancel`, body: '{"reason":5}', contentType: JSON_TYPE, status: 400, field: 'reason' },
      { name: 'cancel: reason null', method: 'POST', path: `/requests/${id}/cancel`, body: '{"reason":null}', contentType: JSON_TYPE, status: 400, field: 'reason' },
      { name: 'cancel: reason too long', method: 'POST', path: `/requests/${id}/cancel`, body: JSON.stringify({ reason: 'r'.repeat(1001) }), contentType: JSON_TYPE, status: 400, field: 'reason' },
      { name: 'cancel: unknown field', method: 'POST', path: `/requests/${id}/cancel`, body: '{"why":"x"}', contentType: JSON_TYPE, status: 400, field: 'why' },
      { name: 'cancel: array', method: 'POST', path: `/requests/${id}/cancel`, body: '[]', contentType: JSON_TYPE, status: 400, field: 'body' },
      { name: 'cancel: null', method: 'POST', path: `/requests/${id}/cancel`, body: 'null', contentType: JSON_TYPE, status: 400, field: 'body' },
      { name: 'cancel: malformed', method: 'POST', path: `/requests/${id}/cancel`, body: '{', contentType: JSON_TYPE, status: 400, field: 'body' },
      { name: 'cancel: text/plain', method: 'POST', path: `/requests/${id}/cancel`, body: 'please', contentType: 'text/plain', status: 415 },
      { name: 'cancel: reason with a C1 control', method: 'POST', path: `/requests/${id}/cancel`, body: JSON.stringify({ reason: 'no\u0085longer' }), contentType: JSON_TYPE, status: 400, field: 'reason' },
      { name: 'cancel: reason with a bidi override', method: 'POST', path: `/requests/${id}/cancel`, body: JSON.stringify({ reason: 'dup \u202e' }), contentType: JSON_TYPE, status: 400, field: 'reason' },
      { name: 'cancel: reason with a lone surrogate', method: 'POST', path: `/requests/${id}/cancel`, body: JSON.stringify({ reason: 'dup \udfff' }), contentType: JSON_TYPE, status: 400, field: 'reason' },
      { name: 'cancel: declared as ISO-8859-1', method: 'POST', path: `/requests/${id}/cancel`, body: JSON.stringify({ reason: 'dup' }), contentType: `${JSON_TYPE}; charset=iso-8859-1`, status: 415 },
      { name: 'cancel: over the limit', method: 'POST', path: `/requests/${id}/cancel`, body: JSON.stringify({ reason: 'r'.repeat(MAX_BODY_BYTES) }), contentType: JSON_TYPE, status: 413 },
    ];
    await runAll(cases);

    const after = { view: (await h.api.get(id)).body, audit: (await h.api.audit(id)).body.events };
    expect(after.view).toEqual(before.view);
    expect(after.audit).toEqual(before.audit);
    expect(after.view.status).toBe('PENDING_APPROVAL');
    expect(after.view.checkpoints[0].state).toBe('pending');
    // The link still takes a proper decision.
    const ok = await fetch(link, { method: 'POST', headers: { 'content-type': FORM, accept: JSON_TYPE }, body: form({ decision: 'approve', antiForgery: token }) });
    expect(ok.status).toBe(200);
    await h.api.waitForStatus(id, 'APPROVED');
  }, 120_000);
});

// ---------------------------------------------------------------- what must still be accepted

describe('the limits of the rules: valid input next to the refused', () => {
  test('a body declared as UTF-8 (any spelling) is read; a cursor we issued pages on', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'application/json; charset=utf8']) {
      const body = validText();
      const response = await fetch(`${h.api.baseUrl}/routing/preview`, { method: 'POST', headers: { ...(await h.api.authorization('POST', '/routing/preview', body)), 'content-type': contentType }, body });
      expect([contentType, response.status]).toEqual([contentType, 200]);
    }
    const first = await h.api.call('GET', '/requests?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await h.api.call('GET', `/requests?limit=1&cursor=${first.body.nextCursor}`);
    expect(next.status).toBe(200);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
  }, 60_000);

  test('multi-line text keeps its line breaks and tabs, and ordinary non-Latin text and emoji pass', async () => {
    const preview = await h.api.call('POST', '/routing/preview', purchase({
      title: 'Café 東京 — 🚒 supplies', description: 'Line one\n\tLine two', vendor: { name: 'Øresund Supply Co' },
    }));
    expect(preview.status).toBe(200);
  }, 60_000);
});

// ---------------------------------------------------------------- the council's record

const CLERK = 'city.clerk@sample-city.example';
const isoDate = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('the council record: a meeting date must be a real date, not after today', () => {
  test('bad meeting dates and resolution numbers are refused naming the field; nothing is recorded; a held meeting is', async () => {
    const submitted = await h.api.submit(purchase({ policy: 'council-city', title: 'Council record target', amount: 1200, vendor: { name: 'Record Co' } }));
    expect(submitted.status).toBe(202);
    stored += 1;
    const id = submitted.body.id as string;
    const link = approvalLink(await h.mail.waitFor(CLERK, /Council record target/));
    await h.api.waitForAudit(id, 'approval-requested', { index: 0 });
    const path = new URL(link).pathname;
    const token = (await openLink(link)).antiForgery!;
    const before = { view: (await h.api.get(id)).body, audit: (await h.api.audit(id)).body.events };

    const FORM = 'application/x-www-form-urlencoded';
    const approve = (name: string, meetingDate: string, resolutionNumber: string, field: string): Case => ({
      name, method: 'POST', path, body: new URLSearchParams({ decision: 'approve', antiForgery: token, meetingDate, resolutionNumber }).toString(),
      contentType: FORM, headers: { accept: JSON_TYPE }, status: 400, field,
    });
    await runAll([
      approve('no meeting date', '', 'R-1', 'meetingDate'),
      approve('30 February (issue 13)', '2026-02-30', 'R-1', 'meetingDate'),
      approve('month 13', '2026-13-01', 'R-1', 'meetingDate'),
      approve('day 00', '2026-01-00', 'R-1', 'meetingDate'),
      approve('not padded', '2026-1-5', 'R-1', 'meetingDate'),
      approve('a meeting not yet held', isoDate(2), 'R-1', 'meetingDate'),
      approve('far in the future', '2999-01-01', 'R-1', 'meetingDate'),
      approve('a date with a control character', `${isoDate(-1)}\u0085`, 'R-1', 'meetingDate'),
      approve('no resolution number', isoDate(-1), '', 'resolutionNumber'),
      approve('a resolution number longer than the form allows', isoDate(-1), 'R'.repeat(65), 'resolutionNumber'),
      approve('a resolution number with a bidi override', isoDate(-1), 'R-\u202e41', 'resolutionNumber'),
      approve('a resolution number with a line break', isoDate(-1), 'R-1\nBcc: x', 'resolutionNumber'),
    ]);
    const after = { view: (await h.api.get(id)).body, audit: (await h.api.audit(id)).body.events };
    expect(after).toEqual(before);

    const meetingDate = isoDate(-1);
    const ok = await fetch(link, {
      method: 'POST', headers: { 'content-type': FORM, accept: JSON_TYPE },
      body: new URLSearchParams({ decision: 'approve', antiForgery: token, meetingDate, resolutionNumber: 'R'.repeat(64) }).toString(),
    });
    expect(ok.status).toBe(200);
    const view = await h.api.waitForStatus(id, 'APPROVED');
    expect(view.checkpoints[0]).toMatchObject({ meetingDate, resolutionNumber: 'R'.repeat(64) });
  }, 120_000);
});

// ---------------------------------------------------------------- the service is still fine

test('after the whole corpus (at least 200 cases, no 5xx) a valid submission is stored and routed normally', async () => {
  expect(checked).toBeGreaterThanOrEqual(200);
  const submitted = await h.api.submit(purchase({ title: 'After the storm', amount: 1200, vendor: { name: 'Calm Co' } }));
  expect(submitted.status).toBe(202);
  expect(submitted.body).toMatchObject({ id: expect.stringMatching(ULID), status: 'SUBMITTED', created: true });
  expect(await h.api.countRequests()).toBe(stored + 1);
  stored += 1;
  await h.mail.waitFor(DEPT_HEAD, /After the storm/);
  const view = await h.api.waitForStatus(submitted.body.id, 'PENDING_APPROVAL');
  expect(view.request.title).toBe('After the storm');
  // eslint-disable-next-line no-console
  console.log(`bad-input corpus: ${checked} cases checked (${new Set(seen).size} distinct names)`);
}, 60_000);
