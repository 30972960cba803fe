import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DateTime } from "luxon";
import { AppError } from "../../lib/errors.js";
import { parseInstant } from "../../lib/instants.js";
import { computeDeadline, type DeadlineOptions, isBusinessDay } from "./compute-deadline.policy.js";
import { findRule, rulePack } from "./rule-pack.policy.js";

const HOUR = 3_600_000;

/** An instant from "2026-03-28T10:00+01:00", or from a local time and zone like "2026-03-28T10:00[Europe/Berlin]". */
function at(text: string): Date {
  const zoned = /^(.+)\[(.+)\]$/.exec(text);
  return zoned ? parseInstant(zoned[1] ?? "", zoned[2] ?? "").at : parseInstant(text, "UTC").at;
}

function due(ruleId: string, trigger: string, options?: DeadlineOptions) {
  const rule = findRule(ruleId);
  assert.ok(rule, ruleId);
  return computeDeadline(rule, at(trigger), options);
}

describe("hour limits are elapsed time", () => {
  it("72 hours across Europe's March change end at 11:00 local, not 10:00 (the clocks went forward)", () => {
    const d = due("EU-GDPR-33", "2026-03-28T10:00[Europe/Berlin]");
    assert.equal(d.dueAt?.toISOString(), "2026-03-31T09:00:00.000Z");
    assert.equal(d.dueLocal, "2026-03-31T11:00:00.000+02:00");
    assert.equal(d.zone, "Europe/Brussels");
    assert.match(
      d.basis,
      /^72 hours after awareness \(2026-03-28 10:00 CET\), counted as elapsed time: due 2026-03-31 11:00 CEST\./,
    );
  });

  it("72 hours across Europe's October change end at 09:00 local (the clocks went back)", () => {
    const d = due("EU-NIS2-notification", "2026-10-23T10:00[Europe/Brussels]");
    assert.equal(d.dueAt?.toISOString(), "2026-10-26T08:00:00.000Z");
    assert.equal(d.dueLocal, "2026-10-26T09:00:00.000+01:00");
  });

  it("72 hours across the US March change, and 24 hours over a year end", () => {
    const nydfs = due("US-NY-DFS-500.17", "2026-03-07T12:00[America/New_York]");
    assert.equal(nydfs.dueLocal, "2026-03-10T13:00:00.000-04:00");
    const early = due("EU-NIS2-early-warning", "2026-12-31T18:30:00+01:00");
    assert.equal(early.dueLocal, "2027-01-01T18:30:00.000+01:00");
  });
});

describe("calendar days", () => {
  it("exclude the trigger's day and end at the end of the last local day, over a year end", () => {
    const d = due("US-CA-individuals", "2026-12-15T16:20[America/Los_Angeles]");
    assert.equal(d.dueLocal, "2027-01-14T23:59:59.999-08:00");
    assert.equal(d.dueAt?.toISOString(), "2027-01-15T07:59:59.999Z");
    assert.equal(d.extendsTo, undefined, "14 January 2027 is a Thursday");
  });

  it("count days in the rule's zone, not the zone the event was entered in", () => {
    // 23:30 on 28 March in Los Angeles is already 29 March in Sydney: day 30 is 28 April there.
    const d = due("AU-NDB-assess", "2026-03-28T23:30[America/Los_Angeles]");
    assert.equal(d.dueLocal, "2026-04-28T23:59:59.999+10:00");
    const inPerth = due("AU-NDB-assess", "2026-03-28T23:30[America/Los_Angeles]", {
      zone: "Australia/Perth",
      holidays: { country: "AU", state: "WA" },
    });
    assert.equal(inPerth.dueLocal, "2026-04-28T23:59:59.999+08:00");
    assert.equal(inPerth.zone, "Australia/Perth");
  });

  it("HIPAA's yearly log: 60 days after 31 December is 1 March, or 29 February in a leap year", () => {
    assert.equal(
      due("US-HHS-secretary-under500", "2026-12-31T12:00[America/New_York]").dueLocal,
      "2027-03-01T23:59:59.999-05:00",
    );
    assert.equal(
      due("US-HHS-secretary-under500", "2027-12-31T12:00[America/New_York]").dueLocal,
      "2028-02-29T23:59:59.999-05:00",
    );
  });

  it("Japan's final report counts the day of knowing as day 1, the conservative reading", () => {
    const d = due("JP-APPI-final", "2026-04-01T10:00[Asia/Tokyo]");
    assert.equal(d.dueLocal, "2026-04-30T23:59:59.999+09:00");
    assert.match(d.basis, /counting that day as day 1/);
  });
});

