import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildErrorReport, type CsvRow, kindFromText, readTimelineCsv } from "./timeline-csv.policy.js";

function reasonsOf(row: CsvRow | undefined): string {
  assert.ok(row && !row.ok, "expected a bad row");
  return row.reasons.join(" | ");
}

describe("timeline CSV records", () => {
  it("reports an unclosed quote and text after a closing quote in the report's words, and reads the rows after", () => {
    const csv =
      'timestamp,kind,description\n2026-03-01 10:00,note,"closed"then text\n2026-03-01 10:00,note,"never closed\n2026-03-01 11:00,note,fine\n';
    const result = readTimelineCsv(csv, "UTC");
    assert.deepEqual(
      result.rows.map((r) => [r.line, r.ok]),
      [
        [2, false],
        [3, false],
        [4, true],
      ],
    );
    assert.match(reasonsOf(result.rows[0]), /^Text follows a closing quote mark/);
    assert.match(reasonsOf(result.rows[1]), /^A quoted field is never closed/);
  });

  it("refuses a header it cannot read, saying why", () => {
    const result = readTimelineCsv('timestamp,"kind,description\n', "UTC");
    assert.match(result.fileError ?? "", /header row \(line 1\) could not be read: A quoted field is never closed/);
  });
});

describe("kindFromText", () => {
  it("accepts ids and labels in any case", () => {
    assert.equal(kindFromText("DETECTION"), "detection");
    assert.equal(kindFromText("intrusion step"), "intrusion");
    assert.equal(kindFromText(" Intrusion  Step "), "intrusion");
    assert.equal(kindFromText("intrusion"), "intrusion");
    assert.equal(kindFromText("breach"), undefined);
  });
});

