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

  it("uploads, maps, runs, shows the counts and the error report", async () => {
    const incident = await addIncident(t);
    const ref = incident.reference;

    const section = await manager.agent.get(`/incidents/${ref}`);
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
    const viewerSection = await viewer.agent.get(`/incidents/${ref}`);
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
      { read: 5, accepted: 3, rejected: 2, created: 2, duplicates: 1 },
    );
    assert.equal(
      await t.db.prisma.personImport.count({ where: { incidentId: incident.id } }),
      2,
      "the engine's run record is folded in",
    );
    assert.equal(await t.db.prisma.person.count({ where: { incidentId: incident.id, importId } }), 2);

    const finished = await manager.agent.get(importPath);
    assert.equal(finished.status, 200);
    assert.doesNotMatch(finished.text, /http-equiv="refresh"/);
    assert.match(finished.text, /Completed/);
    assert.match(finished.text, /data-count="read">5</);
    assert.match(finished.text, /data-count="accepted">3</);
    assert.match(finished.text, /data-count="rejected">2</);
    assert.match(finished.text, /data-count="created">2</);
    assert.match(finished.text, /data-count="duplicates">1</);
    assert.match(finished.text, /invalid_email/);
    assert.match(finished.text, /missing_contact/);
    assert.match(finished.text, /errors\.csv/);

    const report = await viewer.agent.get(`${importPath}/errors.csv`);
    assert.equal(report.status, 200);
    assert.match(String(report.headers["content-type"]), /^text\/csv/);
    assert.match(String(report.headers["content-disposition"]), /^attachment; filename="?people-errors\.csv"?$/);
    const reportText = Buffer.isBuffer(report.body) ? report.body.toString("utf8") : report.text;
    assert.match(reportText, /line,row,reason,explanation/);
    assert.match(reportText, /^3,.*bob@example.*invalid_email/m);
    assert.match(reportText, /^5,.*Carol.*missing_contact/m);

    const after = await manager.agent.get(`/incidents/${ref}`);
    assert.match(after.text, /data-count="people-total">2</);
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

  it("refuses an empty file", async () => {
    const incident = await addIncident(t);
    const empty = await upload(manager, incident.reference, "");
    assert.equal(empty.status, 400);
    assert.match(empty.text, /The file was not imported/);
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
    const page = await manager.agent.get(`/incidents/${incident.reference}`);
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
