import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { paceOf, spanInWords } from "./campaign-pace.policy.js";

describe("paceOf", () => {
  it("says the Linux Australia campaign goes out at 50 a second in about a minute and a half, not at once", () => {
    const pace = paceOf(4886, { perSecond: 50, perHour: 0 });
    assert.equal(pace.rate, "50 a second");
    // The bucket lets a second's 50 go at once, then 50 a second: (4,886 - 50) / 50 = 96.72 s.
    assert.equal(pace.durationMs, 96_720);
    assert.equal(pace.duration, "about 1 minute 37 seconds");
    assert.equal(pace.summary, "4,886 notices at 50 a second: about 1 minute 37 seconds in all");
  });

  it("lets the slower bucket set the time: an hour's allowance, then the hourly rate", () => {
    const pace = paceOf(5000, { perSecond: 50, perHour: 2000 });
    assert.equal(pace.rate, "50 a second and at most 2,000 an hour");
    assert.equal(pace.durationMs, 1.5 * 3_600_000);
    assert.equal(pace.duration, "about 1 hour 30 minutes");
  });

  it("says a campaign within the first second's allowance goes within a second", () => {
    assert.equal(paceOf(26, { perSecond: 50, perHour: 0 }).duration, "within a second");
    assert.equal(paceOf(26, { perSecond: 50, perHour: 0 }).summary, "26 notices at 50 a second: all within a second");
  });

  it("says the mail server sets the pace when no limit is set", () => {
    const pace = paceOf(1000, { perSecond: 0, perHour: 0 });
    assert.equal(pace.durationMs, null);
    assert.match(pace.rate, /as fast as the mail server takes them/);
  });
});

describe("spanInWords", () => {
  it("rounds to seconds, minutes, then hours and minutes", () => {
    assert.equal(spanInWords(1000), "about 1 second");
    assert.equal(spanInWords(59_000), "about 59 seconds");
    assert.equal(spanInWords(120_000), "about 2 minutes");
    assert.equal(spanInWords(3_600_000 * 25 + 60_000), "about 25 hours 1 minute");
  });
});
