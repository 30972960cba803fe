import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { foldedNameSql, foldName, prefixRange } from "./name-fold.js";

describe("foldName", () => {
  it("folds Latin accents and case, keeps other characters", () => {
    assert.equal(foldName("Élodie MÜLLER"), "elodie muller");
    assert.equal(foldName("  Jürgen   Straße "), "jurgen strasse");
    assert.equal(foldName("Łukasz Żółć"), "lukasz zolc");
    assert.equal(foldName("Ærø Œuvre Þór"), "aero oeuvre thor");
    // Outside the table: kept as written (the SQL keeps them too).
    assert.equal(foldName("Дмитрий 李"), "Дмитрий 李");
    // Decomposed input (e + combining acute) is composed first.
    assert.equal(foldName("E\u0301lodie"), "elodie");
  });

  it("has SQL for both databases naming the same letters", () => {
    const postgres = foldedNameSql("postgresql", '"n"');
    const sqlite = foldedNameSql("sqlite", '"n"');
    for (const letter of ["É", "ü", "ß", "Ł"]) {
      assert.ok(postgres.includes(letter), `postgresql folds ${letter}`);
      assert.ok(sqlite.includes(letter), `sqlite folds ${letter}`);
    }
    assert.match(sqlite, /GLOB '\*\[\^ -~\]\*'/);
  });
});

describe("prefixRange", () => {
  it("is the half-open range of the texts that start with the prefix", () => {
    assert.deepEqual(prefixRange("elo"), { low: "elo", high: "elp" });
    assert.deepEqual(prefixRange("a@b."), { low: "a@b.", high: "a@b/" });
    // The last character at the top of the code points: the one before it moves up instead.
    assert.deepEqual(prefixRange("a\u{10FFFF}"), { low: "a\u{10FFFF}", high: "b" });
    assert.deepEqual(prefixRange("\u{10FFFF}"), { low: "\u{10FFFF}", high: null });
    // Surrogates are skipped: the next code point after U+D7FF is U+E000.
    assert.deepEqual(prefixRange("\uD7FF"), { low: "\uD7FF", high: "\uE000" });
  });
});
