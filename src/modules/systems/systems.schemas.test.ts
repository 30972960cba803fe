import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseInput } from "../../lib/validation.js";
import { systemSchema } from "./systems.schemas.js";

describe("systemSchema", () => {
  it("trims the fields and fills the optional ones", () => {
    assert.deepEqual(systemSchema.parse({ name: " Zookeepr conference server ", status: "compromised" }), {
      name: "Zookeepr conference server",
      role: "",
      compromiseMethod: "",
      status: "compromised",
      notes: "",
      isPublic: false,
    });
  });

  it("names each field to fix", () => {
    assert.throws(
      () => parseInput(systemSchema, { name: "  ", status: "hacked", notes: "x".repeat(4001) }),
      (error: { fieldErrors: Record<string, string> }) => {
        assert.equal(error.fieldErrors.name, "Enter the system's name.");
        assert.equal(error.fieldErrors.status, "Choose compromised, suspected, clean or rebuilt.");
        assert.match(error.fieldErrors.notes ?? "", /at most 4000/);
        return true;
      },
    );
  });
});
