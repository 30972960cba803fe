import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { UploadedFile } from "../../lib/uploaded-file.js";
import { parseInput } from "../../lib/validation.js";
import type { Actor } from "../audit/index.js";
import { toldFileSchema } from "./ledger.schemas.js";
import { findPeopleByKeys, findToldAlready, insertToldRows, markDeliveriesTold, type ToldRow } from "./ledger-told.repository.js";
import { finishRecording, RECORDING_TX } from "./ledger-told.service.js";
import { type LetterLine, readLettersFile } from "./letters-file.policy.js";

/**
 * Recording a file of letters sent: each line names a person (person_id, delivery_id,
 * external_id or email) and may give the channel, when and a note. Nothing is recorded while
 * any line has an error: the outcome names every such line and why. Lines for people already
 * told another way are reported and left as they were. All the others are recorded in one
 * transaction, audited once with the file's name, on the timeline, announced to the wiring.
 */

/** The largest file of letters taken, in bytes (the letters export with every notice's text fits). */
export const MAX_LETTERS_BYTES = 32 * 1024 * 1024;

/** Lines looked up per query: each key list stays under both databases' parameter limits. */
const LOOKUP_CHUNK = 500;

export interface LettersOutcome {
  fileName: string;
  /** Lines that cannot be recorded, each with why; when any, nothing was recorded. */
  errors: { line: number; messages: string[] }[];
  /** Lines whose person was already recorded as told another way, with when. */
  already: { line: number; personId: string; toldAt: Date }[];
  recorded: number;
  deliveries: number;
  ignoredColumns: string[];
  lines: number;
}

/** The file's text, or a message for the form's file field. */
function decode(file: UploadedFile | undefined): { text: string; fileName: string } {
  const fileName = (file?.fileName ?? "").split(/[\\/]/).pop()?.trim() || "the file";
  const refuse = (message: string) => new AppError("validation", message, { file: message });
  if (!file || !file.fileName) throw refuse("Choose the CSV file of letters sent.");
  if (file.isTooLarge)
    throw refuse(`${fileName} is larger than ${MAX_LETTERS_BYTES / 1024 / 1024} MiB: split it and upload each part.`);
  if (file.bytes.length === 0) throw refuse(`${fileName} is empty: choose the CSV file of letters sent.`);
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(file.bytes);
    if (text.includes("\u0000")) throw new Error("NUL");
    return { text, fileName };
  } catch {
    throw refuse(`${fileName} is not UTF-8 text: save it as “CSV UTF-8” and upload it again.`);
  }
}

/** Finds the person each line names; a line naming nobody of the incident, or several, gets an error. */
async function resolvePeople(deps: Deps, incident: Incident, lines: LetterLine[]): Promise<Map<number, string>> {
  const personOf = new Map<number, string>();
  const keyed = lines.filter((l) => l.key);
  for (let i = 0; i < keyed.length; i += LOOKUP_CHUNK) {
    const chunk = keyed.slice(i, i + LOOKUP_CHUNK);
    const valuesOf = (column: string) => chunk.filter((l) => l.key!.column === column).map((l) => l.key!.value);
    const found = await findPeopleByKeys(deps.db.prisma, incident.id, {
      personIds: valuesOf("person_id"),
      deliveryIds: valuesOf("delivery_id"),
      externalIds: valuesOf("external_id"),
      emails: valuesOf("email"),
    });
    for (const line of chunk) {
      const { column, value } = line.key!;
      let ids: string[] = [];
      if (column === "person_id") ids = found.byId.filter((p) => p.id === value).map((p) => p.id);
      else if (column === "delivery_id") ids = found.deliveries.filter((d) => d.id === value).map((d) => d.personId);
      else if (column === "external_id") ids = found.byExternal.filter((p) => p.externalId === value).map((p) => p.id);
      else ids = found.byEmail.filter((p) => p.emailNormalized === value).map((p) => p.id);
      if (ids.length === 1) personOf.set(line.line, ids[0]!);
      else if (ids.length === 0)
        line.errors.push(`Its ${column} ${JSON.stringify(value)} names no person of ${incident.reference}.`);
      else
        line.errors.push(
          `Its ${column} ${JSON.stringify(value)} names ${ids.length} people of ${incident.reference}: give their person_id.`,
        );
    }
  }
  return personOf;
}

