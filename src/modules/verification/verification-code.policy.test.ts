import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CODE_ALPHABET, CODE_LENGTH, formatCode, readCode } from "./verification-code.policy.js";

describe("verification codes", () => {
  it("use Crockford's base32: digits and letters without I, L, O or U", () => {
    assert.equal(CODE_ALPHABET.length, 32);
    assert.equal(new Set(CODE_ALPHABET).size, 32);
    for (const letter of "ILOU") assert.ok(!CODE_ALPHABET.includes(letter), letter);
    assert.equal(CODE_LENGTH, 12);
  });

  it("are printed in three groups of four", () => {
    assert.equal(formatCode("7KQ2M9XD4TRP"), "7KQ2-M9XD-4TRP");
  });

  it("read any letter case, dashes, spaces, dots and typographic dashes", () => {
    for (const typed of [
      "7KQ2-M9XD-4TRP",
      "7kq2m9xd4trp",
      " 7kq2 m9xd 4trp ",
      "7KQ2.M9XD.4TRP",
      "7KQ2–M9XD—4TRP",
      "7ＫQ2-M9XD-4TRP",
    ]) {
      assert.deepEqual(readCode(typed), { isValid: true, code: "7KQ2M9XD4TRP" }, typed);
    }
  });

  it("read O as 0 and I or L as 1, the characters a code never holds", () => {
    assert.deepEqual(readCode("OOOO-IIII-LLLL"), { isValid: true, code: "000011111111" });
    assert.deepEqual(readCode("o1l0-i1l0-0000"), { isValid: true, code: "011011100000" });
  });

  it("refuse what cannot be a code, saying what is wrong", () => {
    const empty = readCode("  - ");
    assert.equal(empty.isValid, false);
    assert.match(!empty.isValid ? empty.message : "", /Type the code printed in the notice/);
    const short = readCode("7KQ2-M9XD");
    assert.match(!short.isValid ? short.message : "", /12 characters .*this one has 8/);
    const long = readCode("7KQ2-M9XD-4TRP-X");
    assert.match(!long.isValid ? long.message : "", /this one has 13/);
    const letterU = readCode("UKQ2-M9XD-4TRP");
    assert.match(!letterU.isValid ? letterU.message : "", /"U" cannot be part of one/);
    const symbols = readCode("7KQ2/M9XD!4TRP");
    assert.match(!symbols.isValid ? symbols.message : "", /"\/ !" cannot be part of one/);
  });
});
