import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeMailboxName, ImapResponseReader, imapString, parseImapValues, readFetch } from "./imap-protocol.js";

const message = Buffer.from("From: MAILER-DAEMON@mx.example.net\r\nSubject: Undelivered\r\n\r\n{5}\r\n* 1 FETCH (\r\n)\r\n");
const stream = Buffer.concat([
  Buffer.from("* 3 EXISTS\r\n* 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {" + message.length + "}\r\n"),
  message,
  Buffer.from(")\r\nB4 OK [READ-ONLY] Fetch completed (0.001 + 0.000 secs).\r\n"),
]);

describe("IMAP responses (RFC 3501)", () => {
  it("reads a message's literal whole however TCP splits it, even one byte at a time", () => {
    for (const size of [1, 2, 7, 64, stream.length]) {
      const reader = new ImapResponseReader();
      const responses = [];
      for (let at = 0; at < stream.length; at += size) responses.push(...reader.push(stream.subarray(at, at + size)));
      assert.deepEqual(
        responses.map((r) => [r.tag, r.text.slice(0, 20)]),
        [
          ["*", "3 EXISTS"],
          ["*", `1 FETCH (UID 7 FLAGS`],
          ["B4", "OK [READ-ONLY] Fetch"],
        ],
        `in chunks of ${size}`,
      );
      const fetch = readFetch(responses[1]!);
      assert.equal(fetch?.seq, 1);
      assert.equal(fetch?.items.get("UID"), "7");
      assert.deepEqual(fetch?.items.get("FLAGS"), ["\\Seen"]);
      assert.deepEqual(fetch?.items.get("BODY[]"), message, `in chunks of ${size}`);
    }
  });

  it("reads an empty literal, two literals in one response, and a response right behind a literal", () => {
    const reader = new ImapResponseReader();
    const responses = reader.push(
      Buffer.from("* 2 FETCH (BODY[HEADER] {0}\r\n BODY[TEXT] {3}\r\nabc UID 9)\r\n+ go ahead\r\n* 4 EXPUNGE\r\n"),
    );
    assert.deepEqual(
      responses.map((r) => r.tag),
      ["*", "+", "*"],
    );
    const items = readFetch(responses[0]!)!.items;
    assert.deepEqual(items.get("BODY[HEADER]"), Buffer.alloc(0));
    assert.deepEqual(items.get("BODY[TEXT]"), Buffer.from("abc"));
    assert.equal(items.get("UID"), "9");
    assert.equal(readFetch(responses[2]!), null);
  });

  it("reads quoted strings with escapes, NIL, nested lists and sections with spaces", () => {
    assert.deepEqual(parseImapValues('1 FETCH (X "a \\"b\\" \\\\c" Y NIL Z ((1 2) ()) BODY[HEADER.FIELDS (DATE FROM)] "")', []), [
      "1",
      "FETCH",
      ["X", Buffer.from('a "b" \\c'), "Y", null, "Z", [["1", "2"], []], "BODY[HEADER.FIELDS (DATE FROM)]", Buffer.alloc(0)],
    ]);
    assert.throws(() => parseImapValues('1 FETCH (X "unterminated)', []), /cannot read/);
    assert.throws(() => parseImapValues("1 FETCH (X {3})", []), /cannot read/);
    assert.throws(() => parseImapValues("1 FETCH (X", []), /cannot read/);
  });

  it("stops at a line longer than its limit, and reads but drops a literal larger than its cap", () => {
    const reader = new ImapResponseReader({ maxLineBytes: 32, maxLiteralBytes: 100 });
    assert.throws(() => reader.push(Buffer.from("* OK ".padEnd(40, "x"))), /line too long/);
    const again = new ImapResponseReader({ maxLineBytes: 32, maxLiteralBytes: 100 });
    const big = Buffer.alloc(101, "x");
    const responses = [
      ...again.push(Buffer.from("* 1 FETCH (BODY[] {101}\r\n")),
      ...again.push(big.subarray(0, 60)),
      ...again.push(Buffer.concat([big.subarray(60), Buffer.from(" UID 3)\r\n* 2 FETCH (BODY[] {3}\r\nabc UID 4)\r\n")])),
    ];
    assert.deepEqual(
      responses.map((r) => [r.droppedLiteralBytes, readFetch(r)?.items.get("BODY[]"), readFetch(r)?.items.get("UID")]),
      [
        [101, Buffer.alloc(0), "3"],
        [undefined, Buffer.from("abc"), "4"],
      ],
    );
  });
});

describe("IMAP arguments", () => {
  it("quotes printable ASCII with its backslashes and quotes escaped, and sends anything else as a literal", () => {
    assert.equal(imapString("bounces"), '"bounces"');
    assert.equal(imapString('p@ss "word"\\'), '"p@ss \\"word\\"\\\\"');
    assert.deepEqual(imapString("pässword"), { literal: Buffer.from("pässword", "utf8") });
    assert.deepEqual(imapString("line\r\nbreak"), { literal: Buffer.from("line\r\nbreak") });
  });

  it("writes mailbox names in modified UTF-7", () => {
    assert.equal(encodeMailboxName("INBOX"), "INBOX");
    assert.equal(encodeMailboxName("Entwürfe"), "Entw&APw-rfe");
    assert.equal(encodeMailboxName("R&D"), "R&-D");
    // The example of RFC 3501 section 5.1.3.
    assert.equal(encodeMailboxName("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  });
});
