import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config/config.js";
import type { Deps } from "../../src/deps.js";
import { fixedClock } from "../../src/lib/clock.js";
import { newId } from "../../src/lib/ids.js";
import { createLogger } from "../../src/lib/logger.js";
import { projectRoot } from "../../src/lib/paths.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import { pollBounceMailbox } from "../../src/modules/bounces/bounce-mailbox.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";
import { type Pop3TestServer, startPop3Server } from "../helpers/pop3-server.js";

const fixture = (name: string) => readFileSync(join(projectRoot, "test", "fixtures", "dsn", name));

/** Bounce messages read from a POP3 mailbox (a real POP3 server on 127.0.0.1), on both databases. */
describe(`the bounce mailbox (${testLane})`, () => {
  let db: TestDatabase;
  let server: Pop3TestServer;
  let deps: Deps;

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
    server = await startPop3Server({
      user: "bounces",
      password: "p@ss word",
      messages: [
        fixture("postfix-user-unknown.eml"),
        Buffer.from("From: jo@example.org\r\nSubject: Out of office\r\n\r\nAway until Monday.\r\n.. a dotted line\r\n"),
        fixture("delayed-and-failed-base64.eml"),
      ],
    });
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
      pollBounceMailbox(deps, `pop3://bounces:wrong@127.0.0.1:${server.port}`),
      /The mailbox refused the sign-in: \[AUTH\] invalid user name or password/,
    );
    assert.equal(server.messages.length, 3);
  });

  it("records the bounce messages, deletes them, and leaves anything else in the mailbox", async () => {
    const zoe = await addSentDelivery("zoe.muller@example.net", "<delivery.0f6c2a8e1b3d4c5e@breachdesk.example.org>");
    const soren = await addSentDelivery("soren@example.com", "<delivery.other@breachdesk.example.org>");
    const result = await pollBounceMailbox(deps, `pop3://bounces:${encodeURIComponent("p@ss word")}@127.0.0.1:${server.port}`);
    assert.deepEqual(result, { messages: 3, recorded: 2, leftAlone: 1 });
    assert.equal(server.messages.length, 1);
    assert.match(server.messages[0]!.toString(), /Out of office/);
    assert.equal((await db.prisma.delivery.findUniqueOrThrow({ where: { id: zoe.id } })).status, "bounced");
    // The second message names a notice we have no record of, so its permanent failure (5.2.2)
    // is matched by address to the latest notice sent to soren@; jose@ was only delayed.
    assert.equal((await db.prisma.delivery.findUniqueOrThrow({ where: { id: soren.id } })).status, "bounced");
    const events = await db.prisma.deliveryEvent.findMany({ orderBy: { email: "asc" } });
    assert.deepEqual(
      events.map((e) => [e.email, e.kind, e.source]),
      [
        ["jose@example.com", "delayed", "mailbox"],
        ["soren@example.com", "bounce_hard", "mailbox"],
        ["zoe.muller@example.net", "bounce_hard", "mailbox"],
      ],
    );
    // Read again: only the message that is not a bounce remains, and it stays.
    assert.deepEqual(
      await pollBounceMailbox(deps, `pop3://bounces:${encodeURIComponent("p@ss word")}@127.0.0.1:${server.port}`),
      {
        messages: 1,
        recorded: 0,
        leftAlone: 1,
      },
    );
  });

  it("says when the mailbox cannot be reached", async () => {
    const closed = await startPop3Server({ user: "x", password: "y", messages: [] });
    const port = closed.port;
    await closed.close();
    await assert.rejects(pollBounceMailbox(deps, `pop3://x:y@127.0.0.1:${port}`), /Cannot reach the mailbox at 127\.0\.0\.1:\d+/);
  });
});
