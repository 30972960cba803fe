import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  acceptedStep,
  cleanCode,
  codeAt,
  isSecondFactorRequired,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  stepAt,
} from "./two-factor.policy.js";

// RFC 6238, appendix B: the SHA-1 test key "12345678901234567890" in base32, at T = 59 s.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("two-factor policy", () => {
  it("computes the RFC 6238 test vector (six digits of 94287082)", () => {
    assert.equal(codeAt(RFC_SECRET, new Date(59_000)), "287082");
    assert.equal(codeAt(RFC_SECRET, new Date(1_111_111_109_000)), "081804");
  });

  it("accepts a code one step either side, not two, and never a step already used", () => {
    const secret = newTotpSecret();
    const now = new Date("2026-03-02T09:00:00Z");
    const step = stepAt(now);
    const at = (steps: number) => codeAt(secret, new Date(now.getTime() + steps * 30_000));
    assert.equal(acceptedStep(secret, at(0), now, null), step);
    assert.equal(acceptedStep(secret, at(-1), now, null), step - 1);
    assert.equal(acceptedStep(secret, at(1), now, null), step + 1);
    assert.equal(acceptedStep(secret, at(-2), now, null), null);
    assert.equal(acceptedStep(secret, at(2), now, null), null);
    assert.equal(acceptedStep(secret, at(0), now, step), null, "the same step again is a replay");
    assert.equal(acceptedStep(secret, at(-1), now, step - 1), null, "an earlier step too");
    assert.equal(acceptedStep(secret, at(1), now, step), step + 1);
    assert.equal(acceptedStep(secret, "12345", now, null), null);
  });

  it("makes ten different recovery codes of 80 bits that read as recovery codes once typed", () => {
    const codes = newRecoveryCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) {
      assert.match(code, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      assert.doesNotMatch(code, /[01lo]/);
      assert.ok(looksLikeRecoveryCode(cleanCode(` ${code.toUpperCase()} `)));
    }
    assert.ok(!looksLikeRecoveryCode("123456"));
  });

  it("requires a second factor of staff (administrators and managers) or of all", () => {
    assert.equal(isSecondFactorRequired("none", "admin"), false);
    assert.equal(isSecondFactorRequired("staff", "admin"), true);
    assert.equal(isSecondFactorRequired("staff", "manager"), true);
    assert.equal(isSecondFactorRequired("staff", "viewer"), false);
    assert.equal(isSecondFactorRequired("all", "viewer"), true);
  });
});
