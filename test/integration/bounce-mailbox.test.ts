import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { loadConfig } from "../../src/config/config.js";
import type { Deps } from "../../src/deps.js";
import { fixedClock } from "../../src/lib/clock.js";
import { newId } from "../../src/lib/ids.js";
import { createLogger } from "../../src/lib/logger.js";
import { projectRoot } from "../../src/lib/paths.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import { pollBounceMailbox } from "../../src/modules/bounces/bounce-mailbox.service.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";
import { type ImapTestServer, lie, startImapServer } from "../helpers/imap-server.js";

const fixture = (name: string) => readFileSync(join(projectRoot, "test", "fixtures", "dsn", name));

const MiB = 1024 * 1024;
/** The limits of a session as the module sets them; each test lowers the one it tries. */
const limits = { maxMessageBytes: 10 * MiB, maxSessionBytes: 100 * MiB, sessionDeadlineMs: 5 * 60_000, connectTimeoutMs: 30_000 };
/** The right password: its characters must be escaped in a quoted string. */
const password = 'p@ss "wörd"\\';

/** The fetch of the n-th message's first bytes, as imapflow sends it. */
const isFetchOf = (command: string, n: number) =>
  new RegExp(`^\\S+ UID FETCH ${n} \\(BODY\\.PEEK\\[\\]<0\\.\\d+> UID\\)$`, "i").test(command);
/** The command that applies the deletions. */
const isFinish = (command: string) => /^\S+ EXPUNGE$/i.test(command);

/** Too large to be a bounce (MAX_DSN_BYTES is 1 MiB), so it is never fetched. */
const largeMessage = Buffer.from(
  `From: jo@example.org\r\nSubject: The whole archive\r\n\r\n${`${"x".repeat(78)}\r\n`.repeat(13_500)}`,
);
/** 100 bytes, as LIST and RFC822.SIZE announce it; a lying server sends far more. */
const tiny = Buffer.from(`Subject: A bounce, it says\r\n\r\n${"y".repeat(68)}\r\n`);
const outOfOffice = Buffer.from(
  "From: jo@example.org\r\nSubject: Out of office\r\n\r\nAway until Monday.\r\n.. a dotted line\r\n",
);

