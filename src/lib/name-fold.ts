/**
 * A name folded for an indexed prefix search: the Latin letters with accents and their capitals
 * become plain lower-case letters (É -> e, ß -> ss), A-Z become a-z, and every other character is
 * kept as it is. The same folding is written as SQL on both databases (foldedNameSql), so a
 * column filled by SQL and a search folded here agree character for character: neither uses the
 * database's own LOWER() beyond ASCII, whose reach differs between SQLite (ASCII only) and
 * PostgreSQL (its collation's).
 */

/** Accented letter -> plain letter, one for one (capitals included). */
const SINGLE: Record<string, string> = {};
const addGroup = (plain: string, letters: string) => {
  for (const letter of letters) SINGLE[letter] = plain;
};
addGroup("a", "àáâãäåāăąÀÁÂÃÄÅĀĂĄ");
addGroup("c", "çćĉċčÇĆĈĊČ");
addGroup("d", "ďđðĎĐÐ");
addGroup("e", "èéêëēĕėęěÈÉÊËĒĔĖĘĚ");
addGroup("g", "ĝğġģĜĞĠĢ");
addGroup("h", "ĥħĤĦ");
addGroup("i", "ìíîïĩīĭįıÌÍÎÏĨĪĬĮİ");
addGroup("j", "ĵĴ");
addGroup("k", "ķĶ");
addGroup("l", "ĺļľŀłĹĻĽĿŁ");
addGroup("n", "ñńņňÑŃŅŇ");
addGroup("o", "òóôõöøōŏőÒÓÔÕÖØŌŎŐ");
addGroup("r", "ŕŗřŔŖŘ");
addGroup("s", "śŝşšșŚŜŞŠȘ");
addGroup("t", "ţťŧțŢŤŦȚ");
addGroup("u", "ùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲ");
addGroup("w", "ŵŴ");
addGroup("y", "ýÿŷÝŸŶ");
addGroup("z", "źżžŹŻŽ");
for (let code = 65; code <= 90; code++) SINGLE[String.fromCharCode(code)] = String.fromCharCode(code + 32);

/** Letters that fold to two. */
const DOUBLE: Record<string, string> = { ß: "ss", æ: "ae", Æ: "ae", œ: "oe", Œ: "oe", þ: "th", Þ: "th" };

/** The folded form of a name or a search for one (trimmed, inner runs of spaces as one). */
export function foldName(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFC").trim().replace(/\s+/g, " ")) out += DOUBLE[ch] ?? SINGLE[ch] ?? ch;
  return out;
}

/** Whether a character needs folding (not plain ASCII); SQLite's nested replaces run only then. */
const NON_ASCII_GLOB = "*[^ -~]*";

/**
 * The SQL folding `expression` (a text), as foldName does for names held in NFC (what the import
 * writes). PostgreSQL: TRANSLATE for the one-for-one letters (A-Z included), REPLACE for the
 * doubles. SQLite has no TRANSLATE: LOWER (ASCII only there), then one REPLACE per letter, only
 * for names with a character outside ASCII.
 */
export function foldedNameSql(kind: "sqlite" | "postgresql", expression: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  if (kind === "postgresql") {
    const from = Object.keys(SINGLE).join("");
    const to = Object.values(SINGLE).join("");
    let sql = `TRANSLATE(${expression}, ${quote(from)}, ${quote(to)})`;
    for (const [letter, plain] of Object.entries(DOUBLE)) sql = `REPLACE(${sql}, ${quote(letter)}, ${quote(plain)})`;
    return sql;
  }
  let sql = `LOWER(${expression})`;
  for (const [letter, plain] of [...Object.entries(SINGLE), ...Object.entries(DOUBLE)]) {
    if (/^[A-Z]$/.test(letter)) continue;
    sql = `REPLACE(${sql}, ${quote(letter)}, ${quote(plain)})`;
  }
  return `CASE WHEN ${expression} GLOB ${quote(NON_ASCII_GLOB)} THEN ${sql} ELSE LOWER(${expression}) END`;
}

/**
 * The half-open range [low, high) of the texts that start with `prefix`, in code point order
 * (SQLite's BINARY; PostgreSQL under a C or C.UTF-8 collation): a B-tree index reads it as one
 * range. `high` is null when no text is above the prefix's last character.
 */
export function prefixRange(prefix: string): { low: string; high: string | null } {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop() as string;
    const code = last.codePointAt(0) as number;
    let next = code + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) return { low: prefix, high: chars.join("") + String.fromCodePoint(next) };
  }
  return { low: prefix, high: null };
}
