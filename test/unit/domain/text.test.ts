/**
 * The one text rule (lambdas/domain/text.ts) and where it applies: every free-text field of the
 * request contract refuses C0/C1 controls (line breaks and tabs only in multi-line text), bidi
 * overrides and isolates, and lone surrogates, naming the field.
 */
import { parsePurchaseRequest } from '../../../lambdas/domain';
import { textProblem } from '../../../lambdas/domain/text';
import { validBody } from './helpers';

describe('textProblem', () => {
  it.each([
    ['NUL', '\u0000'], ['bell', 'a\u0007'], ['escape', '\u001b[2J'], ['DEL', 'x\u007f'], ['C1 NEL', 'a\u0085b'], ['C1 CSI', '\u009b31m'],
    ['PAD (U+0080)', '\u0080'], ['APC (U+009F)', '\u009f'], ['vertical tab', 'a\u000bb'], ['form feed', 'a\u000cb'],
  ])('refuses a %s in one-line and multi-line text', (_name, text) => {
    expect(textProblem(text, 'one-line')).toBe('must not contain control characters');
    expect(textProblem(text, 'multi-line')).toBe('must not contain control characters');
  });

  it.each([['line feed', 'a\nb'], ['carriage return', 'a\r\nb'], ['tab', 'a\tb']])('a %s is multi-line only', (_name, text) => {
    expect(textProblem(text, 'multi-line')).toBeUndefined();
    expect(textProblem(text, 'one-line')).toBe('must not contain control characters');
  });

  it.each(['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'])('refuses the bidi control U+%s', (c) => {
    expect(textProblem(`Invoice ${c}fdp.exe`, 'one-line')).toBe('must not contain bidirectional override or isolate characters');
    expect(textProblem(`Invoice ${c}fdp.exe`, 'multi-line')).toBe('must not contain bidirectional override or isolate characters');
  });

  it.each([['high alone', 'a\ud800'], ['low alone', '\udc00a'], ['high then high', '\ud83d\ud83d\ude92'], ['low first', '\ude92\ud83d']])('refuses a lone surrogate (%s)', (_name, text) => {
    expect(textProblem(text, 'one-line')).toMatch(/lone surrogate/);
  });

  it.each(['Café 東京', 'fire truck 🚒', 'Ørsted — “quoted”', 'left\u200eto\u200fright marks', 'עברית', 'العربية', '\u00a0no-break'])('accepts ordinary text: %s', (text) => {
    expect(textProblem(text, 'one-line')).toBeUndefined();
  });
});

describe('every free-text field of the request follows the rule', () => {
  const errorsFor = (body: Record<string, unknown>) => {
    const r = parsePurchaseRequest(body);
    if (r.ok) throw new Error('expected errors');
    return r.errors;
  };
  const BIDI = 'x\u202ey';
  it.each([
    ['title', { title: BIDI }],
    ['description', { description: BIDI }],
    ['department', { department: BIDI }],
    ['requester.name', { requester: { name: BIDI, email: 'a@b.example' } }],
    ['vendor.name', { vendor: { name: BIDI } }],
    ['policy', { policy: BIDI }],
    ['method.alliance', { method: { type: 'cooperative', alliance: BIDI } }],
    ['method.contractNumber', { method: { type: 'state-contract', contractNumber: BIDI } }],
    ['method.leadAgency', { method: { type: 'piggyback', leadAgency: BIDI } }],
    ['method.justification', { method: { type: 'sole-source', justification: BIDI } }],
    ['method.quotes[0].vendor', { method: { type: 'quotes', quotes: [{ vendor: BIDI, amount: 10 }] } }],
  ])('%s refuses a bidi override, naming the field', (field, over) => {
    expect(errorsFor({ ...validBody(), ...over })).toContainEqual({ field, message: 'must not contain bidirectional override or isolate characters' });
  });

  it.each([['title', { title: 'a\ud800' }], ['description', { description: 'a\udfff' }], ['vendor.name', { vendor: { name: '\ud800' } }]])('%s refuses a lone surrogate', (field, over) => {
    expect(errorsFor({ ...validBody(), ...over })).toContainEqual({ field, message: expect.stringMatching(/lone surrogate/) });
  });

  it('a description refuses C1 controls but keeps line breaks', () => {
    expect(errorsFor({ ...validBody(), description: 'a\u0085b' })).toContainEqual({ field: 'description', message: 'must not contain control characters' });
    expect(parsePurchaseRequest({ ...validBody(), description: 'a\nb' })).toMatchObject({ ok: true, value: { description: 'a\nb' } });
  });
});
