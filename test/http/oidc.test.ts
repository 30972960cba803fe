import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { describeAuditEntry } from "../../src/modules/audit/index.js";
import { addUser, agentFor, createTestApp, TEST_PASSWORD, type TestApp } from "../helpers/app.js";
import { signInAtProvider, startTestProvider, type TestProvider } from "../helpers/oidc-provider.js";

// Single sign-on through a real OpenID provider (oidc-provider on 127.0.0.1), driven without a
// browser: the app's redirect, the provider's sign-in page and the app's callback (decision 0031).

const PUBLIC_URL = "http://breachdesk.test";
type Client = ReturnType<typeof agentFor>;

function ssoEnv(provider: TestProvider, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PUBLIC_URL,
    OIDC_ISSUER_URL: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_PROVIDER_NAME: "Test IdP",
    OIDC_ROLE_MAP: "breach-admins=admin,breach-managers=manager,staff=viewer",
    OIDC_ALLOWED_DOMAINS: "example.org",
    ...extra,
  };
}

/** Starts a single sign-on from the sign-in page: the provider's URL the app sends the browser to. */
async function startSso(client: Client): Promise<string> {
  const res = await client.agent.get("/login/sso?next=%2F");
  assert.equal(res.status, 303, res.text.slice(0, 300));
  const location = String(res.headers.location);
  assert.ok(!location.startsWith("/"), `sent to ${location}, not to the provider`);
  return location;
}

/** A whole single sign-on as `account`: the app's answer to the provider's callback, and that callback's path. */
async function ssoAs(client: Client, account: string) {
  const callback = await signInAtProvider(await startSso(client), account);
  assert.equal(callback.origin + callback.pathname, `${PUBLIC_URL}/login/sso/callback`);
  const path = callback.pathname + callback.search;
  return { res: await client.agent.get(path), path };
}

/** A client signed in with the test password. */
async function signedInAs(t: TestApp, email: string): Promise<Client> {
  const client = agentFor(t);
  const res = await client.post("/login", { email, password: TEST_PASSWORD });
  assert.equal(res.status, 303);
  return client;
}

async function userWithEmail(t: TestApp, email: string) {
  return t.db.prisma.user.findUnique({ where: { email } });
}

async function auditActions(t: TestApp, userId: string | null) {
  const entries = await t.db.prisma.auditEntry.findMany({ where: { entityId: userId }, orderBy: { seq: "asc" } });
  return entries.map((e) => e.action);
}

