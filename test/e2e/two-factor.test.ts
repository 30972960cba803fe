import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { codeAt, PERIOD_SECONDS } from "../../src/modules/auth/two-factor.policy.js";
import {
  andWaitForPage,
  checkBothWidthsAndShoot,
  contrastProblems,
  type E2eSession,
  pathOf,
  SCREENSHOTS,
  startSession,
  textOf,
} from "./helpers.js";

// Two-factor sign-in with REQUIRE_MFA=all, in a real Chromium against the real server: the
// first administrator is taken to the setup, reads the text key beside the QR code, computes
// codes from it with the same library an authenticator app's algorithm follows, and signs in
// again with a code and with a recovery code.

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery staple" };

describe("two-factor sign-in in Chromium", { timeout: 180_000 }, () => {
  let session: E2eSession | undefined;
  let page: Page;
  let problems: string[] = [];
  let secret = "";
  let recoveryCodes: string[] = [];

  before(async () => {
    session = await startSession({ REQUIRE_MFA: "all" });
    ({ page, problems } = session);
  });

  after(async () => {
    await session?.close();
  });

  async function passwordStep() {
    await page.goto("/login");
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Sign in", exact: true }).click());
  }

  // The header's button: the account page has its own "Sign out" buttons for each session.
  async function signOutFromHeader() {
    await andWaitForPage(page, () => page.getByRole("banner").getByRole("button", { name: "Sign out" }).click());
    assert.equal(new URL(page.url()).pathname, "/login");
  }

  async function enterCode(code: string) {
    await page.getByLabel("Code", { exact: true }).fill(code);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Sign in", exact: true }).click());
  }

  it("takes the first administrator to the setup, which shows a QR code and the key, and nothing else", async () => {
    await page.goto("/setup");
    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create administrator" }).click());
    assert.equal(pathOf(page), "/account/two-factor/setup");
    await page.getByRole("heading", { level: 1, name: "Set up two-factor sign-in" }).waitFor();
    const qr = page.getByRole("img", { name: /QR code/ });
    type Img = { decode(): Promise<void>; naturalWidth: number };
    const drawn = await qr.evaluate((img) => (img as unknown as Img).decode().then(() => (img as unknown as Img).naturalWidth));
    assert.equal(drawn, 200, `the QR code is drawn (${problems.join("; ")})`);
    secret = (await textOf(page.locator("#setup-key"))).replace(/ /g, "");
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await page.goto("/incidents");
    assert.equal(pathOf(page), "/account/two-factor/setup", "no other page until it is set up");
    await checkBothWidthsAndShoot(session!, page, "two-factor-setup");
  });

  it("refuses a wrong code, then switches on with the app's code and shows ten recovery codes once", async () => {
    await page.getByLabel("The six-digit code your app shows now", { exact: true }).fill("000000");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Switch on two-factor sign-in" }).click());
    assert.match(await textOf(page.getByRole("alert")), /That code does not match/);
    await page.getByLabel("The six-digit code your app shows now", { exact: true }).fill(codeAt(secret, new Date()));
    await andWaitForPage(page, () => page.getByRole("button", { name: "Switch on two-factor sign-in" }).click());
    await page.getByRole("heading", { level: 1, name: "Your recovery codes" }).waitFor();
    recoveryCodes = (await page.locator(".recovery-codes code").allTextContents()).map((c) => c.trim());
    assert.equal(recoveryCodes.length, 10);
    // Shown once: the page cannot be opened again (a phone-width copy would find the account page), so one width here.
    assert.deepEqual(await contrastProblems(page), []);
    await page.screenshot({ path: join(SCREENSHOTS, "two-factor-recovery-codes-1280x800.png"), fullPage: true });
    await andWaitForPage(page, () => page.getByRole("link", { name: "I have saved them" }).click());
    assert.equal(pathOf(page), "/account");
    assert.match(await textOf(page.locator("#two-factor")), /On since .* 10 unused recovery codes left/);
  });

  it("asks for the code after the password, refuses a wrong one, and lets the right one in", async () => {
    await signOutFromHeader();
    await passwordStep();
    assert.equal(pathOf(page), "/login/code");
    await page.getByRole("heading", { level: 1, name: "Enter your code" }).waitFor();
    await checkBothWidthsAndShoot(session!, page, "two-factor-code");
    await enterCode("123456");
    assert.equal(pathOf(page), "/login/code");
    assert.match(await textOf(page.getByRole("alert")), /That code is not right/);
    // The setup used this step's code; the app's next code (one step ahead) is accepted and new.
    await enterCode(codeAt(secret, new Date(Date.now() + PERIOD_SECONDS * 1000)));
    assert.equal(pathOf(page), "/");
    assert.match(await textOf(page.getByRole("banner")), /Ada Admin/);
  });

  it("signs in with a recovery code once; the same code is refused the next time", async () => {
    await signOutFromHeader();
    await passwordStep();
    await enterCode(recoveryCodes[0]!);
    assert.equal(pathOf(page), "/");
    assert.match(await textOf(page.getByRole("status").first()), /You signed in with a recovery code.*9 are left/);
    await signOutFromHeader();
    await passwordStep();
    await enterCode(recoveryCodes[0]!);
    assert.equal(pathOf(page), "/login/code");
    assert.match(await textOf(page.getByRole("alert")), /used already/);
  });

  it("shows the state on the account page and on the administrators' user page, with the reset behind a confirmation", async () => {
    await enterCode(recoveryCodes[1]!);
    await page.goto("/account");
    assert.match(await textOf(page.locator("#two-factor")), /8 unused recovery codes left/);
    await checkBothWidthsAndShoot(session!, page, "two-factor-account");
    await page.goto("/admin/users");
    await andWaitForPage(page, () => page.getByRole("main").getByRole("link", { name: ADMIN.name }).click());
    const card = page.locator("#two-factor");
    assert.match(await textOf(card), /On, with 8 unused recovery codes/);
    assert.equal(await card.getByRole("checkbox").getAttribute("required"), "");
    await checkBothWidthsAndShoot(session!, page, "two-factor-admin-user");
    assert.deepEqual(problems, []);
  });
});
