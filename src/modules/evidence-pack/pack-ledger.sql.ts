import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { type Database, sqlitePathOf } from "../../db/client.js";

/**
 * The pack's read of the ledger (decision 0029): every delivery of an incident in the ledger's
 * order (queued_at, id), keyset pages through the raw driver on a connection of its own, each
 * row an array of the stored values handed to `line` as soon as it is read, so that only the
 * page's text outlives the read. Through Prisma a million rows left a few hundred MB of garbage
 * (objects per row and per field, Date instances, a query of 2,000 ids per page) that V8
 * collected only once its heap had grown; on PostgreSQL even raw rows kept for a page while the
 * socket delivered it were promoted to V8's old generation and piled up there (about 0.7 KB a
 * row). Read only, and not one transaction (as decision 0024: no snapshot held for minutes).
 * The table is the ledger module's; the CSV columns are `ledgerCsv`'s, and a test compares the two.
 */

/** Rows read per page: about 64 KiB of CSV, one chunk on its way into the zip. */
export const LEDGER_PAGE_SIZE = 256;

/** The columns read, in this order (a row is an array of them). */
export const LEDGER_COLUMNS = [
  "id",
  "campaign_id",
  "person_id",
  "full_name",
  "email",
  "country",
  "region",
  "language",
  "template_version_id",
  "channel",
  "status",
  "attempts",
  "reclaims",
  "queued_at",
  "sent_at",
  "failed_at",
  "told_at",
  "smtp_code",
  "smtp_response",
  "message_id",
  "exclusion_reason",
  "told_note",
] as const;

/** A delivery row as stored: instants as the database's text (SQLite: ISO with +00:00; PostgreSQL: "YYYY-MM-DD HH:MM:SS[.fff]", UTC). */
export type LedgerRawRow = (string | number | null)[];

/** Writes one row (its text, e.g. a CSV line). */
export type RowLine = (row: LedgerRawRow) => string;

const QUEUED = LEDGER_COLUMNS.indexOf("queued_at");
const ID = LEDGER_COLUMNS.indexOf("id");
const columns = LEDGER_COLUMNS.map((c) => `"${c}"`).join(", ");

/** A stored instant's text (either database's shape) as UTC ISO 8601 with milliseconds; "" for none. */
export function isoOfStored(value: string | number | null): string {
  if (value === null || value === "") return "";
  const text = String(value);
  // PostgreSQL's timestamp(3) text has no zone and holds UTC.
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`;
  return new Date(iso).toISOString();
}

async function* sqlitePages(database: Database, incidentId: string, line: RowLine): AsyncGenerator<string> {
  const connection = new BetterSqlite3(sqlitePathOf(database.url), { readonly: true, timeout: 5000 });
  try {
    // A row-value comparison: one range of the index delivery(incident_id, queued_at, id).
    const page = connection
      .prepare(
        `SELECT ${columns} FROM "delivery" WHERE "incident_id" = ? AND ("queued_at", "id") > (?, ?) ORDER BY "queued_at", "id" LIMIT ${LEDGER_PAGE_SIZE}`,
      )
      .raw(true);
    // Every stored instant text sorts after "".
    let after: [unknown, unknown] = ["", ""];
    for (;;) {
      let text = "";
      let count = 0;
      for (const row of page.iterate(incidentId, after[0], after[1]) as IterableIterator<LedgerRawRow>) {
        text += line(row);
        after = [row[QUEUED], row[ID]];
        count += 1;
      }
      if (count === 0) return;
      yield text;
    }
  } finally {
    connection.close();
  }
}

/** timestamp without zone (oid 1114) as its text: the stored UTC, no local offset applied. */
const TIMESTAMP_OID = 1114;
const textTimestamps = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/** One page: each row written by line as it arrives (pg keeps no rows when a query has a row listener and no callback). */
function postgresPage(client: pg.Client, values: unknown[], first: boolean, line: RowLine) {
  const after = first ? "" : ` AND ("queued_at", "id") > ($2::timestamp(3), $3)`;
  const config: pg.QueryArrayConfig = {
    name: first ? "pack-ledger-first" : "pack-ledger-next",
    text: `SELECT ${columns} FROM "delivery" WHERE "incident_id" = $1${after} ORDER BY "queued_at", "id" LIMIT ${LEDGER_PAGE_SIZE}`,
    values,
    rowMode: "array",
  };
  const query = new pg.Query(config);
  return new Promise<{ text: string; last: LedgerRawRow | null }>((resolve, reject) => {
    let text = "";
    let last: LedgerRawRow | null = null;
    query.on("row", (row: LedgerRawRow) => {
      text += line(row);
      last = [row[QUEUED]!, row[ID]!];
    });
    query.on("error", reject);
    query.on("end", () => resolve({ text, last }));
    client.query(query);
  });
}

async function* postgresPages(database: Database, incidentId: string, line: RowLine): AsyncGenerator<string> {
  const client = new pg.Client({ connectionString: database.url, types: textTimestamps });
  // A connection that drops between pages fails the next query; the event alone must not crash the process.
  client.on("error", () => {});
  await client.connect();
  try {
    let page = await postgresPage(client, [incidentId], true, line);
    while (page.last) {
      yield page.text;
      page = await postgresPage(client, [incidentId, page.last[0], page.last[1]], false, line);
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The incident's deliveries as text, one chunk per page, each row written by line, in the
 * ledger's order; the connection is closed when the pages end or the reader stops.
 */
export function readLedgerText(database: Database, incidentId: string, line: RowLine): AsyncGenerator<string> {
  return database.kind === "sqlite" ? sqlitePages(database, incidentId, line) : postgresPages(database, incidentId, line);
}
