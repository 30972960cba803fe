/**
 * A LIKE pattern that finds the text anywhere, its wildcards (% and _) and the escape character
 * taken literally: use it with `ESCAPE '\'`, the same on SQLite and PostgreSQL.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
