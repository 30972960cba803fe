// The pack's per-person files, written a page at a time from the database into the zip entry's
// stream (Readable.from an async generator is pulled only as fast as the zip takes it), so a
// million notices pass through flat memory.
import { Readable } from "node:stream";
import type { Database, DbOrTx } from "../../db/client.js";
import { csvLine } from "../../lib/csv-cells.js";
import { ledgerCsv } from "../ledger/index.js";
import { listToldPage } from "./pack-records.repository.js";

const iso = (at: Date | null) => (at ? at.toISOString() : "");

/**
 * The incident's notices as CSV, one row per delivery in (queued, id) order: the ledger's own
 * export (its columns, its pages), with names and addresses only with personal data.
 */
export function ledgerCsvStream(db: Database, incidentId: string, isPersonal: boolean): Readable {
  return Readable.from(ledgerCsv({ db }, { id: incidentId }, {}, { withPersonalData: isPersonal }), { objectMode: false });
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