describe("the Australian 30-day assessment ending on a weekend", () => {
  it("keeps day 30 as the due date and shows the next business day beside it", () => {
    const d = due("AU-NDB-assess", "2026-05-14T09:00[Australia/Sydney]");
    assert.equal(d.dueLocal, "2026-06-13T23:59:59.999+10:00", "Saturday 13 June");
    assert.equal(d.extendsTo?.toISOString(), "2026-06-15T13:59:59.999Z", "Monday 15 June, end of day in Sydney");
    assert.ok(d.dueAt && d.extendsTo && d.dueAt < d.extendsTo);
    assert.match(d.basis, /Acts Interpretation Act 1901 s 36\(2\)/);
  });

  it("skips Easter's public holidays when moving the last day", () => {
    const d = due("AU-NDB-assess", "2026-03-05T09:00[Australia/Sydney]");
    assert.equal(d.dueLocal, "2026-04-04T23:59:59.999+11:00", "Easter Saturday");
    assert.equal(
      DateTime.fromJSDate(d.extendsTo as Date, { zone: "Australia/Sydney" }).toISO(),
      "2026-04-07T23:59:59.999+10:00",
      "after Easter Sunday and Easter Monday (and the end of daylight saving)",
    );
  });

  it("has no extension when day 30 is a working day", () => {
    assert.equal(due("AU-NDB-assess", "2026-05-12T09:00[Australia/Sydney]").extendsTo, undefined);
  });
});

describe("business days skip weekends and the jurisdiction's public holidays", () => {
  it("SEC: four business days over US Thanksgiving", () => {
    const d = due("US-SEC-8K-105", "2026-11-25T16:00[America/New_York]");
    // Thursday 26 is Thanksgiving; Friday 27 is a business day (not a federal holiday).
    assert.equal(d.dueLocal, "2026-12-02T23:59:59.999-05:00");
    assert.match(d.basis, /holidays skipped: 2026-11-26 Thanksgiving Day/);
  });

  it("SEC: a determination on a Saturday starts counting on the Monday (Form 8-K General Instruction B.1)", () => {
    assert.equal(due("US-SEC-8K-105", "2026-03-28T11:00[America/New_York]").dueLocal, "2026-04-02T23:59:59.999-04:00");
  });

  it("SEC: over the year end, with New Year's Day on a Friday", () => {
    assert.equal(due("US-SEC-8K-105", "2026-12-30T09:00[America/New_York]").dueLocal, "2027-01-06T23:59:59.999-05:00");
  });

  it("Brazil: three business days over Christmas", () => {
    // 24 December is only an optional half day (a business day); 25 December is a national holiday.
    const d = due("BR-LGPD-anpd", "2026-12-23T10:00[America/Sao_Paulo]");
    assert.equal(d.dueLocal, "2026-12-29T23:59:59.999-03:00");
  });

  it("Brazil: Carnival counts as business days (ponto facultativo, research discrepancy 8), Tiradentes does not", () => {
    assert.equal(due("BR-LGPD-titulares", "2026-02-13T10:00[America/Sao_Paulo]").dueLocal, "2026-02-18T23:59:59.999-03:00");
    assert.equal(due("BR-LGPD-anpd", "2026-04-17T10:00[America/Sao_Paulo]").dueLocal, "2026-04-23T23:59:59.999-03:00");
  });

  it("knows a weekday holiday from a working day", () => {
    const us = { country: "US" };
    assert.equal(isBusinessDay(DateTime.fromISO("2026-11-26", { zone: "America/New_York" }), us), false);
    assert.equal(isBusinessDay(DateTime.fromISO("2026-11-27", { zone: "America/New_York" }), us), true);
    assert.equal(isBusinessDay(DateTime.fromISO("2026-11-28", { zone: "America/New_York" }), us), false);
  });
});

describe("months are calendar months in the rule's zone", () => {
  it("one month after 31 January ends on the last day of February", () => {
    assert.equal(due("EU-NIS2-final", "2026-01-31T15:00[Europe/Brussels]").dueLocal, "2026-02-28T23:59:59.999+01:00");
    assert.equal(due("EU-NIS2-final", "2028-01-31T15:00[Europe/Brussels]").dueLocal, "2028-02-29T23:59:59.999+01:00");
    assert.match(due("EU-NIS2-final", "2026-01-31T15:00[Europe/Brussels]").basis, /no such day/);
  });

  it("DORA's final report on a Saturday may move to noon of the next working day, shown beside the due date", () => {
    const d = due("EU-DORA-final", "2026-01-31T15:00[Europe/Brussels]");
    assert.equal(d.dueLocal, "2026-02-28T23:59:59.999+01:00");
    assert.equal(d.extendsTo?.toISOString(), "2026-03-02T11:00:00.000Z");
  });
});

