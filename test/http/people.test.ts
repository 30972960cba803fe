import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { peopleImportJobKey, runPeopleImport } from "../../src/modules/people/people-import.job.js";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";
import { type Client, PEOPLE_CSV as CSV, postOnPage, uploadPeopleCsv as upload } from "../helpers/people-pages.js";

describe("people import pages", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
  });
  after(() => t.close());

  it("uploads, maps, runs, shows the counts and the people kept with warnings", async () => {
    const incident = await addIncident(t);
    const ref = incident.reference;

    const section = await manager.agent.get(`/incidents/${ref}/scope`);
    assert.equal(section.status, 200);
    assert.match(section.text, /No affected people are recorded/);
    assert.match(section.text, /enctype="multipart\/form-data"/);

    const uploaded = await upload(manager, ref, CSV);
    assert.equal(uploaded.status, 303, uploaded.text.slice(0, 500));
    const importPath = uploaded.headers.location as string;
    assert.match(importPath, new RegExp(`^/incidents/${ref}/people/imports/[\\w-]+$`));
    const importId = importPath.split("/").pop()!;
    const record = await t.db.prisma.personImport.findUniqueOrThrow({ where: { id: importId } });
    assert.equal(record.status, "uploaded");
    assert.equal(record.encoding, "utf-8");
    assert.equal(record.delimiter, ",");

    const mapping = await manager.agent.get(importPath);
    assert.equal(mapping.status, 200);
    assert.match(mapping.text, /UTF-8/);
    assert.match(mapping.text, /comma/);
    assert.match(mapping.text, /bob@example/);
    assert.match(mapping.text, /dave@example\.org/);
    assert.match(mapping.text, /<option value="email" selected>/);
    assert.match(mapping.text, /<option value="country" selected>/);
    assert.match(mapping.text, /Start the import/);

    // The viewer sees the page but no forms, and is refused the POSTs.
    const viewerPage = await viewer.agent.get(importPath);
    assert.equal(viewerPage.status, 200);
    assert.doesNotMatch(viewerPage.text, /Start the import/);
    assert.doesNotMatch(viewerPage.text, /\/start"/);
    const viewerStart = await postOnPage(viewer, importPath, `${importPath}/start`);
    assert.equal(viewerStart.status, 403);
    const viewerCancel = await postOnPage(viewer, importPath, `${importPath}/cancel`);
    assert.equal(viewerCancel.status, 403);
    const viewerUpload = await upload(viewer, ref, CSV);
    assert.equal(viewerUpload.status, 403);
    const viewerSection = await viewer.agent.get(`/incidents/${ref}/scope`);
    assert.doesNotMatch(viewerSection.text, /people\/import"/);

    // Map "Shoe size" as an attribute (column 4) and start.
    const started = await postOnPage(manager, importPath, `${importPath}/start`, {
      map_0: "email",
      map_1: "givenName",
      map_2: "familyName",
      map_3: "country",
      map_4: "attribute",
    });
    assert.equal(started.status, 303, started.text.slice(0, 500));
    const queued = await t.db.prisma.personImport.findUniqueOrThrow({ where: { id: importId } });
    assert.equal(queued.status, "queued");
    assert.equal(JSON.parse(queued.mapping)["Shoe size"], "attribute");
    const job = await t.db.prisma.job.findFirst({ where: { key: peopleImportJobKey(importId) } });
    assert.equal(job?.kind, "people.import");

    const queuedPage = await manager.agent.get(importPath);
    assert.match(queuedPage.text, /http-equiv="refresh" content="2"/);
    assert.match(queuedPage.text, /<progress/);
    assert.match(queuedPage.text, /Cancel the import/);

    // A second upload cannot start while this one is queued.
    const second = await upload(manager, ref, CSV, "again.csv");
    const secondPath = second.headers.location as string;
    const refused = await postOnPage(manager, secondPath, `${secondPath}/start`);
    assert.equal(refused.status, 409);
    assert.match(refused.text, /Another import of this incident/);

    await runPeopleImport({ db: t.db, clock: t.clock }, importId);

    const done = await t.db.prisma.personImport.findUniqueOrThrow({ where: { id: importId } });
    assert.equal(done.status, "completed");
    assert.deepEqual(
      {
        read: done.rowsRead,
        accepted: done.accepted,
        rejected: done.rejected,
        created: done.created,
        duplicates: done.duplicates,
      },
      // Bob's malformed address and Carol's missing one were rejections before decision 0014.
      { read: 5, accepted: 5, rejected: 0, created: 4, duplicates: 1 },
    );
    assert.deepEqual(JSON.parse(done.warnings), { invalid_email: 1, missing_contact: 2 });
    assert.equal(
      await t.db.prisma.personImport.count({ where: { incidentId: incident.id } }),
      2,
      "the engine's run record is folded in",
    );
    assert.equal(await t.db.prisma.person.count({ where: { incidentId: incident.id, importId } }), 4);

    const finished = await manager.agent.get(importPath);
    assert.equal(finished.status, 200);
    assert.doesNotMatch(finished.text, /http-equiv="refresh"/);
    assert.match(finished.text, /Completed/);
    assert.match(finished.text, /data-count="read">5</);
    assert.match(finished.text, /data-count="accepted">5</);
    assert.match(finished.text, /data-count="rejected">0</);
    assert.match(finished.text, /data-count="created">4</);
    assert.match(finished.text, /data-count="duplicates">1</);
    assert.match(finished.text, /data-warning="invalid_email">1</);
    assert.match(finished.text, /data-warning="missing_contact">2</);
    assert.match(finished.text, new RegExp(`people\\?import=${importId}&amp;warning=invalid_email`));
    assert.doesNotMatch(finished.text, /errors\.csv/, "no row was rejected");

    // The people kept with a warning: Bob without an address, his malformed one kept as given.
    const bob = await t.db.prisma.person.findFirstOrThrow({ where: { incidentId: incident.id, givenName: "Bob" } });
    assert.deepEqual([bob.email, JSON.parse(bob.warnings)], [null, { invalid_email: "bob@example" }]);
    const listed = await viewer.agent.get(`/incidents/${ref}/people?warning=invalid_email`);
    assert.match(listed.text, /1 person matches/);
    assert.match(listed.text, new RegExp(`/people/${bob.id}"`));
    const bobPage = await viewer.agent.get(`/incidents/${ref}/people/${bob.id}`);
    assert.match(bobPage.text, /The e-mail address given, “bob@example”, is not valid: it was not used\./);
    assert.match(bobPage.text, /None usable: they need another channel/);

    const after = await manager.agent.get(`/incidents/${ref}/scope`);
    assert.match(after.text, /data-count="people-total">4</);
    assert.match(after.text, /data-count="people-with-email">2</);
    assert.match(after.text, /people\.csv/);

    // The next upload's mapping defaults to this one's.
    const thirdPath = (await upload(manager, ref, CSV, "third.csv")).headers.location as string;
    const thirdMapping = await manager.agent.get(thirdPath);
    assert.match(thirdMapping.text, /<option value="attribute" selected>/);

    // The refused second upload can start now and be cancelled before it runs.
    const secondStart = await postOnPage(manager, secondPath, `${secondPath}/start`);
    assert.equal(secondStart.status, 303);
    const cancelled = await postOnPage(manager, secondPath, `${secondPath}/cancel`);
    assert.equal(cancelled.status, 303);
    const secondId = secondPath.split("/").pop()!;
    await runPeopleImport({ db: t.db, clock: t.clock }, secondId);
    const secondRecord = await t.db.prisma.personImport.findUniqueOrThrow({ where: { id: secondId } });
    assert.equal(secondRecord.status, "cancelled");
    assert.equal(secondRecord.rowsRead, 0);
  });

  it("reports the rejected rows, counts them as not imported until a manager resolves them, audited and on the timeline", async () => {
    const incident = await addIncident(t);
    const ref = incident.reference;
    // A row one field short, and one that names no one: the only rows still rejected.
    const csv =
      "Email,Given name,Family name,Country,Shoe size\r\neve@example.org,Eve\r\n,,,AU,41\r\nfay@example.org,Fay,Lee,AU,39\r\n";
    const importPath = (await upload(manager, ref, csv, "ragged.csv")).headers.location as string;
    const importId = importPath.split("/").pop()!;
    assert.equal((await postOnPage(manager, importPath, `${importPath}/start`)).status, 303);
    await runPeopleImport({ db: t.db, clock: t.clock }, importId);
    const done = await t.db.prisma.personImport.findUniqueOrThrow({ where: { id: importId } });
    assert.deepEqual([done.accepted, done.rejected, JSON.parse(done.reasons)], [1, 2, { wrong_field_count: 1, no_identity: 1 }]);

    const page = await viewer.agent.get(importPath);
    assert.match(page.text, /data-rejected="outstanding"><strong>2 rows are affected people not imported\./);
    assert.doesNotMatch(page.text, /name="resolution"/, "a viewer gets no form");
    const report = await viewer.agent.get(`${importPath}/errors.csv`);
    assert.equal(report.status, 200);
    assert.match(String(report.headers["content-disposition"]), /^attachment; filename="?ragged-errors\.csv"?$/);
    const reportText = Buffer.isBuffer(report.body) ? report.body.toString("utf8") : report.text;
    assert.match(reportText, /line,row,reason,explanation/);
    assert.match(reportText, /^2,.*eve@example\.org,Eve.*wrong_field_count/m);
    assert.match(reportText, /^3,",,,AU,41",no_identity,"The row names no one/m);
    const people = await viewer.agent.get(`/incidents/${ref}/people`);
    assert.match(
      people.text,
      /2 rejected rows are affected people<\/strong> not imported|2 rejected rows are affected people not imported/,
    );

    assert.equal(
      (await postOnPage(viewer, importPath, `${importPath}/rejected`, { resolution: "dismissed", note: "x" })).status,
      403,
    );
    const noNote = await postOnPage(manager, importPath, `${importPath}/rejected`, { resolution: "dismissed", note: "" });
    assert.equal(noNote.status, 400);
    assert.match(noNote.text, /Say why these rows are dismissed/);
    const noLater = await postOnPage(manager, importPath, `${importPath}/rejected`, { resolution: "imported" });
    assert.equal(noLater.status, 400);
    assert.match(noLater.text, /Choose the later import that took these rows/);
    const dismissed = await postOnPage(manager, importPath, `${importPath}/rejected`, {
      resolution: "dismissed",
      note: "Eve is Fay's test row; the blank one is a spreadsheet total.",
    });
    assert.equal(dismissed.status, 303, dismissed.text.slice(0, 400));
    const resolvedPage = await manager.agent.get(importPath);
    assert.match(resolvedPage.text, /data-rejected="resolved">The 2 rejected rows were dismissed on .*Eve is Fay&#39;s test row/);
    const again = await postOnPage(manager, importPath, `${importPath}/rejected`, { resolution: "dismissed", note: "again" });
    assert.equal(again.status, 409);
    assert.match(again.text, /already resolved/);

    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "person_import.rejected_resolve" } });
    assert.equal(audit.incidentId, incident.id);
    assert.match(audit.after ?? "", /"resolution":"dismissed"/);
    const event = await t.db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId: incident.id, kind: "note" } });
    assert.match(event.description, /^2 rejected rows of the people import ragged\.csv dismissed: Eve is Fay's test row/);
  });

  it("refuses an empty file, naming it as the user knows it", async () => {
    const incident = await addIncident(t);
    const empty = await upload(manager, incident.reference, "", "attendees.csv");
    assert.equal(empty.status, 400);
    assert.match(empty.text, /The file was not imported/);
    assert.match(empty.text, /attendees\.csv/);
    assert.doesNotMatch(
      empty.text,
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.csv/,
      "not the stored file's name",
    );
  });
});

