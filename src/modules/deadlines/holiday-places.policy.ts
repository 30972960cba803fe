// Reads a place's holiday calendar as the command line writes it (AU-WA, DE-BE, BR): a country
// and optionally a state that date-holidays knows.
import { createRequire } from "node:module";
import type HolidaysType from "date-holidays";
import type { HolidayCalendar } from "./holiday-calendar.policy.js";

const requireHere = createRequire(import.meta.url);

/** The calendar of "AU-WA" ({country: "AU", state: "WA"}) or "BR"; undefined when date-holidays does not know it. */
export function holidayCalendarOf(place: string): HolidayCalendar | undefined {
  const match = /^([A-Za-z]{2})(?:-([A-Za-z0-9]{1,3}))?$/.exec(place.trim());
  if (!match?.[1]) return undefined;
  const country = match[1].toUpperCase();
  const state = match[2]?.toUpperCase() ?? null;
  const Holidays = requireHere("date-holidays") as typeof HolidaysType;
  const known = new Holidays();
  if (!Object.hasOwn(known.getCountries(), country)) return undefined;
  if (state && !Object.hasOwn(known.getStates(country) ?? {}, state)) return undefined;
  return { country, state };
}
