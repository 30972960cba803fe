import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatShare } from "./ledger-coverage.service.js";
import { readLettersFile } from "./letters-file.policy.js";

const now = new Date("2026-03-10T00:00:00Z");
const zone = "Australia/Sydney";

describe("a file of letters sent", () => {
  it("reads each line's person, channel, instant (in the incident's zone) and note, the form filling in", () => {
    const file = readLettersFile(
      [
        "person_id,name,letter_text,told_at,note",
        'p-1,Aroha,"Dear Aroha,\nWe write...",2026-03-05 14:00,RL-1',
        "p-2,Ben,text,,",
        "p-3,Cy,text,2026-03-06,",
      ].join("\r\n"),
      { channel: "letter", toldAt: "2026-03-04 09:00", note: "Batch 7" },
      zone,
      now,
    );
    assert.equal(file.fileError, undefined);
    assert.deepEqual(file.ignoredColumns, ["name", "letter_text"]);
    assert.deepEqual(
      file.lines.map((l) => [l.line, l.key?.value, l.channel, l.toldAt?.toISOString(), l.note, l.errors]),
      [
        [2, "p-1", "letter", "2026-03-05T03:00:00.000Z", "RL-1", []],
        // The letter's text spans two physical lines: the next record starts on line 4.
        [4, "p-2", "letter", "2026-03-03T22:00:00.000Z", "Batch 7", []],
        [5, "p-3", "letter", "2026-03-05T13:00:00.000Z", "Batch 7", []],
      ],
    );
  });

  it("names every line it cannot use, with why", () => {
    const file = readLettersFile(
      [
        "External ID,E-mail,Channel,Told at",
        "x1,,carrier pigeon,2026-03-05 14:00",
        ",,letter,2026-03-05 14:00",
        ',AROHA@Example.org,"phone,2026-03-05',
        "x4,,letter,2026-04-01 10:00",
        "x5,,letter,yesterday",
        "x6,,letter,2026-03-05 10:00,extra",
      ].join("\n"),
      {},
      zone,
      now,
    );
    const errors = new Map(file.lines.map((l) => [l.line, l.errors.join(" ")]));
    assert.match(errors.get(2)!, /channel "carrier pigeon" is not one of letter, phone call, public statement, other/);
    assert.match(errors.get(2)!, /gives no note, and none was given for lines without one/);
    assert.match(errors.get(3)!, /names nobody/);
    assert.match(errors.get(4)!, /quotes are broken/);
    assert.match(errors.get(5)!, /2026-04-01 10:00 is in the future/);
    assert.match(errors.get(6)!, /"yesterday": Use the form 2016-03-22 09:30/);
    assert.match(errors.get(7)!, /5 fields where the header has 4/);
    assert.deepEqual(file.lines[0]!.key, { column: "external_id", value: "x1" });
  });

  it("refuses a file whose header names nobody, or with no lines", () => {
    assert.match(readLettersFile("name,address\nA,B", {}, zone, now).fileError!, /needs a column person_id, delivery_id/);
    assert.match(readLettersFile("person_id\r\n", {}, zone, now).fileError!, /a header but no lines/);
    assert.match(readLettersFile("", {}, zone, now).fileError!, /no header row/);
  });
});

describe("a coverage share", () => {
  it("reads 100% only when complete, and rounds down otherwise", () => {
    assert.equal(formatShare(4999 / 5000, false), "99.9%");
    assert.equal(formatShare(1, true), "100%");
    assert.equal(formatShare(0.29, false), "29.0%");
    assert.equal(formatShare(120 / 128, false), "93.7%");
    assert.equal(formatShare(null, false), "—");
  });
});