describe("the people upload limit setting", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ PEOPLE_UPLOAD_MAX_MIB: "1" });
  });
  after(() => t.close());

  it("refuses a file over PEOPLE_UPLOAD_MAX_MIB on the site and through the API, naming the limit", async () => {
    const manager = await signedIn(t, "manager");
    const incident = await addIncident(t);
    const page = await manager.agent.get(`/incidents/${incident.reference}/scope`);
    assert.match(page.text, /with a header row; up to 1 MiB\./);
    const big = `email\n${"someone.with.a.long.address@example.org\n".repeat(30_000)}`;
    assert.ok(big.length > 1024 * 1024);
    const site = await upload(manager, incident.reference, big);
    assert.equal(site.status, 413);
    assert.match(site.text, /The file is too large: the limit is 1 MiB\./);
    const { token } = await createApiToken(
      t.deps,
      manager.user.id,
      { name: "script" },
      { userId: null, label: "test", ip: null },
    );
    const api = await supertest(t.app)
      .post(`/api/v1/incidents/${incident.reference}/people/imports`)
      .set("Authorization", `Bearer ${token}`)
      .set("Content-Type", "text/csv")
      .send(big);
    assert.equal(api.status, 413);
    assert.match(api.body.error.message, /1048576 bytes|1 MiB/);
    assert.equal(await t.db.prisma.personImport.count(), 0);
  });
});
