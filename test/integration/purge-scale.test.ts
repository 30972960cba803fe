import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { sqlitePathOf } from "../../src/db/client.js";
import { newId } from "../../src/lib/ids.js";
import { foldName } from "../../src/lib/name-fold.js";
import { evidenceStorageOf } from "../../src/modules/evidence/index.js";
import { uploadDirectory } from "../../src/modules/people/index.js";
import { lookupAddress, purgeNow } from "../../src/modules/retention/index.js";
import { appless, ledgerFigures } from "../fixtures/retention/purge-fixture.js";
import type { TestApp } from "../helpers/app.js";
import { testManager } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

/**
 * Issue 15's done-when at scale (PURGE_PEOPLE, 100,000 for the issue's figure): after the purge no table or file holds any of their
 * names, addresses, phone numbers or postal addresses (the SQLite file, its WAL and the data
 * folder searched byte by byte; on PostgreSQL every row of every table as text, what a dump
 * holds, and a pg_dump of the database), the ledger summary is unchanged and the lookup answers for
 * a purged address. The incident's evidence files are purged with the people (issue 15, item 4),
 * and one holds the attendee list: its bytes go from the evidence folder, its record stays. Every
 * personal value carries a marker (qz...) so one search finds any of them.
 */
// 3,000 in the suite (about 15 s on each database here); the 100,000 with PURGE_PEOPLE=100000,
// well over a minute, so not in the suite (decision 0025 has the figures).
const PEOPLE = Number(process.env.PURGE_PEOPLE ?? 3_000);
const MARKERS = ["qzgiven", "qzfamily", "qzmail", "qzstreet", "qzcity", "+61 2 7777"];

const person = (i: number) => ({
  givenName: `Qzgiven${i}`,
  familyName: `Qzfamily${i}`,
  email: `qzmail${i}@example.org`,
  phone: `+61 2 7777 ${String(i).padStart(6, "0")}`,
  postalAddress: `${i} Qzstreet Road`,
  city: "Qzcity",
});

