// Public holidays by country (and state) and year, from date-holidays, for counting business days.
import { createRequire } from "node:module";
import type HolidaysType from "date-holidays";
import { DateTime } from "luxon";

export interface HolidayCalendar {
  /** date-holidays country code, e.g. "BR". */
  country: string;
  /** date-holidays state code, e.g. "NSW"; null for national holidays only. */
  state?: string | null;
}

const DAY_MS = 24 * 3_600_000;

export function holidayName(day: DateTime, calendar: HolidayCalendar): string | undefined {
  return publicHolidays(calendar, day.year).get(day.toISODate() ?? "");
}

const holidayCache = new Map<string, Map<string, string>>();

// date-holidays parses every country's calendar when loaded (about 27 MB of a process's memory,
// measured with process.resourceUsage().maxRSS), so it is loaded at the first business-day count,
// not by every process that merely imports the deadlines module (the import worker never counts).
const requireHere = createRequire(import.meta.url);
let HolidaysClass: typeof HolidaysType | null = null;
function holidaysOf(country: string, state: string | null): HolidaysType {
  HolidaysClass ??= requireHere("date-holidays") as typeof HolidaysType;
  return state ? new HolidaysClass(country, state) : new HolidaysClass(country);
}

/**
 * Public holidays by local date for a calendar and year. Only type "public": bank, optional
 * and observance days (Brazil's Carnival, the day after Thanksgiving) count as working days,
 * which can only make a business-day deadline earlier, never later.
 */
function publicHolidays(calendar: HolidayCalendar, year: number): Map<string, string> {
  const key = `${calendar.country}/${calendar.state ?? ""}/${year}`;
  const cached = holidayCache.get(key);
  if (cached) return cached;
  const hd = holidaysOf(calendar.country, calendar.state ?? null);
  const days = new Map<string, string>();
  for (const holiday of hd.getHolidays(year, "en")) {
    if (holiday.type !== "public") continue;
    // `date` is the local date of the holiday's start; a multi-day holiday covers each day until `end`.
    const first = DateTime.fromISO(holiday.date.slice(0, 10));
    const length = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
    for (let i = 0; i < length; i += 1) {
      const date = first.plus({ days: i }).toISODate();
      if (date && !days.has(date)) days.set(date, holiday.name);
    }
  }
  holidayCache.set(key, days);
  return days;
}
