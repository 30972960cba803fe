import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { describeAuditEntry } from "../../src/modules/audit/index.js";
import { codeAt, PERIOD_SECONDS } from "../../src/modules/auth/two-factor.policy.js";
import { addUser, agentFor, createTestApp, csrfFrom, TEST_PASSWORD, type TestApp } from "../helpers/app.js";

type Client = ReturnType<typeof agentFor>;

/** The setup key as the setup page shows it (groups of four), without its spaces. */
function setupKeyOf(html: string): string {
  const key = html.match(/id="setup-key">([A-Z2-7 ]+)</)?.[1];
  assert.ok(key, "no setup key on the page");
  return key.replace(/ /g, "");
}

function recoveryCodesOf(html: string): string[] {
  return [...html.matchAll(/<li><code>([a-z2-9]{4}(?:-[a-z2-9]{4}){3})<\/code><\/li>/g)].map((m) => m[1]!);
}

/** Posts a form on the page at path, with that page's CSRF token. */
async function postFrom(client: Client, pagePath: string, path: string, form: Record<string, string>) {
  return client.post(path, form, pagePath);
}

/** Signs in with the password only: the answer sends to the code page, the setup, or in. */
async function passwordStep(t: TestApp, email: string): Promise<{ client: Client; location: string }> {
  const client = agentFor(t);
  const res = await client.post("/login", { email, password: TEST_PASSWORD });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  return { client, location: String(res.headers.location) };
}

