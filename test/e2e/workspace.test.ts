import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import {
  andWaitForPage,
  DESKTOP,
  type E2eSession,
  PHONE,
  pathOf,
  SCREENSHOTS,
  shownText,
  startSession,
  textOf,
} from "./helpers.js";

// The incident workspace in a real Chromium: every page of an incident (overview, timeline,
// scope, assessment, deadlines, notices, regulators, evidence) and the pages around it (the
// dashboard, the audit log, the mail catcher) at 1,280 and 390 pixels wide, each with no
// horizontal scroll and no text below 4.5:1 contrast (axe-core's color-contrast rule); a form
// brings the user back to the page it is on; an old link to a section of the one-page view
// still lands somewhere that says where the section went.

const ADMIN = { name: "Ana Admin", email: "ana@example.org", password: "correct horse battery staple" };
const ZONE = "Australia/Sydney";
const TITLE = "Linux Australia: Zookeepr conference server compromised";
const PAGES = ["", "timeline", "scope", "assessment", "deadlines", "notifications", "regulators", "evidence"];
const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

interface AxeResult {
  violations: { id: string; nodes: { target: string[]; failureSummary?: string }[] }[];
}

describe("the incident workspace in Chromium", { timeout: 300_000 }, () => {
  let session: E2eSession;
  let page: Page;
  let reference = "";
  const checked: string[] = [];

  before(async () => {
    session = await startSession();
    page = session.page;
  });
  after(async () => {
    await session?.close();
  });

  const flash = () => textOf(page.getByRole("status").first());

  /** Posts a form of the app as the signed-in browser, with the CSRF token of the page it is on. */
  async function postForm(path: string, form: Record<string, string | string[]>) {
    const token = await page.locator('input[name="_csrf"]').first().getAttribute("value");
    const body = new URLSearchParams({ _csrf: token ?? "" });
    for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v);
    const res = await page.request.post(path, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      data: body.toString(),
      maxRedirects: 0,
    });
    assert.equal(res.status(), 303, `${path}: ${res.status()} ${(await res.text()).slice(0, 500)}`);
    return res.headers().location ?? "";
  }

  it("sets up the administrator, in Sydney time, and records the incident", async () => {
    await page.goto("/");
    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create administrator" }).click());
    await page.goto("/account");
    await page.getByLabel("Your time zone").selectOption(ZONE);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Save name and time zone" }).click());

    await page.goto("/incidents/new");
    await page.getByLabel("Title", { exact: true }).fill(TITLE);
    await page.getByLabel("The organisation's time zone").selectOption(ZONE);
    await page.getByLabel("Detected", { exact: true }).fill("2016-03-22 09:30");
    await page.getByLabel("Became aware of a suspected breach").fill("2016-03-24 11:00");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Record the incident" }).click());
    reference = pathOf(page).replace(/^\/incidents\//, "");
    assert.match(reference, /^BD-\d{4}-0001$/);
  });

  it("fills the incident's records through its forms' endpoints", async () => {
    const base = `/incidents/${reference}`;
    assert.equal(
      await postForm(`${base}/systems`, {
        name: "Zookeepr conference server",
        role: "conference management",
        status: "compromised",
      }),
      `${base}/scope#systems`,
      "a redirect to a section lands on the page that holds it",
    );
    await postForm(`${base}/data`, { categoryId: "email_address", details: "attendees' e-mail addresses", encrypted: "no" });
    await postForm(`${base}/data`, { categoryId: "password_hashes", details: "hashed passwords", encrypted: "unknown" });
    assert.equal(
      await postForm(`${base}/events`, {
        kind: "detection",
        description: "The Zookeepr instances send a large number of error e-mails.",
        occurredAt: "2016-03-22 09:30",
        occurredAtZone: ZONE,
        visibility: "public",
      }),
      `${base}/timeline#timeline`,
    );
    await postForm(`${base}/actions`, { title: "Enforce key-based logins", dueOn: "2016-04-08", status: "open" });
    await postForm(`${base}/location`, { location: "AU, AU-NSW" });
    assert.equal(
      await postForm(`${base}/obligations`, { ruleIds: ["AU-NDB-assess", "AU-NDB-oaic", "AU-NDB-individuals"] }),
      `${base}/deadlines#deadlines`,
    );
    await postForm(`${base}/notices`, { name: "Notice to attendees", fallbackLanguage: "en" });
  });

  it("says on the overview what to do next and shows the progress from detection to closure", async () => {
    await page.goto(`/incidents/${reference}`);
    const next = await shownText(page.getByRole("region", { name: "Next step" }));
    assert.match(next, /Record the assessment/);
    assert.match(next, /Due soonest AU-NDB-assess: Assess a suspected eligible data breach/);
    assert.match(next, /What stands in the way No risk assessment is recorded\./);
    const progress = await shownText(page.getByRole("region", { name: "Progress" }));
    assert.match(
      progress,
      /Detected \(done\).*Assessing \(now\).*Decision \(to come\).*Notifying \(to come\).*Closed \(to come\)/,
    );
    await andWaitForPage(page, () => page.getByRole("link", { name: "Record the assessment" }).click());
    assert.equal(pathOf(page), `/incidents/${reference}/assessment`);
  });

  it("brings the user back to the page of the form after a change, not to a long page's anchor", async () => {
    await page.goto(`/incidents/${reference}/scope`);
    const systems = page.getByRole("region", { name: "Affected systems" });
    await systems
      .locator("summary")
      .filter({ hasText: /^\s*Add a system\s*$/ })
      .click();
    await systems.getByLabel("Name", { exact: true }).fill("Zookeepr attendee database");
    await andWaitForPage(page, () => systems.getByRole("button", { name: "Add system" }).click());
    assert.equal(pathOf(page), `/incidents/${reference}/scope`);
    assert.equal(new URL(page.url()).hash, "#systems");
    assert.match(await flash(), /^Zookeepr attendee database is recorded as/);
    const height = (await page.evaluate("document.documentElement.scrollHeight")) as number;
    assert.ok(height < 4000, `the scope page is ${height} px tall`);
  });

  it("lands an old link to a section of the one-page view on the overview, pointing to the section's page", async () => {
    await page.goto(`/incidents/${reference}#people`);
    const target = page.locator("#people");
    assert.equal(await textOf(target), "People");
    assert.equal(await target.getByRole("link").getAttribute("href"), `/incidents/${reference}/scope#people`);
    assert.ok(await target.evaluate((el) => el.matches(":target")), "the moved section is the page's target");
  });

  it("says on the evidence page who did what, in words, with the codes in each entry's details", async () => {
    await page.goto(`/incidents/${reference}/evidence`);
    const audit = page.getByRole("region", { name: "Audit" });
    const text = await shownText(audit);
    assert.match(text, new RegExp(`Ana Admin applied AU-NDB-assess to ${reference}\\.`));
    assert.match(text, new RegExp(`Ana Admin added the system "Zookeepr conference server" to ${reference}\\.`));
    assert.doesNotMatch(text, /obligation\.apply/, "codes are in the closed details");
    await audit.locator("summary").first().click();
    assert.match(await shownText(audit.locator("details").first()), /Action [a-z_]+\.[a-z_]+/);
  });

  /** A context that lets the test inject axe-core's script despite the app's CSP, signed in like the desktop page. */
  async function contextOf(viewport: { width: number; height: number }): Promise<BrowserContext> {
    const context = await session.browser.newContext({
      viewport,
      isMobile: viewport.width < 500,
      hasTouch: viewport.width < 500,
      bypassCSP: true,
      baseURL: session.server.baseUrl,
    });
    await context.addCookies(await session.desktop.cookies());
    return context;
  }

  /** Loads a page and checks it: no sideways scroll, no text under 4.5:1; then a full-page screenshot. */
  async function checkPage(p: Page, path: string, name: string, width: number) {
    const res = await p.goto(path);
    assert.equal(res?.status(), 200, path);
    const { scrollWidth, clientWidth } = (await p.evaluate(
      "({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })",
    )) as { scrollWidth: number; clientWidth: number };
    assert.ok(scrollWidth <= clientWidth, `${path} at ${width} px scrolls sideways: ${scrollWidth} > ${clientWidth}`);
    await p.addScriptTag({ path: axeSource });
    const result = (await p.evaluate('axe.run({ runOnly: { type: "rule", values: ["color-contrast"] } })')) as AxeResult;
    const problems = result.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? v.id}`));
    assert.deepEqual(problems, [], `${path} at ${width} px has text below 4.5:1`);
    await p.screenshot({ path: join(SCREENSHOTS, `workspace-${name}-${width}.png`), fullPage: true });
    checked.push(`${path}@${width}`);
  }

  for (const viewport of [DESKTOP, PHONE]) {
    it(`shows every page of the workspace at ${viewport.width} px with no sideways scroll and readable contrast`, async () => {
      const context = await contextOf(viewport);
      try {
        const p = await context.newPage();
        for (const slug of PAGES) {
          await checkPage(p, `/incidents/${reference}${slug ? `/${slug}` : ""}`, slug || "overview", viewport.width);
          const current = p.getByRole("navigation", { name: "Pages of this incident" }).locator('[aria-current="page"]');
          assert.equal(await current.count(), 1, `one tab is current on ${slug || "the overview"}`);
        }
        for (const [path, name] of [
          ["/", "dashboard"],
          ["/admin/audit", "audit-log"],
          ["/mail", "mail"],
          ["/incidents", "incident-list"],
          [`/incidents/${reference}/edit`, "incident-form"],
        ] as const) {
          await checkPage(p, path, name, viewport.width);
        }
      } finally {
        await context.close();
      }
    });
  }

  it("speaks in words and in the user's zone on the dashboard and the audit log", async () => {
    await page.goto("/");
    const activity = await shownText(page.getByRole("region", { name: "Recent activity" }));
    assert.match(activity, new RegExp(`Ana Admin added the system "Zookeepr attendee database" to ${reference}`));
    assert.match(activity, /GMT\+1[01]/, "times in Sydney");
    await page.goto("/admin/audit");
    const log = await shownText(page.getByRole("main"));
    assert.doesNotMatch(log, /\(UTC\)|\d UTC\b/, "no UTC for a user in Sydney");
    assert.match(log, new RegExp(`Ana Admin recorded ${reference}: ${TITLE}`));
  });

  it("checked every page at both widths, with no console error or CSP violation", () => {
    assert.equal(checked.length, (PAGES.length + 5) * 2, checked.join(", "));
    assert.deepEqual(session.problems, []);
  });
});