/** Bounce messages read from a mailbox (a real IMAP server on 127.0.0.1), on both databases. */
describe(`the bounce mailbox over imap (${testLane})`, () => {
  let db: TestDatabase;
  let server: ImapTestServer;
  let deps: Deps;
  const urlOf = (port: number, secret = password, path = "") =>
    `imap://bounces:${encodeURIComponent(secret)}@127.0.0.1:${port}${path}`;
  const start = (messages: Buffer[], mailbox?: string) => startImapServer({ user: "bounces", password, messages, mailbox });

  before(async () => {
    db = await createTestDatabase();
    const clock = fixedClock(new Date("2026-03-02T09:00:00Z"));
    const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: db.url });
    deps = {
      config,
      db,
      clock,
      logger: createLogger("silent"),
      mailer: createCatcherMailer({ db, from: config.MAIL_FROM, clock }),
    };
    server = await start([
      fixture("postfix-user-unknown.eml"),
      outOfOffice,
      fixture("delayed-and-failed-base64.eml"),
      largeMessage,
    ]);
  });
  after(async () => {
    await server.close();
    await db.destroy();
  });

  async function addSentDelivery(email: string, messageId: string) {
    const at = new Date("2026-03-02T08:00:00Z");
    return db.prisma.delivery.create({
      data: {
        id: newId(),
        campaignId: "campaign-1",
        incidentId: "incident-1",
        personId: newId(),
        email,
        emailNormalized: email,
        status: "sent",
        messageId,
        queuedAt: at,
        sentAt: at,
        updatedAt: at,
      },
    });
  }

  it("refuses a wrong password, and says so", async () => {
    await assert.rejects(
      pollBounceMailbox(deps, urlOf(server.port, "wrong")),
      /The mailbox refused the sign-in: \[AUTHENTICATIONFAILED\] Invalid credentials \(Failure\)/,
    );
    assert.equal(server.messages.length, 4);
    assert.equal(await db.prisma.deliveryEvent.count(), 0);
  });

  it("records the bounce messages, deletes them, and leaves anything else in the mailbox", async () => {
    const zoe = await addSentDelivery("zoe.muller@example.net", "<delivery.0f6c2a8e1b3d4c5e@breachdesk.example.org>");
    const soren = await addSentDelivery("soren@example.com", "<delivery.other@breachdesk.example.org>");
    const result = await pollBounceMailbox(deps, urlOf(server.port));
    assert.deepEqual(result, { messages: 4, recorded: 2, leftAlone: 2 });
    assert.deepEqual(
      server.messages.map((m) => /^Subject: (.*)$/m.exec(m.toString())?.[1]?.trim()),
      ["Out of office", "The whole archive"],
    );
    assert.match(server.messages[0]!.toString(), /\r\n\.\. a dotted line\r\n$/);
    assert.equal((await db.prisma.delivery.findUniqueOrThrow({ where: { id: zoe.id } })).status, "bounced");
    // The second message names a notice we have no record of (<delivery.9a9a@...>): its
    // permanent failure (5.2.2) for soren@ changes nothing, though we did write to soren@,
    // and is kept unmatched for review; jose@ was only delayed.
    assert.equal((await db.prisma.delivery.findUniqueOrThrow({ where: { id: soren.id } })).status, "sent");
    assert.deepEqual(
      (await db.prisma.bouncedAddress.findMany()).map((b) => [b.incidentId, b.emailNormalized]),
      [["incident-1", "zoe.muller@example.net"]],
    );
    const events = await db.prisma.deliveryEvent.findMany({ orderBy: { email: "asc" } });
    assert.deepEqual(
      events.map((e) => [e.email, e.kind, e.source, e.deliveryId, e.messageId]),
      [
        ["jose@example.com", "delayed", "mailbox", null, "<delivery.9a9a@breachdesk.example.org>"],
        ["soren@example.com", "bounce_hard", "mailbox", null, "<delivery.9a9a@breachdesk.example.org>"],
        ["zoe.muller@example.net", "bounce_hard", "mailbox", zoe.id, "<delivery.0f6c2a8e1b3d4c5e@breachdesk.example.org>"],
      ],
    );
    // Read again: only the messages that are not bounces remain, and they stay.
    assert.deepEqual(await pollBounceMailbox(deps, urlOf(server.port)), { messages: 2, recorded: 0, leftAlone: 2 });
    assert.equal(server.messages.length, 2);
  });

  it("deletes nothing when the connection drops mid-session, and reads the same messages next time", async () => {
    const dropping = await start([fixture("postfix-user-unknown.eml"), fixture("delayed-and-failed-base64.eml")]);
    try {
      const eventsBefore = await db.prisma.deliveryEvent.count();
      dropping.dropWhen = (command) => isFetchOf(command, 2);
      await assert.rejects(pollBounceMailbox(deps, urlOf(dropping.port)), /The mailbox server closed the connection/);
      assert.equal(dropping.messages.length, 2);
      // The first bounce was recorded before the drop: its reports are committed, its message stays.
      assert.equal(await db.prisma.deliveryEvent.count(), eventsBefore + 1);

      // Every report committed and every message marked, but the deletions never applied.
      dropping.dropWhen = isFinish;
      await assert.rejects(pollBounceMailbox(deps, urlOf(dropping.port)), /The mailbox server closed the connection/);
      assert.equal(dropping.messages.length, 2);
      assert.deepEqual(dropping.expunged, []);

      dropping.dropWhen = null;
      assert.deepEqual(await pollBounceMailbox(deps, urlOf(dropping.port)), { messages: 2, recorded: 2, leftAlone: 0 });
      assert.equal(dropping.messages.length, 0);
      assert.equal(dropping.expunged.length, 2);
    } finally {
      await dropping.close();
    }
  });

  /** Waits until the lying server noticed the reader hang up on it. */
  async function untilCutOff(server: ImapTestServer) {
    for (let k = 0; k < 200 && server.streamed.cutOff === 0; k++) await sleep(10);
    assert.equal(server.streamed.cutOff, 1, "the reader hung up");
  }

  it("stops a server that announces 100 bytes and sends 20 MiB: the session ends at its byte limit, naming it", async () => {
    const liar = await start([tiny]);
    try {
      assert.equal(tiny.length, 100);
      lie(liar, 1, { announced: 100, sent: 20 * MiB });
      const lowered = { ...limits, maxMessageBytes: 1 * MiB, maxSessionBytes: 5 * MiB };
      await assert.rejects(
        pollBounceMailbox(deps, urlOf(liar.port), lowered),
        /The mailbox server sent more than 5 MiB in one session \(the limit per session\): stopped reading\./,
      );
      await untilCutOff(liar);
      assert.ok(liar.streamed.bytes < 20 * MiB, `the reader stopped (${liar.streamed.bytes} bytes sent)`);
      assert.equal(liar.messages.length, 1, "the message stays in the mailbox");
    } finally {
      await liar.close();
    }
  });

  it("stops a server that answers a fetch with more than it was asked for, naming the message limit, before keeping any of it", async () => {
    const liar = await start([tiny, fixture("postfix-user-unknown.eml")]);
    try {
      lie(liar, 1, { announced: 20 * MiB, sent: 20 * MiB });
      await assert.rejects(
        pollBounceMailbox(deps, urlOf(liar.port), { ...limits, maxMessageBytes: 1 * MiB }),
        /The mailbox server sent message 1 as more than 1 MiB \(the limit per message\) when asked for no more: stopped reading\./,
      );
      await untilCutOff(liar);
      assert.ok(liar.streamed.bytes < 20 * MiB, `the reader stopped (${liar.streamed.bytes} bytes sent)`);
      assert.equal(liar.messages.length, 2, "nothing is deleted");
    } finally {
      await liar.close();
    }
  });

  it("skips a message past the message cap, whatever size was announced, logs it, leaves it, and reads the rest", async () => {
    const server = await start([tiny, fixture("postfix-user-unknown.eml")]);
    try {
      lie(server, 1, { sent: 3 * MiB });
      const logged: string[] = [];
      const logger = pino({ level: "warn" }, { write: (line: string) => logged.push(line) });
      const result = await pollBounceMailbox({ ...deps, logger }, urlOf(server.port), { ...limits, maxMessageBytes: 1 * MiB });
      assert.deepEqual(result, { messages: 2, recorded: 1, leftAlone: 1 });
      assert.deepEqual(server.messages, [tiny]);
      assert.equal(server.streamed.cutOff, 0, "read to its end, the session went on");
      assert.ok(
        server.streamed.bytes <= 1 * MiB + 1,
        `only the cap and a byte more were asked for (${server.streamed.bytes} sent)`,
      );
      assert.equal(logged.length, 1);
      assert.match(
        JSON.parse(logged[0]!).msg,
        /^Message 1 of the mailbox is larger than 1 MiB \(the limit per message\): left in the mailbox, unread\.$/,
      );
    } finally {
      await server.close();
    }
  });

  it("stops a session that never ends at its deadline, naming it", { timeout: 15_000 }, async () => {
    const endlessServer = await start([tiny]);
    try {
      lie(endlessServer, 1, { announced: 100, sent: Number.POSITIVE_INFINITY });
      const startedAt = performance.now();
      await assert.rejects(
        pollBounceMailbox(deps, urlOf(endlessServer.port), { ...limits, sessionDeadlineMs: 500 }),
        /The mailbox session took longer than 500 ms \(the limit per session\) and was stopped\./,
      );
      assert.ok(performance.now() - startedAt < 5_000, "stopped at its deadline");
      await untilCutOff(endlessServer);
      assert.equal(endlessServer.messages.length, 1);
    } finally {
      await endlessServer.close();
    }
  });

  it("says when the mailbox cannot be reached", async () => {
    const closed = await start([]);
    await closed.close();
    await assert.rejects(pollBounceMailbox(deps, urlOf(closed.port)), /Cannot reach the mailbox at 127\.0\.0\.1:\d+/);
  });

  it("opens the mailbox the URL names, INBOX when it names none", async () => {
    const named = await start([outOfOffice], "Bounces");
    try {
      await assert.rejects(
        pollBounceMailbox(deps, urlOf(named.port)),
        /The mailbox server cannot open "INBOX": \[NONEXISTENT\] Mailbox doesn't exist: INBOX/,
      );
      const result = await pollBounceMailbox(deps, urlOf(named.port, password, "/Bounces"));
      assert.deepEqual(result, { messages: 1, recorded: 0, leftAlone: 1 });
    } finally {
      await named.close();
    }
  });

  it("refuses a pop3:// mailbox, saying to read it over IMAP", async () => {
    await assert.rejects(
      pollBounceMailbox(deps, "pop3s://bounces:secret@127.0.0.1:995"),
      /POP3 is no longer read .*: give the same mailbox over IMAP, imaps:\/\//,
    );
  });
});
