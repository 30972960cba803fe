import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeAudience, parseAudience } from "./campaign-audience.policy.js";
import { computeProgress, individualsDeadlineOf, SentSamples } from "./campaign-progress.policy.js";
import type { DeliveryCounts } from "./campaigns.repository.js";

const now = new Date("2026-03-02T09:00:00Z");

function counts(fields: Partial<DeliveryCounts>): DeliveryCounts {
  const base = { queued: 0, sending: 0, sent: 0, failed: 0, bounced: 0, excluded: 0, cancelled: 0, told_otherwise: 0, ...fields };
  return { ...base, total: Object.values(base).reduce((a, b) => a + b, 0) };
}

describe("computeProgress", () => {
  const deadline = {
    ruleId: "AU-NDB-individuals",
    obligation: "Notify individuals",
    dueAt: new Date("2026-03-02T12:00:00Z"),
    zone: "Australia/Sydney",
  };

  it("gives the rate over the window, the time left at that rate and the margin to the deadline", () => {
    const progress = computeProgress({
      counts: counts({ queued: 5900, sending: 100, sent: 3500, failed: 400, excluded: 100 }),
      perMinute: 1000,
      now,
      isSending: true,
      deadline,
    });
    assert.deepEqual([progress.toSend, progress.settled, progress.percentSettled], [6000, 4000, 40]);
    assert.equal(progress.perMinute, 1000);
    assert.equal(progress.timeLeftMs, 6 * 60_000);
    assert.equal(progress.finishAt?.toISOString(), "2026-03-02T09:06:00.000Z");
    assert.equal(progress.deadline?.marginMs, 2 * 3_600_000 + 54 * 60_000, "finishes 2 h 54 min before the deadline");
    assert.equal(progress.deadline?.isPassed, false);
  });

  it("says it would finish late with a negative margin", () => {
    const progress = computeProgress({
      counts: counts({ queued: 60_000 }),
      perMinute: 100,
      now,
      isSending: true,
      deadline,
    });
    assert.equal(progress.timeLeftMs, 600 * 60_000);
    assert.ok((progress.deadline?.marginMs ?? 0) < 0);
  });

  it("has no rate or estimate while nothing is being sent, or when not sending", () => {
    const idle = computeProgress({
      counts: counts({ queued: 10 }),
      perMinute: 0,
      now,
      isSending: true,
      deadline: null,
    });
    assert.deepEqual([idle.perMinute, idle.timeLeftMs, idle.finishAt, idle.deadline], [null, null, null, null]);
    const paused = computeProgress({
      counts: counts({ queued: 10, sent: 5 }),
      perMinute: 5,
      now,
      isSending: false,
      deadline,
    });
    assert.deepEqual([paused.perMinute, paused.timeLeftMs, paused.deadline?.marginMs], [5, null, null]);
    assert.equal(computeProgress({ counts: counts({}), perMinute: 0, now, isSending: false, deadline: null }).percentSettled, 0);
  });
});

describe("SentSamples", () => {
  it("tells the rate against the oldest reading between 15 s and 2 minutes old", () => {
    const samples = new SentSamples();
    assert.equal(samples.rateOf("c", 0, 0), null, "a first reading has nothing to compare with");
    assert.equal(samples.rateOf("c", 10_000, 100), null, "10 s is too short a span");
    assert.equal(samples.rateOf("c", 30_000, 600), 1200, "600 in 30 s");
    assert.equal(samples.rateOf("c", 150_000, 1800), 600, "the readings older than 2 minutes are dropped: 1,200 in 120 s");
    assert.equal(samples.rateOf("other", 150_000, 5), null, "each campaign has its own readings");
  });

  it("starts afresh when the count goes back (a retry of failed ones) and keeps a bounded number of campaigns", () => {
    const samples = new SentSamples(15_000, 120_000, 2);
    samples.rateOf("c", 0, 500);
    assert.equal(samples.rateOf("c", 20_000, 100), null);
    samples.rateOf("a", 0, 0);
    samples.rateOf("b", 0, 0);
    assert.equal(samples.rateOf("c", 40_000, 140), null, "c was forgotten for a and b");
  });
});

describe("individualsDeadlineOf", () => {
  const terms = (notify: string, obligation = "Notify") => JSON.stringify({ notify, obligation });
  it("picks the earliest pending deadline of an obligation that notifies individuals", () => {
    const found = individualsDeadlineOf([
      { ruleId: "EU-GDPR-33", terms: terms("regulator"), dueAt: new Date("2026-03-01T00:00:00Z"), zone: "Europe/Berlin" },
      {
        ruleId: "EU-GDPR-34",
        terms: terms("individuals", "Communicate to data subjects"),
        dueAt: new Date("2026-03-09T00:00:00Z"),
        zone: "Europe/Berlin",
      },
      {
        ruleId: "AU-NDB-26WL",
        terms: terms("individuals", "Notify individuals"),
        dueAt: new Date("2026-03-05T00:00:00Z"),
        zone: "Australia/Sydney",
      },
      { ruleId: "US-CA-individuals", terms: terms("individuals"), dueAt: null, zone: "America/Los_Angeles" },
      { ruleId: "broken", terms: "{", dueAt: new Date("2026-03-02T00:00:00Z"), zone: "UTC" },
    ]);
    assert.deepEqual(found, {
      ruleId: "AU-NDB-26WL",
      obligation: "Notify individuals",
      dueAt: new Date("2026-03-05T00:00:00Z"),
      zone: "Australia/Sydney",
    });
    assert.equal(individualsDeadlineOf([]), null);
  });
});

describe("audiences", () => {
  it("reads what was stored, dropping anything malformed, and describes it in words", () => {
    assert.equal(describeAudience(parseAudience("{}")), "Everyone affected");
    assert.equal(describeAudience(parseAudience("not json")), "Everyone affected");
    const audience = parseAudience(
      JSON.stringify({ atRiskOnly: true, places: ["AU-NSW", "NZ", "bad place"], notYetNotified: true }),
    );
    assert.deepEqual(audience.places, ["AU-NSW", "NZ"]);
    assert.equal(describeAudience(audience), "People at risk of serious harm in AU-NSW or NZ, not yet notified");
    assert.equal(
      describeAudience({ atRiskOnly: false, places: [], notYetNotified: false, failedBefore: true, attributes: [] }),
      "People whose earlier notice failed or bounced",
    );
  });
});
