import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { z } from "zod";
import { loadConfig } from "../../src/config/config.js";
import { JobDispatcher } from "../../src/jobs/dispatcher.js";
import { defineJob, enqueueJob } from "../../src/jobs/index.js";
import { getJobByKey, insertJob } from "../../src/jobs/job.repository.js";
import { jobDefinitions, periodicJobsOf } from "../../src/jobs/registry.js";
import { fixedClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/logger.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

const T0 = new Date("2026-03-02T09:00:00.000Z");

describe(`typed job definitions (${testLane})`, () => {
  let db: TestDatabase;
  let seen: { n: number; note: string }[];

  /** A job kind whose payload has a number and a note that defaults when left out. */
  const countJob = defineJob({
    id: "test.count",
    schema: z.object({ n: z.number().int(), note: z.string().default("none") }),
    maxAttempts: 4,
    async handler(payload) {
      seen.push(payload);
    },
  });

  beforeEach(async () => {
    db = await createTestDatabase();
    seen = [];
  });
  afterEach(async () => {
    await db.destroy();
  });

  function dispatcher() {
    const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: db.url, RUN_WORKER: "false" });
    const clock = fixedClock(T0);
    const mailer = createCatcherMailer({ db, from: config.MAIL_FROM, clock });
    const logger = createLogger("silent");
    return new JobDispatcher({
      db,
      logger,
      clock,
      config,
      mailer,
      workerId: "w",
      pollMs: 1000,
      leaseMs: 60_000,
      jobs: [countJob],
    });
  }

  it("stores the payload with the kind's maxAttempts, and hands the handler the parsed payload", async () => {
    assert.equal(await enqueueJob(db, db.prisma, countJob, { n: 3 }, { key: "typed", runAt: T0, now: T0 }), true);
    const stored = await getJobByKey(db.prisma, "typed");
    assert.deepEqual([stored?.kind, stored?.maxAttempts, stored?.payload], ["test.count", 4, '{"n":3}']);
    assert.equal(await dispatcher().runOnce(), 1);
    assert.deepEqual(seen, [{ n: 3, note: "none" }]);
    assert.equal((await getJobByKey(db.prisma, "typed"))?.status, "done");
  });

  it("fails a job whose stored payload does not fit its schema at once, naming the kind and the issues", async () => {
    const payload = JSON.stringify({ n: "three", note: 7 });
    await insertJob(db, db.prisma, { kind: countJob.id, key: "stale", payload, runAt: T0, maxAttempts: 5, now: T0 });
    assert.equal(await dispatcher().runOnce(), 1);
    const job = await getJobByKey(db.prisma, "stale");
    assert.equal(seen.length, 0, "the handler ran with a payload that does not fit");
    assert.equal(job?.status, "failed", "retried, though another try reads the same payload");
    assert.equal(job?.attempts, 1);
    assert.match(job?.lastError ?? "", /^the payload of this test\.count job does not fit its schema: /);
    assert.match(job?.lastError ?? "", /n: Expected number, received string/);
    assert.match(job?.lastError ?? "", /note: Expected string, received number/);
  });

  it("fails a job whose stored payload is not JSON at once, naming the kind", async () => {
    await insertJob(db, db.prisma, { kind: countJob.id, key: "garbled", payload: "{n:", runAt: T0, now: T0 });
    assert.equal(await dispatcher().runOnce(), 1);
    const job = await getJobByKey(db.prisma, "garbled");
    assert.deepEqual([job?.status, job?.lastError], ["failed", "the payload of this test.count job is not valid JSON"]);
  });

  it("refuses to enqueue a payload that does not fit (typed as such, it does not compile), writing nothing", async () => {
    await assert.rejects(
      enqueueJob(
        db,
        db.prisma,
        countJob,
        {
          // @ts-expect-error n is a number: a string does not compile
          n: "three",
        },
        { key: "wrong", runAt: T0 },
      ),
      /cannot enqueue a test\.count job: n: Expected number, received string/,
    );
    await assert.rejects(
      // @ts-expect-error n is required: a payload without it does not compile
      enqueueJob(db, db.prisma, countJob, { note: "no n" }, { key: "missing", runAt: T0 }),
      /cannot enqueue a test\.count job: n: Required/,
    );
    assert.equal(await db.prisma.job.count(), 0);
  });

  it("registers each job kind once, every periodic one among them", () => {
    const ids = jobDefinitions.map((definition) => definition.id);
    assert.equal(new Set(ids).size, ids.length, `a kind is registered twice: ${ids.join(", ")}`);
    const config = loadConfig({ NODE_ENV: "test", BOUNCE_MAILBOX_URL: "imap://u:p@127.0.0.1:1" });
    for (const { job } of periodicJobsOf(config)) assert.ok(jobDefinitions.includes(job), `${job.id} is not registered`);
  });
});
