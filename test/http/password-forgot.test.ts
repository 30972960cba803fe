import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { SMTPServer } from "smtp-server";
import supertest from "supertest";
import { createSmtpMailer } from "../../src/mail/smtp-mailer.js";
import { addUser, createTestApp, csrfFrom, type TestApp } from "../helpers/app.js";

/**
 * A real SMTP server on 127.0.0.1 that answers each message's DATA only once `hold` resolves,
 * and notes the recipients of every message it accepted.
 */
async function startHoldingSmtp(hold: () => Promise<void>) {
  const accepted: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 200,
    onData(stream, session, callback) {
      stream.resume();
      stream.on("end", () => {
        hold().then(() => {
          accepted.push(...session.envelope.rcptTo.map((r) => r.address));
          callback();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, accepted, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Sends the app's mail through the SMTP server instead of the catcher (the handlers read deps.mailer). */
function mailThrough(t: TestApp, url: string) {
  t.deps.mailer = createSmtpMailer({ url, poolSize: 2, from: t.deps.config.MAIL_FROM });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`gave up waiting: ${what}`);
    await sleep(20);
  }
}

async function forgot(t: TestApp, email: string, forwardedFor?: string) {
  const agent = supertest.agent(t.app);
  const page = await agent.get("/password/forgot").set("X-Forwarded-For", forwardedFor ?? "");
  const started = performance.now();
  const res = await agent
    .post("/password/forgot")
    .set("X-Forwarded-For", forwardedFor ?? "")
    .type("form")
    .send({ _csrf: csrfFrom(page.text), email });
  return { res, ms: performance.now() - started };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
/** The page without what differs between any two answers: the CSRF token and typed values. */
const samePart = (html: string) => html.replace(/value="[^"]*"/g, "");

describe("password reset requests tell nothing about who has an account", () => {
  let t: TestApp;
  let release: () => void;
  let smtp: Awaited<ReturnType<typeof startHoldingSmtp>>;
  before(async () => {
    t = await createTestApp();
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    smtp = await startHoldingSmtp(() => gate);
    mailThrough(t, smtp.url);
  });
  after(async () => {
    release();
    await t.deps.mailer.close();
    await smtp.close();
    await t.close();
  });

  it("answers a known address with the same page, before its mail is even sent", async () => {
    const user = await addUser(t, "admin");
    // The mail server holds every message until released: an answer that waited for the mail
    // would never come.
    const known = await Promise.race([
      forgot(t, user.email),
      sleep(8_000).then(() => assert.fail("the answer waited for the reset mail")),
    ]);
    const unknown = await forgot(t, "nobody@example.org");
    assert.equal(known.res.status, 200);
    assert.equal(unknown.res.status, 200);
    assert.equal(samePart(known.res.text), samePart(unknown.res.text));
    assert.match(known.res.text, /If an active account has that address/);
    assert.deepEqual(smtp.accepted, [], "no mail has been accepted when the answer arrives");
    release();
    await waitFor("the reset mail", () => smtp.accepted.includes(user.email));
    assert.deepEqual(smtp.accepted, [user.email], "nothing is mailed for an unknown address");
  });
});

describe("password reset requests take as long for a known address as for an unknown one", () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startHoldingSmtp>>;
  before(async () => {
    t = await createTestApp();
    // A slow relay: each message takes 400 ms to be accepted.
    smtp = await startHoldingSmtp(() => sleep(400));
    mailThrough(t, smtp.url);
  });
  after(async () => {
    await t.deps.mailer.close();
    await smtp.close();
    await t.close();
  });

  it("does not answer a known address later than an unknown one", async () => {
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    const users: string[] = [];
    for (let i = 0; i < 4; i++) {
      const user = await addUser(t, "viewer");
      users.push(user.email);
      knownMs.push((await forgot(t, user.email)).ms);
      unknownMs.push((await forgot(t, `nobody${i}@example.org`)).ms);
    }
    // Compared with each other, not with a fixed time; a mailed answer would be 400 ms later.
    assert.ok(
      median(knownMs) < median(unknownMs) + 200,
      `known ${knownMs.map(Math.round).join(", ")} ms; unknown ${unknownMs.map(Math.round).join(", ")} ms`,
    );
    await waitFor("every reset mail", () => users.every((email) => smtp.accepted.includes(email)));
  });
});

describe("password reset requests are rate limited", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ TRUST_PROXY: "1" });
    await addUser(t, "admin");
  });
  after(() => t.close());

  it("refuses an address's eleventh request in 15 minutes with a page that says how long to wait", async () => {
    for (let i = 0; i < 10; i++) {
      assert.equal((await forgot(t, `someone${i}@example.org`, "198.51.100.10")).res.status, 200);
    }
    const refused = await forgot(t, "someone-else@example.org", "198.51.100.10");
    assert.equal(refused.res.status, 429);
    assert.match(
      refused.res.text,
      /Too many password-reset requests from your network address\. Wait 15 minutes and try again\./,
    );
    assert.match(refused.res.text, /value="someone-else@example.org"/, "the form is shown again, filled in");
    assert.equal((await forgot(t, "someone-else@example.org", "198.51.100.11")).res.status, 200, "another address may");
    t.clock.advance(15 * 60_000 + 1000);
    assert.equal((await forgot(t, "someone-else@example.org", "198.51.100.10")).res.status, 200, "after the window");
  });

  it("refuses a sixth request for one e-mail address in an hour, from wherever it comes", async () => {
    const user = await addUser(t, "viewer");
    for (let i = 0; i < 5; i++) {
      const asked = i % 2 ? user.email.toUpperCase() : ` ${user.email}`;
      assert.equal((await forgot(t, asked, `203.0.113.${i}`)).res.status, 200);
    }
    const refused = await forgot(t, user.email, "203.0.113.99");
    assert.equal(refused.res.status, 429);
    assert.match(
      refused.res.text,
      /Too many password-reset requests for this address\. If it has an account, the latest link we sent works; otherwise wait 60 minutes and try again\./,
    );
    await waitFor("five reset mails", async () => (await t.db.prisma.caughtMail.count({ where: { to: user.email } })) === 5);
    // Another address is not held back by this one.
    assert.equal((await forgot(t, "another@example.org", "203.0.113.99")).res.status, 200);
  });
});
