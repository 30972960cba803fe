import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { andWaitForPage, type E2eSession, PHONE, pathOf, shownText, startSession, textOf } from "./helpers.js";

// Affected people in a real Chromium against the real server and its worker: a manager uploads
// a small, wide CSV with unusable values and one unreadable row, maps its columns (at desktop and
// phone width, nothing wider than the screen), starts the import and watches it finish, checks
// the counts, the people kept with warnings and the error report, dismisses the rejected row with
// a reason, then finds, opens and deletes a person on the people page.

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery staple" };
const MANAGER = { name: "Mei Manager", email: "mei@example.org", password: "people pages in chromium" };

/**
 * Seven members, as wide as a conference's registrations: three good, one with a malformed
 * e-mail address, one with neither an e-mail nor a postal address, one with an unknown country
 * (all four kept, with a warning), and one row a field short (rejected).
 */
const CSV = [
  "Member,Email,First name,Surname,Address,City,State,Postcode,Country,Conference,Ticket type,Dietary needs,Shoe size",
  "M-001,ada.l@example.org,Ada,Lovelace,1 Main St,Sydney,NSW,2000,AU,PyCon AU 2014,Professional,Vegetarian,38",
  "M-002,not-an-email,Bad,Address,2 High St,Fitzroy,VIC,3065,AU,linux.conf.au 2015,Hobbyist,,40",
  "M-003,grace@example.org,Grace,Hopper,3 Navy Rd,Arlington,CA,22201,US,PyCon AU 2014,Professional,,39",
  "M-004,,No,Contact,,,,,NZ,linux.conf.au 2014,Student,,41",
  "M-005,linus@example.org,Linus,Torvalds,5 Kernel St,Helsinki,,00100,FI,linux.conf.au 2015,Speaker,,44",
  'M-006,margaret@example.org,Margaret,"Hamilton, M.",6 Apollo Way,Boston,MA,02108,XX,PyCon AU 2013,Speaker,,37',
  "M-007,short@example.org,Row,Short",
].join("\r\n");

