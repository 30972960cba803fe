import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppError } from "./errors.js";
import { endOfDayIn, formatInZone, parseInstant } from "./instants.js";

describe("parseInstant", () => {
  it("reads a local time in its zone and keeps the zone", () => {
    const parsed = parseInstant("2016-03-22 09:30", "Australia/Sydney");
    assert.equal(parsed.at.toISOString(), "2016-03-21T22:30:00.000Z");
    assert.equal(parsed.zone, "Australia/Sydney");
  });

  it("reads the datetime-local form and seconds", () => {
    assert.equal(parseInstant("2016-03-22T09:30:15", "UTC").at.toISOString(), "2016-03-22T09:30:15.000Z");
  });

  it("reads an explicit offset, whatever the zone given", () => {
    const parsed = parseInstant("2016-03-22T09:30+11:00", "Europe/London");
    assert.equal(parsed.at.toISOString(), "2016-03-21T22:30:00.000Z");
    assert.equal(parsed.zone, "UTC+11:00");
    assert.equal(parseInstant("2009-08-28T00:00Z", "Australia/Sydney").zone, "UTC");
  });

  it("refuses a local time skipped by daylight saving, asking for the offset", () => {
    // Sydney moved from 02:00 to 03:00 on 2016-10-02.
    assert.throws(
      () => parseInstant("2016-10-02 02:30", "Australia/Sydney"),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.match(error.fieldErrors.at ?? "", /does not exist in Australia\/Sydney/);
        return true;
      },
    );
  });

  it("refuses a local time repeated by daylight saving, naming both offsets", () => {
    // Sydney went back from 03:00 to 02:00 on 2016-04-03: 02:30 happened twice.
    assert.throws(
      () => parseInstant("2016-04-03 02:30", "Australia/Sydney"),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.match(error.fieldErrors.at ?? "", /happened twice.*\+11:00.*\+10:00|happened twice.*\+10:00.*\+11:00/);
        return true;
      },
    );
    // Northern hemisphere: London repeated 01:30 on 2026-10-25.
    assert.throws(() => parseInstant("2026-10-25 01:30", "Europe/London"), /happened twice/);
    assert.doesNotThrow(() => parseInstant("2026-10-25 01:30+01:00", "Europe/London"));
  });

  it("refuses what it cannot read, and unknown zones", () => {
    assert.throws(() => parseInstant("next tuesday", "UTC"), /could not be read/);
    assert.throws(() => parseInstant("2016-03-22 09:30", "Mars/Olympus"), /Unknown time zone/);
    assert.throws(() => parseInstant("", "UTC"), /Enter a date and time/);
  });
});

describe("formatting and days", () => {
  it("shows an instant in a zone with its abbreviation or offset", () => {
    assert.match(formatInZone(new Date("2016-03-21T22:30:00Z"), "Australia/Sydney"), /^2016-03-22 09:30 /);
    assert.equal(formatInZone(new Date("2016-03-21T22:30:00Z"), "UTC+11:00"), "2016-03-22 09:30 UTC+11");
  });

  it("ends a due day at its last millisecond in the zone", () => {
    assert.equal(endOfDayIn("2026-03-31", "Australia/Sydney").toISOString(), "2026-03-31T12:59:59.999Z");
  });
});
