import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config/config.js";
import { fixedClock } from "../../src/lib/clock.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import { createMailer } from "../../src/mail/create-mailer.js";
import { getCaughtMail, listCaughtMail } from "../../src/mail/mail-catcher.repository.js";
import { classifySendError, type Mailer } from "../../src/mail/mailer.js";
import { createSmtpMailer } from "../../src/mail/smtp-mailer.js";
import { createTestDatabase, type TestDatabase } from "../helpers/db.js";
import { type SmtpSink, startSmtpSink } from "../helpers/smtp-sink.js";

const SENDER = "Breachdesk <breachdesk@example.org>";

/** A message as the far side saw it, read back from the SMTP sink or the catcher's table. */
interface Received {
  from: string;
  /** envelope recipients */
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  /** lower-cased header names */
  headers: Record<string, string>;
}

interface MailerHarness {
  mailer: Mailer;
  received(messageId: string): Promise<Received | undefined>;
  close(): Promise<void>;
}

let sequence = 0;
function uniqueMessageId(): string {
  sequence += 1;
  return `<contract-${process.pid}-${sequence}@breachdesk>`;
}

/** The behaviour every Mailer must show, whatever carries the message. */
function describeMailerContract(name: string, makeHarness: () => Promise<MailerHarness>) {
  describe(`Mailer contract: ${name}`, () => {
    let harness: MailerHarness;
    before(async () => {
      harness = await makeHarness();
    });
    after(async () => {
      await harness.close();
    });

    async function receivedOrFail(messageId: string): Promise<Received> {
      const got = await harness.received(messageId);
      assert.ok(got, `message ${messageId} was not received`);
      return got;
    }

    it("returns the given Message-ID and the recipient as accepted", async () => {
      const messageId = uniqueMessageId();
      const sent = await harness.mailer.send({ to: "ada@example.org", subject: "Hello", text: "Hi", messageId });
      assert.equal(sent.messageId, messageId);
      assert.deepEqual(sent.accepted, ["ada@example.org"]);
      assert.deepEqual(sent.rejected, []);
      assert.match(sent.response, /^250\b/);
      const got = await receivedOrFail(messageId);
      assert.equal(got.headers["message-id"], messageId);
    });

    it("writes realistic headers: Date, From, To, Subject, MIME-Version, Content-Type", async () => {
      const messageId = uniqueMessageId();
      await harness.mailer.send({ to: "ada@example.org", subject: "Headers", text: "Hi", messageId });
      const got = await receivedOrFail(messageId);
      assert.equal(got.headers.from, SENDER);
      assert.equal(got.headers.to, "ada@example.org");
      assert.equal(got.headers.subject, "Headers");
      assert.equal(got.headers["mime-version"], "1.0");
      assert.match(got.headers["content-type"] ?? "", /^text\/plain/);
      assert.ok(!Number.isNaN(Date.parse(got.headers.date ?? "")), `Date header ${got.headers.date}`);
    });

    it("delivers both the text and the HTML part", async () => {
      const messageId = uniqueMessageId();
      const text = "Your data may have been exposed.\nWhat to do: change your password.";
      const html = "<p>Your data may have been exposed.</p><p>What to do: <strong>change your password</strong>.</p>";
      await harness.mailer.send({ to: "ada@example.org", subject: "Notice", text, html, messageId });
      const got = await receivedOrFail(messageId);
      assert.match(got.headers["content-type"] ?? "", /^multipart\/alternative/);
      assert.equal(got.text, text);
      assert.equal(got.html, html);
    });

    it("sends one message to several recipients", async () => {
      const messageId = uniqueMessageId();
      const to = ["ada@example.org", "grace@example.org", "linus@example.net"];
      const sent = await harness.mailer.send({ to, subject: "To all", text: "Hi all", messageId });
      assert.deepEqual([...sent.accepted].sort(), [...to].sort());
      const got = await receivedOrFail(messageId);
      assert.deepEqual([...got.to].sort(), [...to].sort());
    });

    it("keeps a unicode subject, sender name and body intact", async () => {
      const messageId = uniqueMessageId();
      const subject = "Brèche de données — 通知 🔐: a long subject that has to be folded over several encoded words";
      const from = "Équipe Vie privée <privacy@example.org>";
      const text = "Données concernées : nom, adresse. 你好 🔐";
      const sent = await harness.mailer.send({ to: "zoë@example.org", from, subject, text, messageId });
      assert.deepEqual(sent.accepted, ["zoë@example.org"]);
      const got = await receivedOrFail(messageId);
      assert.equal(got.subject, subject);
      assert.equal(got.headers.subject, subject);
      assert.equal(got.from, from);
      assert.equal(got.text, text);
    });

    it("encodes the text in the transfer encoding it is told, and it reads back the same", async () => {
      const text = `Vos données : nom, adresse électronique. ${"Une ligne assez longue pour être pliée. ".repeat(4)}`;
      for (const textEncoding of ["base64", "quoted-printable"] as const) {
        const messageId = uniqueMessageId();
        await harness.mailer.send({ to: "ada@example.org", subject: "Encoded", text, textEncoding, messageId });
        const got = await receivedOrFail(messageId);
        assert.equal(got.headers["content-transfer-encoding"], textEncoding);
        assert.equal(got.text, text);
      }
    });

    it("keeps custom headers, and does not let them replace the message's own", async () => {
      const messageId = uniqueMessageId();
      await harness.mailer.send({
        to: "ada@example.org",
        subject: "Real subject",
        text: "Hi",
        messageId,
        headers: { "X-Breachdesk-Delivery": "dlv_123", "X-Breachdesk-Campaign": "cmp_9", Subject: "Forged" },
      });
      const got = await receivedOrFail(messageId);
      assert.equal(got.headers["x-breachdesk-delivery"], "dlv_123");
      assert.equal(got.headers["x-breachdesk-campaign"], "cmp_9");
      assert.equal(got.headers.subject, "Real subject");
    });

    it("creates a Message-ID when none is given, and returns the one it used", async () => {
      const sent = await harness.mailer.send({ to: "ada@example.org", subject: "No id", text: "Hi" });
      assert.match(sent.messageId, /^<[^<>\s]+@[^<>\s]+>$/);
      const got = await receivedOrFail(sent.messageId);
      assert.equal(got.headers["message-id"], sent.messageId);
    });

    it("refuses a message without a recipient as a permanent failure", async () => {
      const error = await harness.mailer.send({ to: [], subject: "Nobody", text: "Hi" }).then(
        () => assert.fail("send should have failed"),
        (e: unknown) => e,
      );
      assert.equal(classifySendError(error).kind, "permanent");
    });

    it("refuses to send once closed", async () => {
      const other = await makeHarness();
      await other.mailer.close();
      await assert.rejects(other.mailer.send({ to: "ada@example.org", subject: "Late", text: "Hi" }), /closed/);
      await other.close();
    });
  });
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

async function smtpHarness(sink?: SmtpSink): Promise<MailerHarness & { sink: SmtpSink }> {
  const ownSink = sink ?? (await startSmtpSink());
  const mailer = createSmtpMailer({ url: ownSink.url, poolSize: 2, from: SENDER });
  return {
    mailer,
    sink: ownSink,
    async received(messageId) {
      const message = ownSink.messages.find((m) => m.messageId === messageId);
      if (!message) return undefined;
      return {
        from: message.headers.from ?? "",
        to: message.envelopeTo,
        subject: message.subject,
        text: message.text ?? null,
        html: message.html ?? null,
        headers: message.headers,
      };
    },
    async close() {
      await mailer.close();
      if (!sink) await ownSink.close();
    },
  };
}

async function catcherHarness(db?: TestDatabase, clock = fixedClock(new Date("2026-03-01T09:00:00Z"))) {
  const ownDb = db ?? (await createTestDatabase());
  const mailer = createCatcherMailer({ db: ownDb, from: SENDER, clock });
  return {
    mailer,
    db: ownDb,
    clock,
    async received(messageId: string): Promise<Received | undefined> {
      const { rows } = await listCaughtMail(ownDb, { limit: 1000, offset: 0 });
      const row = rows.find((r) => r.messageId === messageId);
      if (!row) return undefined;
      const full = await getCaughtMail(ownDb, row.id);
      assert.ok(full);
      return {
        from: full.from,
        to: full.to.split(", "),
        subject: full.subject,
        text: full.text,
        html: full.html,
        headers: lowerCaseKeys(JSON.parse(full.headers) as Record<string, string>),
      };
    },
    async close() {
      await mailer.close();
      if (!db) await ownDb.destroy();
    },
  };
}

describeMailerContract("SMTP pool against a local SMTP server", () => smtpHarness());
describeMailerContract("built-in mail catcher", () => catcherHarness());

describe("SMTP mailer: failures", () => {
  let sink: SmtpSink;
  let harness: Awaited<ReturnType<typeof smtpHarness>>;
  before(async () => {
    sink = await startSmtpSink({
      rejectRecipients: [
        { match: /^nobody@/, code: 550, message: "5.1.1 <nobody@example.org>: Recipient address rejected: User unknown" },
        { match: /^greylisted@/, code: 451, message: "4.7.1 Greylisted, please try again later" },
      ],
    });
    harness = await smtpHarness(sink);
  });
  after(async () => {
    await harness.close();
    await sink.close();
  });

  it("surfaces a 550 recipient refusal as a permanent failure with the server's words", async () => {
    const error = await harness.mailer.send({ to: "nobody@example.org", subject: "S", text: "T" }).catch((e: unknown) => e);
    const result = classifySendError(error);
    assert.equal(result.kind, "permanent");
    assert.equal(result.responseCode, 550);
    assert.match(result.message, /550 5\.1\.1 <nobody@example\.org>: Recipient address rejected: User unknown/);
  });

  it("surfaces a 451 recipient refusal as a transient failure", async () => {
    const error = await harness.mailer.send({ to: "greylisted@example.org", subject: "S", text: "T" }).catch((e: unknown) => e);
    const result = classifySendError(error);
    assert.equal(result.kind, "transient");
    assert.equal(result.responseCode, 451);
    assert.match(result.message, /Greylisted, please try again later/);
  });

  it("delivers to the accepted recipients and reports the refused one", async () => {
    const messageId = uniqueMessageId();
    const sent = await harness.mailer.send({ to: ["ada@example.org", "nobody@example.org"], subject: "S", text: "T", messageId });
    assert.deepEqual(sent.accepted, ["ada@example.org"]);
    assert.deepEqual(sent.rejected, ["nobody@example.org"]);
    assert.deepEqual((await harness.received(messageId))?.to, ["ada@example.org"]);
  });

  it("keeps sending through the pool after a refusal", async () => {
    await harness.mailer.send({ to: "nobody@example.org", subject: "S", text: "T" }).catch(() => undefined);
    const sent = await harness.mailer.send({ to: "ada@example.org", subject: "After", text: "T" });
    assert.deepEqual(sent.accepted, ["ada@example.org"]);
  });

  it("finishes a send already started when closed", async () => {
    const own = await smtpHarness(sink);
    const messageId = uniqueMessageId();
    const pending = own.mailer.send({ to: "ada@example.org", subject: "In flight", text: "T", messageId });
    await own.mailer.close();
    assert.equal((await pending).messageId, messageId);
    assert.ok(await own.received(messageId));
  });

  it("treats an unreachable relay (a closed port) as transient", async () => {
    const port = await closedPort();
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, poolSize: 1, from: SENDER });
    try {
      const error = await mailer.send({ to: "ada@example.org", subject: "S", text: "T" }).catch((e: unknown) => e);
      assert.ok(error instanceof Error, "send should have failed");
      const result = classifySendError(error);
      assert.equal(result.kind, "transient");
      assert.match(result.message, /ECONNREFUSED/);
    } finally {
      await mailer.close();
    }
  });
});

