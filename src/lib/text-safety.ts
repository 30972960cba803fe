/**
 * Characters that must not be stored from typed text, because they cannot be stored (NUL:
 * PostgreSQL refuses it) or because they change how the text around them is shown without
 * being seen themselves, so a notice's subject or a person's name could read as something else
 * ("Invoice\u202Efdp.exe" shows as "Invoiceexe.pdf").
 *
 * The rules, the same for every field except line breaks:
 * - Control characters are refused: C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F), except
 *   tab everywhere, and line feed and carriage return in long text (a textarea sends CR LF).
 * - Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are
 *   refused: they reorder whole runs of text (the "Trojan Source" characters). Right-to-left
 *   text needs none of them to show correctly in a page or an e-mail.
 * - The left-to-right, right-to-left and Arabic letter marks (U+200E, U+200F, U+061C) are kept:
 *   they only settle the direction of the punctuation or digits beside them, cannot reverse a
 *   run of letters, and are typed in right-to-left names and sentences that mix in numbers.
 * - Zero-width space, word joiner and zero-width no-break space (U+200B, U+2060, U+FEFF) are
 *   refused, except the zero-width space between two letters of a script written without spaces
 *   between words (Thai, Lao, Khmer, Myanmar), where it marks the word break.
 * - Zero-width non-joiner and joiner (U+200C, U+200D) are kept only where a language needs them:
 *   after a letter or mark of a script that uses them (Arabic script for Persian and Urdu, the
 *   Indic scripts, Sinhala, Syriac, Khmer, Myanmar, Mongolian, Tibetan...), and the joiner
 *   between two emoji (👩‍💻). Elsewhere ("pay\u200Cpal") they only hide something, so are refused.
 *   This holds for names and subjects too: a Persian surname such as حسین‌زاده is written with
 *   a non-joiner, and refusing it would leave that person out of an import.
 */

export type TextKind = "line" | "long";

/** What is wrong with a text: the first refused character, its code point and where it is. */
export interface UnsafeCharacter {
  kind: "control" | "bidi" | "invisible";
  /** U+202E */
  codePoint: string;
  /** Its name in words, e.g. "a right-to-left override". */
  name: string;
  /** 1-based, counted in characters (code points) of the text as checked. */
  position: number;
}

const BIDI_NAMES: Record<number, string> = {
  8234: "a left-to-right embedding",
  8235: "a right-to-left embedding",
  8236: "a pop directional formatting character",
  8237: "a left-to-right override",
  8238: "a right-to-left override",
  8294: "a left-to-right isolate",
  8295: "a right-to-left isolate",
  8296: "a first strong isolate",
  8297: "a pop directional isolate",
};

const INVISIBLE_NAMES: Record<number, string> = {
  8203: "a zero-width space",
  8204: "a zero-width non-joiner",
  8205: "a zero-width joiner",
  8288: "a word joiner",
  65279: "a zero-width no-break space (byte order mark)",
};

/** Scripts whose spelling uses the zero-width non-joiner or joiner between letters. */
const JOINING_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;
/** Scripts written without spaces between words, where a zero-width space marks a word break. */
const UNSPACED_SCRIPT = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;
/** An emoji, or what may follow one inside an emoji sequence (variation selector 16, skin tones). */
const EMOJI_PART = /^(?:\p{Extended_Pictographic}|\uFE0F|[\u{1F3FB}-\u{1F3FF}])$/u;

function isControl(code: number, kind: TextKind): boolean {
  if (code === 0x09) return false;
  if ((code === 0x0a || code === 0x0d) && kind === "long") return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

function isInScript(char: string | undefined, script: RegExp): boolean {
  return char !== undefined && LETTER_OR_MARK.test(char) && script.test(char);
}

/** Whether the invisible character at `i` does a job for the language around it (see the rules above). */
function isNeededInvisible(chars: string[], i: number): boolean {
  const code = chars[i]!.codePointAt(0);
  const before = chars[i - 1];
  const next = chars[i + 1];
  if (code === 0x200c || code === 0x200d) {
    if (isInScript(before, JOINING_SCRIPT)) return true;
    return code === 0x200d && before !== undefined && next !== undefined && EMOJI_PART.test(before) && EMOJI_PART.test(next);
  }
  if (code === 0x200b) return isInScript(before, UNSPACED_SCRIPT) && isInScript(next, UNSPACED_SCRIPT);
  return false;
}

/** The first character of `text` that the rules above refuse in a field of this kind, or undefined. */
export function findUnsafeCharacter(text: string, kind: TextKind): UnsafeCharacter | undefined {
  // Most text is plain: one scan for any candidate before the per-character walk.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (!/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200b-\u200d\u202a-\u202e\u2060\u2066-\u2069\ufeff]/.test(text)) {
    return undefined;
  }
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const code = chars[i]!.codePointAt(0)!;
    const codePoint = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    const position = i + 1;
    if (isControl(code, kind)) return { kind: "control", codePoint, name: "a control character", position };
    const bidi = BIDI_NAMES[code];
    if (bidi) return { kind: "bidi", codePoint, name: bidi, position };
    const invisible = INVISIBLE_NAMES[code];
    if (invisible && !isNeededInvisible(chars, i)) return { kind: "invisible", codePoint, name: invisible, position };
  }
  return undefined;
}

/**
 * The message for a refused character, naming the field (a label that can start a sentence,
 * e.g. "The title"), the character and where it is, and saying what to do.
 */
export function unsafeCharacterMessage(label: string, found: UnsafeCharacter): string {
  const at = `(${found.codePoint}) at position ${found.position}`;
  if (found.kind === "control") return `${label} contains a control character ${at}; remove it.`;
  const why = found.kind === "bidi" ? "it reorders the text around it" : "it can disguise the text around it";
  return `${label} contains ${found.name} ${at}, an invisible character: ${why}; remove it.`;
}
