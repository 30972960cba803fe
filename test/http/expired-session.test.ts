import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { agentFor, createTestApp, csrfFrom, signedIn, TEST_PASSWORD, type TestApp } from "../helpers/app.js";

// A form sent after the session expired (issue 13; decision 0016): what was typed is kept, the
// person signs in again and comes back to the form with it filled in, once.

type Client = Awaited<ReturnType<typeof signedIn>>;

/** Ends the client's session as time does: its row is past its expiry. */
async function expireSessions(t: TestApp, userId: string) {
  await t.db.prisma.session.updateMany({ where: { userId }, data: { expiresAt: new Date("2000-01-01T00:00:00Z") } });
}

const newUserForm = {
  name: "Kim Kept",
  email: "kim@example.org",
  role: "viewer",
  timeZone: "Europe/Dublin",
  method: "password",
  password: "a password that must not be kept",
};

describe("a form sent after the session expired", () => {
  let t: TestApp;
  let admin: Client;
  let page: string;
  before(async () => {
    t = await createTestApp();
    admin = await signedIn(t, "admin");
    page = `${t.deps.config.publicUrl}/admin/users/new`;
  });
  after(() => t.close());

  it("is kept, the sign-in page says so, and after signing in the form comes back filled in, once", async () => {
    const form = await admin.agent.get("/admin/users/new");
    await expireSessions(t, admin.user.id);
    // As a browser sends it from our page: Sec-Fetch-Site and the Referer our policy lets through.
    const sent = await admin.agent
      .post("/admin/users")
      .set("Sec-Fetch-Site", "same-origin")
      .set("Referer", page)
      .type("form")
      .send({ _csrf: csrfFrom(form.text), ...newUserForm });
    assert.equal(sent.status, 303, sent.text.slice(0, 300));
    assert.equal(sent.headers.location, "/login?next=%2Fadmin%2Fusers%2Fnew");
    assert.equal(await t.db.prisma.user.count({ where: { email: "kim@example.org" } }), 0, "nothing was done");

    const signIn = await admin.agent.get(sent.headers.location);
    assert.match(signIn.text, /Your session had expired, so the form you sent was not saved\. Sign in again to go back to it/);
    assert.match(signIn.text, /name="next" value="\/admin\/users\/new"/);
    const signedIn = await admin.agent
      .post("/login")
      .type("form")
      .send({ _csrf: csrfFrom(signIn.text), email: admin.user.email, password: TEST_PASSWORD, next: "/admin/users/new" });
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.location, "/admin/users/new");

    const back = await admin.agent.get("/admin/users/new");
    assert.equal(back.status, 200);
    assert.match(back.text, /What you typed is filled in again below: check it and send it again\./);
    assert.match(back.text, /<input id="name" name="name" type="text" value="Kim Kept"/);
    assert.match(back.text, /<input id="email" name="email" type="email" value="kim@example\.org"/);
    assert.match(back.text, /<input type="radio" name="role" value="viewer" checked>/);
    assert.match(back.text, /<input type="radio" name="role" value="manager">/, "the default choice gave way");
    assert.match(back.text, /<input type="radio" name="method" value="password" checked>/);
    assert.match(back.text, /<option selected>Europe\/Dublin<\/option>/);
    assert.match(back.text, /<input id="password" name="password" type="password"\s+value=""/);
    assert.doesNotMatch(back.text, /must not be kept/, "a password is never kept");
    const stored = await t.db.prisma.session.findMany({ where: { userId: admin.user.id } });
    assert.ok(
      stored.every((s) => !s.data.includes("must not be kept")),
      "nor stored in the session",
    );

    const again = await admin.agent.get("/admin/users/new");
    assert.doesNotMatch(again.text, /Kim Kept/, "refilled once only");
    assert.doesNotMatch(again.text, /filled in again/);
  });

  it("is kept when the browser sends only an Origin of ours, and the page with an action-less form is found by its path", async () => {
    const account = await admin.agent.get("/account");
    await expireSessions(t, admin.user.id);
    const sent = await admin.agent
      .post("/account")
      .set("Origin", new URL(t.deps.config.publicUrl).origin)
      .set("Referer", `${t.deps.config.publicUrl}/account`)
      .type("form")
      .send({ _csrf: csrfFrom(account.text), name: "Renamed Admin", timeZone: "Asia/Tokyo" });
    assert.equal(sent.headers.location, "/login?next=%2Faccount");
    const signIn = await admin.agent.get(sent.headers.location);
    await admin.agent
      .post("/login")
      .type("form")
      .send({ _csrf: csrfFrom(signIn.text), email: admin.user.email, password: TEST_PASSWORD, next: "/account" });
    const back = await admin.agent.get("/account");
    assert.match(back.text, /value="Renamed Admin"/);
    assert.match(back.text, /<option selected>Asia\/Tokyo<\/option>/);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: admin.user.id } });
    assert.notEqual(user.name, "Renamed Admin", "only shown, never saved for them");
  });

  it("from another site, or without any sign of where it came from, is refused as before and keeps nothing", async () => {
    const client = agentFor(t);
    await client.agent.get("/login");
    for (const headers of [{ "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" }, {}]) {
      const res = await client.agent
        .post("/admin/users")
        .set(headers)
        .type("form")
        .send({ _csrf: "guessed", ...newUserForm });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.match(res.text, /This form has expired or came from another site/);
    }
    const signIn = await client.agent.get("/login");
    assert.doesNotMatch(signIn.text, /Your session had expired/);
  });

  it("sends the Referer of our pages to our pages only", async () => {
    const res = await admin.agent.get("/login");
    assert.equal(res.headers["referrer-policy"], "same-origin");
  });
});
