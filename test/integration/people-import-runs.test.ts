import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config/config.js";
import { JobDispatcher } from "../../src/jobs/dispatcher.js";
import { jobDefinitions } from "../../src/jobs/registry.js";
import { fixedClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/logger.js";
import { projectRoot } from "../../src/lib/paths.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import {
  ImportInterrupted,
  type ImportSummary,
  ImportTakenOver,
  importPeopleFile,
} from "../../src/modules/people/import.service.js";
import { PEOPLE_IMPORT_JOB, peopleImportJobKey } from "../../src/modules/people/people-import.job.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

const clock = fixedClock(new Date("2026-03-02T09:00:00.000Z"));

/**
 * A file of `rows` people: every 97th row has a bad email; every 50th (from row 2,000) repeats
 * an earlier row's email 1,234 rows back in other case, so duplicates reach across batches
 * and across the point where a run stops; rows 0-299 are people already in the incident.
 */
function peopleCsv(rows: number): string {
  const lines = ["id,email,first name,last name,country,state"];
  for (let i = 0; i < rows; i++) {
    // A malformed address is kept with a warning (decision 0014); a short row is rejected.
    if (i % 97 === 5) lines.push(`,person${i}-at-example.org,Given${i},Family${i},AU,NSW`);
    else if (i % 211 === 11) lines.push(`,person${i}@example.org,Given${i}`);
    else if (i % 50 === 3 && i >= 2000) lines.push(`,PERSON${i - 1234}@Example.org,"Given, ${i}",Family${i},AU,VIC`);
    else lines.push(`,person${i}@example.org,Given${i},"Fämily ""${i}""",AU,NSW`);
  }
  return `${lines.join("\n")}\n`;
}

const countsOf = (s: ImportSummary) => ({
  read: s.read,
  accepted: s.accepted,
  created: s.created,
  updated: s.updated,
  duplicates: s.duplicates,
  rejected: s.rejected,
  reasons: s.reasons,
  warnings: s.warnings,
});

