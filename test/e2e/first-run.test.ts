import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { andWaitForPage, type E2eSession, pathOf, startSession, textOf } from "./helpers.js";

// The first run of a fresh install, walked in a real Chromium against the real server process
// (src/server.ts: boot steps, migrations, worker, graceful shutdown), as a person would.

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery staple" };

describe("first run in Chromium", { timeout: 180_000 }, () => {
  let session: E2eSession | undefined;
  let page: Page;
  /** Console errors, uncaught exceptions and CSP violations, with the page they happened on. */
  let problems: string[] = [];
  let visited = new Set<string>();
  const screenshot = (name: string) => {
    assert.ok(session);
    return session.screenshot(name);
  };

  before(async () => {
    session = await startSession();
    ({ page, problems, visited } = session);
  });

  after(async () => {
    await session?.close();
  });

  it("sends a fresh install to the setup page", async () => {
    await page.goto("/");
    assert.equal(pathOf(page), "/setup");
    await page.getByRole("heading", { level: 1, name: "Set up Breachdesk" }).waitFor();
    await screenshot("setup");
  });

  it("refuses two different passwords and keeps the name and e-mail typed", async () => {
    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again", { exact: true }).fill(`${ADMIN.password}!`);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create administrator" }).click());

    assert.equal(pathOf(page), "/setup");
    const summary = page.getByRole("alert");
    assert.match(await textOf(summary), /Some fields need correcting\..*The two passwords differ\./);
    assert.equal(await page.getByLabel("Password again", { exact: true }).getAttribute("aria-invalid"), "true");
    assert.equal(await page.getByLabel("Your name", { exact: true }).inputValue(), ADMIN.name);
    assert.equal(await page.getByLabel("E-mail address", { exact: true }).inputValue(), ADMIN.email);
    assert.equal(await page.getByLabel("Password", { exact: true }).inputValue(), "", "a password is never sent back");
  });

  it("creates the first administrator and signs them in", async () => {
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create administrator" }).click());

    assert.equal(pathOf(page), "/");
    assert.match(await textOf(page.getByRole("status")), /Breachdesk is set up, and you are signed in/);
    assert.match(await textOf(page.getByRole("banner")), new RegExp(`${ADMIN.name} admin`));
  });

  it("signs out to the sign-in page", async () => {
    await andWaitForPage(page, () => page.getByRole("button", { name: "Sign out" }).click());
    assert.equal(new URL(page.url()).pathname, "/login");
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Sign out" }).count(), 0);
  });

  it("refuses a wrong password with a message, keeping the e-mail", async () => {
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill("not the password at all");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Sign in", exact: true }).click());

    assert.equal(pathOf(page), "/login");
    assert.match(await textOf(page.getByRole("alert")), /That e-mail address and password do not match an active account\./);
    assert.equal(await page.getByLabel("E-mail address", { exact: true }).inputValue(), ADMIN.email);
    assert.equal(await page.getByLabel("Password", { exact: true }).inputValue(), "");
  });

  it("signs in with the right password to the home page", async () => {
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Sign in", exact: true }).click());

    assert.equal(pathOf(page), "/");
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    assert.match(await textOf(page.getByRole("banner")), new RegExp(`${ADMIN.name} admin`));
    await screenshot("home");
  });

  it("offers an administrator Users and Audit log in the main navigation", async () => {
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const name of ["Home", "Incidents", "Users", "Audit log"]) {
      assert.equal(await nav.getByRole("link", { name, exact: true }).count(), 1, name);
    }
    assert.equal(await nav.getByRole("link", { name: "Home", exact: true }).getAttribute("aria-current"), "page");
  });

  it("lists setup, sign-in, sign-out and the failed sign-in in the audit log", async () => {
    await andWaitForPage(page, () =>
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click(),
    );

    assert.equal(pathOf(page), "/admin/audit");
    await page.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    // Each entry reads in words; its code is kept under its "Details".
    const entries = page.locator("li.audit-entry");
    const sentences = await entries.locator(".audit-words__sentence").allTextContents();
    for (const words of ["set Breachdesk up, with", "signed in.", "signed out.", "failed to sign in."]) {
      assert.ok(
        sentences.some((s) => s.includes(words)),
        `an entry reads "${words}": ${sentences.join(" | ")}`,
      );
    }
    for (const action of ["user.setup", "auth.login", "auth.logout", "auth.login_failed"]) {
      assert.ok(
        (await entries.locator("details code").getByText(action, { exact: true }).count()) >= 1,
        `${action} is in the details`,
      );
    }
    const first = entries.first().locator("details");
    await first.locator("summary").click();
    assert.equal(await first.getAttribute("open"), "", "an entry's details open");
    await screenshot("audit-log");
  });

  it("says the audit chain is intact", async () => {
    await andWaitForPage(page, () => page.getByRole("link", { name: "Verify the chain" }).click());

    assert.equal(pathOf(page), "/admin/audit/verify");
    const status = await textOf(page.getByRole("status"));
    const checked = Number(status.match(/^The chain is intact: all (\d+) entries verify\.$/)?.[1]);
    assert.ok(checked >= 4, `the chain verification says: ${status}`);
  });

  it("lets a keyboard user skip to the content with the first Tab", async () => {
    await page.goto("/");
    await page.keyboard.press("Tab");
    const skipLink = page.getByRole("link", { name: "Skip to content" });
    assert.ok(await skipLink.evaluate((link) => link.matches(":focus")), "the first Tab focuses the skip link");
    assert.ok(await skipLink.isVisible(), "the focused skip link is visible");
    await page.keyboard.press("Enter");
    assert.ok(await page.getByRole("main").evaluate((main) => main.matches(":focus")), "Enter moves the focus to the content");
  });

  it("shows no console error, uncaught exception or CSP violation on any page visited", () => {
    assert.ok(visited.size >= 5, `pages visited: ${[...visited].join(", ")}`);
    assert.deepEqual(problems, []);
  });
});
