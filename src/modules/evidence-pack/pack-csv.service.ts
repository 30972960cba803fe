// The pack's per-person files, written a page at a time from the database into the zip entry's
// stream (Readable.from an async generator is pulled only as fast as the zip takes it), so a
// million notices pass through flat memory.
import { Readable } from "node:stream";
import type { Database, DbOrTx } from "../../db/client.js";
import { csvLine } from "../../lib/csv-cells.js";
import { isoOfStored, LEDGER_COLUMNS, readLedgerText } from "./pack-ledger.sql.js";
import { listToldPage } from "./pack-records.repository.js";

const iso = (at: Date | null) => (at ? at.toISOString() : "");

/**
 * The ledger export's columns (the ledger module's `ledgerCsv`, whose output a test compares
 * with this one byte for byte), each with the stored column it comes from.
 */
const LEDGER_CSV: [header: string, column: (typeof LEDGER_COLUMNS)[number]][] = [
  ["delivery_id", "id"],
  ["campaign", "campaign_id"],
  ["person_id", "person_id"],
  ["name", "full_name"],
  ["email", "email"],
  ["country", "country"],
  ["region", "region"],
  ["language", "language"],
  ["template_version_id", "template_version_id"],
  ["channel", "channel"],
  ["status", "status"],
  ["attempts", "attempts"],
  ["possible_repeats", "reclaims"],
  ["queued_at", "queued_at"],
  ["sent_at", "sent_at"],
  ["failed_at", "failed_at"],
  ["told_at", "told_at"],
  ["smtp_code", "smtp_code"],
  ["smtp_answer", "smtp_response"],
  ["message_id", "message_id"],
  ["exclusion_reason", "exclusion_reason"],
  ["told_note", "told_note"],
];
const INSTANTS = new Set(["queued_at", "sent_at", "failed_at", "told_at"]);
const PERSONAL = new Set(["full_name", "email"]);

async function* ledgerLines(db: Database, incidentId: string, isPersonal: boolean, campaignNames: ReadonlyMap<string, string>) {
  const kept = LEDGER_CSV.filter(([, column]) => isPersonal || !PERSONAL.has(column));
  yield `\uFEFF${csvLine(kept.map(([header]) => header))}`;
  // Each kept cell: where it is in the raw row, and how its stored value is written.
  const cells = kept.map(([, column]) => {
    const at = LEDGER_COLUMNS.indexOf(column);
    if (column === "campaign_id") return (row: (string | number | null)[]) => campaignNames.get(String(row[at])) ?? row[at];
    if (INSTANTS.has(column)) return (row: (string | number | null)[]) => isoOfStored(row[at]!);
    return (row: (string | number | null)[]) => row[at];
  });
  yield* readLedgerText(db, incidentId, (row) => csvLine(cells.map((cell) => cell(row))));
}

/**
 * The incident's notices as CSV, one row per delivery in (queued, id) order: the ledger
 * export's columns, read through the raw driver a page at a time (decision 0029), with names
 * and addresses only with personal data.
 */
export function ledgerCsvStream(
  db: Database,
  incidentId: string,
  isPersonal: boolean,
  campaignNames: ReadonlyMap<string, string>,
): Readable {
  return Readable.from(ledgerLines(db, incidentId, isPersonal, campaignNames), { objectMode: false });
}

async function* toldLines(db: DbOrTx, incidentId: string) {
  yield `\uFEFF${csvLine(["person_id", "full_name", "channel", "told_at", "told_zone", "note", "reason", "source", "public_report_version_id", "recorded_at"])}`;
  let after: string | null = null;
  for (;;) {
    const rows = await listToldPage(db, incidentId, after);
    if (rows.length === 0) return;
    yield rows
      .map((r) =>
        csvLine([
          r.personId,
          r.fullName,
          r.channel,
          iso(r.toldAt),
          r.toldZone,
          r.note,
          r.reason,
          r.source,
          r.publicReportVersionId,
          iso(r.recordedAt),
        ]),
      )
      .join("");
    after = rows[rows.length - 1]!.personId;
  }
}

/** The people told another way by name (only in a pack with personal data). */
export function toldCsvStream(db: DbOrTx, incidentId: string): Readable {
  return Readable.from(toldLines(db, incidentId), { objectMode: false });
}
