import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findRule } from "../deadlines/rule-pack.js";
import { chooseObligationZone } from "./obligation-zone.js";

function rule(id: string) {
  const found = findRule(id);
  assert.ok(found, id);
  return found;
}

describe("the zone an obligation is counted in", () => {
  it("counts an Australian rule in Perth for an incident handled in Perth", () => {
    assert.equal(chooseObligationZone(rule("AU-NDB-assess"), "Australia/Perth").zone, "Australia/Perth");
  });

  it("keeps the rule's own zone for an incident outside its jurisdiction", () => {
    const choice = chooseObligationZone(rule("AU-NDB-assess"), "Europe/Berlin");
    assert.equal(choice.zone, "Australia/Sydney");
    assert.match(choice.reason, /not in AU/);
  });

  it("counts a GDPR rule in the member state's zone", () => {
    assert.equal(chooseObligationZone(rule("EU-GDPR-33"), "Europe/Berlin").zone, "Europe/Berlin");
    assert.equal(chooseObligationZone(rule("EU-GDPR-33"), "Europe/London").zone, "Europe/Brussels");
  });

  it("keeps a US state's zone, since a zone does not tell the state", () => {
    assert.equal(chooseObligationZone(rule("US-CA-regulator"), "America/New_York").zone, "America/Los_Angeles");
  });

  it("says why when the zones are the same", () => {
    assert.match(chooseObligationZone(rule("AU-NDB-assess"), "Australia/Sydney").reason, /also the incident's/);
  });
});
