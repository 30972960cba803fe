import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canManageAccess, effectiveIncidentRole } from "./incident-access.policy.js";

const restricted = { access: "restricted" };
const open = { access: "open" };

describe("effectiveIncidentRole (need-to-know, decision 0030)", () => {
  it("lets nobody but members and administrators read a restricted incident", () => {
    assert.equal(effectiveIncidentRole({ role: "viewer" }, restricted, null), null);
    assert.equal(effectiveIncidentRole({ role: "manager" }, restricted, null), null);
    assert.equal(effectiveIncidentRole({ role: "admin" }, restricted, null), "admin");
  });

  it("lets every user read an open incident with their own role", () => {
    assert.equal(effectiveIncidentRole({ role: "viewer" }, open, null), "viewer");
    assert.equal(effectiveIncidentRole({ role: "manager" }, open, null), "manager");
  });

  it("gives a member the lower of their global and incident roles, never a higher one", () => {
    const cases: [string, string, string][] = [
      ["manager", "viewer", "viewer"],
      ["manager", "manager", "manager"],
      ["manager", "lead", "manager"],
      ["viewer", "lead", "viewer"],
      ["viewer", "manager", "viewer"],
    ];
    for (const [global, onIncident, expected] of cases) {
      assert.equal(
        effectiveIncidentRole({ role: global }, restricted, { role: onIncident }),
        expected,
        `${global} as ${onIncident}`,
      );
      assert.equal(
        effectiveIncidentRole({ role: global }, open, { role: onIncident }),
        expected,
        `${global} as ${onIncident}, open`,
      );
    }
  });

  it("keeps an administrator's role whatever their role on the incident", () => {
    assert.equal(effectiveIncidentRole({ role: "admin" }, restricted, { role: "viewer" }), "admin");
  });

  it("lets managers and administrators change the team, not viewers", () => {
    assert.deepEqual(
      [canManageAccess("viewer"), canManageAccess("manager"), canManageAccess("admin"), canManageAccess(null)],
      [false, true, true, false],
    );
  });
});
