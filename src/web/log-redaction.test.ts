import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { redactUrlForLog } from "./log-redaction.js";

describe("request URLs in the log", () => {
  it("keeps only that there was a one-time link", () => {
    assert.equal(redactUrlForLog("/password/set/abc123?x=1"), "/password/set/[token]?x=1");
    assert.equal(redactUrlForLog("/calendar/s3cret.ics"), "/calendar/[token].ics");
  });

  it("keeps only that there was a search, not what was searched for", () => {
    assert.equal(
      redactUrlForLog("/incidents/BD-2026-0001/people?q=zo%C3%AB%40example.org&country=AU&after=x"),
      "/incidents/BD-2026-0001/people?q=[redacted]&country=AU&after=x",
    );
    assert.equal(
      redactUrlForLog("/api/v1/incidents/BD-1/people?email=a@b.c&%71=x"),
      "/api/v1/incidents/BD-1/people?email=[redacted]&q=[redacted]",
    );
    assert.equal(redactUrlForLog("/deadlines"), "/deadlines");
  });
});
