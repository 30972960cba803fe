import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csvCell, csvLine, neutraliseCell } from "./csv-cells.js";

describe("CSV cells for spreadsheets", () => {
  it("neutralises each formula-starting character", () => {
    for (const c of ["=", "+", "-", "@", "\t", "\r"]) assert.equal(neutraliseCell(`${c}1`), `'${c}1`);
    assert.equal(neutraliseCell("2026-03-01"), "2026-03-01");
  });

  it("quotes cells with commas, quotes and line breaks, and writes CRLF lines", () => {
    assert.equal(csvCell('say "hi", then\nleave'), '"say ""hi"", then\nleave"');
    assert.equal(csvCell("=1+1"), "'=1+1");
    assert.equal(csvLine(["a", 1, null, "=x,y"]), `a,1,,"'=x,y"\r\n`);
  });
});
