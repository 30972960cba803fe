import { parseCsvText } from "../../lib/csv-reader.js";
import { AppError } from "../../lib/errors.js";
import { parseInstant } from "../../lib/instants.js";
import { findUnsafeCharacter } from "../../lib/text-safety.js";
import { OTHER_CHANNELS } from "./ledger.schemas.js";

/**
 * Reading a CSV file of letters sent (or calls made): each line names one person and may give
 * the channel, when they were told and a note; the form's values fill a column the file leaves
 * out. Pure: lines come back with their verdicts, and the service finds the people they name.
 * Every line is accounted for: a line is recorded, already recorded, or has an error.
 */

/** What names the person on a line, in the order looked for. */
export const KEY_COLUMNS = ["person_id", "delivery_id", "external_id", "email"] as const;
export type KeyColumn = (typeof KEY_COLUMNS)[number];

/** Header spellings (lower case, spaces, hyphens and underscores removed) -> the column meant. */
const HEADERS: Record<string, KeyColumn | "channel" | "told_at" | "note"> = {
  personid: "person_id",
  deliveryid: "delivery_id",
  externalid: "external_id",
  email: "email",
  emailaddress: "email",
  channel: "channel",
  toldat: "told_at",
  sentat: "told_at",
  postedat: "told_at",
  date: "told_at",
  when: "told_at",
  note: "note",
  reference: "note",
  letterreference: "note",
};

const CHANNEL_WORDS: Record<string, string> = {
  letter: "letter",
  post: "letter",
  phone: "phone",
  phonecall: "phone",
  call: "phone",
  publicstatement: "public_statement",
  statement: "public_statement",
  other: "other",
};

export interface LetterDefaults {
  channel?: string;
  toldAt?: string;
  note?: string;
}

/** One line of the file with what it says, or why it cannot be used. */
export interface LetterLine {
  line: number;
  key: { column: KeyColumn; value: string } | null;
  channel: string;
  toldAt: Date | null;
  toldZone: string;
  note: string;
  errors: string[];
}

export interface LettersFile {
  /** The file as a whole cannot be used (no header naming anyone, no rows). */
  fileError?: string;
  lines: LetterLine[];
  /** Columns of the header this reading leaves alone (the letter's text, the address...). */
  ignoredColumns: string[];
}

const squash = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, "");

/** Reads the file's lines with the form's defaults, instants in the incident's zone, none after `now`. */
export function readLettersFile(text: string, defaults: LetterDefaults, zone: string, now: Date): LettersFile {
  const { records } = parseCsvText(text);
  const header = records.shift();
  if (!header || header.error)
    return { fileError: "The file has no header row: its first line must name the columns.", lines: [], ignoredColumns: [] };
  const columns = header.fields.map((name) => HEADERS[squash(name)] ?? null);
  if (!KEY_COLUMNS.some((k) => columns.includes(k))) {
    return {
      fileError: `The header names nobody: it needs a column person_id, delivery_id, external_id or email (it has ${header.fields.map((f) => `"${f}"`).join(", ")}).`,
      lines: [],
      ignoredColumns: [],
    };
  }
  if (records.length === 0) return { fileError: "The file has a header but no lines.", lines: [], ignoredColumns: [] };
  const ignoredColumns = header.fields.filter((_, i) => columns[i] === null);
  const lines = records.map((record) => {
    const out: LetterLine = { line: record.line, key: null, channel: "", toldAt: null, toldZone: zone, note: "", errors: [] };
    if (record.error) {
      out.errors.push("Its quotes are broken (a quote mark is not closed, or text follows one): correct the line.");
      return out;
    }
    if (record.fields.length > header.fields.length) {
      out.errors.push(`It has ${record.fields.length} fields where the header has ${header.fields.length}.`);
      return out;
    }
    const value = (column: string) => {
      const i = columns.indexOf(column as never);
      return i >= 0 ? (record.fields[i] ?? "").trim() : "";
    };
    for (const column of KEY_COLUMNS) {
      const v = value(column);
      if (v) {
        out.key = { column, value: column === "email" ? v.toLowerCase() : v };
        break;
      }
    }
    if (!out.key) out.errors.push("It names nobody: fill in person_id, delivery_id, external_id or email.");
    readChannel(value("channel"), defaults, out);
    readToldAt(value("told_at"), defaults, zone, now, out);
    readNote(value("note"), defaults, out);
    return out;
  });
  return { lines, ignoredColumns };
}

function readChannel(given: string, defaults: LetterDefaults, out: LetterLine) {
  if (!given) {
    if (defaults.channel) out.channel = defaults.channel;
    else
      out.errors.push(
        "It gives no channel, and none was chosen for lines without one: choose one, or fill in the channel column.",
      );
    return;
  }
  const channel = CHANNEL_WORDS[squash(given)];
  if (channel) out.channel = channel;
  else out.errors.push(`Its channel "${given}" is not one of ${Object.values(OTHER_CHANNELS).join(", ").toLowerCase()}.`);
}

function readToldAt(given: string, defaults: LetterDefaults, zone: string, now: Date, out: LetterLine) {
  const text = given || defaults.toldAt || "";
  if (!text) {
    out.errors.push(
      "It says not when they were told, and no date was given for lines without one: give one, or fill in told_at.",
    );
    return;
  }
  try {
    // A date alone is the start of that day in the incident's zone.
    const parsed = parseInstant(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text} 00:00` : text, zone, "toldAt");
    if (parsed.at.getTime() > now.getTime()) out.errors.push(`Its date ${text} is in the future: enter when they were told.`);
    else {
      out.toldAt = parsed.at;
      out.toldZone = parsed.zone;
    }
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    out.errors.push(
      `${given ? "Its date" : "The date given for lines without one,"} ${JSON.stringify(text)}: ${error.fieldErrors.toldAt ?? error.message}`,
    );
  }
}

function readNote(given: string, defaults: LetterDefaults, out: LetterLine) {
  const note = given || defaults.note || "";
  if (!note)
    out.errors.push("It gives no note, and none was given for lines without one: say how (the letter's reference, who phoned).");
  else if (note.length > 2000) out.errors.push("Its note is longer than 2,000 characters.");
  else if (findUnsafeCharacter(note, "long"))
    out.errors.push("Its note holds a control or invisible formatting character: remove it.");
  else out.note = note;
}
