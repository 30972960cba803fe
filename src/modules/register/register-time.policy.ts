// Instants as the register shows them, the same words as the view helper inZone
// (lib/instants.ts: "2016-03-22 09:00 GMT+11"), with one Intl formatter kept per zone. Luxon
// builds its zone name each time: 4,000 instants (a register of 500 incidents) took 1 to 3 s on
// these machines, more than the page's queries; a kept formatter takes a few milliseconds.
import { formatInZone } from "../../lib/instants.js";

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** A formatter of the zone with the parts inZone shows, or null for a zone Intl does not know (UTC+11:00). */
function formatterOf(zone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZoneName: "short",
      });
    } catch {
      formatter = null;
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** An instant in a zone as inZone writes it ("2016-03-22 09:00 GMT+11"), or "—" when unknown. */
export function registerInstant(at: Date | null | undefined, zone: string): string {
  if (!at) return "—";
  const formatter = formatterOf(zone);
  if (!formatter) return formatInZone(at, zone);
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(at)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

const counts = new Intl.NumberFormat("en");

/** A count with thousands separators ("5,000"), with one kept formatter (toLocaleString builds one per call). */
export function registerCount(n: number): string {
  return counts.format(n);
}
