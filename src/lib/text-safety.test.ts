import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { findUnsafeCharacter, unsafeCharacterMessage } from "./text-safety.js";
import { parseInput, safeText } from "./validation.js";

const found = (text: string, kind: "line" | "long" = "line") => {
  const f = findUnsafeCharacter(text, kind);
  return f && `${f.codePoint}@${f.position}`;
};

describe("findUnsafeCharacter", () => {
  it("passes plain text of any script, and tab", () => {
    for (const text of ["Ada Lovelace", "José Müller", "Łódź\tPL", "张伟", "Ζωή", "O'Brien-Smith", ""]) {
      assert.equal(found(text), undefined, text);
    }
  });

  it("refuses NUL and the other C0, DEL and C1 controls, counting the position in characters", () => {
    assert.equal(found("ab\u0000c"), "U+0000@3");
    assert.equal(found("😀\u0007"), "U+0007@2");
    assert.equal(found("x\u007f"), "U+007F@2");
    assert.equal(found("x\u0085"), "U+0085@2");
    assert.equal(found("\u001b[31mred"), "U+001B@1");
  });

  it("refuses line breaks in one line and keeps them, CR LF included, in long text", () => {
    assert.equal(found("one\ntwo"), "U+000A@4");
    assert.equal(found("one\r\ntwo", "long"), undefined);
    assert.equal(found("one\r\n\u0000", "long"), "U+0000@6");
  });

  it("refuses every bidirectional embedding, override and isolate, in one line and in long text", () => {
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      const text = `Invoice${String.fromCodePoint(code)}fdp.exe`;
      assert.equal(found(text), `U+${code.toString(16).toUpperCase()}@8`);
      assert.equal(found(text, "long"), `U+${code.toString(16).toUpperCase()}@8`);
    }
  });

  it("keeps the direction marks an Arabic or Hebrew name may hold", () => {
    assert.equal(found("\u05d3\u05d5\u05d3 \u200f123"), undefined);
    assert.equal(found("\u0645\u062d\u0645\u062f\u200e (2)"), undefined);
    assert.equal(found("\u061c\u0661\u0662"), undefined);
  });

  it("refuses zero-width characters that only hide something", () => {
    assert.equal(found("pay\u200bpal"), "U+200B@4");
    assert.equal(found("pay\u200cpal"), "U+200C@4");
    assert.equal(found("pay\u200dpal", "long"), "U+200D@4");
    assert.equal(found("pay\u2060pal"), "U+2060@4");
    assert.equal(found("a\ufeffb", "long"), "U+FEFF@2");
    assert.equal(found("\u200cstart"), "U+200C@1");
  });

  it("keeps the joiners where Persian, Hindi and emoji need them, and Thai's word break", () => {
    // Hosseinzadeh in Persian, with the non-joiner before the suffix.
    assert.equal(found("\u062d\u0633\u06cc\u0646\u200c\u0632\u0627\u062f\u0647"), undefined);
    // क्‍ष (a half form by ZWJ), and a Persian sentence with ZWNJ: long text too.
    assert.equal(found("\u0915\u094d\u200d\u0937"), undefined);
    assert.equal(
      found("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645\n\u0646\u0645\u06cc\u200c\u062f\u0627\u0646\u0645", "long"),
      undefined,
    );
    // Woman technologist: woman, ZWJ, laptop; and a skin tone before the joiner.
    assert.equal(found("\u{1f469}\u200d\u{1f4bb}"), undefined);
    assert.equal(found("\u{1f469}\u{1f3fd}\u200d\u{1f4bb}"), undefined);
    assert.equal(found("\u0e2a\u0e27\u0e31\u0e2a\u200b\u0e14\u0e35"), undefined);
    assert.equal(found("a\u200b\u0e14"), "U+200B@2");
  });
});

describe("safeText, the zod refinement", () => {
  it("name the field, the character and its position, and say to remove it", () => {
    const schema = z.object({
      title: z.string().trim().max(200).superRefine(safeText("The title", "line")),
      notes: z.string().trim().superRefine(safeText("The notes", "long")),
    });
    assert.throws(
      () => parseInput(schema, { title: "Leak\u202Etxt.exe", notes: "" }),
      (error: { fieldErrors: Record<string, string> }) => {
        assert.equal(
          error.fieldErrors.title,
          "The title contains a right-to-left override (U+202E) at position 5, an invisible character: it reorders the text around it; remove it.",
        );
        return true;
      },
    );
    assert.throws(
      () => parseInput(schema, { title: "ok", notes: "a\r\nb\u0000" }),
      (error: { fieldErrors: Record<string, string> }) =>
        error.fieldErrors.notes === "The notes contains a control character (U+0000) at position 5; remove it.",
    );
    assert.deepEqual(parseInput(schema, { title: " ok ", notes: "line\r\nline" }), { title: "ok", notes: "line\r\nline" });
  });

  it("safeText refines an existing chain", () => {
    const schema = z.string().trim().min(1).superRefine(safeText("The subject", "line"));
    assert.equal(schema.safeParse("a\u200bb").success, false);
    assert.equal(schema.safeParse("ab").success, true);
  });

  it("the messages read for every kind", () => {
    const zw = findUnsafeCharacter("a\u200bb", "line")!;
    assert.equal(
      unsafeCharacterMessage("The name", zw),
      "The name contains a zero-width space (U+200B) at position 2, an invisible character: it can disguise the text around it; remove it.",
    );
  });
});