describe("single sign-on through an OpenID provider", { timeout: 60_000 }, () => {
  let provider: TestProvider;
  let t: TestApp;

  before(async () => {
    provider = await startTestProvider(`${PUBLIC_URL}/login/sso/callback`);
    provider.accounts.set("alice", { email: "alice@example.org", name: "Alice Able", groups: ["breach-managers", "staff"] });
    provider.accounts.set("mallory", { email: "mallory@elsewhere.example", name: "Mallory", groups: ["breach-admins"] });
    provider.accounts.set("nogroup", { email: "nobody@example.org", name: "No Group", groups: ["sales"] });
    provider.accounts.set("unverified", { email: "unverified@example.org", email_verified: false, groups: ["staff"] });
    t = await createTestApp(ssoEnv(provider));
    await addUser(t, "admin", "first-admin@example.org");
  });
  after(async () => {
    await t?.close();
    await provider?.close();
  });

  it("offers the provider on the sign-in page", async () => {
    const page = await agentFor(t).agent.get("/login");
    assert.match(page.text, /<a class="button" href="\/login\/sso\?next=%2F">Sign in with Test IdP<\/a>/);
  });

  it("makes and links an account at the first sign-in, with the highest role its groups map to, in a normal session", async () => {
    const client = agentFor(t);
    const { res } = await ssoAs(client, "alice");
    assert.equal(res.status, 303, res.text.slice(0, 300));
    assert.equal(res.headers.location, "/");
    const user = await userWithEmail(t, "alice@example.org");
    assert.ok(user);
    assert.equal(user.role, "manager");
    assert.equal(user.name, "Alice Able");
    assert.equal(user.passwordHash, null);
    assert.equal(user.oidcIssuer, provider.issuer);
    assert.equal(user.oidcSubject, "alice");
    const account = await client.agent.get("/account");
    assert.equal(account.status, 200);
    assert.match(account.text, /Alice Able/);
    assert.match(account.text, /this session/, "the account page lists the session");
    assert.equal(await t.db.prisma.session.count({ where: { userId: user.id } }), 1);
    const admin = await signedInAs(t, "first-admin@example.org");
    const shown = await admin.agent.get(`/admin/users/${user.id}`);
    assert.match(shown.text, /<dt>Single sign-on<\/dt><dd>linked to <code>alice<\/code> at http:\/\/127\.0\.0\.1:\d+ /);
    assert.deepEqual(await auditActions(t, user.id), ["user.create", "auth.login"]);
    const login = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { entityId: user.id, action: "auth.login" } });
    assert.match(
      describeAuditEntry(login, { users: new Map(), incidents: new Map() }).sentence,
      /signed in through single sign-on/,
    );
  });

  it("refreshes the role from the claim at each sign-in, and audits the change", async () => {
    provider.accounts.set("alice", { ...provider.accounts.get("alice")!, groups: ["breach-admins"] });
    const { res } = await ssoAs(agentFor(t), "alice");
    assert.equal(res.status, 303);
    const user = await userWithEmail(t, "alice@example.org");
    assert.equal(user?.role, "admin");
    const change = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { entityId: user!.id, action: "user.role_change" } });
    assert.deepEqual(JSON.parse(String(change.after)), { role: "admin", via: "sso" });
    assert.deepEqual(JSON.parse(String(change.before)), { role: "manager" });
    // The same role again changes nothing.
    await ssoAs(agentFor(t), "alice");
    assert.equal(await t.db.prisma.auditEntry.count({ where: { entityId: user!.id, action: "user.role_change" } }), 1);
  });

  it("refuses an address outside OIDC_ALLOWED_DOMAINS with a page saying so, and makes no account", async () => {
    const client = agentFor(t);
    const { res } = await ssoAs(client, "mallory");
    assert.equal(res.status, 403);
    assert.match(res.text, /Sign-in refused/);
    assert.match(res.text, /Addresses at elsewhere\.example may not sign in to Breachdesk: only those at example\.org may/);
    assert.equal(await userWithEmail(t, "mallory@elsewhere.example"), null);
    const refused = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "auth.sso_refused" },
      orderBy: { seq: "desc" },
    });
    assert.equal(JSON.parse(String(refused.after)).reason, "domain");
    assert.equal((await client.agent.get("/")).status, 303, "not signed in");
  });

  it("refuses a user none of whose groups is mapped, and one whose address the provider says is unverified", async () => {
    const noGroup = await ssoAs(agentFor(t), "nogroup");
    assert.equal(noGroup.res.status, 403);
    assert.match(noGroup.res.text, /in none of the groups that give access to Breachdesk/);
    assert.equal(await userWithEmail(t, "nobody@example.org"), null);
    const unverified = await ssoAs(agentFor(t), "unverified");
    assert.equal(unverified.res.status, 403);
    assert.match(unverified.res.text, /did not give a verified e-mail address/);
    assert.equal(await userWithEmail(t, "unverified@example.org"), null);
  });

  it("refuses a callback URL used a second time (a replayed state), and one with another state", async () => {
    const client = agentFor(t);
    const first = await ssoAs(client, "alice");
    assert.equal(first.res.status, 303);
    const again = await client.agent.get(first.path);
    assert.equal(again.status, 401);
    assert.match(again.text, /This sign-in was finished already, has expired, or was started in another browser/);

    // A fresh flow in a new browser, answered with the state of another flow: the library's state check refuses it.
    const other = agentFor(t);
    const callback = await signInAtProvider(await startSso(other), "alice");
    callback.searchParams.set("state", "not-the-state-we-sent");
    const forged = await other.agent.get(callback.pathname + callback.search);
    assert.equal(forged.status, 401);
    assert.match(forged.text, /Test IdP did not complete the sign-in/);
    assert.equal((await other.agent.get("/")).status, 303, "not signed in");
  });

  it("does not link an existing local account by its e-mail address alone", async () => {
    const local = await addUser(t, "viewer", "bob@example.org");
    provider.accounts.set("bob-at-idp", { email: "bob@example.org", name: "Bob at the IdP", groups: ["breach-admins"] });
    const { res } = await ssoAs(agentFor(t), "bob-at-idp");
    assert.equal(res.status, 403);
    assert.match(
      res.text,
      /Breachdesk has an account for bob@example\.org already, and it is not linked to your Test IdP account/,
    );
    const bob = await userWithEmail(t, "bob@example.org");
    assert.equal(bob?.oidcSubject, null);
    assert.equal(bob?.role, "viewer");
    assert.deepEqual(await auditActions(t, local.id), ["user.create", "auth.sso_refused"]);
  });

  it("answers 404 on the single sign-on routes when it is not set up", async () => {
    const plain = await createTestApp();
    try {
      await addUser(plain, "admin");
      const client = agentFor(plain);
      const page = await client.agent.get("/login");
      assert.doesNotMatch(page.text, /Sign in with/);
      assert.equal((await client.agent.get("/login/sso")).status, 404);
      assert.equal((await client.agent.get("/login/sso/callback?code=x&state=y")).status, 404);
    } finally {
      await plain.close();
    }
  });
});