/** A second line for the same person is an error naming the first. */
function refuseRepeats(lines: LetterLine[], personOf: Map<number, string>) {
  const firstLine = new Map<string, number>();
  for (const line of lines) {
    const personId = personOf.get(line.line);
    if (!personId) continue;
    const first = firstLine.get(personId);
    if (first !== undefined) line.errors.push(`It names the same person as line ${first}.`);
    else firstLine.set(personId, line.line);
  }
}

/**
 * Reads and records a file of letters sent (see above). Refuses, for the form's file field, a
 * missing, empty, oversized or non-UTF-8 file, one without a header naming people, or with no
 * lines; defaults (channel, when, note) fill a column the file leaves out.
 */
export async function recordLettersFile(
  deps: Deps,
  incident: Incident,
  file: UploadedFile | undefined,
  defaultsInput: unknown,
  actor: Actor,
  source: "csv" = "csv",
): Promise<LettersOutcome> {
  const defaults = parseInput(toldFileSchema, defaultsInput ?? {});
  const { text, fileName } = decode(file);
  const now = deps.clock.now();
  const parsed = readLettersFile(text, defaults, incident.timeZone, now);
  if (parsed.fileError) throw new AppError("validation", parsed.fileError, { file: `${fileName}: ${parsed.fileError}` });
  const personOf = await resolvePeople(deps, incident, parsed.lines);
  refuseRepeats(parsed.lines, personOf);
  const toldBefore = new Map<string, Date>();
  const ids = [...new Set(personOf.values())];
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    for (const t of await findToldAlready(deps.db.prisma, incident.id, ids.slice(i, i + LOOKUP_CHUNK)))
      toldBefore.set(t.personId, t.toldAt);
  }
  const outcome: LettersOutcome = {
    fileName,
    errors: parsed.lines.filter((l) => l.errors.length).map((l) => ({ line: l.line, messages: l.errors })),
    already: [],
    recorded: 0,
    deliveries: 0,
    ignoredColumns: parsed.ignoredColumns,
    lines: parsed.lines.length,
  };
  const rows: ToldRow[] = [];
  for (const line of parsed.lines) {
    const personId = personOf.get(line.line);
    if (!personId || line.errors.length || !line.toldAt) continue;
    const before = toldBefore.get(personId);
    if (before) outcome.already.push({ line: line.line, personId, toldAt: before });
    else rows.push({ personId, channel: line.channel, toldAt: line.toldAt, toldZone: line.toldZone, note: line.note });
  }
  if (outcome.errors.length || rows.length === 0) return outcome;
  const recording = {
    recordingId: newId(),
    channel: rows[0]!.channel,
    toldAt: rows[0]!.toldAt,
    toldZone: incident.timeZone,
    note: defaults.note ?? "",
    source,
    recordedById: actor.userId,
    recordedAt: now,
  };
  return deps.db.prisma.$transaction(async (tx) => {
    const recorded = await insertToldRows(deps.db, tx, incident.id, rows, recording);
    if (recorded !== rows.length) {
      throw new AppError("conflict", "Some of these people were recorded as told another way meanwhile: upload the file again.");
    }
    const deliveries = await markDeliveriesTold(tx, deps.db, incident.id, recording.recordingId, now);
    const lastToldAt = new Date(rows.reduce((latest, r) => Math.max(latest, r.toldAt.getTime()), 0));
    await finishRecording(deps, tx, incident, actor, { ...recording, recorded, deliveries, fileName, lastToldAt });
    return { ...outcome, recorded, deliveries };
  }, RECORDING_TX);
}