describe(`people import runs: crash, interruption, take-over, cancel (${testLane})`, () => {
  let db: TestDatabase;
  let dir: string;
  let incidentNumber = 0;

  before(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "breachdesk-people-runs-"));
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new incident holding people 0-299 from an earlier import, so a file's rows update them. */
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
        timeZone: "UTC",
      },
    });
    const earlier = join(dir, `${id}-earlier.csv`);
    const rows = Array.from({ length: 300 }, (_, i) => `person${i}@example.org,Earlier${i}`);
    writeFileSync(earlier, `email,first name\n${rows.join("\n")}\n`);
    await importPeopleFile({ db, clock }, { incidentId: id, filePath: earlier });
    return id;
  }

  /** A queued import of a new copy of the file, as the mapping page leaves it. */
  async function queueFile(incidentId: string, csv: string) {
    const path = join(dir, `${incidentId}-people.csv`);
    writeFileSync(path, csv);
    const now = clock.now();
    return db.prisma.personImport.create({
      data: {
        id: `${incidentId}-upload`,
        incidentId,
        fileName: "people.csv",
        filePath: path,
        status: "queued",
        createdAt: now,
        updatedAt: now,
      },
    });
  }

  /** The same file imported in one uninterrupted run into a fresh incident: what every other way must match. */
  async function referenceImport(csv: string) {
    const incidentId = await newIncident();
    const queued = await queueFile(incidentId, csv);
    const summary = await importPeopleFile({ db, clock }, { importId: queued.id, batchRows: 500 });
    assert.equal(summary.status, "completed");
    return { incidentId, summary };
  }

  /** What a person looks like to a user, without ids and instants. */
  async function peopleOf(incidentId: string) {
    const people = await db.prisma.person.findMany({ where: { incidentId }, orderBy: { uniqueKey: "asc" } });
    return people.map(({ id, incidentId: _, importId, createdAt, updatedAt, ...visible }) => visible);
  }

  /** A dispatcher as the worker runs one, with the worker's job kinds. */
  function dispatcher() {
    const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: db.url, RUN_WORKER: "false" });
    const mailer = createCatcherMailer({ db, from: config.MAIL_FROM, clock });
    return new JobDispatcher({
      ...{ db, logger: createLogger("silent"), clock, config, mailer },
      ...{ workerId: "worker-after-the-crash", pollMs: 1000, leaseMs: 60_000, jobs: jobDefinitions },
    });
  }

  /** The import's job as a worker that died left it: claimed, its lease run out. */
  async function orphanedJob(importId: string, attempts: number) {
    const now = clock.now();
    return db.prisma.job.create({
      data: {
        id: `job-${importId}`,
        kind: PEOPLE_IMPORT_JOB,
        key: peopleImportJobKey(importId),
        payload: JSON.stringify({ importId }),
        status: "running",
        runAt: now,
        attempts,
        maxAttempts: 3,
        claimedBy: "worker-that-died",
        leaseUntil: new Date(now.getTime() - 1000),
        createdAt: now,
        updatedAt: now,
      },
    });
  }

  it("continues a run killed part-way after its last checkpoint, ending with an uninterrupted run's counts", async () => {
    const csv = peopleCsv(20_000);
    const reference = await referenceImport(csv);
    const incidentId = await newIncident();
    const queued = await queueFile(incidentId, csv);
    // The worker process, killed (SIGKILL: no clean-up of any kind) once a few batches are in.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(projectRoot, "test/helpers/run-people-import.ts"),
        db.url,
        queued.id,
        "500",
        clock.now().toISOString(),
      ],
      { cwd: projectRoot, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    for (let waited = 0; ; waited += 20) {
      const record = await db.prisma.personImport.findUniqueOrThrow({ where: { id: queued.id } });
      if (record.lastLine >= 2500) break;
      assert.ok(child.exitCode === null, `the import process ended before it was killed: ${stderr}`);
      assert.ok(waited < 60_000, "the import made no progress in a minute");
      await new Promise((done) => setTimeout(done, 20));
    }
    child.kill("SIGKILL");
    await exited;
    const crashed = await db.prisma.personImport.findUniqueOrThrow({ where: { id: queued.id } });
    assert.equal(crashed.status, "running", "killed part-way");
    assert.equal(crashed.runNumber, 1);
    assert.ok(crashed.lastLine < 20_001, `it stopped before the end, at line ${crashed.lastLine}`);
    // The checkpoint describes exactly what is in the database: it commits with its batch.
    assert.equal(await db.prisma.person.count({ where: { incidentId, importId: queued.id } }), crashed.created + crashed.updated);
    assert.ok(BigInt(0) < crashed.bytesRead && crashed.bytesRead <= crashed.fileBytes);

    await orphanedJob(queued.id, 1);
    assert.equal(await dispatcher().runOnce(), 1);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { key: peopleImportJobKey(queued.id) } });
    assert.deepEqual([job.status, job.attempts], ["done", 2]);

    const done = await db.prisma.personImport.findUniqueOrThrow({ where: { id: queued.id } });
    assert.equal(done.status, "completed");
    assert.equal(done.runNumber, 2);
    assert.equal(done.message, `Continued after line ${crashed.lastLine}, where the run before stopped without finishing.`);
    assert.equal(done.bytesRead, done.fileBytes);
    const resumed = {
      read: done.rowsRead,
      accepted: done.accepted,
      created: done.created,
      updated: done.updated,
      duplicates: done.duplicates,
      rejected: done.rejected,
      reasons: JSON.parse(done.reasons),
      warnings: JSON.parse(done.warnings),
    };
    assert.deepEqual(resumed, countsOf(reference.summary));
    // The 207 malformed addresses were rejected before decision 0014; they are kept, with warnings,
    // counted once across the crash; the 94 short rows are the rejected ones, each reported once.
    assert.deepEqual(resumed, {
      read: 20_000,
      accepted: 19_906,
      created: 19_264,
      updated: 294,
      duplicates: 348,
      rejected: 94,
      reasons: { wrong_field_count: 94 },
      warnings: { invalid_email: 207, missing_contact: 207 },
    });
    assert.deepEqual(await peopleOf(incidentId), await peopleOf(reference.incidentId));
    assert.equal(readFileSync(done.errorReportPath!, "utf8"), readFileSync(reference.summary.errorReportPath!, "utf8"));
  });

  it("on the job's last attempt, marks an import that is still running failed, saying where it stopped", async () => {
    const incidentId = await newIncident();
    const queued = await queueFile(incidentId, peopleCsv(100));
    await db.prisma.personImport.update({
      where: { id: queued.id },
      data: { status: "running", runNumber: 2, lastLine: 40, rowsRead: 39, accepted: 39, created: 39 },
    });
    await orphanedJob(queued.id, 2);
    assert.equal(await dispatcher().runOnce(), 1);
    const failed = await db.prisma.personImport.findUniqueOrThrow({ where: { id: queued.id } });
    assert.equal(failed.status, "failed");
    assert.equal(failed.stoppedAtLine, 40);
    assert.equal(failed.created, 39, "the counts of what was imported stay");
    assert.equal(
      failed.message,
      "The import stopped after line 40: its worker stopped 2 times before it finished. The people imported up to there " +
        "are kept. Importing the file again is safe: people already imported are updated, not duplicated.",
    );
    assert.ok(failed.finishedAt);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { key: peopleImportJobKey(queued.id) } });
    assert.equal(job.status, "done");
  });

  it("stops after its batch when the worker stops, and the job's retry continues it", async () => {
    const csv = peopleCsv(3000);
    const reference = await referenceImport(csv);
    const incidentId = await newIncident();
    const queued = await queueFile(incidentId, csv);
    const stopping = new AbortController();
    await assert.rejects(
      importPeopleFile(
        { db, clock },
        { importId: queued.id, batchRows: 500, interruptSignal: stopping.signal, onProgress: () => stopping.abort() },
      ),
      ImportInterrupted,
    );
    const interrupted = await db.prisma.personImport.findUniqueOrThrow({ where: { id: queued.id } });
    assert.deepEqual([interrupted.status, interrupted.rowsRead, interrupted.lastLine], ["running", 500, 501]);
    await orphanedJob(queued.id, 1);
    await dispatcher().runOnce();
    const done = await db.prisma.personImport.findUniqueOrThrow({ where: { id: queued.id } });
    assert.equal(done.status, "completed");
    assert.deepEqual(
      [done.rowsRead, done.created, done.updated, done.duplicates, done.rejected],
      [3000, reference.summary.created, reference.summary.updated, reference.summary.duplicates, reference.summary.rejected],
    );
    assert.deepEqual(await peopleOf(incidentId), await peopleOf(reference.incidentId));
  });

  it("writes nothing more from a run that another run took over", async () => {
    const incidentId = await newIncident();
    const queued = await queueFile(incidentId, peopleCsv(2000));
    const takeOver = async () => {
      // What a later run does when it starts: the number moves on, so this run's writes no longer hold.
      await db.prisma.personImport.update({ where: { id: queued.id }, data: { runNumber: { increment: 1 } } });
    };
    let batches = 0;
    await assert.rejects(
      importPeopleFile(
        { db, clock },
        {
          importId: queued.id,
          batchRows: 500,
          onProgress: async () => {
            batches++;
            if (batches === 1) await takeOver();
          },
        },
      ),
      ImportTakenOver,
    );
    const record = await db.prisma.personImport.findUniqueOrThrow({ where: { id: queued.id } });
    assert.deepEqual([record.status, record.runNumber, record.rowsRead, record.lastLine], ["running", 2, 500, 501]);
    assert.equal(await db.prisma.person.count({ where: { importId: queued.id } }), record.created + record.updated);
  });

  it("writes its batches while the app's own transactions run, neither blocking nor failing the other", async () => {
    const incidentId = await newIncident();
    const queued = await queueFile(incidentId, peopleCsv(6000));
    let isImporting = true;
    const importing = importPeopleFile({ db, clock }, { importId: queued.id, batchRows: 200 }).finally(() => {
      isImporting = false;
    });
    // What a request does meanwhile: a transaction that reads, yields, then writes.
    let transactions = 0;
    while (isImporting || transactions < 20) {
      await db.prisma.$transaction(async (tx) => {
        const incident = await tx.incident.findUniqueOrThrow({ where: { id: incidentId } });
        await new Promise((done) => setImmediate(done));
        await tx.incident.update({
          where: { id: incidentId },
          data: { title: `${incident.title.split(" #")[0]} #${transactions}` },
        });
      });
      transactions++;
    }
    const summary = await importing;
    assert.equal(summary.status, "completed");
    assert.equal(summary.read, 6000);
    assert.ok(transactions >= 20);
    const incident = await db.prisma.incident.findUniqueOrThrow({ where: { id: incidentId } });
    assert.match(incident.title, new RegExp(`#${transactions - 1}$`));
  });

  it("ends a running import that is cancelled at its next batch, keeping what was written before", async () => {
    const incidentId = await newIncident();
    const queued = await queueFile(incidentId, peopleCsv(2000));
    const summary = await importPeopleFile(
      { db, clock },
      {
        importId: queued.id,
        batchRows: 500,
        onProgress: async () => {
          await db.prisma.personImport.updateMany({
            where: { id: queued.id, status: "running" },
            data: { status: "cancelling" },
          });
        },
      },
    );
    assert.equal(summary.status, "cancelled");
    assert.equal(summary.message, "Cancelled after line 501: the people imported up to there are kept.");
    assert.equal(summary.read, 500);
    assert.equal(summary.stoppedAtLine, 501);
    assert.equal(await db.prisma.person.count({ where: { importId: queued.id } }), summary.created + summary.updated);
    const record = await db.prisma.personImport.findUniqueOrThrow({ where: { id: queued.id } });
    assert.deepEqual([record.status, record.rowsRead, record.stoppedAtLine], ["cancelled", 500, 501]);
  });
});
