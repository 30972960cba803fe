import { DateTime } from "luxon";
import { formatInZone } from "../lib/instants.js";

/** Functions the views may call; all return plain text (EJS escapes it). */
export const viewHelpers = {
  /** An instant in UTC, e.g. "2026-11-28 14:05:09 UTC". */
  formatInstant(at: Date | null | undefined): string {
    return at ? DateTime.fromJSDate(at, { zone: "utc" }).toFormat("yyyy-LL-dd HH:mm:ss 'UTC'") : "—";
  },
  /** An instant in a zone, e.g. "2016-03-22 09:30 GMT+11", or "—" when unknown. */
  inZone(at: Date | null | undefined, zone: string): string {
    return at ? formatInZone(at, zone) : "—";
  },
  /** An instant as ISO 8601 for a <time datetime> attribute, or an empty string. */
  isoInstant(at: Date | null | undefined): string {
    return at ? at.toISOString() : "";
  },
  /** Pretty-printed JSON text of a stored JSON column, or an empty string. */
  prettyJson(value: string | null | undefined): string {
    if (!value) return "";
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  },
  /** A URL query string from an object, skipping empty values. */
  queryString(params: Record<string, string | number | undefined>): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") search.set(key, String(value));
    const out = search.toString();
    return out ? `?${out}` : "";
  },
};
