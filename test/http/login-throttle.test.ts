import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { clearLoginLocks } from "../../src/modules/auth/login-throttle.service.js";
import { addUser, createTestApp, csrfFrom, TEST_PASSWORD, type TestApp } from "../helpers/app.js";

/**
 * Behind one proxy (TRUST_PROXY=1) a client's address is the right-most X-Forwarded-For entry,
 * the one the proxy wrote; these tests play several clients that way.
 */
async function signInFrom(t: TestApp, forwardedFor: string, email: string, password: string) {
  const agent = supertest.agent(t.app);
  const page = await agent.get("/login").set("X-Forwarded-For", forwardedFor);
  return agent
    .post("/login")
    .set("X-Forwarded-For", forwardedFor)
    .type("form")
    .send({ _csrf: csrfFrom(page.text), email, password });
}

describe("sign-in throttle: others' failures never lock the owner out", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ TRUST_PROXY: "1", LOGIN_MAX_FAILURES: "3", LOGIN_WINDOW_MINUTES: "15" });
  });
  after(() => t.close());

  it("lets the owner in from their address while an attacker's address waits", async () => {
    const admin = await addUser(t, "admin");
    for (let i = 0; i < 8; i++) await signInFrom(t, "203.0.113.9", admin.email, `guess number ${i}`);
    const attacker = await signInFrom(t, "203.0.113.9", admin.email, TEST_PASSWORD);
    assert.equal(attacker.status, 429, "the attacking address waits, even with the right password");
    assert.match(
      attacker.text,
      /to this account from your network address\. Wait \d+ seconds and try again, or reset your password\./,
    );
    const owner = await signInFrom(t, "198.51.100.7", admin.email, TEST_PASSWORD);
    assert.equal(owner.status, 303, "the owner signs in from their own address");
  });

  it("slows a guess spread over many addresses, but only for addresses that failed", async () => {
    const admin = await addUser(t, "admin");
    // The account-wide brake starts at five times LOGIN_MAX_FAILURES failures from everywhere.
    for (let i = 1; i <= 15; i++) {
      assert.equal((await signInFrom(t, `192.0.2.${i}`, admin.email, `guess ${i}`)).status, 401);
    }
    const again = await signInFrom(t, "192.0.2.1", admin.email, "another guess");
    assert.equal(again.status, 429);
    assert.match(again.text, /to this account from several addresses\. Wait 5 seconds and try again, or reset your password\./);
    assert.equal((await signInFrom(t, "192.0.2.99", admin.email, "a fresh address guess")).status, 401, "not a lock");
    assert.equal((await signInFrom(t, "198.51.100.20", admin.email, TEST_PASSWORD)).status, 303, "the owner gets in");
    // The fresh address's failure made the account-wide delay 10 seconds, for every address that failed.
    t.clock.advance(9_000);
    assert.match((await signInFrom(t, "192.0.2.1", admin.email, "yet another guess")).text, /Wait 1 second /);
    t.clock.advance(1_000);
    assert.equal((await signInFrom(t, "192.0.2.1", admin.email, "yet another guess")).status, 401, "after the wait");
  });

  it("lifts every wait on the account when its password is reset, and only on that account", async () => {
    const user = await addUser(t, "manager", "reset_me@example.org");
    const other = await addUser(t, "manager", "resetxme@example.org");
    for (const address of ["203.0.113.30", "203.0.113.31"]) {
      for (let i = 0; i < 3; i++) {
        await signInFrom(t, address, user.email, "wrong wrong wrong");
        await signInFrom(t, address, other.email, "wrong wrong wrong");
      }
    }
    assert.equal((await signInFrom(t, "203.0.113.30", user.email, TEST_PASSWORD)).status, 429);
    await clearLoginLocks(t.deps, user.email);
    const keys = (await t.db.prisma.loginThrottle.findMany({ select: { key: true } })).map((row) => row.key);
    assert.deepEqual(
      keys.filter((key) => key.includes(user.email)),
      [],
    );
    assert.equal(keys.filter((key) => key.includes(other.email)).length, 3, "the other account's two pairs and its count stay");
    assert.equal((await signInFrom(t, "203.0.113.30", user.email, TEST_PASSWORD)).status, 303);
    assert.equal((await signInFrom(t, "203.0.113.31", user.email, TEST_PASSWORD)).status, 303);
    assert.equal(
      (await signInFrom(t, "203.0.113.31", other.email, TEST_PASSWORD)).status,
      429,
      "another account keeps its waits",
    );
    t.clock.advance(31 * 60_000);
  });

  it("lets the owner in at once from a waiting address after resetting the password by e-mail", async () => {
    const user = await addUser(t, "viewer");
    for (let i = 0; i < 3; i++) await signInFrom(t, "203.0.113.40", user.email, "wrong wrong wrong");
    assert.equal((await signInFrom(t, "203.0.113.40", user.email, TEST_PASSWORD)).status, 429);

    const agent = supertest.agent(t.app);
    const form = await agent.get("/password/forgot").set("X-Forwarded-For", "203.0.113.40");
    await agent
      .post("/password/forgot")
      .set("X-Forwarded-For", "203.0.113.40")
      .type("form")
      .send({ _csrf: csrfFrom(form.text), email: user.email });
    let link: string | undefined;
    for (let i = 0; i < 500 && !link; i++) {
      const mail = await t.db.prisma.caughtMail.findFirst({ where: { to: user.email } });
      link = mail?.text?.match(/http:\/\/localhost:\d+(\/password\/set\/[\w-]+)/)?.[1];
      if (!link) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(link, "the reset mail arrived");
    const page = await agent.get(link).set("X-Forwarded-For", "203.0.113.40");
    const newPassword = "a brand new passphrase";
    await agent
      .post(link)
      .set("X-Forwarded-For", "203.0.113.40")
      .type("form")
      .send({ _csrf: csrfFrom(page.text), password: newPassword, confirm: newPassword });
    assert.equal((await signInFrom(t, "203.0.113.40", user.email, newPassword)).status, 303);
  });
});