describe("mail catcher: listing", () => {
  let harness: Awaited<ReturnType<typeof catcherHarness>>;
  const subjects = ["Incident opened", "Deadline tomorrow", "You are invited", "Incident closed", "Reset your password"];
  before(async () => {
    harness = await catcherHarness();
    for (const [i, subject] of subjects.entries()) {
      harness.clock.advance(60_000);
      await harness.mailer.send({ to: [`person${i}@example.org`, "dpo@Example.org"], subject, text: `message ${i}` });
    }
  });
  after(async () => {
    await harness.close();
  });

  it("pages through the messages newest first with the total", async () => {
    const first = await listCaughtMail(harness.db, { limit: 2, offset: 0 });
    const second = await listCaughtMail(harness.db, { limit: 2, offset: 2 });
    const third = await listCaughtMail(harness.db, { limit: 2, offset: 4 });
    assert.deepEqual(
      [...first.rows, ...second.rows, ...third.rows].map((r) => r.subject),
      [...subjects].reverse(),
    );
    assert.deepEqual([first.total, second.total, third.total], [5, 5, 5]);
    assert.equal(third.rows.length, 1);
  });

  it("stores the clock's time as the creation time and the Date header", async () => {
    const { rows } = await listCaughtMail(harness.db, { limit: 1, offset: 0 });
    const newest = rows[0];
    assert.ok(newest);
    assert.equal(newest.createdAt.toISOString(), "2026-03-01T09:05:00.000Z");
    const headers = JSON.parse(newest.headers) as Record<string, string>;
    assert.equal(headers.Date, "Sun, 01 Mar 2026 09:05:00 +0000");
  });

  it("searches the subject, ignoring case", async () => {
    const found = await listCaughtMail(harness.db, { limit: 10, offset: 0, search: "incident" });
    assert.deepEqual(
      found.rows.map((r) => r.subject),
      ["Incident closed", "Incident opened"],
    );
    assert.equal(found.total, 2);
  });

  it("searches the recipients, ignoring case", async () => {
    const one = await listCaughtMail(harness.db, { limit: 10, offset: 0, search: "PERSON2@" });
    assert.deepEqual(
      one.rows.map((r) => r.subject),
      ["You are invited"],
    );
    const all = await listCaughtMail(harness.db, { limit: 2, offset: 0, search: "dpo@example.org" });
    assert.equal(all.total, 5);
    assert.equal(all.rows.length, 2);
  });

  it("treats a blank search as no search and finds nothing for an unknown term", async () => {
    assert.equal((await listCaughtMail(harness.db, { limit: 10, offset: 0, search: "  " })).total, 5);
    assert.deepEqual(await listCaughtMail(harness.db, { limit: 10, offset: 0, search: "no such thing" }), { rows: [], total: 0 });
  });

  it("matches search characters literally, not as LIKE wildcards", async () => {
    assert.equal((await listCaughtMail(harness.db, { limit: 10, offset: 0, search: "%" })).total, 0);
    assert.equal((await listCaughtMail(harness.db, { limit: 10, offset: 0, search: "_" })).total, 0);
  });

  it("returns null for an unknown id", async () => {
    assert.equal(await getCaughtMail(harness.db, "00000000-0000-0000-0000-000000000000"), null);
  });
});

describe("createMailer", () => {
  it("sends through SMTP when SMTP_URL is set, and keeps mail in the catcher otherwise", async () => {
    const db = await createTestDatabase();
    const sink = await startSmtpSink();
    try {
      const smtp = createMailer(loadConfig({ SMTP_URL: sink.url, MAIL_FROM: "Ops <ops@example.org>" }), db);
      assert.equal(smtp.kind, "smtp");
      await smtp.send({ to: "ada@example.org", subject: "Via SMTP", text: "T" });
      await smtp.close();
      assert.equal(sink.messages[0]?.headers.from, "Ops <ops@example.org>");

      const catcher = createMailer(loadConfig({}), db);
      assert.equal(catcher.kind, "catcher");
      await catcher.send({ to: "ada@example.org", subject: "Caught", text: "T" });
      await catcher.close();
      const { rows } = await listCaughtMail(db, { limit: 10, offset: 0 });
      assert.deepEqual(
        rows.map((r) => [r.subject, r.from]),
        [["Caught", "Breachdesk <breachdesk@localhost>"]],
      );
    } finally {
      await sink.close();
      await db.destroy();
    }
  });
});

/** A port on 127.0.0.1 that nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  assert.ok(address && typeof address === "object");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}
