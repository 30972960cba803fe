import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeText, foldLine, formatUtc, writeCalendar } from "./ics-writer.policy.js";

describe("ICS writer", () => {
  it("escapes backslash, semicolon, comma and line breaks in text", () => {
    assert.equal(escapeText("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
  });

  it("writes instants in UTC form", () => {
    assert.equal(formatUtc(new Date("2016-04-23T13:59:59.999Z")), "20160423T135959Z");
  });

  it("folds lines at 75 octets with CRLF and a space, never inside a UTF-8 character", () => {
    assert.equal(foldLine("SUMMARY:short"), "SUMMARY:short");
    const long = `DESCRIPTION:${"x".repeat(200)}`;
    const folded = foldLine(long);
    const lines = folded.split("\r\n");
    assert.equal(lines[0]?.length, 75);
    for (const line of lines.slice(1)) {
      assert.ok(line.startsWith(" "));
      assert.ok(Buffer.byteLength(line) <= 75);
    }
    assert.equal(lines.map((l, i) => (i === 0 ? l : l.slice(1))).join(""), long);

    // "é" is two octets: 36 of them after "SUMMARY:" (8 octets) fill 80 octets.
    const accented = `SUMMARY:${"é".repeat(36)}`;
    const parts = foldLine(accented).split("\r\n");
    assert.equal(Buffer.byteLength(parts[0]!), 74, "the 34th é would pass 75 octets, so it moves to the next line");
    assert.equal(parts.map((l, i) => (i === 0 ? l : l.slice(1))).join(""), accented);
    for (const part of parts) assert.ok(!part.includes("\uFFFD"));
  });

  it("writes a calendar with CRLF line ends, a VEVENT and its VALARM", () => {
    const text = writeCalendar({
      name: "Breachdesk deadlines, Ana",
      events: [
        {
          uid: "obligation-1@breachdesk",
          startAt: new Date("2016-04-23T13:59:59.999Z"),
          stampAt: new Date("2026-03-02T09:00:00Z"),
          summary: "BD-2016-0001: Assess; notify",
          description: "Line one\nLine two, with a comma",
          url: "https://breachdesk.example.org/incidents/BD-2016-0001",
          alarm: { minutesBefore: 1440, description: "Deadline in 24 hours" },
        },
      ],
    });
    assert.ok(text.endsWith("END:VCALENDAR\r\n"));
    assert.equal(text.replace(/\r\n/g, "").includes("\n"), false, "only CRLF line ends");
    const unfolded = text.replace(/\r\n /g, "");
    assert.match(unfolded, /\r\nX-WR-CALNAME:Breachdesk deadlines\\, Ana\r\n/);
    assert.match(unfolded, /\r\nDTSTART:20160423T135959Z\r\n/);
    assert.match(unfolded, /\r\nSUMMARY:BD-2016-0001: Assess\\; notify\r\n/);
    assert.match(unfolded, /\r\nDESCRIPTION:Line one\\nLine two\\, with a comma\r\n/);
    assert.match(
      unfolded,
      /BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Deadline in 24 hours\r\nTRIGGER:-PT1440M\r\nEND:VALARM/,
    );
  });
});
