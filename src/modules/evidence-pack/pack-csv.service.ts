// The pack's per-person files, written a page at a time from the database into the zip entry's
// stream (Readable.from an async generator is pulled only as fast as the zip takes it), so a
// million notices pass through flat memory.
import { Readable } from "node:stream";
import type { Database, DbOrTx } from "../../db/client.js";
import { csvLine } from "../../lib/csv-cells.js";
import { type DeliveryCursor, listDeliveryPage, listToldPage } from "./pack-records.repository.js";

const iso = (at: Date | null) => (at ? at.toISOString() : "");

const LEDGER_COLUMNS = [
  "delivery_id",
  "campaign",
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
  "smtp_answer",
  "message_id",
  "exclusion_reason",
  "told_note",
];
const PERSONAL = new Set(["full_name", "email"]);

async function* ledgerLines(db: Database, incidentId: string, campaigns: Map<string, string>, isPersonal: boolean) {
  const keep = LEDGER_COLUMNS.map((c) => isPersonal || !PERSONAL.has(c));
  const pick = (cells: (string | number | null)[]) => csvLine(cells.filter((_, i) => keep[i]));
  yield `\uFEFF${pick(LEDGER_COLUMNS)}`;
  let cursor: DeliveryCursor | null = null;
  for (;;) {
    const rows = await listDeliveryPage(db, incidentId, cursor);
    if (rows.length === 0) return;
    let text = "";
    for (const r of rows) {
      text += pick([
        r.id,
        campaigns.get(r.campaignId) ?? r.campaignId,
        r.personId,
        r.fullName,
        r.email,
        r.country,
        r.region,
        r.language,
        r.templateVersionId,
        r.channel,
        r.status,
        r.attempts,
        r.reclaims,
        iso(r.queuedAt),
        iso(r.sentAt),
        iso(r.failedAt),
        iso(r.toldAt),
        r.smtpCode,
        r.smtpResponse,
        r.messageId,
        r.exclusionReason,
        r.toldNote,
      ]);
    }
    yield text;
    const last = rows[rows.length - 1]!;
    cursor = { queuedAt: last.queuedAt, id: last.id };
  }
}

/** The incident's notices as CSV, one row per delivery in (queued, id) order; names and addresses only with personal data. */
export function ledgerCsvStream(db: Database, incidentId: string, campaigns: Map<string, string>, isPersonal: boolean): Readable {
  return Readable.from(ledgerLines(db, incidentId, campaigns, isPersonal), { objectMode: false });
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
