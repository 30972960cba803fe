import { DateTime, IANAZone } from "luxon";
import { AppError } from "./errors.js";

/**
 * Zones found valid: luxon builds an Intl.DateTimeFormat for each check (about 0.2 ms), and a
 * timeline page checks its entries' zones. Only valid names are kept, so the set is bounded by
 * the runtime's zones whatever is typed.
 */
const knownZones = new Set<string>();

/** True when a name is an IANA time zone luxon knows (e.g. "Australia/Sydney", "UTC"). */
export function isValidZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  const isValid = IANAZone.isValidZone(zone);
  if (isValid) knownZones.add(zone);
  return isValid;
}

/** Every IANA zone of this runtime, for zone pickers; UTC first. */
export function listZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...zones.filter((z) => z !== "UTC")];
}

const LOCAL_FORMATS = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

export interface ParsedInstant {
  at: Date;
  /** The zone the instant was entered in: the IANA zone, or "UTC+hh:mm" for an explicit offset. */
  zone: string;
}

/**
 * Reads an instant a person typed: either with an explicit offset or Z ("2016-03-22T09:30+11:00"),
 * or as a local time ("2016-03-22T09:30") in the given IANA zone. A local time that does not
 * exist in that zone (skipped by a daylight-saving change) or that occurs twice (repeated by
 * one) is refused with a message asking for the offset, rather than guessed.
 */
export function parseInstant(text: string, zone: string, field = "at"): ParsedInstant {
  const input = text.trim();
  if (!input) throw new AppError("validation", "Enter a date and time.", { [field]: "Enter a date and time." });
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(input)) {
    const withOffset = DateTime.fromISO(input.replace(/^(\d{4}-\d{2}-\d{2}) /, "$1T"), { setZone: true });
    if (!withOffset.isValid) throw invalid(field);
    const zoneName = withOffset.offset === 0 ? "UTC" : `UTC${withOffset.toFormat("ZZ")}`;
    return { at: withOffset.toUTC().toJSDate(), zone: zoneName };
  }
  if (!isValidZone(zone)) {
    throw new AppError("validation", `Unknown time zone "${zone}".`, { [`${field}Zone`]: "Choose a time zone from the list." });
  }
  const local = parseLocal(input, zone);
  if (!local) throw invalid(field);
  const wall = local.toFormat("yyyy-MM-dd'T'HH:mm:ss");
  // luxon moves a nonexistent local time forward; a round trip that changes the wall time means it did.
  const isSkipped = parseLocal(input, "UTC")?.toFormat("yyyy-MM-dd'T'HH:mm:ss") !== wall;
  if (isSkipped) {
    throw new AppError(
      "validation",
      `${input} does not exist in ${zone}: the clocks skipped it. Enter the time with its offset.`,
      {
        [field]: `${input} does not exist in ${zone} (a daylight-saving change). Enter it with an offset, e.g. ${input}${local.minus({ hours: 2 }).toFormat("ZZ")}.`,
      },
    );
  }
  const earlier = local.minus({ hours: 1 });
  const later = local.plus({ hours: 1 });
  const isRepeated =
    earlier.offset !== local.offset &&
    earlier.plus({ minutes: earlier.offset - local.offset }).toFormat("yyyy-MM-dd'T'HH:mm:ss") === wall;
  const isRepeatedLater =
    later.offset !== local.offset &&
    later.minus({ minutes: local.offset - later.offset }).toFormat("yyyy-MM-dd'T'HH:mm:ss") === wall;
  if (isRepeated || isRepeatedLater) {
    const offsets = [local.toFormat("ZZ"), (isRepeated ? earlier : later).toFormat("ZZ")].join(" or ");
    throw new AppError("validation", `${input} happened twice in ${zone}. Enter the time with its offset.`, {
      [field]: `${input} happened twice in ${zone} (a daylight-saving change). Enter it with its offset: ${offsets}.`,
    });
  }
  return { at: local.toUTC().toJSDate(), zone };
}

function parseLocal(input: string, zone: string): DateTime | null {
  for (const format of LOCAL_FORMATS) {
    const parsed = DateTime.fromFormat(input, format, { zone });
    if (parsed.isValid) return parsed;
  }
  return null;
}

function invalid(field: string): AppError {
  return new AppError("validation", "That date and time could not be read.", {
    [field]: "Use the form 2016-03-22 09:30 (a local time in the chosen zone), or add an offset: 2016-03-22T09:30+11:00.",
  });
}

/** Parses an optional instant: empty text means unknown (null). */
export function parseOptionalInstant(text: string | undefined, zone: string, field: string): ParsedInstant | null {
  return text && text.trim() ? parseInstant(text, zone, field) : null;
}

/** An instant shown in a zone, e.g. "2016-03-22 09:30 AEDT". */
export function formatInZone(at: Date, zone: string): string {
  const dt = DateTime.fromJSDate(at, { zone });
  if (!dt.isValid) return DateTime.fromJSDate(at, { zone: "utc" }).toFormat("yyyy-LL-dd HH:mm 'UTC'");
  return dt.toFormat("yyyy-LL-dd HH:mm ZZZZ");
}

/** The value for an <input type="datetime-local"> showing an instant in a zone. */
export function toLocalInput(at: Date | null | undefined, zone: string): string {
  if (!at) return "";
  const dt = DateTime.fromJSDate(at, { zone });
  return dt.isValid ? dt.toFormat("yyyy-LL-dd'T'HH:mm") : "";
}

/** The end of a calendar day (YYYY-MM-DD) in a zone, as an instant: when a due day has passed. */
export function endOfDayIn(day: string, zone: string): Date {
  const dt = DateTime.fromISO(day, { zone });
  if (!dt.isValid) throw new AppError("validation", "Use a date like 2026-03-31.", { dueOn: "Use a date like 2026-03-31." });
  return dt.endOf("day").toUTC().toJSDate();
}