describe("importing and managing affected people in Chromium", { timeout: 180_000 }, () => {
  let session: E2eSession;
  let page: Page;
  let reference = "";
  let peoplePath = "";

  before(async () => {
    session = await startSession();
    page = session.page;
  });
  after(async () => {
    await session?.close();
  });

  const flash = () => textOf(page.getByRole("status").first());

  it("signs in as a manager, added by the first administrator", async () => {
    await page.goto("/");
    await page.getByLabel("Your name", { exact: true }).fill(ADMIN.name);
    await page.getByLabel("E-mail address", { exact: true }).fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again", { exact: true }).fill(ADMIN.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Create administrator" }).click());
    await page.goto("/admin/users");
    await andWaitForPage(page, () => page.getByRole("link", { name: "Add a user" }).click());
    await page.getByLabel("Name", { exact: true }).fill(MANAGER.name);
    await page.getByLabel("E-mail address", { exact: true }).fill(MANAGER.email);
    await page
      .getByRole("group", { name: "Role" })
      .getByRole("radio", { name: /^Incident manager/ })
      .check();
    await page.getByRole("radio", { name: /^Set it now/ }).check();
    await page.getByLabel("Their password, when you set it now").fill(MANAGER.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Add user" }).click());
    await andWaitForPage(page, () => page.getByRole("button", { name: "Sign out" }).click());

    await page.getByLabel("E-mail address", { exact: true }).fill(MANAGER.email);
    await page.getByLabel("Password", { exact: true }).fill(MANAGER.password);
    await andWaitForPage(page, () => page.getByRole("button", { name: "Sign in", exact: true }).click());
    assert.match(await textOf(page.getByRole("banner")), /Mei Manager manager/);
  });

  it("records an incident", async () => {
    await page.goto("/incidents/new");
    await page.getByLabel("Title", { exact: true }).fill("Membership database copied");
    await page.getByLabel("Severity", { exact: true }).selectOption({ label: "High" });
    await page.getByLabel("The organisation's time zone").selectOption("Australia/Sydney");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Record the incident" }).click());
    reference = pathOf(page).replace(/^\/incidents\//, "");
    assert.match(reference, /^BD-\d{4}-0001$/);
    peoplePath = `/incidents/${reference}/people`;
  });

  it("uploads a CSV and maps its columns, each column a row whose field is shown whole at desktop and phone width", async () => {
    await page.goto(`/incidents/${reference}/scope`);
    const people = page.getByRole("region", { name: "People", exact: true });
    await people.locator("summary").filter({ hasText: "Import people from a CSV file" }).click();
    await people
      .getByLabel("CSV file")
      .setInputFiles({ name: "members.csv", mimeType: "text/csv", buffer: Buffer.from(CSV, "utf8") });
    await andWaitForPage(page, () => people.getByRole("button", { name: "Upload" }).click());
    assert.match(pathOf(page), new RegExp(`^${peoplePath}/imports/[\\w-]+$`));
    await page.getByRole("heading", { level: 1, name: "Import of members.csv" }).waitFor();
    const preview = page.getByRole("region", { name: "The first rows of the file" });
    const cells = (member: string) => preview.getByRole("row").filter({ hasText: member }).getByRole("cell").allTextContents();
    assert.deepEqual((await cells("M-001")).slice(0, 4), ["M-001", "ada.l@example.org", "Ada", "Lovelace"]);
    assert.deepEqual(
      (await cells("M-006")).slice(2, 5),
      ["Margaret", "Hamilton, M.", "6 Apollo Way"],
      "a quoted field with a comma is one cell",
    );

    // Guessed from the headers; the member number is the external id, which no header says.
    assert.equal(await page.getByLabel("Field of column Email").inputValue(), "email");
    assert.equal(await page.getByLabel("Field of column Surname").inputValue(), "familyName");
    assert.equal(await page.getByLabel("Field of column City").inputValue(), "city");
    assert.equal(await page.getByLabel("Field of column Postcode").inputValue(), "postcode");
    assert.equal(await page.getByLabel("Field of column Conference").inputValue(), "attribute");
    await page.getByLabel("Field of column Member").selectOption({ label: "External id" });

    // The page is never wider than the screen, and every field's select is whole inside it.
    const phone = await session.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    await phone.addCookies(await session.desktop.cookies());
    const phonePage = await phone.newPage();
    await phonePage.goto(page.url());
    for (const [name, view] of [
      ["desktop", page],
      ["phone", phonePage],
    ] as const) {
      const widths = (await view.evaluate("({ page: document.documentElement.scrollWidth, screen: window.innerWidth })")) as {
        page: number;
        screen: number;
      };
      assert.ok(widths.page <= widths.screen, `${name}: ${widths.page}px wide on a ${widths.screen}px screen`);
      for (const select of await view.getByRole("combobox", { name: /^Field of column/ }).all()) {
        const box = (await select.boundingBox())!;
        assert.ok(
          box.x >= 0 && box.x + box.width <= widths.screen,
          `${name}: a select runs off the screen (${JSON.stringify(box)})`,
        );
        assert.ok(box.width >= 150, `${name}: a select is squeezed to ${box.width}px`);
      }
    }
    await phone.close();
    await session.screenshot("people-import-mapping");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Start the import" }).click());
  });

  it("watches the progress bar finish and shows the counts", async () => {
    // The page refreshes itself every 2 seconds while the worker imports.
    await page.getByText("Completed", { exact: true }).waitFor({ timeout: 30_000 });
    const bar = page.getByRole("progressbar");
    assert.equal(await bar.getAttribute("value"), await bar.getAttribute("max"), "the bar is full");
    const counts = {
      read: await textOf(page.locator('[data-count="read"]')),
      accepted: await textOf(page.locator('[data-count="accepted"]')),
      rejected: await textOf(page.locator('[data-count="rejected"]')),
      created: await textOf(page.locator('[data-count="created"]')),
    };
    // Decision 0014: the three people with an unusable value are kept; only the short row is rejected.
    assert.deepEqual(counts, { read: "7", accepted: "6", rejected: "1", created: "6" });
    const warnings = page.locator('[data-import="warnings"]');
    assert.equal(await textOf(warnings.locator('[data-warning="invalid_email"]')), "1");
    assert.equal(await textOf(warnings.locator('[data-warning="missing_contact"]')), "1");
    assert.equal(await textOf(warnings.locator('[data-warning="unknown_country"]')), "1");
    assert.match(await textOf(page.locator('[data-rejected="outstanding"]')), /^1 row is an affected person not imported\./);
    await session.screenshot("people-import-finished");
  });

  it("downloads the error report with each rejected row's line and reason", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download the error report (CSV)" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "members-errors.csv");
    const text = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
    const lines = text.trim().split(/\r\n/);
    assert.equal(lines[0], "line,row,reason,explanation");
    assert.equal(lines.length, 2, text);
    assert.match(lines[1]!, /^8,"M-007,short@example\.org,Row,Short",wrong_field_count,/);
  });

  it("dismisses the rejected row with a reason, on the import's page", async () => {
    const rejected = page.getByRole("region", { name: "The rejected rows" });
    await rejected.getByRole("radio", { name: /^Dismiss them/ }).check();
    await rejected.getByLabel(/^Why/).fill("M-007 registered twice; M-007 is imported from the next file.");
    await andWaitForPage(page, () => rejected.getByRole("button", { name: "Record it" }).click());
    assert.equal(await flash(), "The 1 rejected row is recorded as dismissed, on the incident's timeline.");
    assert.match(
      await textOf(page.locator('[data-rejected="resolved"]')),
      /^The 1 rejected row was dismissed on .+: M-007 registered twice/,
    );
  });

  it("opens the people page from the incident and reads the counts", async () => {
    await page.goto(`/incidents/${reference}/scope`);
    await andWaitForPage(page, () => page.getByRole("link", { name: "Search and filter the people" }).click());
    assert.equal(pathOf(page), peoplePath);
    await page.getByRole("heading", { level: 2, name: "6 affected people" }).waitFor();
    assert.equal(await textOf(page.locator('[data-count="with-email"]')), "4");
    assert.equal(await textOf(page.locator('[data-count="without-email"]')), "2");
    assert.equal(await textOf(page.locator('[data-count="country-AU"]')), "2");
    assert.equal(await textOf(page.locator('[data-count="place-US-US-CA"]')), "1");
    assert.equal(await page.locator('[data-count="not-imported"]').count(), 0, "the rejected row is dismissed");
    const rows = page.getByRole("table", { name: "Affected people" }).getByRole("row");
    assert.equal(await rows.count(), 7, "a header row and six people");
  });

  it("filters by country and searches by name", async () => {
    await page.getByLabel("Country", { exact: true }).selectOption("AU");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Filter" }).click());
    assert.match(pathOf(page), /country=AU/);
    assert.equal(await textOf(page.locator("#people-matching")), "2 people match.");
    const table = page.getByRole("table", { name: "Affected people" });
    assert.match(await textOf(table), /Ada Lovelace #M-001 ada\.l@example\.org AU AU-NSW Not assessed/);
    assert.match(await textOf(table), /Bad Address #M-002 — AU AU-VIC/, "kept without the malformed address");

    await page.getByLabel("Country", { exact: true }).selectOption("");
    await page.getByLabel("Search", { exact: true }).fill("HOPPER");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Filter" }).click());
    assert.equal(await textOf(page.locator("#people-matching")), "1 person matches.");
    assert.match(await textOf(table), /Grace Hopper/);

    await page.getByLabel("Search", { exact: true }).fill("nobody like this");
    await andWaitForPage(page, () => page.getByRole("button", { name: "Filter" }).click());
    assert.match(await textOf(page.locator(".empty")), /No one matches/);
  });

  it("reads well on a phone: nothing wider than the screen, each person a card of labelled lines", async () => {
    const phone = await session.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    await phone.addCookies(await session.desktop.cookies());
    const phonePage = await phone.newPage();
    for (const path of [peoplePath, `${peoplePath}?country=AU`]) {
      await phonePage.goto(new URL(path, page.url()).toString());
      // Evaluated in the page, as text: the project's types have no DOM.
      const widths = (await phonePage.evaluate(
        "({ page: document.documentElement.scrollWidth, screen: window.innerWidth })",
      )) as {
        page: number;
        screen: number;
      };
      assert.ok(widths.page <= widths.screen, `${path}: ${widths.page}px wide on a ${widths.screen}px screen`);
      // The cells of a person's row stand one under the other, each with its column's name.
      const cells = phonePage.getByRole("table", { name: "Affected people" }).locator("tbody tr").first().locator("th, td");
      const boxes = await Promise.all((await cells.all()).map((cell) => cell.boundingBox()));
      for (let i = 1; i < boxes.length; i++) {
        assert.ok(boxes[i]!.y >= boxes[i - 1]!.y + boxes[i - 1]!.height - 1, `${path}: cell ${i + 1} is below cell ${i}`);
      }
      const label = (await phonePage.evaluate(
        `(() => { const cell = document.querySelector('.people-table tbody td[data-label="Email"]');
          return [cell.getAttribute("data-label"), getComputedStyle(cell, "::before").content]; })()`,
      )) as string[];
      assert.equal(label[0], "Email");
      assert.ok(!["none", "normal"].includes(label[1]!), `the column's name is shown before the value: ${label[1]}`);
    }
    await phone.close();
    await page.goto(peoplePath);
    await session.screenshot("people-page");
  });

  it("opens a person with all their data and deletes them after confirming", async () => {
    await andWaitForPage(page, () => page.getByRole("link", { name: "Ada Lovelace" }).click());
    await page.getByRole("heading", { level: 1, name: "Ada Lovelace" }).waitFor();
    const details = await shownText(page.getByRole("region", { name: "Details" }));
    assert.match(details, /External id M-001/);
    assert.match(details, /Email address ada\.l@example\.org/);
    assert.match(details, /State or region AU-NSW/);
    assert.match(details, /Postal address 1 Main St Sydney NSW 2000 Australia/);
    assert.match(details, /Town or city Sydney/);
    assert.match(details, /Postcode 2000/);
    assert.match(details, /Last written by members\.csv/);
    const attributes = page.getByRole("region", { name: "Other data" }).getByRole("row", { name: /Shoe size/ });
    assert.equal(
      await shownText(page.getByRole("region", { name: "Other data" }).getByRole("row", { name: /Conference/ })),
      "Conference PyCon AU 2014",
    );
    assert.equal(await shownText(attributes), "Shoe size 38");
    await session.screenshot("person-page");

    await andWaitForPage(page, () => page.getByRole("link", { name: "Delete this person…" }).click());
    await page.getByRole("heading", { level: 1, name: "Delete Ada Lovelace?" }).waitFor();
    await andWaitForPage(page, () => page.getByRole("button", { name: "Delete Ada Lovelace" }).click());
    assert.equal(pathOf(page), peoplePath);
    assert.equal(await flash(), `Ada Lovelace is deleted from ${reference}.`);
    await page.getByRole("heading", { level: 2, name: "5 affected people" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "Ada Lovelace" }).count(), 0);
  });

  it("deletes the rest of the import's people in the background after a confirmation that counts them", async () => {
    await andWaitForPage(page, () => page.getByRole("link", { name: "Delete its people…" }).click());
    await page.getByRole("heading", { level: 1, name: "Delete the people of members.csv" }).waitFor();
    assert.equal(await textOf(page.locator('[data-count="remaining"]')), "5");
    await page.getByRole("checkbox", { name: "Yes, delete these 5 people" }).check();
    await andWaitForPage(page, () => page.getByRole("button", { name: "Delete 5 people" }).click());
    // The worker runs the job; the page refreshes itself until no one is left.
    await page.getByText("No one is left whose last import is this one.").waitFor({ timeout: 30_000 });
    await page.goto(peoplePath);
    await page.getByRole("heading", { level: 2, name: "0 affected people" }).waitFor();
  });

  it("shows no console error, uncaught exception or CSP violation on any page visited", () => {
    assert.ok(session.visited.size >= 8, `pages visited: ${[...session.visited].join(", ")}`);
    assert.deepEqual(session.problems, []);
  });
});
