import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { UploadedFile } from "../../lib/uploaded-file.js";
import { type Actor, recordAudit } from "../audit/index.js";
import {
  claimTimelineImport,
  findTimelineImport,
  insertTimelineEvents,
  insertTimelineImport,
  type TimelineImport,
} from "./timeline.repository.js";
import { importUploadSchema } from "./timeline.schemas.js";
import { loadTimelineIncident } from "./timeline.service.js";
import { buildErrorReport, readTimelineCsv, type TimelineCsv } from "./timeline-csv.policy.js";

/**
 * Importing a CSV of timeline events: the upload is kept for a preview (nothing imported), then
 * its good rows are imported once, in one transaction with one audit entry.
 */

/** The largest CSV accepted for import, in bytes. */
export const MAX_IMPORT_BYTES = 1024 * 1024;

/** An imported file is parsed inside one transaction; a big one may need more than Prisma's 5 s. */
const IMPORT_TX_TIMEOUT_MS = 60_000;

/**
 * Stores an uploaded CSV for preview (nothing is imported yet) and audits the upload. Refuses,
 * per field, a missing, empty, oversized or non-UTF-8 file, one whose header row cannot be
 * used, and an unknown default zone.
 */
export async function uploadTimelineCsv(
  deps: Deps,
  incidentReference: string,
  file: UploadedFile | undefined,
  formInput: unknown,
  actor: Actor,
): Promise<TimelineImport> {
  const incident = await loadTimelineIncident(deps.db.prisma, incidentReference);
  const parsed = importUploadSchema.safeParse(formInput ?? {});
  const fieldErrors: Record<string, string> = {};
  if (!parsed.success) fieldErrors.defaultZone = parsed.error.issues[0]?.message ?? "Choose a time zone.";
  const content = file ? readText(file, fieldErrors) : undefined;
  if (!file || file.bytes.length === 0) fieldErrors.file ??= "Choose a CSV file with events.";
  let csv: TimelineCsv | undefined;
  if (content !== undefined && parsed.success && !fieldErrors.file) {
    csv = readTimelineCsv(content, parsed.data.defaultZone);
    if (csv.fileError) fieldErrors.file = csv.fileError;
  }
  if (!parsed.success || content === undefined || !csv || Object.keys(fieldErrors).length) {
    throw new AppError("validation", file?.isTooLarge ? fieldErrors.file! : "The file cannot be imported.", fieldErrors);
  }
  const fileName = safeFileName(file?.fileName ?? "");
  return deps.db.prisma.$transaction(async (tx) => {
    const upload = await insertTimelineImport(tx, {
      id: newId(),
      incidentId: incident.id,
      fileName,
      content,
      defaultZone: parsed.data.defaultZone,
      createdById: actor.userId,
    });
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "timeline.import_upload",
        entityType: "timeline_import",
        incidentId: incident.id,
        entityId: upload.id,
        after: {
          incident: incident.reference,
          fileName,
          bytes: file?.bytes.length,
          defaultZone: upload.defaultZone,
          goodRows: csv.goodCount,
          badRows: csv.badCount,
        },
      },
      deps.clock,
    );
    return upload;
  });
}

function readText(file: UploadedFile, fieldErrors: Record<string, string>): string | undefined {
  if (file.isTooLarge) {
    fieldErrors.file = `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB, the most one import takes. Split it into smaller files and import each.`;
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(file.bytes);
  } catch {
    fieldErrors.file = "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.";
    return undefined;
  }
  // PostgreSQL text cannot hold NUL, and no CSV of events has one: this is not a text file.
  if (text.includes("\u0000")) {
    fieldErrors.file = "The file is not a CSV text file.";
    return undefined;
  }
  return text;
}

/** The name as shown back to people: no folders, no control characters, at most 200 characters. */
function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return clean.slice(0, 200) || "events.csv";
}

/** An upload of the incident with every row's verdict, for the preview. */
export async function previewTimelineImport(deps: Deps, incidentReference: string, importId: string) {
  const incident = await loadTimelineIncident(deps.db.prisma, incidentReference);
  const upload = await findTimelineImport(deps.db.prisma, incident.id, importId);
  if (!upload) throw new AppError("not_found", `${incident.reference} has no such import.`);
  return { incident, upload, csv: readTimelineCsv(upload.content, upload.defaultZone) };
}

/** The rows of an upload that cannot be imported, as a CSV report (line, row, reason). */
export async function timelineImportErrorReport(deps: Deps, incidentReference: string, importId: string) {
  const { upload, csv } = await previewTimelineImport(deps, incidentReference, importId);
  return { fileName: upload.fileName, report: buildErrorReport(csv.rows) };
}

export type ImportOutcome = { reference: string } & (
  | { isAlreadyImported: false; imported: number; skipped: number }
  | { isAlreadyImported: true; importedAt: Date | null }
);

/**
 * Imports the good rows of an upload as events (source "import") in one transaction with one
 * audit entry (timeline.import). Works once: the upload is claimed in the same transaction,
 * so a second confirmation, even a concurrent one, imports nothing and says so.
 */
export async function confirmTimelineImport(
  deps: Deps,
  incidentReference: string,
  importId: string,
  actor: Actor,
): Promise<ImportOutcome> {
  const incident = await loadTimelineIncident(deps.db.prisma, incidentReference);
  return deps.db.prisma.$transaction(
    async (tx): Promise<ImportOutcome> => {
      const upload = await findTimelineImport(tx, incident.id, importId);
      if (!upload) throw new AppError("not_found", `${incident.reference} has no such import.`);
      const now = deps.clock.now();
      if (!(await claimTimelineImport(tx, upload.id, now))) {
        const importedAt = (await findTimelineImport(tx, incident.id, importId))?.importedAt ?? null;
        return { reference: incident.reference, isAlreadyImported: true, importedAt };
      }
      const csv = readTimelineCsv(upload.content, upload.defaultZone);
      const events = csv.rows.flatMap((row) =>
        row.ok
          ? [
              {
                id: newId(),
                incidentId: incident.id,
                ...row.event,
                recordedAt: now,
                recordedById: actor.userId,
                recordedBy: actor.label,
                visibility: "internal" as const,
                source: "import" as const,
              },
            ]
          : [],
      );
      if (events.length === 0)
        throw new AppError("validation", "No row of this file can be imported: correct the file and upload it again.");
      const imported = await insertTimelineEvents(tx, events);
      await recordAudit(
        deps.db,
        tx,
        actor,
        {
          action: "timeline.import",
          entityType: "timeline_import",
          incidentId: incident.id,
          entityId: upload.id,
          after: { incident: incident.reference, fileName: upload.fileName, imported, skipped: csv.badCount },
        },
        deps.clock,
      );
      return { reference: incident.reference, isAlreadyImported: false, imported, skipped: csv.badCount };
    },
    { timeout: IMPORT_TX_TIMEOUT_MS },
  );
}
