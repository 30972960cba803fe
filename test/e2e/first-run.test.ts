import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { settingDocs } from "../../src/config/config.js";
import { projectRoot } from "../../src/lib/paths.js";

// The first run of a fresh install, walked in a real Chromium against the real server process
// (src/server.ts: boot steps, migrations, worker, graceful shutdown), as a person would.

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery staple" };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SCREENSHOTS = join(projectRoot, "test-results");
const READY_LINE = /✓ Breachdesk is running at http:\/\/[^\s/]+:(\d+)\//;

interface RunningServer {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

/** Starts `node --import tsx src/server.ts` on a fresh SQLite file and waits for its ready line. */
function startServer(dataDir: string): Promise<RunningServer> {
  // Nothing from the developer's environment or .env (an SMTP relay, a PUBLIC_URL) leaks into
  // the run: an empty value counts as unset, and the .env loader leaves a set variable alone.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(settingDocs)) env[key] = "";
  Object.assign(env, {
    DATABASE_URL: `file:${join(dataDir, "e2e.db")}`,
    PORT: "0",
    HOST: "127.0.0.1",
    RUN_WORKER: "true",
    LOG_LEVEL: "warn",
    NODE_ENV: "test",
  });
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server did not print its ready line within 30 s; its output:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const port = output.match(READY_LINE)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({ child, baseUrl: `http://127.0.0.1:${port}`, output: () => output });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${code}, signal ${signal}) before it was ready; its output:\n${output}`));
    });
  });
}

/** Sends SIGTERM and waits up to 15 s for the exit; a slow or unclean stop fails the run. */
async function stopServer(server: RunningServer): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) {
    assert.fail(`the server stopped early (code ${child.exitCode}, signal ${child.signalCode}); its output:\n${server.output()}`);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), 15_000);
  });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (result === "timeout") {
    child.kill("SIGKILL");
    assert.fail(`the server did not stop within 15 s of SIGTERM; its output:\n${server.output()}`);
  }
  assert.deepEqual(
    result,
    { code: 0, signal: null },
    `the server did not exit cleanly on SIGTERM; its output:\n${server.output()}`,
  );
}

/** Runs an action that submits a form or follows a link, and waits until the next page has loaded. */
async function andWaitForPage(page: Page, action: () => Promise<void>): Promise<void> {
  const navigated = page.waitForEvent("framenavigated", { predicate: (frame) => frame === page.mainFrame() });
  await action();
  await navigated;
  await page.waitForLoadState("load");
}

function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
}

describe("first run in Chromium", { timeout: 180_000 }, () => {
  let dataDir: string;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let desktop: BrowserContext;
  let page: Page;
  /** Console errors, uncaught exceptions and CSP violations, with the page they happened on. */
  const problems: string[] = [];
  const visited = new Set<string>();

  function watch(context: BrowserContext) {
    // Chromium reports every CSP violation as a console error naming the directive.
    context.on("page", (p) => {
      p.on("console", (message) => {
        if (message.type() !== "error") return;
        // A form re-rendered with 400 or 401 is logged as a failed load of the page itself;
        // the steps check those pages by their content. Any other failed load is a problem.
        const source = message.location().url;
        if (message.text().startsWith("Failed to load resource") && source === p.url()) return;
        problems.push(`${p.url()}: console error: ${message.text()}${source && source !== p.url() ? ` (${source})` : ""}`);
      });
      p.on("pageerror", (error) => problems.push(`${p.url()}: uncaught ${error.name}: ${error.message}`));
      p.on("load", () => visited.add(pathOf(p)));
    });
  }

  /** A full-page picture of the current page at desktop width, then the same address at phone width. */
  async function screenshot(name: string) {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${DESKTOP.width}x${DESKTOP.height}.png`), fullPage: true });
    assert.ok(browser);
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    watch(phone);
    await phone.addCookies(await desktop.cookies());
    const phonePage = await phone.newPage();
    await phonePage.goto(page.url());
    await phonePage.screenshot({ path: join(SCREENSHOTS, `${name}-${PHONE.width}x${PHONE.height}.png`), fullPage: true });
    await phone.close();
  }

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "breachdesk-e2e-"));
    server = await startServer(dataDir);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    });
    desktop = await browser.newContext({ viewport: DESKTOP, baseURL: server.baseUrl });
    watch(desktop);
    page = await desktop.newPage();
    page.setDefaultTimeout(10_000);
  });

  after(async () => {
    await browser?.close();
    try {
      if (server) await stopServer(server);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
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
    const table = page.getByRole("table");
    for (const action of ["user.setup", "auth.login", "auth.logout", "auth.login_failed"]) {
      assert.ok((await table.getByRole("cell", { name: action, exact: true }).count()) >= 1, `${action} is listed`);
    }
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