describe("readTimelineCsv", () => {
  it("reads good rows in any column order, with offsets or in the default zone", () => {
    const csv = [
      "Description,TYPE,When",
      "Alert fired,detection,2026-03-01 09:15",
      'Firewall rule "deny all",Containment,2026-03-01T12:00+11:00',
      "Logs copied,evidence,2026-03-01T01:00Z",
    ].join("\n");
    const result = readTimelineCsv(csv, "Australia/Sydney");
    assert.equal(result.fileError, null);
    assert.equal(result.goodCount, 3);
    assert.equal(result.badCount, 0);
    const events = result.rows.map((r) => (r.ok ? r.event : null));
    assert.deepEqual(events[0], {
      occurredAt: new Date("2026-02-28T22:15:00Z"),
      occurredZone: "Australia/Sydney",
      kind: "detection",
      description: "Alert fired",
    });
    assert.equal(events[1]?.occurredZone, "UTC+11:00");
    assert.equal(events[1]?.occurredAt.toISOString(), "2026-03-01T01:00:00.000Z");
    assert.equal(events[1]?.description, 'Firewall rule "deny all"');
    assert.equal(events[2]?.occurredZone, "UTC");
  });

  it("accepts semicolons and tabs, CRLF and a BOM", () => {
    const semi = readTimelineCsv(
      "\uFEFFtimestamp;kind;description\r\n2026-03-01 10:00;note;Call with the host, notes kept\r\n",
      "UTC",
    );
    assert.equal(semi.delimiter, ";");
    assert.equal(semi.goodCount, 1);
    const tab = readTimelineCsv("time\tevent\tdescription\n2026-03-01 10:00\tNote\tTabbed\n", "UTC");
    assert.equal(tab.delimiter, "\t");
    assert.equal(tab.goodCount, 1);
  });

  it("gives each bad row its physical line and every reason", () => {
    const csv = [
      "timestamp,kind,description", // 1
      "2026-03-01 10:00,note,fine", // 2
      '2026-03-01 11:00,note,"spans', // 3
      'two lines"', // 4
      "2026-03-01 12:00,note", // 5
      "yesterday,breach,", // 6
      "2026-03-01 13:00,note,too,many", // 7
    ].join("\n");
    const result = readTimelineCsv(csv, "UTC");
    assert.equal(result.goodCount, 2);
    assert.equal(result.badCount, 3);
    assert.deepEqual(
      result.rows.map((r) => [r.line, r.ok]),
      [
        [2, true],
        [3, true],
        [5, false],
        [6, false],
        [7, false],
      ],
    );
    assert.match(reasonsOf(result.rows[2]), /Expected 3 fields separated by commas, found 2/);
    const six = reasonsOf(result.rows[3]);
    assert.match(six, /Timestamp "yesterday": Use the form/);
    assert.match(six, /Unknown kind "breach"\. Use one of: detection, intrusion, evidence, containment, decision/);
    assert.match(six, /The description is empty/);
    assert.match(reasonsOf(result.rows[4]), /found 4/);
  });

  it("refuses local times that daylight saving skipped or repeated, asking for the offset", () => {
    const csv = [
      "timestamp,kind,description",
      "2026-10-04 02:30,note,in the Sydney spring-forward gap",
      "2026-04-05 02:30,note,in the Sydney fall-back overlap",
      "2026-04-05T02:30+11:00,note,the same with its offset",
    ].join("\n");
    const result = readTimelineCsv(csv, "Australia/Sydney");
    assert.match(reasonsOf(result.rows[0]), /does not exist in Australia\/Sydney/);
    assert.match(reasonsOf(result.rows[1]), /happened twice in Australia\/Sydney.*\+11:00 or \+10:00/);
    assert.ok(result.rows[2]!.ok);
  });

  it("refuses too long descriptions and reports unclosed quotes as row errors", () => {
    const long = "x".repeat(5001);
    const result = readTimelineCsv(
      `timestamp,kind,description\n2026-03-01 10:00,note,${long}\n2026-03-01 10:00,note,"open`,
      "UTC",
    );
    assert.match(reasonsOf(result.rows[0]), /5001 characters; at most 5000/);
    assert.match(reasonsOf(result.rows[1]), /never closed/);
  });

  it("refuses a description with a control character or a right-to-left override, keeping line breaks and Persian's joiner", () => {
    const result = readTimelineCsv(
      [
        "timestamp,kind,description",
        "2026-03-01 10:00,note,Bell\u0007",
        "2026-03-01 10:00,note,Invoice\u202Efdp.exe",
        '2026-03-01 10:00,note,"Two\r\nlines, \u0646\u0645\u06cc\u200c\u062f\u0627\u0646\u0645"',
      ].join("\n"),
      "UTC",
    );
    assert.equal(reasonsOf(result.rows[0]), "The description contains a control character (U+0007) at position 5; remove it.");
    assert.match(reasonsOf(result.rows[1]), /^The description contains a right-to-left override \(U\+202E\) at position 8/);
    assert.ok(result.rows[2]!.ok);
  });

  it("refuses a file without the three columns, saying what is missing or unknown", () => {
    assert.equal(readTimelineCsv("", "UTC").fileError, "The file is empty.");
    assert.match(readTimelineCsv("\n\n", "UTC").fileError ?? "", /empty/);
    assert.match(readTimelineCsv("timestamp,kind\n1,2", "UTC").fileError ?? "", /lacks description/);
    assert.match(readTimelineCsv("timestamp,kind,description,owner\n1,2,3,4", "UTC").fileError ?? "", /does not know: owner/);
    assert.match(readTimelineCsv("time,when,kind,description\n", "UTC").fileError ?? "", /timestamp column twice/);
    assert.match(readTimelineCsv("timestamp,kind,description\n", "UTC").fileError ?? "", /no events/);
  });
});

describe("buildErrorReport", () => {
  it("lists bad rows with line, row and reason, quoting and neutralising formulas", () => {
    const csv = [
      "timestamp,kind,description",
      "2026-03-01 10:00,note,ok",
      '=HYPERLINK("x"),note,"a, b"',
      "2026-03-01 10:00,@cmd,-1+1",
    ].join("\n");
    const report = buildErrorReport(readTimelineCsv(csv, "UTC").rows);
    assert.ok(report.startsWith("\uFEFFline,row,reason\r\n"));
    const lines = report.slice(1).trimEnd().split("\r\n");
    assert.equal(lines.length, 3);
    assert.ok(lines[1]!.startsWith('3,"\'=HYPERLINK(""x""),note,""a, b""",'), lines[1]);
    assert.ok(lines[2]!.startsWith('4,"2026-03-01 10:00,@cmd,-1+1",'), lines[2]);
  });
});
