/**
 * The one rule for every piece of free text a person types (titles, names, descriptions,
 * comments, reasons, vendor names…), wherever it enters: the request schema, the decision form,
 * the cancel body. Such text ends up in emails, subjects, pages and audit records, where
 *  - C0/C1 control characters can forge lines or headers, or drive a terminal reading the log;
 *  - bidirectional overrides and isolates (U+202A–202E, U+2066–2069) make text read differently
 *    from what it is ("Invoice \u202Efdp.exe" shows as "Invoice exe.pdf");
 *  - a lone surrogate is not text at all: it cannot be encoded as UTF-8, so it is stored mangled.
 * No purchase request needs any of them. Text that may span lines keeps tab, line feed and
 * carriage return; one-line text keeps none.
 */

const ONE_LINE_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type TextKind = 'one-line' | 'multi-line';

/** Why this text is refused, as the second half of "<field> …"; undefined when it is fine. */
export function textProblem(text: string, kind: TextKind): string | undefined {
  if ((kind === 'one-line' ? ONE_LINE_CONTROL : MULTI_LINE_CONTROL).test(text)) return 'must not contain control characters';
  if (BIDI_CONTROL.test(text)) return 'must not contain bidirectional override or isolate characters';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (it holds a lone surrogate)';
  return undefined;
}
