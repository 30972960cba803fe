import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runPeopleImport } from "../../src/modules/people/people-import.job.js";
import { uploadDirectory } from "../../src/modules/people/people-upload.middleware.js";
import {
  DELETE_IMPORT_PEOPLE_JOB,
  type DeleteImportPayload,
  runImportPeopleDeletion,
} from "../../src/modules/people/person-deletion.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";
import { type Client, PEOPLE_CSV, postOnPage, uploadPeopleCsv as upload } from "../helpers/people-pages.js";

/** The sample people and a row one field short: rejected, so the import has an error report. */
const CSV = `${PEOPLE_CSV}\r\nfrank@example.org,Frank`;

/**
 * The files of people imports hold people's data: a refused upload leaves none, and deleting
 * people deletes the files of the incident's finished imports, audited and said on their pages.
 */
describe("people import files", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
  });
  after(() => t.close());

  /** The upload files of the app that hold `marker`: a refused upload must leave none. */
  const filesHolding = (marker: string) => {
    const directory = uploadDirectory(t.deps.config.DATABASE_URL);
    if (!existsSync(directory)) return [];
    return readdirSync(directory).filter((name) => {
      const path = join(directory, name);
      // Another suite's upload folder may sit beside the files (PostgreSQL runs share the uploads).
      return existsSync(path) && statSync(path).isFile() && readFileSync(path, "utf8").includes(marker);
    });
  };

  it("deletes a refused upload before answering, whatever refused it", async () => {
    const incident = await addIncident(t);
    const marker = `refused-${randomUUID()}`;
    const csv = `Email,Given name\r\n${marker}@example.org,Refused\r\n`;

    const forged = await manager.agent
      .post(`/incidents/${incident.reference}/people/import`)
      .field("_csrf", "forged-token")
      .attach("file", Buffer.from(csv), "forged.csv");
    assert.equal(forged.status, 403);
    assert.deepEqual(filesHolding(marker), [], "the upload of a forged form");

    const page = await manager.agent.get(`/incidents/${incident.reference}/scope`);
    const unknown = await manager.agent
      .post("/incidents/BD-1999-9999/people/import")
      .field("_csrf", csrfFrom(page.text))
      .attach("file", Buffer.from(csv), "nowhere.csv");
    assert.equal(unknown.status, 404);
    assert.deepEqual(filesHolding(marker), [], "the upload to an unknown incident");

    const binary = await upload(manager, incident.reference, `${csv}\u0000\u0001\u0002`.repeat(3), "binary.csv");
    assert.equal(binary.status, 400, binary.text.slice(0, 300));
    assert.deepEqual(filesHolding(marker), [], "a file that cannot be imported");
    assert.equal(await t.db.prisma.personImport.count({ where: { incidentId: incident.id } }), 0);

    const kept = await upload(manager, incident.reference, csv, "kept.csv");
    assert.equal(kept.status, 303);
    assert.equal(filesHolding(marker).length, 1, "an accepted upload stays");
  });

  /** Uploads, maps as guessed and runs an import; its record once completed. */
  const importCsv = async (reference: string, csv: string, name: string) => {
    const uploaded = await upload(manager, reference, csv, name);
    const importPath = uploaded.headers.location as string;
    assert.equal((await postOnPage(manager, importPath, `${importPath}/start`)).status, 303);
    const importId = importPath.split("/").pop()!;
    await runPeopleImport({ db: t.db, clock: t.clock }, importId);
    const record = await t.db.prisma.personImport.findUniqueOrThrow({ where: { id: importId } });
    assert.equal(record.status, "completed");
    return { importPath, record };
  };

  it("deletes the files of the incident's finished imports with a person, audited, and says so on the import's page", async () => {
    const incident = await addIncident(t);
    const ref = incident.reference;
    const first = await importCsv(ref, CSV, "first.csv");
    const second = await importCsv(
      ref,
      "Email,Given name\r\nalice@example.org,Alice\r\nerin@example,Erin,Smith\r\n",
      "second.csv",
    );
    const elsewhere = await importCsv((await addIncident(t)).reference, CSV, "elsewhere.csv");
    const files = [first, second].flatMap(({ record }) => [record.filePath, record.errorReportPath!]);
    for (const path of [...files, elsewhere.record.filePath]) assert.ok(existsSync(path), path);
    const alice = await t.db.prisma.person.findFirstOrThrow({
      where: { incidentId: incident.id, emailNormalized: "alice@example.org" },
    });
    const personPath = `/incidents/${ref}/people/${alice.id}`;

    const confirm = await manager.agent.get(`${personPath}/delete`);
    assert.match(confirm.text, /first\.csv<\/a>: the uploaded file and the error report/);
    assert.match(confirm.text, /second\.csv<\/a>: the uploaded file and the error report/);
    assert.doesNotMatch(confirm.text, /elsewhere\.csv<\/a>/);

    // While an import of the incident is queued, its file may hold them: refused.
    const queuedPath = (await upload(manager, ref, CSV, "queued.csv")).headers.location as string;
    await postOnPage(manager, queuedPath, `${queuedPath}/start`);
    const refused = await manager.agent
      .post(`${personPath}/delete`)
      .type("form")
      .send({ _csrf: csrfFrom(confirm.text) });
    assert.equal(refused.status, 409);
    assert.match(refused.text, /queued\.csv\) is queued or running/);
    await postOnPage(manager, queuedPath, `${queuedPath}/cancel`);
    const cancelled = await t.db.prisma.personImport.findUniqueOrThrow({ where: { id: queuedPath.split("/").pop()! } });
    assert.equal(cancelled.status, "cancelled");

    const done = await manager.agent
      .post(`${personPath}/delete`)
      .type("form")
      .send({ _csrf: csrfFrom(confirm.text) });
    assert.equal(done.status, 303);
    for (const path of files) assert.equal(existsSync(path), false, `${path} is deleted`);
    assert.ok(existsSync(elsewhere.record.filePath), "another incident's upload is kept");
    assert.ok(existsSync(elsewhere.record.errorReportPath!), "another incident's error report is kept");
    for (const { record } of [first, second]) {
      const now = await t.db.prisma.personImport.findUniqueOrThrow({ where: { id: record.id } });
      assert.equal(now.filePath, "");
      assert.equal(now.errorReportPath, null);
      assert.equal(now.accepted, record.accepted, "the counts are kept");
    }
    // The clock stands still: imports made at one instant are taken in no particular order.
    const byId = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    const entries = await t.db.prisma.auditEntry.findMany({
      where: { action: "person_import.files_delete" },
      orderBy: { seq: "asc" },
    });
    assert.deepEqual(
      entries.map((e) => [e.entityId, e.incidentId, JSON.parse(e.after!).files]).sort(byId),
      [
        ...[first, second].map(({ record }) => [
          record.id,
          incident.id,
          [basename(record.filePath), basename(record.errorReportPath!)],
        ]),
        [cancelled.id, incident.id, [basename(cancelled.filePath)]],
      ].sort(byId),
    );
    assert.equal(existsSync(cancelled.filePath), false, "a cancelled import's upload is deleted too");
    for (const entry of entries) assert.doesNotMatch(entry.after!, /alice|Alice/, "names the files, never their contents");
    assert.equal(entries[0]!.actorId, manager.user.id);

    const page = await viewer.agent.get(first.importPath);
    assert.match(
      page.text,
      /The uploaded file and its error report were deleted on <time[^>]*>[^<]+<\/time>, when a person of BD-/,
    );
    assert.match(page.text, /data-count="accepted">5</);
    assert.doesNotMatch(page.text, /errors\.csv/);
    const report = await viewer.agent.get(`${first.importPath}/errors.csv`);
    assert.equal(report.status, 404);
    assert.match(report.text, /files were deleted on .+, when a person of BD-\d{4}-\d{4} was deleted/);
  });

  it("deletes the files of the incident's finished imports with an import's people", async () => {
    const incident = await addIncident(t);
    const { importPath, record } = await importCsv(incident.reference, CSV, "mistake.csv");
    const deletePath = `${importPath}/delete`;
    const confirm = await manager.agent.get(deletePath);
    assert.match(confirm.text, /mistake\.csv<\/a>: the uploaded file and the error report/);
    const requested = await manager.agent
      .post(deletePath)
      .type("form")
      .send({ _csrf: csrfFrom(confirm.text), confirm: "yes" });
    assert.equal(requested.status, 303);
    assert.ok(existsSync(record.filePath), "kept until the people are deleted");
    const job = await t.db.prisma.job.findFirstOrThrow({
      where: { kind: DELETE_IMPORT_PEOPLE_JOB },
      orderBy: { createdAt: "desc" },
    });
    await runImportPeopleDeletion({ db: t.db, clock: t.clock }, JSON.parse(job.payload) as DeleteImportPayload);
    assert.equal(existsSync(record.filePath), false);
    assert.equal(existsSync(record.errorReportPath!), false);
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "person_import.files_delete", entityId: record.id },
    });
    assert.match(JSON.parse(entry.after!).reason, /the people of the import mistake\.csv were deleted/);
  });
});