describe("sign-in throttle behind one proxy: X-Forwarded-For cannot be forged past it", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ TRUST_PROXY: "1", LOGIN_MAX_FAILURES: "3", LOGIN_WINDOW_MINUTES: "15" });
  });
  after(() => t.close());

  it("counts the address the proxy saw, whatever the client put before it", async () => {
    const user = await addUser(t, "viewer");
    // The client writes a new address each time; the proxy appends the real one (198.51.100.66).
    for (let i = 0; i < 15; i++) {
      await signInFrom(t, `10.9.8.${i}, 198.51.100.66`, `target${i}@example.org`, "guess guess guess");
    }
    const res = await signInFrom(t, "10.9.8.200, 198.51.100.66", user.email, TEST_PASSWORD);
    assert.equal(res.status, 429);
    assert.match(res.text, /Too many failed sign-ins from your network address/);
    assert.equal((await signInFrom(t, "198.51.100.67", user.email, TEST_PASSWORD)).status, 303, "another client is not held");
    t.clock.advance(31 * 60_000);
  });

  it("holds one account's guesses from one client however the header changes", async () => {
    const user = await addUser(t, "viewer");
    for (let i = 0; i < 3; i++) await signInFrom(t, `172.16.0.${i}, 198.51.100.77`, user.email, "guess guess guess");
    const res = await signInFrom(t, "172.16.0.50, 198.51.100.77", user.email, TEST_PASSWORD);
    assert.equal(res.status, 429);
    assert.match(res.text, /to this account from your network address/);
  });
});

describe("sign-in throttle: a burst sent at once gets no more guesses than one after another", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ TRUST_PROXY: "1", LOGIN_MAX_FAILURES: "3", LOGIN_WINDOW_MINUTES: "15" });
  });
  after(() => t.close());

  it("checks at most LOGIN_MAX_FAILURES passwords of twelve sent together", async () => {
    const user = await addUser(t, "admin");
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signInFrom(t, "203.0.113.44", user.email, `burst guess ${i}`)),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429, 429, 429, 429, 429, 429, 429]);
    const checked = await t.db.prisma.auditEntry.count({ where: { action: "auth.login_failed", entityId: user.id } });
    assert.equal(checked, 3, "only three passwords were checked");
  });
});
