import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { settingDocs } from "../../src/config/config.js";
import { projectRoot } from "../../src/lib/paths.js";

// What the end-to-end tests share: the real server process (src/server.ts: boot steps,
// migrations, worker, graceful shutdown) on a fresh SQLite file, a headless Chromium, the
// watch for console errors and CSP violations, and screenshots at desktop and phone width.

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const SCREENSHOTS = join(projectRoot, "test-results");
/**
 * Whether the pictures are written: for a person to look at, so not under CI=true, where nobody
 * opens them and a full-page PNG of a long page costs seconds (E2E_SCREENSHOTS=on or off decides).
 */
const TAKE_SCREENSHOTS =
  process.env.E2E_SCREENSHOTS === "on" ||
  (process.env.E2E_SCREENSHOTS !== "off" && process.env.CI !== "true" && process.env.CI !== "1");
const READY_LINE = /✓ Breachdesk is running at http:\/\/[^\s/]+:(\d+)\//;

export interface RunningServer {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

/** Starts `node --import tsx src/server.ts` on a fresh SQLite file, with extraEnv's settings, and waits for its ready line. */
export function startServer(dataDir: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
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
    // The sender domain check asks no DNS server off this machine: nothing listens on port 9, so
    // it says at once that it could not check (a test that wants answers runs its own server).
    DNS_SERVERS: "127.0.0.1:9",
    // Incidents are open unless a test is about need-to-know (the Linux Australia story restricts its own).
    INCIDENTS_DEFAULT_ACCESS: "open",
    ...extraEnv,
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
export async function stopServer(server: RunningServer): Promise<void> {
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

/** Debian's Chromium (or CHROMIUM_PATH), headless, with nothing that phones home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** Runs an action that submits a form or follows a link, and waits until the next page has loaded. */
export async function andWaitForPage(page: Page, action: () => Promise<void>): Promise<void> {
  const navigated = page.waitForEvent("framenavigated", { predicate: (frame) => frame === page.mainFrame() });
  await action();
  await navigated;
  await page.waitForLoadState("load");
}

export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** The text of an element as a person reads it: whitespace collapsed. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** A running server, a browser with a desktop page on it, and what went wrong on the pages. */
export interface E2eSession {
  server: RunningServer;
  browser: Browser;
  desktop: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and CSP violations, with the page they happened on. */
  problems: string[];
  /** The paths of the pages loaded, in any context of the browser. */
  visited: Set<string>;
  /** The server's SQLite file (DATABASE_URL), for a test that prepares data the pages then show. */
  databaseUrl: string;
  /** A full-page picture of the current page at desktop width, then the same address at phone width. */
  screenshot(name: string): Promise<void>;
  /** Closes the browser, stops the server (failing on an unclean stop) and removes its data. */
  close(): Promise<void>;
}

/** Starts the server on a fresh data directory (with extraEnv's settings) and opens a desktop page in Chromium. */
export async function startSession(extraEnv: Record<string, string> = {}): Promise<E2eSession> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), "breachdesk-e2e-"));
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    try {
      if (server) await stopServer(server);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    server = await startServer(dataDir, extraEnv);
    browser = await launchChromium();
  } catch (error) {
    await browser?.close();
    server?.child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
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

  const desktop = await browser.newContext({ viewport: DESKTOP, baseURL: server.baseUrl });
  watch(desktop);
  const page = await desktop.newPage();
  page.setDefaultTimeout(10_000);
  const openBrowser = browser;

  async function screenshot(name: string) {
    if (TAKE_SCREENSHOTS)
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${DESKTOP.width}x${DESKTOP.height}.png`), fullPage: true });
    // The phone's load is watched like any other (console errors, CSP) with or without its picture.
    const phone = await openBrowser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    watch(phone);
    await phone.addCookies(await desktop.cookies());
    const phonePage = await phone.newPage();
    await phonePage.goto(page.url());
    if (TAKE_SCREENSHOTS)
      await phonePage.screenshot({ path: join(SCREENSHOTS, `${name}-${PHONE.width}x${PHONE.height}.png`), fullPage: true });
    await phone.close();
  }

  const databaseUrl = `file:${join(dataDir, "e2e.db")}`;
  return { server, browser, desktop, page, problems, visited, databaseUrl, screenshot, close };
}

/** The text shown on screen (closed panels left out), whitespace collapsed. */
export async function shownText(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, wanted for what is rendered.
  return (await locator.innerText()).replace(/\s+/g, " ").trim();
}

/** Opens a disclosure panel ("Add a system", ...) of a section by its summary: the whole text, or a pattern. */
export async function openPanel(scope: Locator, summary: string | RegExp): Promise<void> {
  const text = typeof summary === "string" ? new RegExp(`^\\s*${summary}\\s*$`) : summary;
  await scope.locator("summary").filter({ hasText: text }).click();
}

/** Signs in on the login page; the header then names the user (`banner`, by default their name). */
export async function signIn(
  page: Page,
  user: { email: string; password: string; name: string },
  banner = new RegExp(user.name),
): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("E-mail address", { exact: true }).fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await andWaitForPage(page, () => page.getByRole("button", { name: "Sign in", exact: true }).click());
  assert.equal(pathOf(page), "/");
  assert.match(await textOf(page.getByRole("banner")), banner);
}

export async function signOut(page: Page): Promise<void> {
  await andWaitForPage(page, () => page.getByRole("button", { name: "Sign out" }).click());
  assert.equal(new URL(page.url()).pathname, "/login");
}

/** Adds a user with the role whose label matches `role` and a password set now, as an administrator does. */
export async function addUser(page: Page, user: { email: string; password: string; name: string }, role: RegExp): Promise<void> {
  await page.goto("/admin/users");
  await andWaitForPage(page, () => page.getByRole("link", { name: "Add a user" }).click());
  await page.getByLabel("Name", { exact: true }).fill(user.name);
  await page.getByLabel("E-mail address", { exact: true }).fill(user.email);
  await page.getByRole("group", { name: "Role" }).getByRole("radio", { name: role }).check();
  await page.getByRole("radio", { name: /^Set it now/ }).check();
  await page.getByLabel("Their password, when you set it now").fill(user.password);
  await andWaitForPage(page, () => page.getByRole("button", { name: "Add user" }).click());
  assert.match(await textOf(page.getByRole("status").first()), new RegExp(`${user.name} can now sign in`));
}

const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * What a page fails of the layout and contrast rules: sideways scroll (the document wider than
 * the screen) and text below 4.5:1 (axe-core's color-contrast rule). The page's context must be
 * made with bypassCSP, so that axe's script can be injected.
 */
export async function layoutAndContrastProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  const { scrollWidth, clientWidth } = (await page.evaluate(
    "({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })",
  )) as { scrollWidth: number; clientWidth: number };
  if (scrollWidth > clientWidth) problems.push(`scrolls sideways: ${scrollWidth}px wide on a ${clientWidth}px screen`);
  await page.addScriptTag({ path: axeSource });
  const result = (await page.evaluate('axe.run({ runOnly: { type: "rule", values: ["color-contrast"] } })')) as {
    violations: { id: string; nodes: { target: string[]; failureSummary?: string }[] }[];
  };
  for (const v of result.violations) {
    for (const n of v.nodes) problems.push(`${n.target.join(" ")}: ${n.failureSummary ?? v.id}`);
  }
  return problems;
}

const axeText = readFileSync(axeSource, "utf8");

/**
 * Text contrast below 4.5:1 (axe-core's color-contrast rule) on the page as it is. axe is
 * evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not
 * cover, so any context will do.
 */
export async function contrastProblems(page: Page): Promise<string[]> {
  await page.evaluate(axeText);
  return (await page.evaluate(
    "axe.run(document, { runOnly: ['color-contrast'] }).then(r => r.violations.flatMap(v => v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)))",
  )) as string[];
}

/**
 * The session's page as it is at 1,280 px, then the same address at 390 px in a phone context
 * signed in alike: no sideways scroll and no low-contrast text at either width; then pictures
 * named `name` at both widths.
 */
export async function checkBothWidthsAndShoot(session: E2eSession, page: Page, name: string): Promise<void> {
  assert.deepEqual(await contrastProblems(page), [], `${pathOf(page)} at 1,280 px`);
  const phone = await session.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  await phone.addCookies(await session.desktop.cookies());
  const phonePage = await phone.newPage();
  await phonePage.goto(page.url());
  const widths = (await phonePage.evaluate("({ page: document.documentElement.scrollWidth, screen: window.innerWidth })")) as {
    page: number;
    screen: number;
  };
  assert.ok(widths.page <= widths.screen, `${pathOf(page)}: ${widths.page}px wide on a ${widths.screen}px screen`);
  assert.deepEqual(await contrastProblems(phonePage), [], `${pathOf(page)} at 390 px`);
  await phone.close();
  await session.screenshot(name);
}
