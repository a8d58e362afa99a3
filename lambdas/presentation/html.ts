/**
 * Escaping by construction: every page and email body is built with the `html` tag, which escapes
 * each interpolated value unless it is already `SafeHtml` (the output of another `html` call).
 * Forgetting to escape a field is then impossible rather than merely unlikely.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for HTML element content and for quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return String(s ?? '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlPart = SafeHtml | string | number | boolean | null | undefined | readonly HtmlPart[];

function part(value: HtmlPart): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(part).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlPart[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

/**
 * A user-supplied value for one line of a plain-text email or a subject: control characters and
 * line breaks become spaces, so a title cannot forge extra lines (a fake "Link:" line) or headers.
 */
export function oneLine(s: string | undefined): string {
  return String(s ?? '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** Multi-line user text for a plain-text email: keeps line breaks, drops other control characters. */
export function plainBlock(s: string | undefined): string {
  return String(s ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim();
}

export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/**
 * A requester's (or approver's) words in an email must never pass for a link of ours: mail
 * clients turn anything that looks like a web or mail address into a live link, in the HTML part
 * and in the plain-text part alike. Breaking every address ("https[:]//evil[.]example/approve")
 * keeps it readable and makes it unclickable; the ideographic and fullwidth full stops, which
 * some clients accept in domain names, are broken too. Our own links never go through this.
 */
export function defang(s: string | undefined): string {
  return String(s ?? '')
    .replace(/:\/\//g, '[:]//')
    .replace(/([\p{L}\p{N}_-])[.\u3002\uff0e\uff61](?=\p{L})/gu, '$1[.]');
}
