import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type CsvRecord, parseCsvChunks, readCsvFile } from "./csv-stream.js";
import { decodeWindows1252, detectFileEncoding } from "./encoding.js";

async function parse(chunks: string[], delimiter?: "," | ";" | "\t"): Promise<CsvRecord[]> {
  async function* source() {
    yield* chunks;
  }
  const out: CsvRecord[] = [];
  for await (const records of parseCsvChunks(source(), { delimiter })) out.push(...records);
  return out;
}

/** Every split of the text into two chunks must parse the same as the whole. */
async function parseAllSplits(text: string) {
  const whole = await parse([text]);
  for (let i = 1; i < text.length; i++) assert.deepEqual(await parse([text.slice(0, i), text.slice(i)]), whole, `split at ${i}`);
  return whole;
}

describe("streaming CSV", () => {
  it("parses quotes, embedded delimiters and newlines, CRLF, with physical line numbers, at any chunk boundary", async () => {
    const records = await parseAllSplits('a,b\r\n"x, ""y""","1\r\n2"\r\n\r\nlast,\n');
    assert.deepEqual(records, [
      { line: 1, fields: ["a", "b"], raw: "a,b" },
      { line: 2, fields: ['x, "y"', "1\r\n2"], raw: '"x, ""y""","1\r\n2"' },
      { line: 5, fields: ["last", ""], raw: "last," },
    ]);
  });

  it("detects semicolons and tabs from the first line", async () => {
    const [semi] = await parse(['"a;b";c;d\n1;2;3\n']);
    assert.deepEqual(semi!.fields, ["a;b", "c", "d"]);
    const [tab] = await parse(["a\tb\tc, d\n"]);
    assert.deepEqual(tab!.fields, ["a", "b", "c, d"]);
  });

  it("reports a stray quote on its own line and goes on with the next", async () => {
    const records = await parseAllSplits('h1,h2\nx,"open\ny,z\n');
    assert.deepEqual(records, [
      { line: 1, fields: ["h1", "h2"], raw: "h1,h2" },
      { line: 2, fields: ['x,"open'], raw: 'x,"open', error: "unclosed_quote" },
      { line: 3, fields: ["y", "z"], raw: "y,z" },
    ]);
    const [, after] = await parse(['a,b\n"q"x,2\n']);
    assert.equal(after!.error, "text_after_quote");
  });

  it("decodes Windows-1252 including the 0x80-0x9F range and detects encodings", async () => {
    assert.equal(decodeWindows1252(new Uint8Array([0x80, 0xe9, 0x9c])), "€éœ");
    const dir = mkdtempSync(join(tmpdir(), "breachdesk-enc-"));
    try {
      const write = (name: string, bytes: Buffer) => {
        writeFileSync(join(dir, name), bytes);
        return join(dir, name);
      };
      assert.equal(await detectFileEncoding(write("u8.csv", Buffer.from("é,b\n"))), "utf-8");
      assert.equal(await detectFileEncoding(write("bom.csv", Buffer.from("\uFEFFé,b\n"))), "utf-8-bom");
      assert.equal(await detectFileEncoding(write("cp.csv", Buffer.from([0x4a, 0xe9, 0x2c, 0x62, 0x0a]))), "windows-1252");
      const utf16 = write("u16.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("név,b\n1,2\n", "utf16le")]));
      assert.equal(await detectFileEncoding(utf16), "utf-16le");
      const records: CsvRecord[] = [];
      for await (const batch of readCsvFile(utf16, { encoding: "utf-16le" })) records.push(...batch);
      assert.deepEqual(
        records.map((r) => r.fields),
        [
          ["név", "b"],
          ["1", "2"],
        ],
      );
      await assert.rejects(detectFileEncoding(write("bin.csv", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))), /NUL bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
