/**
 * The verification code a notice carries (issue 14, item 4; decision 0019): 12 characters of
 * Crockford's base32 (digits and letters without I, L, O and U), shown in three groups of four,
 * "7KQ2-M9XD-4TRP". Drawn from random bytes when the deliveries are fanned out
 * (verification.sql.ts), never from the person's data. Pure.
 */

/** Crockford's base32: no I, L, O or U, so nothing is read as another character or a word. */
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 60 bits: unique with room to spare among millions of notices, and not guessed by trying. */
export const CODE_LENGTH = 12;
const GROUP = 4;

/** An example code, for hints and the API's document. */
export const EXAMPLE_CODE = "7KQ2-M9XD-4TRP";

/** A stored code (12 characters) as people read it: "7KQ2-M9XD-4TRP". */
export function formatCode(code: string): string {
  const groups: string[] = [];
  for (let i = 0; i < code.length; i += GROUP) groups.push(code.slice(i, i + GROUP));
  return groups.join("-");
}

export type ReadCode = { isValid: true; code: string } | { isValid: false; message: string };

/** Characters people type for the code's own: Crockford's decoding (O is 0; I and L are 1). */
const CONFUSABLE: Record<string, string> = { O: "0", I: "1", L: "1" };

/**
 * Reads a code as typed: any letter case, with or without dashes, spaces, dots or underscores,
 * O for 0 and I or L for 1. Returns the stored form, or what is wrong in words.
 */
export function readCode(input: string): ReadCode {
  const compact = input
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[\s\-‐-―−._]+/g, "");
  if (compact === "") return { isValid: false, message: `Type the code printed in the notice, e.g. ${EXAMPLE_CODE}.` };
  const code = [...compact].map((c) => CONFUSABLE[c] ?? c).join("");
  const wrong = [...new Set([...code].filter((c) => !CODE_ALPHABET.includes(c)))];
  if (wrong.length) {
    const shown = wrong.slice(0, 5).join(" ");
    return {
      isValid: false,
      message: `A code has only digits and the letters A to Z without U; "${shown}" cannot be part of one. Type it as printed in the notice, e.g. ${EXAMPLE_CODE}.`,
    };
  }
  if (code.length !== CODE_LENGTH) {
    return {
      isValid: false,
      message: `A code has ${CODE_LENGTH} characters (three groups of four, e.g. ${EXAMPLE_CODE}); this one has ${code.length}. Check it against the notice.`,
    };
  }
  return { isValid: true, code };
}