describe(`retention purge of ${PEOPLE.toLocaleString("en")} people leaves none of their data anywhere (${testLane})`, () => {
  let t: TestApp;
  let evidenceDir: string;
  before(async () => {
    const base = await appless();
    // Evidence files in a folder of the test's own (on PostgreSQL the default is ./data/evidence).
    evidenceDir = mkdtempSync(join(tmpdir(), "breachdesk-purge-evidence-"));
    t = { ...base, deps: { ...base.deps, config: { ...base.deps.config, EVIDENCE_DIR: evidenceDir } } };
  });
  after(async () => {
    await t.close();
    rmSync(evidenceDir, { recursive: true, force: true });
  });

  it("purges, then no marker is found in the database or the data folder; the ledger is unchanged; the lookup answers", {
    timeout: PEOPLE > 10_000 ? 7_200_000 : 600_000,
  }, async () => {
    const started = Date.now();
    const incident = await addIncident(t);
    const campaignId = newId();
    const now = new Date("2026-02-01T00:00:00Z");
    await t.db.prisma.campaign.create({
      data: {
        id: campaignId,
        incidentId: incident.id,
        name: "Notice",
        templateId: "t",
        status: "completed",
        createdAt: now,
        updatedAt: now,
      },
    });
    for (let from = 0; from < PEOPLE; from += 2000) {
      const people = [];
      const deliveries = [];
      const mails = [];
      for (let i = from; i < Math.min(PEOPLE, from + 2000); i++) {
        const p = person(i);
        const id = newId();
        people.push({
          id,
          incidentId: incident.id,
          uniqueKey: p.email,
          emailNormalized: p.email,
          country: "AU",
          region: "AU-NSW",
          attributes: `{"member":"${p.givenName}"}`,
          createdAt: now,
          updatedAt: now,
          ...p,
        });
        const messageId = `<${id}@notices.example.org>`;
        deliveries.push({
          id: newId(),
          campaignId,
          incidentId: incident.id,
          personId: id,
          email: p.email,
          emailNormalized: p.email,
          fullName: `${p.givenName} ${p.familyName}`,
          // The ledger's search column, as the fan-out writes it (the folded name).
          nameSearch: foldName(`${p.givenName} ${p.familyName}`),
          country: "AU",
          region: "AU-NSW",
          status: i % 50 === 0 ? "bounced" : "sent",
          messageId,
          smtpResponse: i % 50 === 0 ? `550 5.1.1 <${p.email}>: unknown` : "250 OK",
          queuedAt: now,
          sentAt: now,
          updatedAt: now,
        });
        if (i % 10 === 0)
          mails.push({
            id: newId(),
            messageId,
            from: "n@example.org",
            to: p.email,
            subject: "Notice",
            text: `Dear ${p.givenName} ${p.familyName}`,
            headers: "{}",
            createdAt: now,
          });
      }
      await t.db.prisma.person.createMany({ data: people });
      await t.db.prisma.delivery.createMany({ data: deliveries });
      await t.db.prisma.caughtMail.createMany({ data: mails });
    }
    // The import's file and error report in the uploads folder.
    const uploads = uploadDirectory(t.db.url);
    mkdirSync(uploads, { recursive: true });
    const file = join(uploads, `${newId()}.csv`);
    writeFileSync(
      file,
      ["email,given,family,phone,address", ...Array.from({ length: 1000 }, (_, i) => Object.values(person(i)).join(","))].join(
        "\n",
      ),
    );
    const report = join(uploads, `${newId()}.errors.csv`);
    writeFileSync(report, `line,reason\n7,"${person(7).email} invalid"\n`);
    await t.db.prisma.personImport.create({
      data: {
        id: newId(),
        incidentId: incident.id,
        fileName: "people.csv",
        filePath: file,
        errorReportPath: report,
        status: "completed",
        createdAt: now,
        updatedAt: now,
      },
    });
    await t.db.prisma.incident.update({
      where: { id: incident.id },
      data: { status: "closed", closedAt: new Date("2026-01-01T00:00:00Z") },
    });
    // An evidence file holding part of the attendee list, the incident's evidence files purged with the people.
    const attendees = Array.from({ length: 200 }, (_, i) => Object.values(person(i)).join(",")).join("\n");
    const stored = await evidenceStorageOf(t.deps).put(Readable.from([Buffer.from(attendees)]));
    const evidenceId = newId();
    await t.db.prisma.evidenceFile.create({
      data: {
        id: evidenceId,
        incidentId: incident.id,
        fileName: "attendees-exposed.csv",
        sizeBytes: BigInt(stored.size),
        sha256: stored.sha256,
        storageKey: stored.key,
        uploadedAt: now,
        uploadedBy: "test",
      },
    });
    await t.db.prisma.incidentRetention.create({
      data: { incidentId: incident.id, daysAfterClose: 0, evidenceFiles: "with_people", updatedAt: now },
    });
    const figures = await ledgerFigures(t, incident);
    const seeded = Date.now();

    const { counts } = await purgeNow(t.deps, incident.reference, testManager);
    const purged = Date.now();
    assert.equal(counts.people, PEOPLE);
    assert.equal(counts.deliveries, PEOPLE);
    assert.equal(counts.caughtMail, PEOPLE / 10);
    assert.equal(counts.evidenceFiles, 1);
    const evidence = await t.db.prisma.evidenceFile.findUniqueOrThrow({ where: { id: evidenceId } });
    assert.ok(evidence.purgedAt, "the evidence file's record stays, removed by the purge");
    assert.equal(evidence.sha256, stored.sha256);
    assert.equal(Number(evidence.sizeBytes), stored.size);
    assert.equal(await ledgerFigures(t, incident), figures, "the ledger summary is unchanged");
    const answer = await lookupAddress(t.deps, incident.reference, person(12_345 % PEOPLE).email);
    assert.equal(answer.notifiedAt?.toISOString(), now.toISOString(), "notified on the date it was sent");
    assert.ok(answer.notices.length > 0 && answer.notices.every((n) => n.status === "sent"));

    const found: string[] = [];
    const walk = (d: string): string[] =>
      existsSync(d) ? readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)])) : [];
    const searchFiles = (paths: string[]) => {
      for (const path of paths) {
        const text = readFileSync(path).toString("latin1").toLowerCase();
        for (const m of MARKERS) if (text.includes(m)) found.push(`${path}: ${m}`);
      }
    };
    // The data folders: the evidence files and the import uploads (beside the database with SQLite, ./data with PostgreSQL).
    searchFiles([...walk(evidenceDir), ...walk(uploads)]);
    assert.ok(!existsSync(file) && !existsSync(report), "the import file and its error report are deleted");
    if (testLane === "sqlite") {
      const tables = await t.db.prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table'`);
      for (const { name } of tables) {
        const rows = await t.db.prisma.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${name}"`);
        const text = JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v)).toLowerCase();
        for (const m of MARKERS) if (text.includes(m)) found.push(`table ${name}: ${m}`);
      }
      // The database file, its WAL and whatever else is beside it, byte by byte.
      searchFiles(walk(dirname(sqlitePathOf(t.db.url))));
    } else {
      // What a dump of the database holds.
      const dump = spawnSync("pg_dump", ["--data-only", "--no-owner", t.db.url], { maxBuffer: 2 ** 31 - 1 });
      assert.equal(dump.status, 0, `pg_dump: ${dump.stderr?.toString()}`);
      const text = dump.stdout.toString("latin1").toLowerCase();
      assert.ok(text.includes(stored.sha256), "the dump holds the kept records");
      for (const m of MARKERS) if (text.includes(m)) found.push(`pg_dump: ${m}`);
      const tables = await t.db.prisma.$queryRawUnsafe<{ t: string }[]>(
        `SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      );
      for (const { t: table } of tables) {
        for (const m of MARKERS) {
          const [row] = await t.db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
            `SELECT COUNT(*) AS n FROM "${table}" x WHERE LOWER(x::text) LIKE $1`,
            `%${m}%`,
          );
          if (Number(row?.n ?? 0) > 0) found.push(`${table}: ${m}`);
        }
      }
    }
    assert.deepEqual(found, [], "no name, address, phone or postal address left");
    console.log(
      `# ${PEOPLE} people: seeded in ${((seeded - started) / 1000).toFixed(1)} s, purged in ${((purged - seeded) / 1000).toFixed(1)} s, searched in ${((Date.now() - purged) / 1000).toFixed(1)} s`,
    );
  });
});