describe("single sign-on settings that change the rules", { timeout: 60_000 }, () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider(`${PUBLIC_URL}/login/sso/callback`);
    provider.accounts.set("carol", { email: "carol@example.org", name: "Carol", groups: ["staff"], amr: ["pwd", "otp"] });
    provider.accounts.set("dave", { email: "dave@example.org", name: "Dave", groups: ["staff"], amr: ["pwd"] });
  });
  after(() => provider?.close());

  it("links an existing account by its address when OIDC_LINK_BY_EMAIL=true, and refreshes its role", async () => {
    const t = await createTestApp(ssoEnv(provider, { OIDC_LINK_BY_EMAIL: "true" }));
    try {
      await addUser(t, "admin", "first-admin@example.org");
      const carol = await addUser(t, "manager", "carol@example.org");
      const { res } = await ssoAs(agentFor(t), "carol");
      assert.equal(res.status, 303, res.text.slice(0, 300));
      const linked = await userWithEmail(t, "carol@example.org");
      assert.equal(linked?.id, carol.id);
      assert.equal(linked?.oidcSubject, "carol");
      assert.equal(linked?.role, "viewer");
      assert.deepEqual(await auditActions(t, carol.id), ["user.create", "user.sso_link", "user.role_change", "auth.login"]);
      // Linked by subject now: a new address at the provider still finds the same account.
      provider.accounts.set("carol", { ...provider.accounts.get("carol")!, email: "carol.new@example.org" });
      assert.equal((await ssoAs(agentFor(t), "carol")).res.status, 303);
      assert.equal(await t.db.prisma.user.count({ where: { oidcSubject: "carol" } }), 1);
    } finally {
      provider.accounts.set("carol", { ...provider.accounts.get("carol")!, email: "carol@example.org" });
      await t.close();
    }
  });

  it("with REQUIRE_MFA=all and OIDC_MFA=amr, lets in a sign-in whose amr names a second factor, and sends the others to the setup", async () => {
    const t = await createTestApp(ssoEnv(provider, { REQUIRE_MFA: "all", OIDC_MFA: "amr" }));
    try {
      await addUser(t, "admin", "first-admin@example.org");
      const carol = agentFor(t);
      assert.equal((await ssoAs(carol, "carol")).res.headers.location, "/");
      assert.equal((await carol.agent.get("/")).status, 200, "the gate lets her through");
      const dave = agentFor(t);
      assert.equal((await ssoAs(dave, "dave")).res.headers.location, "/account/two-factor/setup");
      assert.equal((await dave.agent.get("/")).headers.location, "/account/two-factor/setup");
    } finally {
      await t.close();
    }
  });

  it("with LOCAL_PASSWORDS=off, refuses passwords to all but the break-glass administrators", async () => {
    const t = await createTestApp(ssoEnv(provider, { LOCAL_PASSWORDS: "off", BREAK_GLASS_ADMINS: "Glass@example.org" }));
    try {
      await addUser(t, "admin", "glass@example.org");
      await addUser(t, "admin", "other-admin@example.org");
      const page = await agentFor(t).agent.get("/login");
      assert.match(page.text, /Emergency sign-in with a password/);
      assert.doesNotMatch(page.text, /Forgotten your password/);
      const refused = await agentFor(t).post("/login", { email: "other-admin@example.org", password: TEST_PASSWORD });
      assert.equal(refused.status, 401);
      assert.match(refused.text, /Passwords are switched off here: use &#34;Sign in with Test IdP&#34;/);
      const glass = await agentFor(t).post("/login", { email: "glass@example.org", password: TEST_PASSWORD });
      assert.equal(glass.status, 303);
      assert.equal(glass.headers.location, "/");
      // A reset link goes only to a break-glass administrator; the page says passwords are off.
      const forgotPage = await agentFor(t).agent.get("/password/forgot");
      assert.match(forgotPage.text, /Passwords are switched off here/);
      for (const email of ["other-admin@example.org", "glass@example.org"]) {
        const asked = await agentFor(t).post("/password/forgot", { email });
        assert.equal(asked.status, 200);
        assert.match(asked.text, /If an active account has that address/);
      }
      const resetsOf = async (email: string) =>
        t.deps.db.prisma.userToken.count({ where: { purpose: "reset", user: { email } } });
      for (let i = 0; i < 200 && (await resetsOf("glass@example.org")) === 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(await resetsOf("glass@example.org"), 1);
      assert.equal(await resetsOf("other-admin@example.org"), 0);
    } finally {
      await t.close();
    }
  });

  it("starts although the provider cannot be reached, and says so on a page when a sign-in is tried", async () => {
    const t = await createTestApp(ssoEnv(provider, { OIDC_ISSUER_URL: "http://127.0.0.1:9" }));
    try {
      await addUser(t, "admin");
      const client = agentFor(t);
      const res = await client.agent.get("/login/sso");
      assert.equal(res.status, 503);
      assert.match(res.text, /Single sign-on unavailable/);
      assert.match(res.text, /Breachdesk could not reach Test IdP \(http:\/\/127\.0\.0\.1:9\) to start single sign-on/);
    } finally {
      await t.close();
    }
  });
});
