import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import express from "express";
import supertest from "supertest";
import { apiRouter } from "../../src/api/api.routes.js";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { peopleImportJobKey, runPeopleImport } from "../../src/modules/people/people-import.job.js";
import { uploadDirectory } from "../../src/modules/people/people-upload.middleware.js";
import type { Role } from "../../src/modules/users/users.schemas.js";
import { addUser, createTestApp, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

const system = { userId: null, label: "test", ip: null };

const CSV = [
  "Email,Given name,Family name,Country,Shoe size",
  "alice@example.org,Alice,Smith,AU,38",
  "bob@example,Bob,Jones,NZ,44",
  "ALICE@example.org,Alice,Smith,AU,38",
  ",Carol,Nobody,US,40",
  "dave@example.org,Dave,Brown,AU,42",
  "eve@example.org,Eve",
].join("\r\n");

/**
 * The people endpoints of the JSON API on a real database: a CSV body streamed to disk and
 * imported by the same job as the site's, polling, the error report, the filtered list with
 * cursors, one person, deleting one, and every refusal with its status and field.
 */
describe(`people API (${testLane})`, () => {
  let t: TestApp;
  let http: ReturnType<typeof supertest>;
  const tokens = {} as Record<Role, string>;
  let incident: Incident;
  let base: string;
  let uploads: string;

  const filesInUploads = () => (existsSync(uploads) ? readdirSync(uploads).length : 0);
  const as = (role: Role) => ({ Authorization: `Bearer ${tokens[role]}` });
  const uploadCsv = (role: Role, csv: string | Buffer, query = "") =>
    http
      .post(`${base}/people/imports${query}`)
      .set(as(role))
      .set("Content-Type", "text/csv")
      .send(Buffer.isBuffer(csv) ? csv : Buffer.from(csv));

  before(async () => {
    t = await createTestApp();
    http = supertest(t.app);
    for (const role of ["viewer", "manager"] as const) {
      const user = await addUser(t, role);
      tokens[role] = (await createApiToken(t.deps, user.id, { name: `${role} script` }, system)).token;
    }
    incident = await addIncident(t);
    base = `/api/v1/incidents/${incident.reference}`;
    uploads = uploadDirectory(t.deps.config.DATABASE_URL);
  });
  after(() => t.close());

  let importId = "";

  it("uploads a CSV body, starts the import as the people.import job, and says where to poll", async () => {
    const viewer = await uploadCsv("viewer", CSV);
    assert.equal(viewer.status, 403);
    assert.equal(viewer.body.error.code, "forbidden");
    assert.equal(await t.db.prisma.personImport.count(), 0);

    const before = filesInUploads();
    const res = await uploadCsv("manager", CSV, `?fileName=attendees.csv&map=${encodeURIComponent("Shoe size=attribute")}`);
    assert.equal(res.status, 202, res.text);
    importId = res.body.id;
    assert.equal(res.headers.location, `${base}/people/imports/${importId}`);
    assert.equal(res.body.status, "queued");
    assert.equal(res.body.fileName, "attendees.csv");
    assert.equal(res.body.fileBytes, Buffer.byteLength(CSV));
    assert.equal(res.body.encoding, "utf-8");
    assert.deepEqual(res.body.mapping, {
      Email: "email",
      "Given name": "givenName",
      "Family name": "familyName",
      Country: "country",
      "Shoe size": "attribute",
    });
    assert.equal(filesInUploads(), before + 1, "the body is stored under the data directory's uploads");
    const job = await t.db.prisma.job.findFirstOrThrow({ where: { key: peopleImportJobKey(importId) } });
    assert.equal(job.kind, "people.import");
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "person_import.start", entityId: importId } });
    assert.match(audit.actorLabel, /\(api: manager script\)$/);
    assert.equal(audit.incidentId, incident.id);
  });

  it("refuses a second import while one is queued, before storing its body", async () => {
    const before = filesInUploads();
    const res = await uploadCsv("manager", CSV);
    assert.equal(res.status, 409);
    assert.match(res.body.error.message, /Another import of this incident \(attendees\.csv\)/);
    assert.equal(filesInUploads(), before);
  });

  it("reports the finished import's counts, warnings, reasons and error report", async () => {
    await runPeopleImport({ db: t.db, clock: t.clock }, importId);
    const viewer = await http.get(`${base}/people/imports/${importId}`).set(as("viewer"));
    assert.equal(viewer.status, 200);
    assert.equal(viewer.body.status, "completed");
    // Bob (malformed address) and Carol (none) are kept with warnings; only Eve's short row is rejected.
    assert.deepEqual(viewer.body.counts, { read: 6, accepted: 5, created: 4, updated: 0, duplicates: 1, rejected: 1 });
    assert.deepEqual(viewer.body.reasons, { wrong_field_count: 1 });
    assert.deepEqual(viewer.body.warnings, { invalid_email: 1, missing_contact: 2 });
    assert.deepEqual(viewer.body.rejectedRows, {
      rows: 1,
      outstanding: 1,
      resolution: "",
      note: "",
      importedBy: null,
      resolvedAt: null,
    });
    assert.equal(viewer.body.stoppedAtLine, null);
    assert.equal(viewer.body.links.errors, `${base}/people/imports/${importId}/errors.csv`);
    assert.equal(viewer.body.links.start, undefined);

    const report = await http.get(viewer.body.links.errors).set(as("viewer")).buffer(true);
    assert.equal(report.status, 200);
    assert.match(String(report.headers["content-type"]), /^text\/csv/);
    const text = Buffer.isBuffer(report.body) ? report.body.toString("utf8") : report.text;
    assert.match(text, /line,row,reason,explanation/);
    assert.match(text, /^7,.*eve@example\.org,Eve.*wrong_field_count/m);

    const list = await http.get(`${base}/people/imports`).set(as("viewer"));
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.map((i: { id: string }) => i.id),
      [importId],
    );
    assert.equal((await http.get(`${base}/people/imports/no-such-import`).set(as("viewer"))).status, 404);
  });

  it("uploads without starting, proposes a mapping, then starts with the mapping given", async () => {
    const csv = "Member no,E-Mail Adresse,Land\r\nM1,erin@example.org,DE\r\nM2,frank@example.org,AT\r\n";
    const res = await uploadCsv("manager", csv, "?start=false&fileName=mitglieder.csv");
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.status, "uploaded");
    assert.deepEqual(res.body.mapping, { "Member no": "attribute", "E-Mail Adresse": "attribute", Land: "attribute" });
    assert.equal(res.body.links.start, `${base}/people/imports/${res.body.id}/start`);

    const viewer = await http.post(res.body.links.start).set(as("viewer")).send({});
    assert.equal(viewer.status, 403);
    const noBody = await http.post(res.body.links.start).set(as("manager"));
    assert.equal(noBody.status, 415);
    const badField = await http
      .post(res.body.links.start)
      .set(as("manager"))
      .send({ mapping: { "E-Mail Adresse": "e-mail address" } });
    assert.equal(badField.status, 400);
    assert.match(badField.body.error.fields.mapping, /Unknown field "e-mail address"/);
    const started = await http
      .post(res.body.links.start)
      .set(as("manager"))
      .send({ mapping: { "member no": "externalId", "E-Mail Adresse": "email", Land: "country" } });
    assert.equal(started.status, 202, started.text);
    assert.deepEqual(started.body.mapping, { "Member no": "externalId", "E-Mail Adresse": "email", Land: "country" });
    const again = await http.post(res.body.links.start).set(as("manager")).send({});
    assert.equal(again.status, 409);
    await runPeopleImport({ db: t.db, clock: t.clock }, res.body.id);
    const done = await http.get(res.body.links.self).set(as("viewer"));
    assert.equal(done.body.status, "completed");
    assert.equal(done.body.counts.created, 2);
  });

  it("refuses bodies and parameters it cannot use, keeping nothing of them", async () => {
    const imports = await t.db.prisma.personImport.count();
    const files = filesInUploads();
    const json = await http.post(`${base}/people/imports`).set(as("manager")).send({ csv: CSV });
    assert.equal(json.status, 415);
    assert.equal(json.body.error.code, "unsupported_media_type");
    const gzip = await uploadCsv("manager", CSV).set("Content-Encoding", "gzip");
    assert.equal(gzip.status, 415);
    const badMap = await uploadCsv("manager", CSV, "?map=Email");
    assert.equal(badMap.status, 400);
    assert.match(badMap.body.error.fields.map, /is not column=field/);
    const unknownColumn = await uploadCsv("manager", CSV, `?map=${encodeURIComponent("Mail=email")}`);
    assert.equal(unknownColumn.status, 400);
    assert.match(unknownColumn.body.error.fields.map, /No column is named "Mail"/);
    const badStart = await uploadCsv("manager", CSV, "?start=maybe");
    assert.equal(badStart.status, 400);
    assert.ok(badStart.body.error.fields.start);
    const controlName = await uploadCsv("manager", CSV, "?fileName=a%00b.csv");
    assert.equal(controlName.status, 400);
    assert.ok(controlName.body.error.fields.fileName);
    const empty = await uploadCsv("manager", "");
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.message, /empty/);
    assert.doesNotMatch(empty.body.error.message, /uploads\//, "the server's path is not shown");
    const unknownIncident = await http
      .post("/api/v1/incidents/BD-1999-0001/people/imports")
      .set(as("manager"))
      .set("Content-Type", "text/csv")
      .send(CSV);
    assert.equal(unknownIncident.status, 404);
    assert.equal(await t.db.prisma.personImport.count(), imports);
    assert.equal(filesInUploads(), files);
    const anonymous = await http.post(`${base}/people/imports`).set("Content-Type", "text/csv").send(CSV);
    assert.equal(anonymous.status, 401);
  });

  it("refuses a body over the size limit, declared or streamed, and removes what was written", async () => {
    const app = express();
    app.use("/api/v1", apiRouter(t.deps, { maxUploadBytes: 64 }));
    const declared = await supertest(app)
      .post(`${base}/people/imports`)
      .set(as("manager"))
      .set("Content-Type", "text/csv")
      .send(CSV);
    assert.equal(declared.status, 413);
    assert.equal(declared.body.error.code, "payload_too_large");
    assert.match(declared.body.error.message, /64 bytes/);

    // Chunked, without a length: counted as it arrives and cut off at the limit.
    const files = filesInUploads();
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: "127.0.0.1",
            port,
            method: "POST",
            path: `${base}/people/imports?start=false`,
            headers: { ...as("manager"), "Content-Type": "text/csv", "Transfer-Encoding": "chunked" },
          },
          (res) => {
            let body = "";
            res.on("data", (c) => {
              body += c;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        // Writing on after the answer may meet a closed connection: that is the point.
        req.on("error", () => {});
        setTimeout(() => reject(new Error("no answer within 5 s")), 5000).unref();
        req.write(`${CSV}\r\n`);
        setTimeout(() => req.end(`${CSV}\r\n`), 50);
      });
      assert.equal(answer.status, 413);
      assert.equal(JSON.parse(answer.body).error.code, "payload_too_large");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    assert.equal(filesInUploads(), files);
  });

  it("lists people with the page's filters and cursors, and counts them", async () => {
    const all = await http.get(`${base}/people?limit=2`).set(as("viewer"));
    assert.equal(all.status, 200);
    assert.equal(all.body.data.length, 2);
    assert.deepEqual(all.body.page, { limit: 2, after: null, nextAfter: all.body.data[1].id, total: 6, isTotalExact: true });
    const middle = await http.get(`${base}/people?limit=2&after=${all.body.page.nextAfter}`).set(as("viewer"));
    const rest = await http.get(`${base}/people?limit=2&after=${middle.body.page.nextAfter}`).set(as("viewer"));
    assert.equal(rest.body.data.length, 2);
    assert.equal(rest.body.page.nextAfter, null);
    const emails = [...all.body.data, ...middle.body.data, ...rest.body.data].map((p: { email: string | null }) => p.email);
    // The later of Alice's two rows wrote her address as it was typed there; Bob and Carol have none usable.
    assert.deepEqual(emails.filter(Boolean).sort(), [
      "ALICE@example.org",
      "dave@example.org",
      "erin@example.org",
      "frank@example.org",
    ]);
    assert.equal(emails.filter((e) => e === null).length, 2);
    const warned = await http.get(`${base}/people?warning=invalid_email`).set(as("viewer"));
    assert.deepEqual(
      warned.body.data.map((p: { givenName: string }) => p.givenName),
      ["Bob"],
    );

    const au = await http.get(`${base}/people?country=au&q=DAVE`).set(as("viewer"));
    assert.equal(au.status, 200);
    assert.deepEqual(
      au.body.data.map((p: { givenName: string }) => p.givenName),
      ["Dave"],
    );
    assert.equal(au.body.page.total, 1);
    const byImport = await http.get(`${base}/people?import=${importId}&hasEmail=yes`).set(as("viewer"));
    assert.equal(byImport.body.page.total, 2);

    const refusals: [string, string][] = [
      ["country=Australia", "country"],
      ["limit=0", "limit"],
      ["limit=1001", "limit"],
      ["limit=ten", "limit"],
      ["atRisk=maybe", "atRisk"],
      ["warning=typo", "warning"],
      ["category=password_hashes", "category"],
      ["import=no-such-import", "import"],
      ["after=no-such-person", "after"],
      ["q=a%00", "q"],
      ["q=a&q=b", "q"],
    ];
    for (const [query, field] of refusals) {
      const res = await http.get(`${base}/people?${query}`).set(as("viewer"));
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, "validation", query);
      assert.ok(res.body.error.fields[field], `${query}: ${JSON.stringify(res.body.error)}`);
    }
  });

  it("records what became of the rejected rows: refused for a viewer or without a note, then once, audited and on the timeline", async () => {
    const path = `${base}/people/imports/${importId}/rejected`;
    assert.equal((await http.post(path).set(as("viewer")).send({ resolution: "dismissed", note: "test row" })).status, 403);
    const noNote = await http.post(path).set(as("manager")).send({ resolution: "dismissed" });
    assert.equal(noNote.status, 400);
    assert.match(noNote.body.error.fields.note, /Say why these rows are dismissed/);
    const notLater = await http.post(path).set(as("manager")).send({ resolution: "imported", importedBy: importId });
    assert.equal(notLater.status, 400);
    assert.match(notLater.body.error.fields.importedBy, /later import of this incident that has completed/);
    const done = await http.post(path).set(as("manager")).send({ resolution: "dismissed", note: "Eve's row was a test row." });
    assert.equal(done.status, 200, done.text);
    assert.deepEqual([done.body.rejectedRows.outstanding, done.body.rejectedRows.resolution], [0, "dismissed"]);
    assert.match(done.body.rejectedRows.resolvedAt, /^\d{4}-\d\d-\d\dT/);
    const again = await http.post(path).set(as("manager")).send({ resolution: "dismissed", note: "again" });
    assert.equal(again.status, 409);
    const event = await t.db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId: incident.id, source: "api" } });
    assert.equal(event.description, "1 rejected row of the people import attendees.csv dismissed: Eve's row was a test row.");
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "person_import.rejected_resolve" } });
    assert.match(entry.actorLabel, /\(api: manager script\)$/);
  });

  it("names an empty upload by the file name the client gave", async () => {
    const res = await uploadCsv("manager", "", "?fileName=attendees-2015.csv&start=false");
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /The file attendees-2015\.csv is empty: it has no header row\./);
  });

  it("keeps the error report's file out of reach of other incidents", async () => {
    const other = await addIncident(t, { title: "Not this one" });
    const res = await http.get(`/api/v1/incidents/${other.reference}/people/imports/${importId}/errors.csv`).set(as("viewer"));
    assert.equal(res.status, 404);
    const path = (await t.db.prisma.personImport.findUniqueOrThrow({ where: { id: importId } })).errorReportPath!;
    assert.match(readFileSync(path, "utf8"), /wrong_field_count/, "the report itself is there");
  });

  it("gives the counts, one person with all their data, and deletes one for a manager", async () => {
    const summary = await http.get(`${base}/people/summary`).set(as("viewer"));
    assert.equal(summary.status, 200);
    assert.equal(summary.body.total, 6);
    assert.equal(summary.body.withEmail, 4);
    assert.deepEqual(summary.body.atRisk, { yes: 0, no: 0, unknown: 6 });
    assert.deepEqual(
      summary.body.countries.map((c: { country: string; count: number }) => [c.country, c.count]),
      [
        ["AU", 2],
        ["AT", 1],
        ["DE", 1],
        ["NZ", 1],
        ["US", 1],
      ],
    );

    const alice = await t.db.prisma.person.findFirstOrThrow({ where: { incidentId: incident.id, givenName: "Alice" } });
    const shown = await http.get(`${base}/people/${alice.id}`).set(as("viewer"));
    assert.equal(shown.status, 200);
    assert.equal(shown.body.email, "ALICE@example.org");
    assert.equal(shown.body.uniqueKey, "email:alice@example.org");
    assert.deepEqual(shown.body.attributes, { "Shoe size": "38" });
    assert.equal(shown.body.categoryIds, null);
    assert.deepEqual([shown.body.city, shown.body.postcode, shown.body.warnings], [null, null, {}]);
    const bob = await t.db.prisma.person.findFirstOrThrow({ where: { incidentId: incident.id, givenName: "Bob" } });
    const bobShown = await http.get(`${base}/people/${bob.id}`).set(as("viewer"));
    assert.deepEqual([bobShown.body.email, bobShown.body.warnings], [null, { invalid_email: "bob@example" }]);
    assert.equal(shown.body.links.import, `${base}/people/imports/${importId}`);

    const other = await addIncident(t, { title: "Elsewhere" });
    const foreign = await http.get(`/api/v1/incidents/${other.reference}/people/${alice.id}`).set(as("viewer"));
    assert.equal(foreign.status, 404);

    const byViewer = await http.delete(`${base}/people/${alice.id}`).set(as("viewer"));
    assert.equal(byViewer.status, 403);
    const anonymous = await http.delete(`${base}/people/${alice.id}`);
    assert.equal(anonymous.status, 401);
    const deleted = await http.delete(`${base}/people/${alice.id}`).set(as("manager"));
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, "");
    assert.equal((await http.get(`${base}/people/${alice.id}`).set(as("viewer"))).status, 404);
    assert.equal((await http.delete(`${base}/people/${alice.id}`).set(as("manager"))).status, 404);
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "person.delete", entityId: alice.id } });
    assert.match(entry.actorLabel, /\(api: manager script\)$/);
    assert.deepEqual(JSON.parse(entry.before!), {
      incident: incident.reference,
      uniqueKey: "email:alice@example.org",
      importId,
    });
    assert.equal((await http.get(`${base}/people/summary`).set(as("viewer"))).body.total, 5);
    // The files of the incident's finished imports may hold them, and went with them.
    const report = await http.get(`${base}/people/imports/${importId}/errors.csv`).set(as("viewer"));
    assert.equal(report.status, 404);
    assert.match(report.body.error.message, /files were deleted on .+, when a person of BD-\d{4}-\d{4} was deleted/);
    assert.equal((await http.get(`${base}/people/imports/${importId}`).set(as("viewer"))).body.links.errors, undefined);
  });
});
