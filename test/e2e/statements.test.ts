import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { loadConfig } from "../../src/config/config.js";
import { openDatabase } from "../../src/db/client.js";
import type { Deps } from "../../src/deps.js";
import { systemClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/logger.js";
import { attachAuditKey, loadOrCreateAuditKey } from "../../src/modules/audit/index.js";
import { createIncident } from "../../src/modules/incidents/index.js";
import { applyObligations } from "../../src/modules/obligations/index.js";
import { createStatement } from "../../src/modules/statements/index.js";
import { incidentInput } from "../helpers/incidents.js";
import { andWaitForPage, checkBothWidthsAndShoot, type E2eSession, startSession, textOf } from "./helpers.js";

// The statement to the OAIC in Chromium, at 1,280 and 390 pixels wide: read, edited as a new
// version, marked submitted with the acknowledgment, its PDF; no sideways scroll and no text
// below 4.5:1 contrast (axe-core) on its pages.

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery staple" };

describe("a regulator statement in Chromium", { timeout: 120_000 }, () => {
  let session: E2eSession;
  let page: Page;
  let statementPath = "";

  before(async () => {
    session = await startSession();
    page = session.page;
  });
  after(async () => {
    await session?.close();
  });

  async function checkAndShoot(name: string) {
    await checkBothWidthsAndShoot(session, page, name);
  }

  it("shows the statement drafted from the record, with what is missing", async () => {
    await page.goto("/");
    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create administrator" }).click());
    const config = loadConfig({ DATABASE_URL: session.databaseUrl, NODE_ENV: "test" });
    const db = await openDatabase(config.DATABASE_URL);
    try {
      attachAuditKey(db, loadOrCreateAuditKey(config));
      const deps = { config, db, clock: systemClock, logger: createLogger("silent") } as unknown as Deps;
      const actor = { userId: null, label: "e2e", ip: null };
      const incident = await createIncident(
        deps,
        incidentInput({
          title: "Zookeepr server compromised",
          summary: "An attacker gained root on the conference server through a remote buffer overflow.",
          timeZone: "Australia/Sydney",
          awareAt: "2026-02-24 12:00",
        }),
        actor,
      );
      await applyObligations(
        deps,
        incident.reference,
        { ruleIds: ["AU-NDB-oaic", "AU-NDB-individuals"], extraRuleId: "", browseRuleId: "" },
        actor,
      );
      const made = await createStatement(deps, incident.reference, "AU-NDB-oaic", actor);
      statementPath = `/incidents/${incident.reference}/statements/${made.statement.id}`;
    } finally {
      await db.close();
    }
    await page.goto(statementPath);
    assert.match(await textOf(page.locator("h1")), /Statement to Australian Information Commissioner/);
    assert.match(await textOf(page.locator("#statement-missing")), /Identity and contact details of the entity/);
    await checkAndShoot("statement-draft");
  });

  it("saves an edit as version 2 and marks it submitted with the acknowledgment", async () => {
    await page
      .getByLabel("Identity and contact details of the entity")
      .fill("Linux Australia\nPO Box 7100, Bondi Junction NSW 2022");
    await page.getByLabel("Number of individuals affected (exact, or a range)").fill("Between 1,000 and 2,000");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Save as version 2" }).click());
    assert.match(await textOf(page.locator("main")), /Version 2 of 2/);
    await page.getByLabel("When it was submitted").fill("2026-03-01 10:00");
    await page.getByLabel("Time zone", { exact: true }).fill("Australia/Sydney");
    await page.getByLabel("How", { exact: true }).selectOption("portal");
    await page.getByLabel("The regulator's reference (optional)").fill("NDB-2026-0042");
    await page.getByLabel("The regulator's acknowledgment (optional)").setInputFiles({
      name: "oaic-ack.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Thank you, your submission has been received."),
    });
    await andWaitForPage(page, () => page.getByRole("button", { name: "Mark submitted" }).click());
    const text = await textOf(page.locator("main"));
    assert.match(text, /The obligation AU-NDB-oaic is met/);
    assert.match(text, /the regulator's reference NDB-2026-0042/);
    await checkAndShoot("statement-submitted");
    const pdf = await page.request.get(`${statementPath}.pdf`);
    assert.equal(pdf.status(), 200);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), "%PDF-");
    await page.goto(`${statementPath}/print`);
    await checkAndShoot("statement-print");
    assert.deepEqual(session.problems, []);
  });
});
