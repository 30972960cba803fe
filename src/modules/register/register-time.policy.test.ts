import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatInZone } from "../../lib/instants.js";
import { registerInstant } from "./register-time.policy.js";

describe("registerInstant", () => {
  it("writes what inZone writes, in every kind of zone, across daylight-saving changes and midnight", () => {
    const zones = [
      "Australia/Sydney",
      "UTC",
      "Europe/Berlin",
      "America/New_York",
      "Asia/Kolkata",
      "Australia/Perth",
      "Pacific/Chatham",
      "Etc/GMT-14",
    ];
    const instants = [
      "2016-03-22T09:00:00Z",
      "2026-04-05T15:59:00Z",
      "2026-10-04T16:00:00Z",
      "2026-03-29T01:00:00Z",
      "2026-11-01T05:30:00Z",
      "2026-12-31T13:00:00Z",
      "2026-06-30T23:59:00Z",
    ];
    for (const zone of zones)
      for (const text of instants) {
        const at = new Date(text);
        assert.equal(registerInstant(at, zone), formatInZone(at, zone), `${text} in ${zone}`);
      }
  });

  it("falls back to inZone for a zone Intl does not know, and writes — for no instant", () => {
    const at = new Date("2026-03-01T00:00:00Z");
    assert.equal(registerInstant(at, "UTC+11:00"), formatInZone(at, "UTC+11:00"));
    assert.equal(registerInstant(null, "UTC"), "—");
  });
});
