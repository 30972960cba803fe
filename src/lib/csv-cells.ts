// Writing CSV for spreadsheets (exports, error reports): RFC 4180 quoting, and cells a
// spreadsheet would run as formulas neutralised (OWASP's CSV injection advice).

/** Prefixes a cell that starts like a formula (= + - @, tab, CR) with a quote mark, so it stays text. */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV cell: neutralised, and quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: string): string {
  const safe = neutraliseCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line of cells (CRLF, as RFC 4180 has it). */
export function csvLine(values: (string | number | null | undefined)[]): string {
  return `${values.map((v) => csvCell(v === null || v === undefined ? "" : String(v))).join(",")}\r\n`;
}
