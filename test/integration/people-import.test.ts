import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fixedClock } from "../../src/lib/clock.js";
import { AppError } from "../../src/lib/errors.js";
import { projectRoot } from "../../src/lib/paths.js";
import { type ImportPeopleOptions, importPeopleFile } from "../../src/modules/people/import.service.js";
import { runPeopleImport } from "../../src/modules/people/people-import.job.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

const fixtures = join(projectRoot, "test/fixtures/people");
const clock = fixedClock(new Date("2026-03-02T09:00:00.000Z"));

describe(`people import (${testLane})`, () => {
  let db: TestDatabase;
  let dir: string;
  let incidentNumber = 0;

  before(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "breachdesk-people-"));
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new incident of its own for each test, so counts never mix. */
  async function newIncident(): Promise<string> {
    incidentNumber++;
    const id = `incident-${incidentNumber}`;
    await db.prisma.incident.create({
      data: {
        id,
        reference: `BD-2026-${String(incidentNumber).padStart(4, "0")}`,
        year: 2026,
        number: incidentNumber,
        title: `Incident ${incidentNumber}`,
        severity: "high",
        timeZone: "Australia/Sydney",
      },
    });
    return id;
  }

  /** Copies a fixture into the temp folder (the error report is written next to it) and imports it. */
  async function importFixture(name: string, incidentId: string, options: Partial<ImportPeopleOptions> = {}) {
    const path = join(dir, `${incidentId}-${name}`);
    copyFileSync(join(fixtures, name), path);
    return importPeopleFile({ db, clock }, { incidentId, filePath: path, ...options });
  }

  const counts = (s: Awaited<ReturnType<typeof importFixture>>) => ({
    read: s.read,
    accepted: s.accepted,
    created: s.created,
    updated: s.updated,
    duplicates: s.duplicates,
    rejected: s.rejected,
    reasons: s.reasons,
    warnings: s.warnings,
  });

  it("reads a UTF-8 file with a byte order mark and CRLF, guessing columns from English headers", async () => {
    const incidentId = await newIncident();
    const summary = await importFixture("bom-crlf.csv", incidentId);
    assert.equal(summary.status, "completed");
    assert.equal(summary.encoding, "utf-8-bom");
    assert.equal(summary.delimiter, ",");
    assert.deepEqual(counts(summary), {
      read: 3,
      accepted: 3,
      created: 3,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      reasons: {},
      warnings: {},
    });
    assert.equal(summary.errorReportPath, null);
    const ada = await db.prisma.person.findFirstOrThrow({ where: { incidentId, emailNormalized: "ada@example.org" } });
    assert.equal(ada.givenName, "Ada");
    assert.equal(ada.familyName, "Lovelace");
    assert.equal(ada.country, "AU");
    assert.equal(ada.region, "AU-NSW");
    assert.equal(ada.uniqueKey, "email:ada@example.org");
    assert.deepEqual(JSON.parse(ada.attributes), { "Member Since": "2019" });
    assert.equal(ada.createdAt.toISOString(), clock.now().toISOString());
    const grace = await db.prisma.person.findFirstOrThrow({ where: { incidentId, emailNormalized: "grace@example.org" } });
    assert.equal(grace.country, "US");
    assert.equal(grace.region, "US-VA");
    const record = await db.prisma.personImport.findUniqueOrThrow({ where: { id: summary.importId } });
    assert.equal(record.status, "completed");
    assert.equal(record.created, 3);
    assert.equal(record.encoding, "utf-8-bom");
    assert.ok(record.finishedAt);
  });

  it("detects semicolons, keeps quoted delimiters, and keeps each person whose values cannot all be used, with warnings", async () => {
    const incidentId = await newIncident();
    const summary = await importFixture("semicolons.csv", incidentId);
    assert.equal(summary.delimiter, ";");
    // Issue 13: Bob (malformed address), Carol (unknown country) and Dan (no address at all) were
    // rejected before decision 0014; each names someone, so each is kept with a warning.
    assert.deepEqual(counts(summary), {
      read: 5,
      accepted: 5,
      created: 5,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      reasons: {},
      warnings: { invalid_email: 1, missing_contact: 2, unknown_country: 1 },
    });
    const jane = await db.prisma.person.findFirstOrThrow({ where: { incidentId, emailNormalized: "jane@example.org" } });
    assert.deepEqual([jane.givenName, jane.familyName, jane.postalAddress], ["Jane", "Doe", "1 Main St; Springfield"]);
    const eve = await db.prisma.person.findFirstOrThrow({ where: { incidentId, givenName: "Eve" } });
    assert.equal(eve.email, null);
    assert.equal(eve.language, "en-AU");
    assert.match(eve.uniqueKey, /^nokey:[0-9a-f]{64}$/);
    const bob = await db.prisma.person.findFirstOrThrow({ where: { incidentId, givenName: "Bob" } });
    assert.deepEqual(
      [bob.email, bob.emailNormalized, bob.uniqueKey, JSON.parse(bob.warnings)],
      [null, null, "email:not-an-email", { invalid_email: "not-an-email" }],
      "the malformed address is kept as given, not as the address",
    );
    const carol = await db.prisma.person.findFirstOrThrow({ where: { incidentId, givenName: "Carol" } });
    assert.deepEqual(
      [carol.emailNormalized, carol.country, JSON.parse(carol.warnings)],
      ["carol@example.org", null, { unknown_country: "Atlantis" }],
    );
    const dan = await db.prisma.person.findFirstOrThrow({ where: { incidentId, givenName: "Dan" } });
    assert.deepEqual([dan.email, dan.postalAddress, dan.country, dan.warnings], [null, null, "AU", "{}"]);
    assert.equal(summary.errorReportPath, null, "no row was rejected");
  });

  it("counts physical lines through quoted newlines and recovers from a stray quote", async () => {
    const incidentId = await newIncident();
    const summary = await importFixture("quoted-newlines.csv", incidentId);
    // Ben's malformed address was a rejection before decision 0014: he is kept, with a warning.
    assert.deepEqual(counts(summary), {
      read: 5,
      accepted: 4,
      created: 4,
      updated: 0,
      duplicates: 0,
      rejected: 1,
      reasons: { unclosed_quote: 1 },
      warnings: { invalid_email: 1 },
    });
    const anna = await db.prisma.person.findFirstOrThrow({ where: { incidentId, emailNormalized: "anna@example.org" } });
    assert.equal(anna.givenName, 'Anna "Nan"');
    assert.equal(anna.postalAddress, "12 High St\nUnit 4\nPerth WA 6000");
    const ben = await db.prisma.person.findFirstOrThrow({ where: { incidentId, givenName: "Ben" } });
    // The address keeps its own CRLF inside the quoted cell.
    assert.deepEqual(
      [ben.postalAddress, JSON.parse(ben.warnings)],
      ["3 Low Rd\r\nAlbany", { invalid_email: "bad@@example.org" }],
    );
    const lines = readFileSync(summary.errorReportPath!, "utf8").split("\r\n");
    assert.match(lines[1]!, /^9,"stray@example\.org,""Stray Quote,5 Nowhere Lane",unclosed_quote,/);
    assert.ok(await db.prisma.person.findFirst({ where: { incidentId, emailNormalized: "dora@example.org" } }));
  });

  it("rejects ragged and empty rows with wrong_field_count and empty_row, skipping blank lines", async () => {
    const incidentId = await newIncident();
    const summary = await importFixture("ragged.csv", incidentId);
    assert.deepEqual(counts(summary), {
      read: 5,
      accepted: 2,
      created: 2,
      updated: 0,
      duplicates: 0,
      rejected: 3,
      reasons: { wrong_field_count: 2, empty_row: 1 },
      warnings: {},
    });
    const keys = (await db.prisma.person.findMany({ where: { incidentId }, orderBy: { uniqueKey: "asc" } })).map(
      (p) => p.uniqueKey,
    );
    assert.deepEqual(keys, ["ext:1", "ext:4"]);
    const report = readFileSync(summary.errorReportPath!, "utf8");
    assert.match(report, /\r\n3,"2,two@example\.org,Two",wrong_field_count,/);
    assert.match(report, /\r\n5,",,,",empty_row,/);
  });

  it("imports a header-only file as nothing, and refuses an empty file", async () => {
    const incidentId = await newIncident();
    const summary = await importFixture("header-only.csv", incidentId);
    assert.equal(summary.status, "completed");
    assert.deepEqual(counts(summary), {
      read: 0,
      accepted: 0,
      created: 0,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      reasons: {},
      warnings: {},
    });
    await assert.rejects(importFixture("empty.csv", incidentId), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, "validation");
      assert.match(error.message, /is empty: it has no header row/);
      return true;
    });
    assert.equal(await db.prisma.personImport.count({ where: { incidentId } }), 1);
  });

  it("converts a Windows-1252 file and names the encoding", async () => {
    const incidentId = await newIncident();
    const summary = await importFixture("windows-1252.csv", incidentId);
    assert.equal(summary.encoding, "windows-1252");
    assert.deepEqual(counts(summary), {
      read: 3,
      accepted: 3,
      created: 3,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      reasons: {},
      warnings: {},
    });
    const jose = await db.prisma.person.findFirstOrThrow({ where: { incidentId, emailNormalized: "jose@example.org" } });
    assert.deepEqual([jose.givenName, jose.familyName], ["José", "Müller"]);
    assert.deepEqual(JSON.parse(jose.attributes), { note: "Paid 20€" });
    const zoe = await db.prisma.person.findFirstOrThrow({ where: { incidentId, emailNormalized: "zoe@example.org" } });
    assert.deepEqual([zoe.givenName, zoe.familyName, JSON.parse(zoe.attributes).note], ["Zoë", "Brontë", "Œuvre"]);
  });

  it("keeps formula-like values as given (as warnings) and neutralises them in the error report", async () => {
    const incidentId = await newIncident();
    const summary = await importFixture("formulas.csv", incidentId);
    // The four formula-like addresses were rejected before decision 0014: the people are kept.
    assert.deepEqual(counts(summary), {
      read: 5,
      accepted: 5,
      created: 5,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      reasons: {},
      warnings: { invalid_email: 4, missing_contact: 4 },
    });
    const mallory = await db.prisma.person.findFirstOrThrow({ where: { incidentId, givenName: "Mallory" } });
    assert.deepEqual(JSON.parse(mallory.warnings), { invalid_email: '=HYPERLINK("http://evil.example")' });
    const ok = await db.prisma.person.findFirstOrThrow({ where: { incidentId, givenName: "Okay" } });
    assert.deepEqual(JSON.parse(ok.attributes), { comment: "=1+1" });
    // Rows that cannot be read (one field short) go to the report, their formula cells neutralised.
    const path = join(dir, "formulas-short.csv");
    writeFileSync(
      path,
      'email,name,country,comment\n=HYPERLINK("http://evil.example"),Mallory,AU\n+61@bad,Plus\n-bad\n@SUM(A1:A2),At\n',
    );
    const short = await importPeopleFile({ db, clock }, { incidentId, filePath: path });
    assert.deepEqual([short.rejected, short.reasons], [4, { wrong_field_count: 4 }]);
    const rows = readFileSync(short.errorReportPath!, "utf8").split("\r\n").slice(1, 5);
    assert.deepEqual(
      rows.map((r) => r.split(",wrong_field_count,")[0]),
      ['2,"\'=HYPERLINK(""http://evil.example""),Mallory,AU"', '3,"\'+61@bad,Plus"', "4,'-bad", '5,"\'@SUM(A1:A2),At"'],
    );
  });

  it("merges emails differing only in case, counting duplicates, and a re-import changes nothing", async () => {
    const incidentId = await newIncident();
    const first = await importFixture("duplicate-emails.csv", incidentId);
    assert.deepEqual(counts(first), {
      read: 4,
      accepted: 4,
      created: 2,
      updated: 0,
      duplicates: 2,
      rejected: 0,
      reasons: {},
      warnings: {},
    });
    const alice = await db.prisma.person.findFirstOrThrow({ where: { incidentId, emailNormalized: "alice@example.com" } });
    assert.deepEqual(
      [alice.givenName, alice.familyName, alice.phone, alice.country, alice.email],
      ["Alice A.", "Archer", "+61 2 9999 0000", "AU", "ALICE@EXAMPLE.COM"],
    );
    const before = await db.prisma.person.findMany({ where: { incidentId }, orderBy: { uniqueKey: "asc" } });
    clock.advance(60_000);
    const second = await importFixture("duplicate-emails.csv", incidentId);
    assert.deepEqual(counts(second), {
      read: 4,
      accepted: 4,
      created: 0,
      updated: 2,
      duplicates: 2,
      rejected: 0,
      reasons: {},
      warnings: {},
    });
    const afterRows = await db.prisma.person.findMany({ where: { incidentId }, orderBy: { uniqueKey: "asc" } });
    const visible = (people: typeof before) => people.map(({ updatedAt, importId, ...rest }) => rest);
    assert.deepEqual(visible(afterRows), visible(before));
  });

  it("reads tab-separated files and merges rows by external id", async () => {
    const incidentId = await newIncident();
    const summary = await importFixture("tabs.tsv", incidentId);
    assert.equal(summary.delimiter, "\t");
    // C-2's "maybe" was a rejection before decision 0014: kept as not assessed, with a warning.
    assert.deepEqual(counts(summary), {
      read: 3,
      accepted: 3,
      created: 2,
      updated: 0,
      duplicates: 1,
      rejected: 0,
      reasons: {},
      warnings: { invalid_at_risk: 1 },
    });
    const one = await db.prisma.person.findFirstOrThrow({ where: { incidentId, uniqueKey: "ext:C-1" } });
    assert.deepEqual([one.uniqueKey, one.givenName, one.familyName, one.isAtRisk], ["ext:C-1", "Tab One", "Again", false]);
    const two = await db.prisma.person.findFirstOrThrow({ where: { incidentId, uniqueKey: "ext:C-2" } });
    assert.deepEqual([two.isAtRisk, JSON.parse(two.warnings)], [null, { invalid_at_risk: "maybe" }]);
  });

  it("merges warnings in the database as in a batch: a later usable value clears one, a new bad value replaces it", async () => {
    const incidentId = await newIncident();
    const write = (name: string, text: string) => {
      const path = join(dir, `${incidentId}-${name}`);
      writeFileSync(path, text);
      return importPeopleFile({ db, clock }, { incidentId, filePath: path });
    };
    const header = "id,email,phone,country,city,postcode\n";
    const first = await write("first.csv", `${header}M-1,bob@@x.org,call me,Atlantis,Hobart,7000\nM-2,ann@x.org,,AU,,\n`);
    assert.deepEqual(first.warnings, { invalid_email: 1, invalid_phone: 1, unknown_country: 1, missing_contact: 1 });
    const second = await write("second.csv", `${header}M-1,bob@x.org,,Mars,,\nM-2,,not a phone,,Perth,6000\n`);
    assert.deepEqual([second.updated, second.warnings], [2, { unknown_country: 1, invalid_phone: 1, missing_contact: 1 }]);
    const bob = await db.prisma.person.findFirstOrThrow({ where: { incidentId, uniqueKey: "ext:M-1" } });
    assert.deepEqual(
      [bob.emailNormalized, bob.city, bob.postcode, JSON.parse(bob.warnings)],
      ["bob@x.org", "Hobart", "7000", { invalid_phone: "call me", unknown_country: "Mars" }],
    );
    const ann = await db.prisma.person.findFirstOrThrow({ where: { incidentId, uniqueKey: "ext:M-2" } });
    assert.deepEqual(
      [ann.country, ann.city, ann.postcode, JSON.parse(ann.warnings)],
      ["AU", "Perth", "6000", { invalid_phone: "not a phone" }],
    );
  });

  it("applies an explicit mapping, and refuses one naming an unknown column or field", async () => {
    const incidentId = await newIncident();
    const summary = await importFixture("formulas.csv", incidentId, { mapping: { comment: "ignore" } });
    const ok = await db.prisma.person.findFirstOrThrow({ where: { incidentId, givenName: "Okay" } });
    assert.equal(summary.created, 5);
    assert.equal(ok.attributes, "{}");
    await assert.rejects(
      importFixture("formulas.csv", incidentId, { mapping: { nope: "email", name: "shoe size" } }),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.match(error.fieldErrors.nope!, /No column is named "nope"/);
        assert.match(error.fieldErrors.name!, /Unknown field "shoe size"/);
        return true;
      },
    );
  });

  it("imports 10,000 generated rows in batches with exact counts, keeping malformed addresses as warnings", async () => {
    const incidentId = await newIncident();
    const lines = ["id,email,first name,last name,country,state"];
    let invalid = 0;
    let duplicates = 0;
    for (let i = 0; i < 10_000; i++) {
      if (i % 100 === 7) {
        invalid++;
        lines.push(`,person${i}-at-example.org,Given${i},Family${i},AU,NSW`);
      } else if (i % 50 === 3 && i > 100) {
        duplicates++;
        lines.push(`,PERSON${i - 1}@Example.org,"Given, ${i}",Family${i},AU,VIC`);
      } else lines.push(`,person${i}@example.org,Given${i},"Fämily ""${i}""",AU,NSW`);
    }
    const path = join(dir, "ten-thousand.csv");
    writeFileSync(path, `${lines.join("\n")}\n`);
    const progress: number[] = [];
    const summary = await importPeopleFile(
      { db, clock },
      { incidentId, filePath: path, batchRows: 2000, onProgress: (p) => progress.push(p.rowsRead) },
    );
    // The malformed addresses were rejections before decision 0014; those people are kept now.
    assert.deepEqual(counts(summary), {
      read: 10_000,
      accepted: 10_000,
      created: 10_000 - duplicates,
      updated: 0,
      duplicates,
      rejected: 0,
      reasons: {},
      warnings: { invalid_email: invalid, missing_contact: invalid },
    });
    assert.ok(progress.length >= 5, `progress after each batch: ${progress.join(", ")}`);
    assert.equal(await db.prisma.person.count({ where: { incidentId } }), 10_000 - duplicates);
    assert.equal(await db.prisma.person.count({ where: { incidentId, emailNormalized: null } }), invalid);
  });

  it("keeps the batches committed before a failure and says where it stopped", async () => {
    const incidentId = await newIncident();
    const rows = ["email,name,country"];
    for (let i = 1; i <= 25; i++) rows.push(`${i === 15 ? "boom" : `p${i}`}@example.org,P ${i},AU`);
    const path = join(dir, "fails.csv");
    writeFileSync(path, `${rows.join("\n")}\n`);
    // A trigger refusing one row stands in for any database failure halfway through.
    if (testLane === "sqlite") {
      await db.prisma.$executeRawUnsafe(
        `CREATE TRIGGER "boom" BEFORE INSERT ON "person" WHEN NEW."email" = 'boom@example.org' BEGIN SELECT RAISE(ABORT, 'boom refused'); END`,
      );
    } else {
      await db.prisma.$executeRawUnsafe(
        `CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.email = 'boom@example.org' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await db.prisma.$executeRawUnsafe(`CREATE TRIGGER boom BEFORE INSERT ON "person" FOR EACH ROW EXECUTE FUNCTION boom()`);
    }
    try {
      const summary = await importPeopleFile({ db, clock }, { incidentId, filePath: path, batchRows: 10 });
      assert.equal(summary.status, "failed");
      assert.match(summary.message, /boom refused/);
      assert.equal(summary.stoppedAtLine, 11);
      assert.deepEqual(counts(summary), {
        read: 10,
        accepted: 10,
        created: 10,
        updated: 0,
        duplicates: 0,
        rejected: 0,
        reasons: {},
        warnings: {},
      });
      assert.equal(await db.prisma.person.count({ where: { incidentId } }), 10);
      const record = await db.prisma.personImport.findUniqueOrThrow({ where: { id: summary.importId } });
      assert.deepEqual([record.status, record.stoppedAtLine, record.created], ["failed", 11, 10]);
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER "boom"${testLane === "postgresql" ? ` ON "person"` : ""}`);
    }
  });

  it("refuses a second import on an incident while one is running, but not after a stale one", async () => {
    const incidentId = await newIncident();
    const now = clock.now();
    const running = {
      incidentId,
      fileName: "other.csv",
      filePath: "/tmp/other.csv",
      status: "running",
      createdAt: now,
      startedAt: now,
      updatedAt: now,
    };
    await db.prisma.personImport.create({ data: { id: `${incidentId}-running`, ...running } });
    await assert.rejects(importFixture("bom-crlf.csv", incidentId), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, "conflict");
      assert.match(error.message, /other\.csv\) is running/);
      return true;
    });
    assert.equal(await db.prisma.person.count({ where: { incidentId } }), 0);
    await db.prisma.personImport.update({
      where: { id: `${incidentId}-running` },
      data: { updatedAt: new Date(now.getTime() - 11 * 60_000) },
    });
    const summary = await importFixture("bom-crlf.csv", incidentId);
    assert.equal(summary.created, 3);
    // The stale one's process is gone: it is marked failed, saying where it stopped.
    const stale = await db.prisma.personImport.findUniqueOrThrow({ where: { id: `${incidentId}-running` } });
    assert.equal(stale.status, "failed");
    assert.match(
      stale.message,
      /^The import stopped before its first rows were written: it made no progress after 2026-03-02T08:\d\d:00\.000Z \(the process running it stopped\)\. The people imported up to there are kept\. Importing the file again is safe/,
    );
  });

  /** A queued import record for a copy of a fixture, as the mapping page leaves it. */
  async function queueFixture(name: string, incidentId: string, mapping: Record<string, string> = {}) {
    const path = join(dir, `${incidentId}-queued-${name}`);
    copyFileSync(join(fixtures, name), path);
    const now = clock.now();
    return db.prisma.personImport.create({
      data: {
        id: `${incidentId}-queued`,
        incidentId,
        fileName: name,
        filePath: path,
        mapping: JSON.stringify(mapping),
        status: "queued",
        createdAt: now,
        updatedAt: now,
      },
    });
  }

  it("runs a queued import in its own record, once", async () => {
    const incidentId = await newIncident();
    const queued = await queueFixture("formulas.csv", incidentId, { comment: "ignore" });
    const summary = await importPeopleFile({ db, clock }, { importId: queued.id });
    assert.equal(summary.importId, queued.id);
    assert.equal(summary.status, "completed");
    assert.deepEqual(counts(summary), {
      read: 5,
      accepted: 5,
      created: 5,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      reasons: {},
      warnings: { invalid_email: 4, missing_contact: 4 },
    });
    assert.equal(await db.prisma.personImport.count({ where: { incidentId } }), 1, "no record besides the queued one");
    const record = await db.prisma.personImport.findUniqueOrThrow({ where: { id: queued.id } });
    assert.deepEqual([record.status, record.rowsRead, record.created, record.encoding], ["completed", 5, 5, "utf-8"]);
    assert.deepEqual(JSON.parse(record.warnings), { invalid_email: 4, missing_contact: 4 });
    assert.ok(record.startedAt && record.finishedAt);
    const person = await db.prisma.person.findFirstOrThrow({ where: { incidentId, givenName: "Okay" } });
    assert.equal(person.importId, queued.id);
    assert.equal(person.attributes, "{}", "the stored mapping (comment ignored) was applied");
    await assert.rejects(importPeopleFile({ db, clock }, { importId: queued.id }), {
      code: "conflict",
      message: /is completed, not queued/,
    });
  });

  it("marks a queued import failed when it cannot run, and leaves a cancelled one alone", async () => {
    const incidentId = await newIncident();
    const now = clock.now();
    await db.prisma.personImport.create({
      data: {
        id: `${incidentId}-cli`,
        incidentId,
        fileName: "other.csv",
        filePath: "/tmp/other.csv",
        status: "running",
        createdAt: now,
        updatedAt: now,
      },
    });
    const queued = await queueFixture("bom-crlf.csv", incidentId);
    await runPeopleImport({ db, clock }, queued.id);
    const failed = await db.prisma.personImport.findUniqueOrThrow({ where: { id: queued.id } });
    assert.equal(failed.status, "failed");
    assert.match(failed.message, /Another import of this incident \(other\.csv\) is running/);
    assert.equal(await db.prisma.person.count({ where: { incidentId } }), 0);

    const other = await newIncident();
    const cancelled = await queueFixture("bom-crlf.csv", other);
    await db.prisma.personImport.update({ where: { id: cancelled.id }, data: { status: "cancelled" } });
    await runPeopleImport({ db, clock }, cancelled.id);
    const after = await db.prisma.personImport.findUniqueOrThrow({ where: { id: cancelled.id } });
    assert.deepEqual([after.status, after.rowsRead], ["cancelled", 0]);
    assert.equal(await db.prisma.person.count({ where: { incidentId: other } }), 0);
  });

  it("refuses an unknown incident and an unreadable file", async () => {
    await assert.rejects(importFixture("bom-crlf.csv", "no-such-incident"), { code: "not_found" });
    const incidentId = await newIncident();
    await assert.rejects(importPeopleFile({ db, clock }, { incidentId, filePath: join(dir, "missing.csv") }), {
      code: "validation",
      message: /Cannot read .*missing\.csv/,
    });
  });
});