/** Sets up the second factor from the setup page: returns the secret and the ten recovery codes. */
async function setUp(t: TestApp, client: Client): Promise<{ secret: string; codes: string[] }> {
  const page = await client.agent.get("/account/two-factor/setup");
  assert.equal(page.status, 200);
  assert.match(page.text, /<img class="qr-code" src="data:image\/svg\+xml;base64,/, "the QR code is an inline image");
  const secret = setupKeyOf(page.text);
  const done = await postFrom(client, "/account/two-factor/setup", "/account/two-factor/setup", {
    code: codeAt(secret, t.clock.now()),
  });
  assert.equal(done.status, 200, done.text.slice(0, 500));
  const codes = recoveryCodesOf(done.text);
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  return { secret, codes };
}

async function auditWords(t: TestApp, action: string): Promise<string[]> {
  const entries = await t.db.prisma.auditEntry.findMany({ where: { action }, orderBy: { seq: "asc" } });
  const users = new Map((await t.db.prisma.user.findMany()).map((u) => [u.id, u.name]));
  return entries.map((e) => describeAuditEntry(e, { users, incidents: new Map() }).sentence);
}

/** The next time step: a new code that was never used. */
function nextStep(t: TestApp) {
  t.clock.advance(PERIOD_SECONDS * 1000);
}

describe("two-factor sign-in (REQUIRE_MFA=staff)", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ REQUIRE_MFA: "staff", LOGIN_MAX_FAILURES: "3" });
  });
  after(() => t.close());

  it("sets up with a correct code only, then asks for a code at sign-in; a wrong or reused code is refused and counted", async () => {
    const viewer = await addUser(t, "viewer");
    const first = await passwordStep(t, viewer.email);
    assert.equal(first.location, "/", "a viewer is not required to have a second factor under staff");
    const account = await first.client.agent.get("/account");
    assert.match(account.text, /Two-factor sign-in[\s\S]*Off/);

    const page = await first.client.agent.get("/account/two-factor/setup");
    const wrong = await postFrom(first.client, "/account/two-factor/setup", "/account/two-factor/setup", { code: "000000" });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /That code does not match/);
    assert.equal(setupKeyOf(wrong.text), setupKeyOf(page.text), "the same key is shown again");
    assert.equal(await t.db.prisma.twoFactor.count({ where: { userId: viewer.id } }), 0, "not on before a code is confirmed");
    const { secret } = await setUp(t, first.client);
    const stored = await t.db.prisma.twoFactor.findUniqueOrThrow({ where: { userId: viewer.id } });
    assert.equal(stored.secret, secret);
    assert.equal(await t.db.prisma.recoveryCode.count({ where: { userId: viewer.id, usedAt: null } }), 10);
    const after = await first.client.agent.get("/account");
    assert.match(after.text, /On<\/span> since/);
    assert.match(after.text, /10 unused recovery codes left/);
    assert.ok(!after.text.includes(secret), "the key is never shown again");
    assert.equal((await first.client.agent.get("/account/two-factor/setup")).status, 303, "no second setup while on");

    // Sign-in: the password leads to the code page, and the session is not signed in.
    const second = await passwordStep(t, viewer.email);
    assert.equal(second.location, "/login/code");
    assert.equal((await second.client.agent.get("/account")).status, 303, "not signed in before the code");
    const codePage = await second.client.agent.get("/login/code");
    assert.match(codePage.text, /Enter your code/);

    const refused = await postFrom(second.client, "/login/code", "/login/code", { code: "123456" });
    assert.equal(refused.status, 401);
    assert.match(refused.text, /That code is not right/);
    // The setup's code was of this very step: using it again is a replay.
    const replay = await postFrom(second.client, "/login/code", "/login/code", { code: codeAt(secret, t.clock.now()) });
    assert.equal(replay.status, 401);
    assert.match(replay.text, /That code was used already/);
    const throttle = await t.db.prisma.loginThrottle.findFirst({ where: { key: { startsWith: `pair:${viewer.email} ` } } });
    assert.equal(throttle?.failures, 2, "both refused codes count in the login throttle");

    // A code of the next step, entered one step late (the phone's clock behind), is accepted.
    nextStep(t);
    const code = codeAt(secret, t.clock.now());
    nextStep(t);
    const ok = await postFrom(second.client, "/login/code", "/login/code", { code: code.replace(/(\d{3})/, "$1 ") });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, "/");
    assert.equal((await second.client.agent.get("/account")).status, 200, "signed in after the code");
    assert.equal(
      await t.db.prisma.loginThrottle.count({ where: { key: { startsWith: `pair:${viewer.email} ` } } }),
      0,
      "a completed sign-in clears the pair's failures",
    );

    // The same code again, from another sign-in: refused.
    const third = await passwordStep(t, viewer.email);
    const again = await postFrom(third.client, "/login/code", "/login/code", { code });
    assert.equal(again.status, 401);
    assert.match(again.text, /used already/);
    assert.ok((await auditWords(t, "auth.code_failed")).every((s) => /entered a wrong two-factor code/.test(s)));
  });

  it("accepts a recovery code once, then refuses it; makes new codes and switches off with the password", async () => {
    const viewer = await addUser(t, "viewer");
    const { client } = await passwordStep(t, viewer.email);
    const { codes } = await setUp(t, client);
    nextStep(t);

    const first = await passwordStep(t, viewer.email);
    const used = await postFrom(first.client, "/login/code", "/login/code", { code: codes[3]!.toUpperCase() });
    assert.equal(used.status, 303);
    const home = await first.client.agent.get("/");
    assert.match(home.text, /You signed in with a recovery code[^<]*9 are left/);
    assert.match((await first.client.agent.get("/account")).text, /9 unused recovery codes left/);

    const second = await passwordStep(t, viewer.email);
    const reused = await postFrom(second.client, "/login/code", "/login/code", { code: codes[3]! });
    assert.equal(reused.status, 401);
    assert.match(reused.text, /That recovery code is not one of yours, or it was used already/);

    // New codes need the password, and replace the old ones.
    const badPassword = await postFrom(first.client, "/account", "/account/two-factor/recovery-codes", { password: "wrong" });
    assert.equal(badPassword.status, 303);
    assert.match((await first.client.agent.get("/account")).text, /That is not your password/);
    const renewed = await postFrom(first.client, "/account", "/account/two-factor/recovery-codes", { password: TEST_PASSWORD });
    const fresh = recoveryCodesOf(renewed.text);
    assert.equal(fresh.length, 10);
    const old = await postFrom(second.client, "/login/code", "/login/code", { code: codes[0]! });
    assert.equal(old.status, 401, "an old code stops working");
    assert.equal((await postFrom(second.client, "/login/code", "/login/code", { code: fresh[0]! })).status, 303);

    const off = await postFrom(first.client, "/account", "/account/two-factor/off", { password: TEST_PASSWORD });
    assert.equal(off.status, 303);
    assert.equal((await passwordStep(t, viewer.email)).location, "/", "the password alone signs in again");
    const words = [
      ...(await auditWords(t, "auth.two_factor_on")),
      ...(await auditWords(t, "auth.recovery_codes_new")),
      ...(await auditWords(t, "auth.two_factor_off")),
    ];
    assert.ok(words.some((s) => /switched on two-factor sign-in/.test(s)));
    assert.ok(words.some((s) => /made new recovery codes/.test(s)));
    assert.ok(words.some((s) => /switched off two-factor sign-in/.test(s)));
  });

  it("takes a manager without a second factor to its setup and nowhere else; an administrator resets it, audited and mailed", async () => {
    const manager = await addUser(t, "manager");
    const { client, location } = await passwordStep(t, manager.email);
    assert.equal(location, "/account/two-factor/setup");
    for (const path of ["/", "/incidents", "/account"]) {
      const res = await client.agent.get(path);
      assert.equal(res.status, 303, path);
      assert.equal(res.headers.location, "/account/two-factor/setup");
    }
    const csrf = csrfFrom((await client.agent.get("/account/two-factor/setup")).text);
    const form = await client.agent.post("/account").type("form").send({ _csrf: csrf, name: "X", timeZone: "UTC" });
    assert.equal(form.status, 403);
    const setupPage = await client.agent.get("/account/two-factor/setup");
    assert.match(setupPage.text, /Your organisation requires a second factor/);
    await setUp(t, client);
    assert.equal((await client.agent.get("/incidents")).status, 200, "free to go once it is set up");
    const cannotOff = await postFrom(client, "/account", "/account/two-factor/off", { password: TEST_PASSWORD });
    assert.equal(cannotOff.status, 303);
    assert.match((await client.agent.get("/account")).text, /required for your role, so it cannot be switched off/);

    const admin = await addUser(t, "admin");
    nextStep(t);
    const adminIn = await passwordStep(t, admin.email);
    assert.equal(adminIn.location, "/account/two-factor/setup", "an administrator is staff too");
    await setUp(t, adminIn.client);
    const userPage = await adminIn.client.agent.get(`/admin/users/${manager.id}`);
    assert.match(userPage.text, /On, with 10 unused recovery codes/);
    const unconfirmed = await postFrom(
      adminIn.client,
      `/admin/users/${manager.id}`,
      `/admin/users/${manager.id}/two-factor/reset`,
      {},
    );
    assert.equal(unconfirmed.status, 303);
    assert.equal(await t.db.prisma.twoFactor.count({ where: { userId: manager.id } }), 1, "not without the confirmation");
    const reset = await postFrom(adminIn.client, `/admin/users/${manager.id}`, `/admin/users/${manager.id}/two-factor/reset`, {
      confirm: "yes",
    });
    assert.equal(reset.status, 303);
    assert.equal(await t.db.prisma.twoFactor.count({ where: { userId: manager.id } }), 0);
    assert.equal(await t.db.prisma.recoveryCode.count({ where: { userId: manager.id } }), 0);
    assert.deepEqual(await auditWords(t, "auth.two_factor_reset"), [`Test admin reset the two-factor sign-in of Test manager.`]);
    const mail = await t.db.prisma.caughtMail.findFirst({ where: { to: manager.email } });
    assert.match(mail?.subject ?? "", /two-factor sign-in was reset/);
    assert.match(mail?.text ?? "", /reset the two-factor sign-in of your Breachdesk account/);
    // The manager's next sign-in takes them to the setup again.
    assert.equal((await passwordStep(t, manager.email)).location, "/account/two-factor/setup");
  });
});

describe("two-factor sign-in (REQUIRE_MFA=all)", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ REQUIRE_MFA: "all" });
  });
  after(() => t.close());

  it("forces a viewer to set it up, then asks for the code at each sign-in", async () => {
    const viewer = await addUser(t, "viewer");
    const first = await passwordStep(t, viewer.email);
    assert.equal(first.location, "/account/two-factor/setup");
    assert.equal((await first.client.agent.get("/deadlines")).headers.location, "/account/two-factor/setup");
    const { secret } = await setUp(t, first.client);
    nextStep(t);
    const second = await passwordStep(t, viewer.email);
    assert.equal(second.location, "/login/code");
    const ok = await postFrom(second.client, "/login/code", "/login/code", { code: codeAt(secret, t.clock.now()) });
    assert.equal(ok.status, 303);
    assert.equal((await second.client.agent.get("/deadlines")).status, 200);
    const logins = await t.db.prisma.auditEntry.findMany({ where: { action: "auth.login", actorId: viewer.id } });
    assert.deepEqual(
      logins.map((e) => e.after),
      [null, JSON.stringify({ secondFactor: "code" })].map((v) => v),
      "one sign-in with the password alone (before the setup), one with a code",
    );
  });
});
