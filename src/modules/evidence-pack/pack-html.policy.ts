// The pack's human-readable side: one HTML page per part and an index.html, all self-contained
// (styles inline, no script, no address outside the pack), so they open offline from the
// unzipped folder. Pure: no I/O.

/** One part of a pack: its JSON is `data` as it is; its page shows each section of `data`. */
export interface PackPart {
  name: string;
  title: string;
  intro: string;
  data: Record<string, unknown>;
}

// Stored columns that hold JSON text: shown and written as the values they hold.
const JSON_TEXT_FIELDS = new Set([
  "terms",
  "fields",
  "sections",
  "audience",
  "versionIds",
  "organisation",
  "regimes",
  "dataCategories",
]);

/**
 * A stored row as plain JSON values: instants as UTC ISO 8601, big integers as numbers, JSON
 * text columns as the values they hold. Audit entries are not passed here: their hash covers
 * their before and after as stored text.
 */
export function plainRecord(value: unknown, key = ""): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && JSON_TEXT_FIELDS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((v) => plainRecord(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainRecord(v, k)]));
  }
  return value;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** "clockStartedAt" -> "Clock started at". */
export function labelOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;padding:1rem;max-width:80rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}a{color:#0b4f9c}
table{border-collapse:collapse;display:block;overflow-x:auto;max-width:100%}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}pre{white-space:pre-wrap;word-break:break-word;margin:0;font-size:.85rem}
dl{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;word-break:break-word}
code{word-break:break-all}.muted{color:#555}`;

function page(title: string, body: string, back: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${back ? '<p><a href="../index.html">← Contents of the pack</a></p>' : ""}
${body}
</body></html>
`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined || value === "") return '<span class="muted">—</span>';
  if (typeof value === "object") return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
  return escapeHtml(String(value));
}

function table(rows: Record<string, unknown>[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const head = keys.map((k) => `<th scope="col">${escapeHtml(labelOf(k))}</th>`).join("");
  const body = rows.map((r) => `<tr>${keys.map((k) => `<td>${cell(r[k])}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function facts(record: Record<string, unknown>): string {
  const items = Object.entries(record).map(([k, v]) => `<dt>${escapeHtml(labelOf(k))}</dt><dd>${cell(v)}</dd>`);
  return `<dl>${items.join("\n")}</dl>`;
}

function section(key: string, value: unknown): string {
  const heading = `<h2>${escapeHtml(labelOf(key))}</h2>`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${heading}<p class="muted">None.</p>`;
    if (value.every((v) => v && typeof v === "object" && !Array.isArray(v))) return `${heading}${table(value)}`;
    return `${heading}<ul>${value.map((v) => `<li>${cell(v)}</li>`).join("")}</ul>`;
  }
  if (value && typeof value === "object") return `${heading}${facts(value as Record<string, unknown>)}`;
  return `${heading}<p>${cell(value)}</p>`;
}

/** A part's page: its title, what it holds, each of its sections as a table or a list of facts. */
export function renderPartPage(reference: string, part: PackPart): string {
  const sections = Object.entries(part.data).map(([key, value]) => section(key, value));
  const body = `<h1>${escapeHtml(reference)}: ${escapeHtml(part.title)}</h1>
<p>${escapeHtml(part.intro)} The same as data: <a href="${escapeHtml(part.name)}.json">${escapeHtml(part.name)}.json</a>.</p>
${sections.join("\n")}`;
  return page(`${reference}: ${part.title}`, body, true);
}

/** The pack's front page: what it is, how to check it, and a link to each part and file. */
export function renderIndexPage(input: {
  reference: string;
  title: string;
  builtAt: string;
  builtBy: string;
  includesPersonalData: boolean;
  fingerprint: string;
  parts: PackPart[];
  files: { path: string; label: string }[];
}): string {
  const parts = input.parts
    .map(
      (p) =>
        `<li><a href="parts/${escapeHtml(p.name)}.html">${escapeHtml(p.title)}</a> (<a href="parts/${escapeHtml(p.name)}.json">JSON</a>): ${escapeHtml(p.intro)}</li>`,
    )
    .join("\n");
  const files = input.files
    .map((f) => `<li><a href="${escapeHtml(f.path)}">${escapeHtml(f.path)}</a>: ${escapeHtml(f.label)}</li>`)
    .join("\n");
  const body = `<h1>Evidence pack of ${escapeHtml(input.reference)}: ${escapeHtml(input.title)}</h1>
<dl><dt>Built</dt><dd>${escapeHtml(input.builtAt)} (UTC) by ${escapeHtml(input.builtBy)}</dd>
<dt>Personal data</dt><dd>${input.includesPersonalData ? "included (names and addresses of the people concerned)" : "left out (counts only; names and addresses are not in this pack)"}</dd>
<dt>Signing key</dt><dd><code>${escapeHtml(input.fingerprint)}</code> (SHA-256 of <a href="public-key.pem">public-key.pem</a>)</dd></dl>
<p>manifest.json lists every file of the pack with its SHA-256 and size; manifest.sig is its Ed25519 signature by the key in public-key.pem. Check them with <code>breachdesk verify-pack FILE.zip</code>, and compare the key's fingerprint with the one Breachdesk shows administrators.</p>
<h2>Parts</h2><ul>${parts}</ul>
<h2>Files</h2><ul>${files}</ul>`;
  return page(`Evidence pack of ${input.reference}`, body, false);
}
