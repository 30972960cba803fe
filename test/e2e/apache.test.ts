import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import {
  addUser,
  andWaitForPage,
  checkBothWidthsAndShoot,
  contrastProblems,
  type E2eSession,
  openPanel,
  PHONE,
  pathOf,
  SCREENSHOTS,
  shownText,
  signIn,
  signOut,
  startSession,
  textOf,
} from "./helpers.js";

// The Apache Software Foundation's compromise of August 2009, played from its story in a real
// Chromium: two hosts broken into one after the other, a multi-host timeline with public and
// internal entries, the decision that no personal data was involved (not notifiable) with its
// reasons, and the post-incident report the foundation published for the community, read
// without signing in: the public entries on it, none of the internal ones. Then the register.

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery staple" };
const MANAGER = { name: "Ian Infra", email: "infra@example.org", password: "rsync over ssh is fine" };
const TITLE = "Apache infrastructure: apachecon.com host and people.apache.org compromised";

const APACHECON = "dv35.apachecon.com";
const MINOTAUR = "minotaur.apache.org";
const EOS = "eos.apache.org";

const SYSTEMS = [
  { name: APACHECON, role: "ApacheCon website (CentOS, hosted by a provider)", status: "Compromised", isPublic: true },
  { name: MINOTAUR, role: "people.apache.org: committers' shell accounts", status: "Compromised", isPublic: true },
  { name: EOS, role: "production web server (www.apache.org)", status: "Clean", isPublic: false },
] as const;

/** The story's entries, in the order they are entered; times in the zone each was noted in. */
const EVENTS = [
  {
    kind: "Intrusion step",
    description:
      "Attackers gain root on dv35.apachecon.com, probably through the local root exploits patched in RHSA-2009-1222, and destroy most of its logs.",
    at: "2009-08-27T03:10",
    zone: "UTC",
    isPublic: true,
    systems: [APACHECON],
  },
  {
    kind: "Intrusion step",
    description:
      "INTERNAL: the passwords tried came from the ApacheCon host's /etc/shadow; the list of the accounts tried is kept in the forensics folder.",
    at: "2009-08-27T03:40",
    zone: "UTC",
    isPublic: false,
    systems: [APACHECON, EOS],
  },
  {
    kind: "Intrusion step",
    description:
      "Using the SSH key of the backup account, the attackers reach people.apache.org (minotaur.apache.org) and place CGI scripts in the web site's rsync tree.",
    at: "2009-08-27T21:00",
    zone: "America/Los_Angeles",
    isPublic: true,
    systems: [MINOTAUR],
  },
  {
    kind: "Detection",
    description: "The infrastructure team notices the unknown CGI files and starts investigating.",
    at: "2009-08-28T09:00",
    zone: "Europe/Amsterdam",
    isPublic: true,
    systems: [MINOTAUR, EOS],
  },
  {
    kind: "Containment",
    description: "www.apache.org is moved to a clean server in Europe; minotaur and the ApacheCon host are taken offline.",
    at: "2009-08-28T08:30",
    zone: "UTC",
    isPublic: true,
    systems: [MINOTAUR, APACHECON],
  },
  {
    kind: "Note",
    description: "INTERNAL: the backup account's key had no from= or command= restriction; the key fingerprint is in the ticket.",
    at: "2009-08-28T10:00",
    zone: "UTC",
    isPublic: false,
    systems: [],
  },
] as const;

const INTERNAL_WORDS = /INTERNAL|shadow|fingerprint/;

const DECISION_RATIONALE =
  "No personal data of anyone was on the compromised hosts' reachable paths: no releases were altered and no committer passwords were taken, so no one is to be told; the community is told in a public post-incident report.";

const REPORT = {
  title: "apache.org incident report for 8/28/2009",
  narrative:
    "On August 28, 2009 the Apache Software Foundation's web servers were compromised. No release of any Apache software was altered, and no personal data was taken.\n\nThis report says what happened and what we are changing.",
  whatHappened:
    "The ApacheCon host was compromised first; from there the attackers reached people.apache.org with the backup account's SSH key.",
  howFound: "The infrastructure team noticed unknown CGI files on the production web server.",
  whatWorked: "Keeping the web site in version control let us rebuild it from a known state in hours.",
  whatDidNot: "An SSH key without restrictions, and logs kept only on the host that was broken into.",
  whatChanges: "Every SSH key of an automated account is limited to one command and one origin; logs go to a separate host.",
  whatToDo: "Nothing: no release and no personal data was affected.",
};

