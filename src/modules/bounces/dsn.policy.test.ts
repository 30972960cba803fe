import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { projectRoot } from "../../lib/paths.js";
import { parseDeliveryStatusNotification } from "./dsn.policy.js";

const fixture = (name: string) => readFileSync(join(projectRoot, "test", "fixtures", "dsn", name));

describe("delivery status notifications (RFC 3464)", () => {
  it("reads Postfix's user-unknown bounce: the recipient, the 5.1.1 status, the server's words, the notice's Message-ID", async () => {
    const dsn = await parseDeliveryStatusNotification(fixture("postfix-user-unknown.eml"));
    assert.equal(dsn.reportingMta, "mx.example.net");
    assert.equal(dsn.originalMessageId, "<delivery.0f6c2a8e1b3d4c5e@breachdesk.example.org>");
    assert.deepEqual(dsn.recipients, [
      {
        email: "zoe.muller@example.net",
        action: "failed",
        status: "5.1.1",
        diagnostic: "550 5.1.1 <zoe.muller@example.net>: Recipient address rejected: User unknown",
        isPermanent: true,
      },
    ]);
  });

  it("decodes a base64 report with a delayed and a failed recipient, and finds the Message-ID in a returned message", async () => {
    const dsn = await parseDeliveryStatusNotification(fixture("delayed-and-failed-base64.eml"));
    assert.equal(dsn.originalMessageId, "<delivery.9a9a@breachdesk.example.org>");
    assert.deepEqual(
      dsn.recipients.map((r) => [r.email, r.action, r.status, r.isPermanent]),
      [
        ["jose@example.com", "delayed", "4.4.1", false],
        ["soren@example.com", "failed", "5.2.2", true],
      ],
    );
    assert.equal(dsn.recipients[1]?.diagnostic, "552 5.2.2 Mailbox full");
  });

  it("reads CRLF line ends and a report without per-message fields", async () => {
    const raw = [
      "Content-Type: multipart/report; report-type=delivery-status; boundary=XX",
      "",
      "--XX",
      "Content-Type: message/delivery-status",
      "",
      "Final-Recipient: rfc822; a@example.org",
      "Action: failed",
      "",
      "--XX--",
      "",
    ].join("\r\n");
    const dsn = await parseDeliveryStatusNotification(raw);
    assert.equal(dsn.reportingMta, "");
    assert.equal(dsn.originalMessageId, null);
    assert.deepEqual(dsn.recipients, [
      { email: "a@example.org", action: "failed", status: "", diagnostic: "", isPermanent: true },
    ]);
  });

  it("refuses a message that is not a DSN, and a DSN naming nobody, saying why", async () => {
    await assert.rejects(
      parseDeliveryStatusNotification("Subject: Out of office\n\nI am away until Monday.\n"),
      /not a delivery status notification \(RFC 3464\)/,
    );
    const nobody =
      "Content-Type: multipart/report; boundary=B\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\n--B--\n";
    await assert.rejects(parseDeliveryStatusNotification(nobody), /names no recipient/);
  });

  it("refuses a multipart/report whose only report is a text explanation: it is left for a person, not guessed at", async () => {
    await assert.rejects(
      parseDeliveryStatusNotification(fixture("report-without-status-part.eml")),
      /not a delivery status notification \(RFC 3464\): it has no message\/delivery-status part/,
    );
  });

  it("reads a report whose boundary is an RFC 2231 parameter in two pieces, with encoded words and a quoted-printable status", async () => {
    const dsn = await parseDeliveryStatusNotification(fixture("encoded-headers.eml"));
    assert.equal(dsn.reportingMta, "mx.example.fr");
    assert.equal(dsn.originalMessageId, "<delivery.5e5e@breachdesk.example.org>");
    assert.deepEqual(dsn.recipients, [
      {
        email: "elodie.fournier@example.fr",
        action: "failed",
        status: "5.1.1",
        diagnostic: "550 5.1.1 <elodie.fournier@example.fr>: adresse inconnue",
        isPermanent: true,
      },
    ]);
  });

  it("reads a remote server's ISO-8859-1 words in the status part as the letters they are", async () => {
    const dsn = await parseDeliveryStatusNotification(fixture("latin1-charset.eml"));
    assert.equal(dsn.originalMessageId, "<delivery.4242@breachdesk.example.org>");
    assert.deepEqual(
      dsn.recipients.map((r) => [r.email, r.status, r.diagnostic]),
      [["juergen.mueller@example.de", "5.2.2", "552 5.2.2 Postfach von Jürgen Müller ist voll"]],
    );
  });
});
