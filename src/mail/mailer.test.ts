import assert from "node:assert/strict";
import { describe, it } from "node:test";
import MimeNode from "nodemailer/lib/mime-node/index.js";
import { classifySendError, MailRejectedError, normalizeMessageId, textEncodingOf } from "./mailer.js";

/** An error shaped like the ones nodemailer's SMTP connection raises. */
function smtpError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe("classifySendError", () => {
  for (const code of [421, 450, 451, 452, 454, 471]) {
    it(`treats a ${code} reply as transient`, () => {
      const response = `${code} 4.3.0 Try again later`;
      const result = classifySendError(
        smtpError(`Can't send mail - all recipients were rejected: ${response}`, {
          code: "EENVELOPE",
          responseCode: code,
          response,
          command: "RCPT TO",
        }),
      );
      assert.equal(result.kind, "transient");
      assert.equal(result.responseCode, code);
    });
  }

  for (const code of [550, 551, 552, 553, 554, 535]) {
    it(`treats a ${code} reply as permanent and keeps the server's words`, () => {
      const response = `${code} 5.1.1 <nobody@example.org>: Recipient address rejected`;
      const result = classifySendError(
        smtpError(`Can't send mail - all recipients were rejected: ${response}`, {
          code: "EENVELOPE",
          responseCode: code,
          response,
        }),
      );
      assert.equal(result.kind, "permanent");
      assert.equal(result.responseCode, code);
      assert.match(result.message, /5\.1\.1 <nobody@example\.org>: Recipient address rejected/);
    });
  }

  for (const code of ["ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "ESOCKET", "ECONNECTION", "EPIPE", "EAI_AGAIN", "EDNS"]) {
    it(`treats a ${code} connection error as transient`, () => {
      const result = classifySendError(smtpError(`connect ${code} 127.0.0.1:25`, { code, command: "CONN" }));
      assert.deepEqual(result, { kind: "transient", message: `connect ${code} 127.0.0.1:25` });
    });
  }

  it("reads the code from the reply text when responseCode is missing", () => {
    const result = classifySendError(smtpError("Message failed", { response: "554 5.7.1 Rejected as spam" }));
    assert.equal(result.kind, "permanent");
    assert.equal(result.responseCode, 554);
    assert.equal(result.message, "Message failed: 554 5.7.1 Rejected as spam");
  });

  it("prefers the reply code over a socket-looking error code", () => {
    const result = classifySendError(smtpError("Data command failed: 552 Too big", { code: "ESOCKET", responseCode: 552 }));
    assert.equal(result.kind, "permanent");
  });

  it("is transient when any of several refused recipients was refused temporarily", () => {
    const refusals = [
      smtpError("Recipient command failed: 550 No such user", { code: "EENVELOPE", responseCode: 550 }),
      smtpError("Recipient command failed: 451 Greylisted", { code: "EENVELOPE", responseCode: 451 }),
    ];
    const result = classifySendError(
      smtpError("Can't send mail - all recipients were rejected: 550 No such user", {
        code: "EENVELOPE",
        responseCode: 550,
        rejectedErrors: refusals,
      }),
    );
    assert.equal(result.kind, "transient");
    assert.equal(result.responseCode, 451);
  });

  it("is permanent when every refused recipient was refused for good", () => {
    const refusals = [
      smtpError("Recipient command failed: 550 No such user", { responseCode: 550 }),
      smtpError("553 Bad", { responseCode: 553 }),
    ];
    const result = classifySendError(
      smtpError("Can't send mail", { code: "EENVELOPE", responseCode: 553, rejectedErrors: refusals }),
    );
    assert.equal(result.kind, "permanent");
  });

  it("treats a message refused before sending (no recipients, bad address) as permanent", () => {
    assert.equal(classifySendError(smtpError("No recipients defined", { code: "EENVELOPE", command: "API" })).kind, "permanent");
    assert.equal(classifySendError(new MailRejectedError("No recipients defined")).kind, "permanent");
  });

  it("treats an unrecognised failure as transient, since retries are bounded", () => {
    assert.deepEqual(classifySendError(new Error("something odd")), { kind: "transient", message: "something odd" });
    assert.deepEqual(classifySendError("a thrown string"), { kind: "transient", message: "a thrown string" });
    assert.equal(classifySendError(null).kind, "transient");
  });
});

describe("normalizeMessageId", () => {
  it("keeps a bracketed id as given", () => {
    assert.equal(normalizeMessageId("<abc@breachdesk>"), "<abc@breachdesk>");
  });

  it("adds the brackets nodemailer would add to the header", () => {
    assert.equal(normalizeMessageId("abc@breachdesk"), "<abc@breachdesk>");
  });

  it("refuses an id that could break the header", () => {
    assert.throws(() => normalizeMessageId("<a@b>\r\nBcc: x@y"), MailRejectedError);
    assert.throws(() => normalizeMessageId("  "), MailRejectedError);
  });
});

describe("textEncodingOf", () => {
  const line = (words: string) => `${words} `.repeat(20);
  const samples = {
    "English, long lines": line("Your name and e-mail address were in the attendee list."),
    "French, accents": line("Vos données : nom, adresse électronique, téléphone."),
    Japanese: line("お客様の氏名とメールアドレスが含まれていました。"),
    Greek: line("Τα δεδομένα σας μπορεί να έχουν εκτεθεί."),
    "Japanese with an English name": `${line("お客様の氏名")}Dear Ada Lovelace,`,
    "mostly escapes, a few letters": `${"\u0001\u0002".repeat(50)}abc`,
  };
  for (const [name, text] of Object.entries(samples)) {
    it(`chooses as nodemailer does for a text part: ${name}`, () => {
      const node = new MimeNode("text/plain");
      node.setContent(text);
      assert.equal(textEncodingOf(text), node.getTransferEncoding());
    });
  }

  it("is quoted-printable for Latin letters, base64 with nothing Latin or nothing at all", () => {
    assert.equal(textEncodingOf("abc"), "quoted-printable");
    assert.equal(textEncodingOf("你好"), "base64");
    assert.equal(textEncodingOf(""), "base64", "no letter outnumbers nothing: nodemailer's rule says B");
  });
});
