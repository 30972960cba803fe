import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inflateSync } from "node:zlib";
import type { StatementExport } from "./statement-export.policy.js";
import { fontRuns, renderStatementPdf } from "./statement-pdf.service.js";

/** The characters a PDF's fonts map back to Unicode (their ToUnicode maps), and the fonts it embeds. */
function readPdf(pdf: Buffer): { characters: Set<string>; fonts: string[] } {
  const raw = pdf.toString("latin1");
  const fonts = [...new Set([...raw.matchAll(/\/BaseFont \/[A-Z]{6}\+([\w-]+)/g)].map((m) => m[1]!))].sort();
  const characters = new Set<string>();
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let text = "";
    try {
      text = inflateSync(Buffer.from(m[1]!, "latin1")).toString("latin1");
    } catch {
      continue;
    }
    for (const range of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const hex of range[1]!.matchAll(/<([0-9a-f]{4})>/gi))
        characters.add(String.fromCodePoint(Number.parseInt(hex[1]!, 16)));
    }
  }
  return { characters, fonts };
}

const statement = (entity: string): StatementExport =>
  ({
    reference: "BD-2026-0001",
    rule: { id: "AU-NDB-oaic", party: "Australian Information Commissioner", citations: [] },
    id: "s1",
    version: 1,
    savedAt: new Date("2026-03-01T00:00:00Z"),
    savedBy: "Mei Manager",
    zone: "Australia/Sydney",
    fields: { entity },
    missing: [],
    submission: null,
  }) as unknown as StatementExport;

describe("the statement's PDF", () => {
  it("prints names outside Windows-1252 with embedded Unicode fonts, not as question marks", async () => {
    const pdf = await renderStatementPdf(statement("Zoë Ōkubo 李, Дмитрий"), new Date("2026-03-01T00:00:00Z"));
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    const { characters, fonts } = readPdf(pdf);
    for (const c of ["Z", "ë", "Ō", "李", "Д"]) assert.ok(characters.has(c), `${c} is in the PDF's fonts`);
    assert.ok(!characters.has("?"), "nothing was replaced by a question mark");
    assert.deepEqual(fonts, ["DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "NotoSansHans-Regular"]);
  });

  it("reads the CJK font only for a statement that needs it", async () => {
    const { fonts } = readPdf(await renderStatementPdf(statement("Zoë Ōkubo"), new Date("2026-03-01T00:00:00Z")));
    assert.ok(!fonts.some((f) => f.startsWith("NotoSans")), fonts.join(", "));
  });

  it("splits a text into runs by the font each needs", () => {
    assert.deepEqual(fontRuns("Zoë 李 Ōkubo"), [
      { text: "Zoë ", isCjk: false },
      { text: "李", isCjk: true },
      { text: " Ōkubo", isCjk: false },
    ]);
    assert.deepEqual(fontRuns(""), [{ text: "", isCjk: false }]);
  });
});
