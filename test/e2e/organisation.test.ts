import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { loadConfig } from "../../src/config/config.js";
import { openDatabase } from "../../src/db/client.js";
import type { Deps } from "../../src/deps.js";
import { systemClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/logger.js";
import { attachAuditKey, loadOrCreateAuditKey } from "../../src/modules/audit/index.js";
import { createCampaign, noticeRendering } from "../../src/modules/campaigns/index.js";
import { createIncident } from "../../src/modules/incidents/index.js";
import { addNoticeTemplate, addPeople, campaignInput } from "../helpers/campaigns.js";
import { startDnsServer, type TestDnsServer } from "../helpers/dns-server.js";
import { incidentInput } from "../helpers/incidents.js";
import { andWaitForPage, checkBothWidthsAndShoot, type E2eSession, pathOf, startSession, textOf } from "./helpers.js";

// The organisation's profile, an incident's own sender and the campaign start page in Chromium,
// at 1,280 and 390 pixels wide: no sideways scroll, no text below 4.5:1 contrast (axe-core), the
// sender domain check answered by a DNS server on 127.0.0.1 (DNS_SERVERS).

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery staple" };

describe("the organisation and the notices' sender in Chromium", { timeout: 120_000 }, () => {
  let session: E2eSession;
  let page: Page;
  let dns: TestDnsServer;
  let reference = "";
  let startPath = "";

  before(async () => {
    dns = await startDnsServer({
      "linux.org.au": { TXT: ["v=spf1 include:_spf.relay.net.au -all"] },
      "_spf.relay.net.au": { TXT: ["v=spf1 ip4:203.0.113.0/24 -all"] },
      "_dmarc.linux.org.au": { TXT: ["v=DMARC1; p=quarantine; rua=mailto:dmarc@linux.org.au"] },
    });
    session = await startSession({ DNS_SERVERS: dns.servers.join(","), MAIL_RELAY_SPF: "include:_spf.relay.net.au" });
    page = session.page;
  });
  after(async () => {
    await session?.close();
    await dns?.close();
  });

  async function checkAndShoot(name: string) {
    await checkBothWidthsAndShoot(session, page, name);
  }

  it("starts with no sender: the administrator's page says no campaign can start until one is set", async () => {
    await page.goto("/");
    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create administrator" }).click());
    await andWaitForPage(page, () =>
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Organisation", exact: true }).click(),
    );
    assert.equal(pathOf(page), "/admin/organisation");
    assert.match(await textOf(page.locator("[data-first-run]")), /no campaign can start/);
    await checkAndShoot("organisation-first-run");
  });

  it("refuses a sender at localhost with a message at the field, then saves the profile and checks its domain", async () => {
    await page.getByLabel("Organisation name", { exact: true }).fill("Linux Australia Inc.");
    await page.getByLabel("Postal address", { exact: true }).fill("PO Box 7143\nWagga Wagga NSW 2650");
    await page.getByLabel("Website", { exact: true }).fill("https://linux.org.au");
    await page.getByLabel("Contact e-mail address", { exact: true }).fill("privacy@linux.org.au");
    await page.getByLabel("Privacy officer", { exact: true }).fill("Jane Citizen, Privacy Officer");
    await page.getByLabel("Sender name", { exact: true }).fill("Linux Australia");
    await page.getByLabel("Sender address", { exact: true }).fill("breachdesk@localhost");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Save the profile" }).click());
    assert.match(await textOf(page.locator("#senderAddress-error")), /must be one e-mail address at your organisation's domain/);
    await checkAndShoot("organisation-refused");

    await page.getByLabel("Sender address", { exact: true }).fill("privacy@linux.org.au");
    await page.getByLabel("Reply-To address", { exact: true }).fill("council@linux.org.au");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Save the profile" }).click());
    assert.match(await textOf(page.getByRole("status").first()), /The organisation's profile is saved/);
    assert.equal(
      await textOf(page.locator("[data-sender]")),
      "Linux Australia <privacy@linux.org.au>; replies go to council@linux.org.au",
    );
    const status = (check: string) => page.locator(`[data-check="${check}"]`).getAttribute("data-status");
    assert.equal(await status("spf"), "ok");
    assert.equal(await status("dkim"), "info");
    assert.equal(await status("dmarc"), "ok");
    await checkAndShoot("organisation-saved");
  });

  it("shows the start page with the sender, the domain check and the pace of 4,886 notices", async () => {
    // The incident, its notice, 4,886 attendees and a draft campaign, prepared in the server's database.
    const config = loadConfig({ DATABASE_URL: session.databaseUrl, NODE_ENV: "test" });
    const db = await openDatabase(config.DATABASE_URL);
    try {
      attachAuditKey(db, loadOrCreateAuditKey(config));
      const deps = { config, db, clock: systemClock, logger: createLogger("silent") } as unknown as Deps;
      const actor = { userId: null, label: "e2e", ip: null };
      const incident = await createIncident(deps, incidentInput(), actor);
      reference = incident.reference;
      const template = await addNoticeTemplate(db, incident.id);
      await addPeople(db, incident.id, 4886);
      const { campaign } = await createCampaign(
        { ...deps, rendering: noticeRendering },
        reference,
        campaignInput(template.templateId),
        actor,
      );
      startPath = `/incidents/${reference}/campaigns/${campaign.id}/start`;
    } finally {
      await db.close();
    }
    await page.goto(startPath);
    assert.match(
      await textOf(page.locator("[data-sender]")),
      /^Linux Australia <privacy@linux\.org\.au>; replies go to council@linux\.org\.au/,
    );
    assert.equal(await textOf(page.locator("[data-pace]")), "4,886 notices at 50 a second: about 1 minute 37 seconds in all");
    assert.equal(await page.locator("[data-sender-check]").getAttribute("data-sender-check"), "ready");
    await checkAndShoot("campaign-start-sender");
  });

  it("gives the incident its own sender, which its start page then shows", async () => {
    await page.goto(`/incidents/${reference}/organisation`);
    await page.getByLabel("Sender name", { exact: true }).fill("linux.conf.au 2016 privacy team");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Save", exact: true }).click());
    assert.match(await textOf(page.locator("[data-sender]")), /^linux\.conf\.au 2016 privacy team <privacy@linux\.org\.au>/);
    await checkAndShoot("incident-sender");
    await page.goto(startPath);
    assert.match(
      await textOf(page.locator("[data-sender]")),
      /^linux\.conf\.au 2016 privacy team <privacy@linux\.org\.au>.*this incident's own sender/,
    );
  });

  it("shows no console error, uncaught exception or CSP violation", () => {
    assert.deepEqual(session.problems, []);
  });
});
