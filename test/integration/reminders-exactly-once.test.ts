import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../src/config/config.js";
import { openDatabase } from "../../src/db/client.js";
import { JobDispatcher } from "../../src/jobs/dispatcher.js";
import { JobScheduler } from "../../src/jobs/scheduler.js";
import { fixedClock } from "../../src/lib/clock.js";
import { newId } from "../../src/lib/ids.js";
import { createLogger } from "../../src/lib/logger.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import { reminderJobs, reminderPeriodicJobs } from "../../src/modules/reminders/reminder-sweeps.job.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";
import { addAssessmentObligation } from "../helpers/reminders.js";

const skip = testLane !== "postgresql" && "several workers run only on PostgreSQL (SQLite admits one worker: see worker-guard)";
const INCIDENTS = 30;

/** One worker process's parts: its own connection, mailer, dispatcher and scheduler. */
async function startWorkerOn(url: string, workerId: string, clock: ReturnType<typeof fixedClock>) {
  const db = await openDatabase(url);
  const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: url, RUN_WORKER: "false" });
  const logger = createLogger("silent");
  const mailer = createCatcherMailer({ db, from: config.MAIL_FROM, clock });
  const dispatcher = new JobDispatcher({
    ...{ db, logger, clock, config, mailer, workerId },
    ...{ pollMs: 10, leaseMs: 60_000, jobs: reminderJobs, batchSize: 3 },
  });
  const scheduler = new JobScheduler({ db, logger, clock, jobs: reminderPeriodicJobs, tickMs: 15 });
  dispatcher.start();
  scheduler.start();
  return {
    db,
    async stop(timeoutMs = 30_000) {
      await scheduler.stop();
      await dispatcher.stop({ timeoutMs });
    },
    async close() {
      await db.close();
    },
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 20_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe(`reminders exactly once (${testLane})`, { skip }, () => {
  let db: TestDatabase;
  let expected = 0;

  before(async () => {
    db = await createTestDatabase();
    for (let i = 1; i <= INCIDENTS; i++) {
      const ownerId = newId();
      await db.prisma.user.create({ data: { id: ownerId, email: `owner${i}@example.org`, name: `Owner ${i}`, role: "manager" } });
      const incident = await db.prisma.incident.create({
        data: {
          id: newId(),
          reference: `BD-2016-${String(i).padStart(4, "0")}`,
          year: 2016,
          number: i,
          title: `Incident ${i}`,
          severity: "high",
          timeZone: "Australia/Sydney",
          ownerId,
        },
      });
      await addAssessmentObligation(db, incident.id);
    }
    expected = INCIDENTS;
  });
  after(() => db?.destroy());

  it("sends every reminder once with two workers, one stopped mid-sweep and started again", async () => {
    const clock = fixedClock(new Date("2016-04-08T06:30:30.000Z")); // every obligation's "half" is due
    const a = await startWorkerOn(db.url, "worker-a", clock);
    const b = await startWorkerOn(db.url, "worker-b", clock);
    const mailCount = () => db.prisma.caughtMail.count();

    // Stop A once some reminders are out and others not: the sweep's deliveries are in flight.
    await waitFor("the first reminders", async () => (await mailCount()) >= 3);
    assert.ok((await mailCount()) < expected, "stopped mid-sweep");
    await a.stop(0);
    const a2 = await startWorkerOn(db.url, "worker-a-restarted", clock);
    await waitFor("every half reminder", async () => (await mailCount()) >= expected);

    // A fixed clock jumping a week would expire the leases of jobs still finishing (real time
    // renews them), so let every job finish before moving it.
    await waitFor("every job to finish", async () => (await db.prisma.job.count({ where: { status: { not: "done" } } })) === 0);
    // The next slot, with both workers sweeping it again and again.
    clock.set(new Date("2016-04-15T22:15:30.000Z"));
    await waitFor("every three-quarters reminder", async () => (await mailCount()) >= 2 * expected);
    await sleep(300); // more scheduler ticks and polls: any duplicate would show now
    await Promise.all([a2.stop(), b.stop()]);
    await Promise.all([a.close(), a2.close(), b.close()]);

    const mails = await db.prisma.caughtMail.findMany();
    assert.equal(mails.length, 2 * expected, "one message per owner and slot");
    assert.equal(new Set(mails.map((m) => m.messageId)).size, mails.length, "no Message-ID sent twice");
    const jobs = await db.prisma.job.findMany({ where: { kind: { in: ["reminders.send", "reminders.deliver"] } } });
    assert.equal(new Set(jobs.map((j) => j.key)).size, jobs.length);
    assert.equal(jobs.filter((j) => j.kind === "reminders.send").length, 2 * expected);
    assert.equal(jobs.filter((j) => j.kind === "reminders.deliver").length, 2 * expected);
    assert.ok(
      jobs.every((j) => j.status === "done"),
      "every job finished",
    );
    const runners = new Set(jobs.map((j) => j.claimedBy));
    assert.ok(runners.size >= 2, `both workers ran jobs: ${[...runners].join(", ")}`);
  });
});
