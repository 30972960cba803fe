// A minimal iCalendar (RFC 5545) writer, by hand: the feed needs only VEVENT and VALARM, and
// a library would bring far more than the escaping and folding rules below.

const CRLF = "\r\n";
/** RFC 5545 section 3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break. */
const MAX_LINE_OCTETS = 75;

export interface IcsAlarm {
  /** How long before the event the alarm fires, in minutes. */
  minutesBefore: number;
  description: string;
}

export interface IcsEvent {
  /** Globally unique and stable for the same thing across feed downloads. */
  uid: string;
  startAt: Date;
  summary: string;
  description?: string;
  url?: string;
  /** The DTSTAMP and LAST-MODIFIED of the event. */
  stampAt: Date;
  alarm?: IcsAlarm;
}

export interface IcsCalendar {
  /** Calendar name shown by clients (X-WR-CALNAME). */
  name: string;
  events: IcsEvent[];
}

/** A TEXT value with backslash, semicolon, comma and line breaks escaped (RFC 5545 section 3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** A DATE-TIME in UTC form, e.g. 20160423T135959Z (fractions of a second dropped). */
export function formatUtc(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/**
 * Folds one content line into lines of at most 75 octets joined by CRLF and a space, never
 * splitting a UTF-8 sequence (RFC 5545 section 3.1).
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  // A continuation line starts with the space, which counts toward its 75 octets.
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    const size = Buffer.byteLength(char, "utf8");
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

function property(name: string, value: string): string {
  return foldLine(`${name}:${value}`);
}

function eventLines(event: IcsEvent): string[] {
  const lines = [
    "BEGIN:VEVENT",
    property("UID", escapeText(event.uid)),
    property("DTSTAMP", formatUtc(event.stampAt)),
    property("LAST-MODIFIED", formatUtc(event.stampAt)),
    property("DTSTART", formatUtc(event.startAt)),
    property("SUMMARY", escapeText(event.summary)),
  ];
  if (event.description) lines.push(property("DESCRIPTION", escapeText(event.description)));
  // URI values are not TEXT: they are written as they are (RFC 5545 section 3.3.13).
  if (event.url) lines.push(property("URL", event.url));
  lines.push("TRANSP:TRANSPARENT");
  if (event.alarm) {
    lines.push(
      "BEGIN:VALARM",
      "ACTION:DISPLAY",
      property("DESCRIPTION", escapeText(event.alarm.description)),
      `TRIGGER:-PT${Math.max(0, Math.round(event.alarm.minutesBefore))}M`,
      "END:VALARM",
    );
  }
  lines.push("END:VEVENT");
  return lines;
}

/** The whole calendar as RFC 5545 text: CRLF line ends, folded lines, escaped text values. */
export function writeCalendar(calendar: IcsCalendar): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Breachdesk//Deadlines feed//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    property("X-WR-CALNAME", escapeText(calendar.name)),
    ...calendar.events.flatMap(eventLines),
    "END:VCALENDAR",
  ];
  return lines.join(CRLF) + CRLF;
}
