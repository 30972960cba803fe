import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { startTestProvider, type TestProvider } from "../helpers/oidc-provider.js";
import {
  addUser,
  andWaitForPage,
  checkBothWidthsAndShoot,
  type E2eSession,
  pathOf,
  signIn,
  signOut,
  startSession,
  textOf,
} from "./helpers.js";

// Single sign-on in a real Chromium, against the real server and a real OpenID provider
// (oidc-provider) on 127.0.0.1: a first sign-in makes and links an account with the role its
// groups map to; a refused domain, a replayed callback and an address that belongs to a local
// account are each refused with a page saying why, and make no account.

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery staple" };
const BOB = { name: "Bob Local", email: "bob@example.org", password: "another horse battery staple" };

/** A port free on 127.0.0.1 now: the app's redirect URI must be registered at the provider before the app starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("single sign-on in Chromium", { timeout: 180_000 }, () => {
  let provider: TestProvider | undefined;
  let session: E2eSession | undefined;
  let page: Page;
  let problems: string[] = [];
  const callbacks: string[] = [];

  before(async () => {
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    provider = await startTestProvider(`${appUrl}/login/sso/callback`);
    provider.accounts.set("alice", { email: "alice@example.org", name: "Alice Able", groups: ["breach-managers"] });
    provider.accounts.set("mallory", { email: "mallory@elsewhere.example", name: "Mallory", groups: ["breach-admins"] });
    provider.accounts.set("bob-at-idp", { email: BOB.email, name: "Bob at the IdP", groups: ["breach-admins"] });
    session = await startSession({
      PORT: String(port),
      PUBLIC_URL: appUrl,
      OIDC_ISSUER_URL: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_PROVIDER_NAME: "Test IdP",
      OIDC_ROLE_MAP: "breach-admins=admin,breach-managers=manager,*=viewer",
      OIDC_ALLOWED_DOMAINS: "example.org",
    });
    ({ page, problems } = session);
    page.on("request", (request) => {
      if (request.isNavigationRequest() && request.url().includes("/login/sso/callback")) callbacks.push(request.url());
    });
  });

  after(async () => {
    await session?.close();
    await provider?.close();
  });

  /** From the sign-in page through the provider's page as `account`, back to whatever the app answers. */
  async function signInThroughProvider(account: string) {
    // The provider's own session cookies (on the same host, other names) go, so it asks again.
    await session!.desktop.clearCookies({ name: /^_/ });
    await page.goto("/login");
    await andWaitForPage(page, () => page.getByRole("link", { name: "Sign in with Test IdP" }).click());
    assert.equal(new URL(page.url()).origin, provider!.issuer, "at the provider");
    await page.getByLabel("Account", { exact: true }).fill(account);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Continue" }).click());
    assert.equal(new URL(page.url()).origin, session!.server.baseUrl, "back at Breachdesk");
  }

  it("sets up the first administrator, who adds Bob with a local password", async () => {
    await page.goto("/setup");
    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create administrator" }).click());
    await addUser(page, BOB, /^Viewer/);
    await signOut(page);
  });

  it("offers the provider on the sign-in page, beside the password", async () => {
    await page.goto("/login");
    await page.getByRole("link", { name: "Sign in with Test IdP" }).waitFor();
    await page.getByLabel("Password", { exact: true }).waitFor();
    await checkBothWidthsAndShoot(session!, page, "sso-sign-in");
  });

  it("makes and links Alice's account at her first sign-in, as a manager from her group, in a session the account page lists", async () => {
    await signInThroughProvider("alice");
    assert.equal(pathOf(page), "/");
    assert.match(await textOf(page.getByRole("banner")), /Alice Able/);
    await page.goto("/account");
    assert.match(await textOf(page.locator("#sessions-and-tokens")), /this session/);
  });

  it("refuses the callback URL used again (a replayed state), saying so", async () => {
    assert.equal(callbacks.length, 1);
    await page.goto(callbacks[0]!);
    await page.getByRole("heading", { level: 1, name: "Single sign-on not completed" }).waitFor();
    assert.match(
      await textOf(page.getByRole("alert")),
      /This sign-in was finished already, has expired, or was started in another browser/,
    );
    await checkBothWidthsAndShoot(session!, page, "sso-replayed");
    await page.goto("/");
    assert.match(await textOf(page.getByRole("banner")), /Alice Able/, "still signed in");
    await signOut(page);
  });

  it("refuses an address outside the allowed domains with a page saying why", async () => {
    await signInThroughProvider("mallory");
    await page.getByRole("heading", { level: 1, name: "Sign-in refused" }).waitFor();
    assert.match(
      await textOf(page.getByRole("alert")),
      /Addresses at elsewhere\.example may not sign in to Breachdesk: only those at example\.org may\. No account was made for mallory@elsewhere\.example/,
    );
    await checkBothWidthsAndShoot(session!, page, "sso-refused-domain");
    await page.goto("/");
    assert.equal(new URL(page.url()).pathname, "/login", "not signed in");
  });

  it("does not link Bob's local account to an account at the provider with the same address", async () => {
    await signInThroughProvider("bob-at-idp");
    await page.getByRole("heading", { level: 1, name: "Sign-in refused" }).waitFor();
    assert.match(
      await textOf(page.getByRole("alert")),
      /Breachdesk has an account for bob@example\.org already, and it is not linked to your Test IdP account/,
    );
  });

  it("shows the administrator Alice as a manager, Bob still a viewer, and no account for Mallory", async () => {
    await signIn(page, ADMIN);
    await page.goto("/admin/users");
    const rows = page.getByRole("main").getByRole("row");
    assert.match(await textOf(rows.filter({ hasText: "Alice Able" })), /alice@example\.org manager active/);
    assert.match(await textOf(rows.filter({ hasText: BOB.email })), /Bob Local bob@example\.org viewer active/);
    assert.equal(await rows.filter({ hasText: "elsewhere.example" }).count(), 0);
    assert.equal(await rows.count(), 4, "the header row, Ada, Bob and Alice");
    assert.deepEqual(problems, []);
  });
});