describe("the Apache incident in Chromium", { timeout: 240_000 }, () => {
  let session: E2eSession;
  let page: Page;
  let reference = "";
  let publicUrl = "";

  before(async () => {
    session = await startSession();
    page = session.page;
  });
  after(async () => {
    await session?.close();
  });

  const region = (name: string) => page.getByRole("region", { name, exact: true });
  const flash = () => textOf(page.getByRole("status").first());

  async function openTab(label: string, slug: string) {
    await andWaitForPage(page, () =>
      page.getByRole("navigation", { name: "Pages of this incident" }).getByRole("link", { name: label, exact: true }).click(),
    );
    assert.equal(pathOf(page), `/incidents/${reference}${slug ? `/${slug}` : ""}`);
  }

  it("sets up the foundation: an administrator, its profile with the contact point, and a manager", async () => {
    await page.goto("/");
    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create administrator" }).click());
    await page.goto("/admin/organisation");
    await page.getByLabel("Organisation name", { exact: true }).fill("The Apache Software Foundation");
    await page.getByLabel("Website", { exact: true }).fill("https://www.apache.org");
    await page.getByLabel("Contact e-mail address", { exact: true }).fill("security@apache.org");
    await page.getByLabel("Sender name", { exact: true }).fill("Apache Infrastructure");
    await page.getByLabel("Sender address", { exact: true }).fill("infrastructure@apache.org");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Save the profile" }).click());
    assert.match(await flash(), /The organisation's profile is saved/);
    await addUser(page, MANAGER, /^Incident manager/);
    await signOut(page);
    await signIn(page, MANAGER);
  });

  it("records the incident, in UTC as the foundation's report gives its times", async () => {
    await page.goto("/incidents/new");
    await page.getByLabel("Title", { exact: true }).fill(TITLE);
    await page
      .getByLabel("Summary", { exact: true })
      .fill(
        "Attackers with root on the ApacheCon host reached people.apache.org with a backup account's SSH key and planted CGI scripts bound for www.apache.org.",
      );
    await page.getByLabel("Severity", { exact: true }).selectOption({ label: "High" });
    await page.getByLabel("Team", { exact: true }).fill("Apache Infrastructure");
    await page.getByLabel("The organisation's time zone").selectOption("UTC");
    await page.getByLabel("Detected", { exact: true }).fill("2009-08-28 07:00");
    await page.getByLabel("Became aware of a suspected breach").fill("2009-08-28 07:00");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Record the incident" }).click());
    reference = pathOf(page).replace(/^\/incidents\//, "");
    assert.match(reference, /^BD-\d{4}-0001$/);
  });

  it("adds the three hosts, two of them ticked to show on the public report", async () => {
    await openTab("Scope", "scope");
    const systems = region("Affected systems");
    for (const system of SYSTEMS) {
      await openPanel(systems, "Add a system");
      await systems.getByLabel("Name", { exact: true }).fill(system.name);
      await systems.getByLabel("Role", { exact: true }).fill(system.role);
      await systems.getByLabel("Status").selectOption({ label: system.status });
      if (system.isPublic) await systems.getByRole("checkbox", { name: "Show on the public report" }).check();
      await andWaitForPage(page, () => systems.getByRole("button", { name: "Add system" }).click());
    }
    const table = await shownText(region("Affected systems").getByRole("table"));
    assert.match(table, new RegExp(`${APACHECON} public`));
    assert.doesNotMatch(table, new RegExp(`${EOS} public`));
  });

  it("builds the multi-host timeline, public and internal entries, each in the zone it was noted in", async () => {
    await openTab("Timeline", "timeline");
    const timeline = region("Timeline");
    for (const event of EVENTS) {
      await openPanel(timeline, "Add an event");
      await timeline.getByRole("combobox", { name: "Kind" }).selectOption({ label: event.kind });
      await timeline.getByRole("textbox", { name: "What happened" }).fill(event.description);
      await timeline.getByRole("textbox", { name: "Date and time" }).fill(event.at);
      await timeline.getByRole("combobox", { name: "Time zone" }).selectOption(event.zone);
      await timeline.getByRole("radio", { name: event.isPublic ? /^Public/ : /^Internal/ }).check();
      for (const system of event.systems) await timeline.getByRole("checkbox", { name: system }).check();
      await andWaitForPage(page, () => timeline.getByRole("button", { name: "Add the event" }).click());
      assert.equal(await flash(), "The event is on the timeline.");
    }
    const actions = region("Remedial actions");
    await openPanel(actions, "Add an action");
    await actions.getByLabel("What has to be done").fill("Limit every automated account's SSH key to one command and one origin");
    await actions.getByLabel("Status").selectOption({ label: "Done" });
    await actions.getByRole("checkbox", { name: "Show on the public report" }).check();
    await andWaitForPage(page, () => actions.getByRole("button", { name: "Add action" }).click());
    await openPanel(actions, "Add an action");
    await actions.getByLabel("What has to be done").fill("INTERNAL: rotate the backup host's root password");
    await andWaitForPage(page, () => actions.getByRole("button", { name: "Add action" }).click());
  });

  it("records the decision: not notifiable, with its rationale", async () => {
    await openTab("Assessment", "assessment");
    const assessment = region("Assessment and decision");
    await openPanel(assessment, "Record the decision");
    await assessment.getByRole("radio", { name: /^Not notifiable/ }).check();
    await assessment.getByRole("textbox", { name: "Rationale" }).fill(DECISION_RATIONALE);
    await assessment.getByRole("textbox", { name: "Decided at (UTC)" }).fill("2009-08-29 12:00");
    await andWaitForPage(page, () => assessment.getByRole("button", { name: "Record the decision" }).click());
    assert.equal(await flash(), "The decision is recorded.");
    assert.match(await shownText(assessment), /Not notifiable/);
  });

  it("writes the post-incident report on the workspace, sees what publishing would show, and publishes it", async () => {
    await openTab("Regulators", "regulators");
    await andWaitForPage(page, () => region("Public report").getByRole("link", { name: "Write the public report" }).click());
    assert.equal(pathOf(page), `/incidents/${reference}/public-report`);
    await page.getByRole("radio", { name: "Post-incident report" }).check();
    await page.getByLabel("Title", { exact: true }).fill(REPORT.title);
    await page.getByLabel("Summary", { exact: true }).fill(REPORT.narrative);
    await page.getByLabel("What happened (post-incident report only)").fill(REPORT.whatHappened);
    await page.getByLabel("How it was found (post-incident report only)").fill(REPORT.howFound);
    await page.getByLabel("What worked (post-incident report only)").fill(REPORT.whatWorked);
    await page.getByLabel("What did not work (post-incident report only)").fill(REPORT.whatDidNot);
    await page.getByLabel("What changes (post-incident report only)").fill(REPORT.whatChanges);
    await page.getByLabel("What you should do", { exact: true }).fill(REPORT.whatToDo);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Save the draft" }).click());
    assert.match(await flash(), /Draft saved/);
    const preview = await shownText(page.locator("#preview"));
    assert.match(preview, /4 public timeline entries, 2 systems and 1 action ticked public/);
    assert.doesNotMatch(preview, INTERNAL_WORDS);
    await checkBothWidthsAndShoot(session, page, "apache-public-report-editor");

    await page.getByRole("checkbox", { name: /^Yes, publish the saved draft/ }).check();
    await andWaitForPage(page, () => page.getByRole("button", { name: "Publish", exact: true }).click());
    const message = await flash();
    assert.match(message, /Version 1 published at \/public\/[A-Za-z0-9_-]{22}\./);
    publicUrl = /\/public\/[A-Za-z0-9_-]{22}/.exec(message)?.[0] ?? "";
    assert.ok(!publicUrl.includes(reference));
  });

  it("shows the public report to anyone, without signing in: the public entries in order with their zones, none of the internal ones", async () => {
    const stranger = await session.browser.newContext({
      viewport: { width: 1280, height: 800 },
      baseURL: session.server.baseUrl,
    });
    const strangerProblems: string[] = [];
    const p = await stranger.newPage();
    p.on("console", (m) => {
      if (m.type() === "error") strangerProblems.push(m.text());
    });
    const response = await p.goto(publicUrl);
    assert.equal(response?.status(), 200);
    assert.match(String(response?.headers()["content-security-policy"]), /^default-src 'none'; style-src 'self'/);
    const text = await shownText(p.locator("main"));
    assert.match(text, /Post-incident report apache\.org incident report for 8\/28\/2009/);
    for (const heading of [
      "What happened",
      "How it was found",
      "What worked",
      "What did not work",
      "What changes",
      "What you should do",
    ]) {
      assert.match(text, new RegExp(heading));
    }
    const entries = await p.locator(".public-report__timeline li").allInnerTexts();
    assert.equal(entries.length, 4, entries.join("\n"));
    // In the order they happened (21:00 in Los Angeles is 04:00 UTC the next day), each in the zone it was noted in.
    assert.match(entries[0] ?? "", /^2009-08-27 03:10 UTC\s+Attackers gain root on dv35/);
    assert.match(entries[1] ?? "", /^2009-08-27 21:00 PDT \(America\/Los_Angeles\)\s+Using the SSH key/);
    assert.match(entries[2] ?? "", /^2009-08-28 09:00 GMT\+2 \(Europe\/Amsterdam\)\s+The infrastructure team notices/);
    assert.match(entries[3] ?? "", /^2009-08-28 08:30 UTC\s+www\.apache\.org is moved/);
    assert.doesNotMatch(text, INTERNAL_WORDS);
    assert.doesNotMatch(text, new RegExp(EOS));
    assert.doesNotMatch(text, new RegExp(reference));
    assert.match(text, /dv35\.apachecon\.com/);
    assert.match(text, /minotaur\.apache\.org/);
    assert.match(text, /Limit every automated account's SSH key/);
    assert.match(text, /security@apache\.org/);
    assert.match(text, /Last updated/);
    const feed = await p.request.get(`${publicUrl}/feed.atom`);
    assert.equal(feed.status(), 200);
    assert.doesNotMatch(await feed.text(), INTERNAL_WORDS);
    assert.deepEqual(await contrastProblems(p), [], "the public page at 1,280 px");
    await p.screenshot({ path: `${SCREENSHOTS}/apache-public-report-1280x800.png`, fullPage: true });
    const phone = await session.browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      baseURL: session.server.baseUrl,
    });
    const pp = await phone.newPage();
    await pp.goto(publicUrl);
    const widths = (await pp.evaluate("({ page: document.documentElement.scrollWidth, screen: window.innerWidth })")) as {
      page: number;
      screen: number;
    };
    assert.ok(widths.page <= widths.screen, `the public page: ${widths.page}px wide on a ${widths.screen}px screen`);
    assert.deepEqual(await contrastProblems(pp), [], "the public page at 390 px");
    await pp.screenshot({ path: `${SCREENSHOTS}/apache-public-report-390x844.png`, fullPage: true });
    await phone.close();
    await stranger.close();
    assert.deepEqual(strangerProblems, []);
  });

  it("closes the incident as not notifiable from the overview, which notes the public report", async () => {
    await page.goto(`/incidents/${reference}`);
    assert.match(
      await shownText(page.locator("main")),
      /The public report is published \(version 1\)\. Update the public report/,
    );
    await andWaitForPage(page, () => page.getByRole("button", { name: "Close: not notifiable" }).click());
    assert.match(await flash(), /closed: not notifiable/i);
  });

  it("lists the incident in the breach register: not notifiable, with its rationale", async () => {
    await page.goto("/register");
    const entry = page.locator("article", { has: page.getByRole("heading", { name: new RegExp(reference) }) });
    const text = await shownText(entry);
    assert.match(text, new RegExp(TITLE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.match(text, /Not notifiable/);
    assert.match(text, /Closed: not notifiable/);
    assert.match(text, /no one is to be told; the community is told in a public post-incident report/);
    assert.deepEqual(session.problems, []);
  });
});
