/**
 * One mailbox, many spellings: comparing people by address means comparing mailboxes. Kept apart
 * from the directory (people.ts) so code that only needs the comparison loads nothing else.
 */

/**
 * The mailbox an address delivers to, for comparing people: lower case (mail providers treat the
 * local part case-insensitively in practice) and without a `+tag` (sub-addressing reaches the same
 * inbox). Two addresses with one key are one person.
 */
export function mailboxKey(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  const local = lower.slice(0, at);
  const plus = local.indexOf('+');
  return `${plus < 0 ? local : local.slice(0, plus)}${lower.slice(at)}`;
}

export function sameMailbox(a: string, b: string): boolean {
  return mailboxKey(a) === mailboxKey(b);
}
