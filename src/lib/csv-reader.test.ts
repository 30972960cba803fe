import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CsvDelimiter, type CsvRecord, detectDelimiter, parseCsvChunks, parseCsvText } from "./csv-reader.js";

async function parse(chunks: string[], delimiter?: CsvDelimiter): Promise<CsvRecord[]> {
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

describe("CSV reader", () => {
  it("parses quotes, embedded delimiters and newlines, CRLF, with physical line numbers, at any chunk boundary", async () => {
    const records = await parseAllSplits('a,b\r\n"x, ""y""","1\r\n2"\r\n\r\nlast,\n');
    assert.deepEqual(records, [
      { line: 1, fields: ["a", "b"], raw: "a,b" },
      { line: 2, fields: ['x, "y"', "1\r\n2"], raw: '"x, ""y""","1\r\n2"' },
      { line: 5, fields: ["last", ""], raw: "last," },
    ]);
  });

  it("ends records at LF, CRLF and a lone CR mixed in one file, and skips lines of spaces", async () => {
    const records = await parseAllSplits("a,b\r\nc,d\ne,f\r  \ng,h");
    assert.deepEqual(
      records.map((r) => [r.line, r.fields, r.raw]),
      [
        [1, ["a", "b"], "a,b"],
        [2, ["c", "d"], "c,d"],
        [3, ["e", "f"], "e,f"],
        [5, ["g", "h"], "g,h"],
      ],
    );
  });

  it("detects semicolons and tabs from the first line; spaces around a quoted field are padding", async () => {
    const [semi] = await parse(['"a;b";c;d\n1;2;3\n']);
    assert.deepEqual(semi!.fields, ["a;b", "c", "d"]);
    const [tab] = await parse(["a\tb\tc, d\n"]);
    assert.deepEqual(tab!.fields, ["a", "b", "c, d"]);
    const [padded] = await parse(['a, "b, c" ,d\n']);
    assert.deepEqual(padded!.fields, ["a", "b, c", "d"]);
    const [inner] = await parse(['Anna "Nan" Lee,5\'11"\n']);
    assert.deepEqual(inner!.fields, ['Anna "Nan" Lee', "5'11\""]);
  });

  it("reports a stray quote on its own line and goes on with the next", async () => {
    const records = await parseAllSplits('h1,h2\nx,"open\ny,z\n');
    assert.deepEqual(records, [
      { line: 1, fields: ["h1", "h2"], raw: "h1,h2" },
      { line: 2, fields: ['x,"open'], raw: 'x,"open', error: "unclosed_quote" },
      { line: 3, fields: ["y", "z"], raw: "y,z" },
    ]);
    const [, after, next] = await parse(['a,b\n"q"x,2\n"r" x,3\nc,d\n']);
    assert.deepEqual([after!.line, after!.raw, after!.error], [2, '"q"x,2', "text_after_quote"]);
    assert.deepEqual([next!.line, next!.error], [3, "text_after_quote"]);
    const [, escaped] = await parse(['a,b\n"""q""",2\n']);
    assert.deepEqual([escaped!.error, escaped!.fields], [undefined, ['"q"', "2"]]);
  });

  it("gives up on a quoted field past the record limit at its first line, keeping the lines after", async () => {
    const long = "x".repeat(700_000);
    const records = await parse(["h\n", `"${long}\n`, `${long}\n`, "after\n"]);
    assert.deepEqual(
      records.map((r) => [r.line, r.error ?? "", r.raw.length]),
      [
        [1, "", 1],
        [2, "unclosed_quote", 700_001],
        [3, "", 700_000],
        [4, "", 5],
      ],
    );
  });

  it("reads a text held whole, dropping a byte order mark", () => {
    const { delimiter, records } = parseCsvText("\uFEFFtime;kind\n\n  \nx;y\n\n");
    assert.equal(delimiter, ";");
    assert.deepEqual(
      records.map((r) => [r.line, r.fields]),
      [
        [1, ["time", "kind"]],
        [4, ["x", "y"]],
      ],
    );
  });

  it("detects the delimiter from the header line, ignoring quoted text", () => {
    assert.equal(detectDelimiter("timestamp;kind;description\n1,2,3,4,5"), ";");
    assert.equal(detectDelimiter("timestamp\tkind\tdescription"), "\t");
    assert.equal(detectDelimiter('"a;b;c;d",kind,description'), ",");
    assert.equal(detectDelimiter("single"), ",");
  });
});