describe("limits that depend on another event", () => {
  it("DORA's initial notification: 4 hours after classification, but no later than 24 hours after awareness", () => {
    const events = { awareness: at("2026-03-28T00:00:00Z") };
    const capped = due("EU-DORA-initial", "2026-03-28T22:00:00Z", { events });
    assert.equal(capped.dueAt?.toISOString(), "2026-03-29T00:00:00.000Z");
    assert.match(capped.basis, /Due earlier, 24 hours after awareness/);
    const late = due("EU-DORA-initial", "2026-03-29T06:00:00Z", { events });
    assert.equal(late.dueAt?.toISOString(), "2026-03-29T10:00:00.000Z");
    assert.match(late.basis, /had passed before/);
    assert.match(due("EU-DORA-initial", "2026-03-28T22:00:00Z").basis, /not given/);
  });

  it("relative rules take the other notice's instant, within any outer limit", () => {
    assert.equal(due("US-CT-regulator", "2026-03-02T09:00:00-05:00").dueAt, null);
    const notice = at("2026-03-20T15:00:00-04:00");
    assert.equal(
      due("US-CT-regulator", "2026-03-02T09:00:00-05:00", { events: { notice_to_individuals: notice } }).dueAt?.toISOString(),
      notice.toISOString(),
    );
    const hhs = due("US-HHS-secretary-500plus", "2026-03-02T09:00:00-05:00");
    assert.equal(hhs.dueLocal, "2026-05-01T23:59:59.999-04:00");
    const hhsWithNotice = due("US-HHS-secretary-500plus", "2026-03-02T09:00:00-05:00", {
      events: { notice_to_individuals: notice },
    });
    assert.equal(hhsWithNotice.dueAt?.toISOString(), notice.toISOString());
  });
});

describe("rules without a computable instant", () => {
  it("as soon as practicable: no due instant, the standard in words, the guidance target where one exists", () => {
    const nz = due("NZ-PA2020-commissioner", "2026-03-28T10:00[Pacific/Auckland]");
    assert.equal(nz.dueAt, null);
    assert.equal(nz.dueLocal, null);
    assert.equal(nz.targetAt?.getTime(), at("2026-03-28T10:00[Pacific/Auckland]").getTime() + 72 * HOUR);
    assert.match(nz.basis, /as soon as practicable after becoming aware/);
    assert.equal(due("EU-GDPR-34", "2026-03-28T10:00:00+01:00").targetAt, undefined);
  });

  it("says when the event predates the rule's version", () => {
    assert.match(due("GB-PECR-5A", "2025-06-01T10:00[Europe/London]").basis, /applies from 2025-08-20/);
    assert.match(due("GB-PECR-5A-pre-2025-08-20", "2025-09-01T10:00[Europe/London]").basis, /applied until 2025-08-19/);
  });

  it("refuses an unknown zone", () => {
    assert.throws(() => due("EU-GDPR-33", "2026-03-28T10:00:00+01:00", { zone: "Mars/Olympus" }), AppError);
  });
});

describe("every rule of the pack", () => {
  // A Wednesday in June: no daylight-saving change within days of it in any of the pack's zones.
  const trigger = new Date("2026-06-10T12:00:00Z");
  for (const rule of rulePack.rules) {
    it(`${rule.id} (${rule.deadline.kind})`, () => {
      const d = computeDeadline(rule, trigger);
      assert.equal(d.kind, rule.deadline.kind);
      assert.equal(d.zone, rule.zone.name);
      assert.ok(d.basis.length > 20);
      const deadline = rule.deadline;
      if (deadline.kind !== "fixed") {
        if (deadline.kind === "relative" && deadline.outerLimit) assert.ok(d.dueAt && d.dueAt > trigger);
        else assert.equal(d.dueAt, null);
        return;
      }
      assert.ok(d.dueAt && d.dueAt > trigger, "due after the trigger");
      assert.equal(DateTime.fromISO(d.dueLocal ?? "", { setZone: true }).toMillis(), d.dueAt.getTime());
      const start = DateTime.fromJSDate(trigger, { zone: rule.zone.name }).startOf("day");
      const end = DateTime.fromJSDate(d.dueAt, { zone: rule.zone.name });
      const days = Math.round(end.startOf("day").diff(start, "days").days);
      if (deadline.unit === "hours") {
        assert.equal(d.dueAt.getTime() - trigger.getTime(), deadline.amount * HOUR);
        return;
      }
      assert.equal(end.toFormat("HH:mm:ss.SSS"), "23:59:59.999", "ends at the end of a local day");
      if (deadline.unit === "calendar_days")
        assert.equal(days, deadline.startDay === "include" ? deadline.amount - 1 : deadline.amount);
      if (deadline.unit === "months") assert.equal(end.toISODate(), start.plus({ months: deadline.amount }).toISODate());
      if (deadline.unit === "business_days") {
        assert.ok(
          days >= deadline.amount && days <= Math.ceil((deadline.amount * 7) / 5) + 4,
          `${days} days for ${deadline.amount} business days`,
        );
        assert.ok(isBusinessDay(end, rule.holidays), "the last day is a business day");
      }
    });
  }
});
