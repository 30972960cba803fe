import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { andWaitForPage, checkBothWidthsAndShoot, type E2eSession, pathOf, startSession, textOf } from "./helpers.js";

// The account page's sessions and API tokens, and the user page's "end all", in a real Chromium
// at 1,280 and 390 px: readable, no sideways scroll, enough contrast.

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery staple" };

describe("sessions and tokens in Chromium", { timeout: 120_000 }, () => {
  let session: E2eSession | undefined;
  let page: Page;

  before(async () => {
    session = await startSession();
    ({ page } = session);
  });
  after(async () => {
    await session?.close();
  });

  it("lists this session and a read-only token with its expiry, each with a way to end it", async () => {
    await page.goto("/setup");
    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create administrator" }).click());

    await page.goto("/account/tokens");
    await page.getByLabel("Name", { exact: true }).fill("SIEM reader");
    await page.getByLabel("Last day it works (optional)").fill("2099-12-31");
    await page.getByLabel(/Read only/).check();
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create token" }).click());
    assert.match(await textOf(page.locator("table")), /SIEM reader.*2099-12-31.*Read only/s);

    await page.goto("/account");
    const sessions = await textOf(page.getByRole("list", { name: "Your sessions" }));
    assert.match(sessions, /HeadlessChrome|Chrome/);
    assert.match(sessions, /this session/);
    assert.match(await textOf(page.locator("#sessions-and-tokens")), /SIEM reader.*read only.*expires 2099-12-31/s);
    await checkBothWidthsAndShoot(session!, page, "account-sessions-and-tokens");

    await page.goto("/admin/users");
    await andWaitForPage(page, () => page.getByRole("main").getByRole("link", { name: ADMIN.name }).first().click());
    await page.getByRole("button", { name: "End all sessions and tokens" }).waitFor();
    await checkBothWidthsAndShoot(session!, page, "user-sign-out-everywhere");
    await page.getByLabel(/Yes, end every session and API token/).check();
    await andWaitForPage(page, () => page.getByRole("button", { name: "End all sessions and tokens" }).click());
    assert.equal(pathOf(page), "/login?signedOut=1");
  });
});
