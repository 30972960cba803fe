import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type CsvRecord, readCsvFile } from "./csv-file.service.js";
import { decodeWindows1252, detectFileEncoding } from "./encoding.service.js";

describe("people file encodings", () => {
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
