import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppError } from "../../lib/errors.js";
import { parseEventForm } from "./timeline.schemas.js";

const valid = {
  kind: "evidence",
  description: "  Disk image taken of web01  ",
  occurredAt: "2026-03-01T09:15",
  occurredAtZone: "Australia/Sydney",
  visibility: "public",
};

function fieldErrorsOf(input: unknown, zone = "UTC"): Record<string, string> {
  try {
    parseEventForm(input, zone);
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, "validation");
    return error.fieldErrors;
  }
  assert.fail("expected the form to be refused");
}

describe("parseEventForm", () => {
  it("reads a valid form: trimmed description, the instant in the chosen zone, systems as a list", () => {
    const input = parseEventForm({ ...valid, systemIds: "s1" }, "UTC");
    assert.equal(input.description, "Disk image taken of web01");
    assert.deepEqual(input.occurred, { at: new Date("2026-02-28T22:15:00Z"), zone: "Australia/Sydney" });
    assert.deepEqual(input.systemIds, ["s1"]);
    assert.deepEqual(parseEventForm({ ...valid, systemIds: ["a", "b", "a", ""] }, "UTC").systemIds, ["a", "b"]);
    assert.deepEqual(parseEventForm(valid, "UTC").systemIds, []);
  });

  it("uses the default zone when none was chosen, and a typed offset over any zone", () => {
    assert.equal(parseEventForm({ ...valid, occurredAtZone: "" }, "Europe/London").occurred.zone, "Europe/London");
    const typed = parseEventForm({ ...valid, occurredAt: "2026-03-01T09:15+05:30" }, "UTC");
    assert.deepEqual(typed.occurred, { at: new Date("2026-03-01T03:45:00Z"), zone: "UTC+05:30" });
  });

  it("pins a daylight-saving gap or overlap with a fixed offset chosen as the zone", () => {
    assert.match(fieldErrorsOf({ ...valid, occurredAt: "2026-10-04T02:30" }).occurredAt ?? "", /does not exist/);
    const pinned = parseEventForm({ ...valid, occurredAt: "2026-10-04T02:30", occurredAtZone: "UTC+10:00" }, "UTC");
    assert.deepEqual(pinned.occurred, { at: new Date("2026-10-03T16:30:00Z"), zone: "UTC+10:00" });
    const spaced = parseEventForm({ ...valid, occurredAt: "2026-04-05 02:30", occurredAtZone: "UTC+11:00" }, "UTC");
    assert.equal(spaced.occurred.at.toISOString(), "2026-04-04T15:30:00.000Z");
  });

  it("reports every bad field at once", () => {
    const errors = fieldErrorsOf({ kind: "breach", description: "", occurredAt: "soon", visibility: "secret" });
    assert.deepEqual(Object.keys(errors).sort(), ["description", "kind", "occurredAt", "visibility"]);
    assert.match(errors.kind ?? "", /Choose a kind: Detection, Intrusion step/);
    assert.deepEqual(Object.keys(fieldErrorsOf({ ...valid, occurredAtZone: "Mars/Olympus" })), ["occurredAtZone"]);
    assert.match(fieldErrorsOf({ ...valid, description: "x".repeat(5001) }).description ?? "", /at most 5,000/);
    assert.deepEqual(Object.keys(fieldErrorsOf(undefined)).sort(), ["description", "kind", "occurredAt", "visibility"]);
  });
});
