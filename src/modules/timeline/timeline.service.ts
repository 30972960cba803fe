import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { UploadedFile } from "../../lib/uploaded-file.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import {
  claimTimelineImport,
  findIncidentSystemIds,
  findTimelineEvent,
  findTimelineImport,
  insertTimelineEvent,
  insertTimelineEvents,
  insertTimelineImport,
  type NewTimelineEvent,
  type TimelineEvent,
  type TimelineImport,
} from "./timeline.repository.js";
import { importUploadSchema, parseEventForm, type Visibility } from "./timeline.schemas.js";
import { buildErrorReport, readTimelineCsv, type TimelineCsv } from "./timeline-csv.js";
import { type TimelineKind, timelineKinds } from "./timeline-kinds.js";

export { loadTimelineEvents } from "./timeline-reads.service.js";

/**
 * The timeline is append-only: this module inserts events and never updates or deletes one.
 * A correction is a new event whose correctsId names the event it corrects.
 */

/** The largest CSV accepted for import, in bytes. */
export const MAX_IMPORT_BYTES = 1024 * 1024;

/** An imported file is parsed inside one transaction; a big one may need more than Prisma's 5 s. */
const IMPORT_TX_TIMEOUT_MS = 60_000;

export interface TimelineEventInput {
  occurredAt: Date;
  /** The IANA zone (or "UTC+hh:mm") the instant was entered in. */
  occurredZone: string;
  kind: TimelineKind;
  description: string;
  visibility?: Visibility;
  source: NewTimelineEvent["source"];
  correctsId?: string | null;
  systemIds?: string[];
}

type TimelineDeps = Pick<Deps, "db" | "clock">;

/**
 * Appends one event to an incident's timeline inside the caller's transaction, recorded now by
 * the actor, and audits it (timeline.event_add, or timeline.event_correct for a correction) in
 * the same transaction. The caller has checked that linked systems and the corrected event
 * belong to the incident.
 */
export async function recordTimelineEvent(
  deps: TimelineDeps,
  tx: DbOrTx,
  incident: Pick<Incident, "id" | "reference">,
  input: TimelineEventInput,
  actor: Actor,
): Promise<TimelineEvent> {
  if (!(input.kind in timelineKinds)) throw new AppError("validation", `Unknown kind of timeline event: ${input.kind}.`);
  const event = await insertTimelineEvent(tx, {
    id: newId(),
    incidentId: incident.id,
    occurredAt: input.occurredAt,
    occurredZone: input.occurredZone,
    recordedAt: deps.clock.now(),
    recordedById: actor.userId,
    recordedBy: actor.label,
    kind: input.kind,
    description: input.description,
    visibility: input.visibility ?? "internal",
    source: input.source,
    correctsId: input.correctsId ?? null,
    systemIds: input.systemIds ?? [],
  });
  await recordAudit(
    deps.db,
    tx,
    actor,
    {
      action: event.correctsId ? "timeline.event_correct" : "timeline.event_add",
      entityType: "timeline_event",
      incidentId: incident.id,
      entityId: event.id,
      after: {
        incident: incident.reference,
        occurredAt: event.occurredAt,
        occurredZone: event.occurredZone,
        kind: event.kind,
        description: event.description,
        visibility: event.visibility,
        source: event.source,
        correctsId: event.correctsId,
        systemIds: input.systemIds ?? [],
      },
    },
    deps.clock,
  );
  return event;
}

/** The incident with this reference, or a not_found AppError. */
export async function loadTimelineIncident(db: DbOrTx, reference: string): Promise<Incident> {
  return loadIncident(db, reference);
}

/**
 * Adds an event a person entered on the form: validates kind, description, visibility and
 * the instant (in the chosen zone, refusing daylight-saving gaps and overlaps), and that every
 * linked system belongs to the incident; then records and audits it in one transaction.
 */
export function addTimelineEvent(
  deps: Deps,
  incidentReference: string,
  formInput: unknown,
  actor: Actor,
  source: FormSource = "manual",
) {
  return addFromForm(deps, incidentReference, formInput, actor, null, source);
}

/**
 * Records a correction: a new event, validated like any other, that points at an event of the
 * same incident. The corrected event is left as it was; an event may be corrected many times.
 */
export function correctTimelineEvent(
  deps: Deps,
  incidentReference: string,
  eventId: string,
  formInput: unknown,
  actor: Actor,
  source: FormSource = "manual",
) {
  return addFromForm(deps, incidentReference, formInput, actor, eventId, source);
}

/** Where an entered event came from: the web form, or the API (which shares the form's reader). */
type FormSource = "manual" | "api";

async function addFromForm(
  deps: Deps,
  reference: string,
  formInput: unknown,
  actor: Actor,
  correctsId: string | null,
  source: FormSource,
) {
  const incident = await loadTimelineIncident(deps.db.prisma, reference);
  // Checked before the form, and outside the transaction: events are never deleted, so it stays true.
  if (correctsId && !(await findTimelineEvent(deps.db.prisma, incident.id, correctsId))) {
    throw new AppError("not_found", `The timeline of ${incident.reference} has no such entry to correct.`);
  }
  const input = parseEventForm(formInput, incident.timeZone);
  const event = await deps.db.prisma.$transaction(async (tx) => {
    const found = await findIncidentSystemIds(tx, incident.id, input.systemIds);
    if (found.length !== input.systemIds.length) {
      throw new AppError("validation", "Some fields need correcting.", {
        systemIds: `Link only systems of ${incident.reference}; one of those chosen is not.`,
      });
    }
    return recordTimelineEvent(
      deps,
      tx,
      incident,
      {
        occurredAt: input.occurred.at,
        occurredZone: input.occurred.zone,
        kind: input.kind,
        description: input.description,
        visibility: input.visibility,
        source,
        correctsId,
        systemIds: input.systemIds,
      },
      actor,
    );
  });
  return { incident, event };
}

/** A file as the upload form delivered it. */
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
