import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { z } from "zod";
import { loadConfig } from "../../src/config/config.js";
import { JobDispatcher } from "../../src/jobs/dispatcher.js";
import {
  CATCHER_CLEANUP,
  catcherCleanupJob,
  deleteEndedLoginThrottles,
  deleteExpiredSessions,
  housekeepingJobs,
  SESSION_CLEANUP,
  sessionCleanupJob,
  THROTTLE_CLEANUP,
  throttleCleanupJob,
} from "../../src/jobs/housekeeping.js";
import { defineJob, type JobContext, periodicPayloadSchema } from "../../src/jobs/index.js";
import {
  completeJob,
  extendJobLease,
  failJob,
  getJobByKey,
  insertJob,
  listJobs,
  retryDelayMs,
} from "../../src/jobs/job.repository.js";
import { claimDueJobs } from "../../src/jobs/job-queue.sql.js";
import { JobScheduler, periodicJobKey } from "../../src/jobs/scheduler.js";
import { fixedClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/logger.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import { deleteUnreferencedUploads } from "../../src/modules/people/import-files.service.js";
import { uploadDirectory } from "../../src/modules/people/people-upload.middleware.js";
import { UPLOAD_CLEANUP, uploadCleanupJob, uploadCleanupJobs } from "../../src/modules/people/upload-cleanup.job.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

const T0 = new Date("2026-03-02T09:00:00.000Z");
const MINUTE = 60_000;
const logger = createLogger("silent");

const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

describe(`jobs (${testLane})`, () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.destroy();
  });

  /** The worker's other dependencies, as the dispatcher hands them to handlers. */
  const servicesOf = (db: TestDatabase) => {
    const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: db.url, RUN_WORKER: "false" });
    return { config, mailer: createCatcherMailer({ db, from: config.MAIL_FROM, clock: fixedClock(T0) }) };
  };

  const enqueue = (key: string, runAt = T0, extra: { kind?: string; maxAttempts?: number; payload?: unknown } = {}) =>
    insertJob(db, db.prisma, {
      kind: extra.kind ?? "test.kind",
      key,
      payload: JSON.stringify(extra.payload ?? { key }),
      runAt,
      maxAttempts: extra.maxAttempts,
      now: T0,
    });

  describe("insertJob", () => {
    it("schedules a key once: the second enqueue is a no-op", async () => {
      assert.equal(await enqueue("once", T0, { payload: { n: 1 } }), true);
      assert.equal(await enqueue("once", at(MINUTE), { payload: { n: 2 } }), false);
      const jobs = await db.prisma.job.findMany();
      assert.equal(jobs.length, 1);
      const [job] = jobs;
      assert.ok(job);
      assert.deepEqual(JSON.parse(job.payload), { n: 1 });
      assert.equal(job.status, "queued");
      assert.deepEqual(job.runAt, T0);
      assert.equal(job.attempts, 0);
      assert.equal(job.maxAttempts, 5);
    });

    it("writes nothing when the caller's transaction rolls back", async () => {
      await assert.rejects(
        db.prisma.$transaction(async (tx) => {
          assert.equal(await insertJob(db, tx, { kind: "k", key: "rolled-back", payload: "{}", runAt: T0 }), true);
          throw new Error("the change failed");
        }),
        /the change failed/,
      );
      assert.equal(await db.prisma.job.count(), 0);
    });

    it("keeps the caller's transaction usable after a duplicate key", async () => {
      await enqueue("dup");
      await db.prisma.$transaction(async (tx) => {
        assert.equal(await insertJob(db, tx, { kind: "k", key: "dup", payload: "{}", runAt: T0 }), false);
        // On PostgreSQL a unique violation would have aborted the transaction here.
        assert.equal(await insertJob(db, tx, { kind: "k", key: "after-dup", payload: "{}", runAt: T0 }), true);
      });
      assert.deepEqual(
        (await db.prisma.job.findMany({ orderBy: { key: "asc" } })).map((j) => j.key),
        ["after-dup", "dup"],
      );
    });
  });

  describe("claimDueJobs", () => {
    it("claims only due jobs, oldest first, at most limit, with a lease", async () => {
      await enqueue("future", at(MINUTE));
      await enqueue("now", T0);
      await enqueue("older", at(-MINUTE));
      await enqueue("oldest", at(-2 * MINUTE));

      const first = await claimDueJobs(db, { workerId: "w1", limit: 2, leaseMs: 5 * MINUTE, now: T0 });
      assert.deepEqual(
        first.map((j) => j.key),
        ["oldest", "older"],
      );
      for (const job of first) {
        assert.equal(job.status, "running");
        assert.equal(job.claimedBy, "w1");
        assert.equal(job.attempts, 1);
        assert.ok(job.runAt instanceof Date && job.createdAt instanceof Date && job.updatedAt instanceof Date);
        assert.deepEqual(job.leaseUntil, at(5 * MINUTE));
        assert.equal(job.finishedAt, null);
      }
      assert.deepEqual(
        (await claimDueJobs(db, { workerId: "w1", limit: 2, leaseMs: MINUTE, now: T0 })).map((j) => j.key),
        ["now"],
      );
      assert.deepEqual(await claimDueJobs(db, { workerId: "w1", limit: 2, leaseMs: MINUTE, now: T0 }), []);
      assert.deepEqual(
        (await claimDueJobs(db, { workerId: "w1", limit: 2, leaseMs: MINUTE, now: at(MINUTE) })).map((j) => j.key),
        ["future"],
      );
      const stored = await getJobByKey(db.prisma, "oldest");
      assert.equal(stored?.status, "running");
      assert.deepEqual(stored?.leaseUntil, at(5 * MINUTE));
    });

    it("never gives one job to two concurrent claimers", async () => {
      for (let round = 0; round < 5; round += 1) {
        const keys = Array.from({ length: 20 }, (_, i) => `r${round}-${i}`);
        for (const key of keys) await enqueue(key);
        const [a, b] = await Promise.all([
          claimDueJobs(db, { workerId: "worker-a", limit: 15, leaseMs: MINUTE, now: T0 }),
          claimDueJobs(db, { workerId: "worker-b", limit: 15, leaseMs: MINUTE, now: T0 }),
        ]);
        const aKeys = new Set(a.map((j) => j.key));
        assert.deepEqual(
          b.filter((j) => aKeys.has(j.key)),
          [],
          "a job was claimed twice",
        );
        assert.deepEqual([...a, ...b].map((j) => j.key).sort(), [...keys].sort());
        assert.ok(a.every((j) => j.claimedBy === "worker-a") && b.every((j) => j.claimedBy === "worker-b"));
        assert.ok(a.length <= 15 && b.length <= 15);
        for (const job of [...a, ...b]) assert.equal(await completeJob(db.prisma, job, T0), true);
      }
    });

    it("lets another worker take over a job whose lease expired, and ignores the first worker's late result", async () => {
      await enqueue("crashy");
      const [claimed] = await claimDueJobs(db, { workerId: "crashed", limit: 5, leaseMs: MINUTE, now: T0 });
      assert.ok(claimed);
      assert.deepEqual(
        await claimDueJobs(db, { workerId: "rescuer", limit: 5, leaseMs: MINUTE, now: at(MINUTE) }),
        [],
        "lease still live at its end instant",
      );

      const [retaken] = await claimDueJobs(db, { workerId: "rescuer", limit: 5, leaseMs: MINUTE, now: at(MINUTE + 1) });
      assert.ok(retaken);
      assert.equal(retaken.id, claimed.id);
      assert.equal(retaken.claimedBy, "rescuer");
      assert.equal(retaken.attempts, 2);
      assert.deepEqual(retaken.leaseUntil, at(2 * MINUTE + 1));

      assert.equal(
        await extendJobLease(db.prisma, claimed.id, { workerId: "crashed", leaseMs: MINUTE, now: at(MINUTE + 2) }),
        false,
      );
      assert.equal(await completeJob(db.prisma, claimed, at(MINUTE + 2)), false);
      assert.deepEqual(await failJob(db.prisma, claimed, { error: new Error("late"), now: at(MINUTE + 2) }), { status: "lost" });
      assert.equal(
        await extendJobLease(db.prisma, claimed.id, { workerId: "rescuer", leaseMs: MINUTE, now: at(MINUTE + 2) }),
        true,
      );
      assert.equal(await completeJob(db.prisma, retaken, at(MINUTE + 3)), true);
      const done = await getJobByKey(db.prisma, "crashy");
      assert.equal(done?.status, "done");
      assert.equal(done?.claimedBy, "rescuer");
      assert.deepEqual(done?.finishedAt, at(MINUTE + 3));
      assert.equal(done?.leaseUntil, null);
    });
  });

  describe("failJob", () => {
    it("backs off exponentially, then fails for good after maxAttempts with the error text", async () => {
      await enqueue("flaky", T0, { maxAttempts: 3 });
      const clock = fixedClock(T0);
      const claim = async () => claimDueJobs(db, { workerId: "w", limit: 1, leaseMs: MINUTE, now: clock.now() });

      for (let attempt = 1; attempt <= 2; attempt += 1) {
        const [job] = await claim();
        assert.equal(job?.attempts, attempt);
        assert.ok(job);
        const result = await failJob(db.prisma, job, { error: new Error(`boom ${attempt}`), now: clock.now() });
        const retryAt = new Date(clock.now().getTime() + retryDelayMs(attempt));
        assert.deepEqual(result, { status: "queued", runAt: retryAt });
        const stored = await getJobByKey(db.prisma, "flaky");
        assert.equal(stored?.status, "queued");
        assert.equal(stored?.lastError, `boom ${attempt}`);
        assert.equal(stored?.claimedBy, null);
        assert.deepEqual(stored?.runAt, retryAt);
        clock.set(new Date(retryAt.getTime() - 1));
        assert.deepEqual(await claim(), [], "claimed before its backoff ended");
        clock.set(retryAt);
      }
      const [last] = await claim();
      assert.equal(last?.attempts, 3);
      assert.ok(last);
      assert.deepEqual(await failJob(db.prisma, last, { error: new Error("boom 3"), now: clock.now() }), { status: "failed" });
      const failed = await getJobByKey(db.prisma, "flaky");
      assert.equal(failed?.status, "failed");
      assert.equal(failed?.lastError, "boom 3");
      assert.deepEqual(failed?.finishedAt, clock.now());
      clock.advance(24 * 60 * MINUTE);
      assert.deepEqual(await claim(), []);
    });

    it("doubles the delay from 30 s up to an hour", () => {
      assert.deepEqual([1, 2, 3, 4, 8, 20].map(retryDelayMs), [30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
    });
  });

  describe("JobDispatcher", () => {
    type TestHandler = (payload: unknown, ctx: JobContext) => Promise<void>;
    /** A dispatcher running each handler as a job kind whose payload is anything. */
    const dispatcherWith = (handlers: Record<string, TestHandler>, clock = fixedClock(T0)) =>
      new JobDispatcher({
        db,
        logger,
        clock,
        ...servicesOf(db),
        workerId: "dispatcher-1",
        pollMs: 1000,
        leaseMs: 5 * MINUTE,
        jobs: Object.entries(handlers).map(([id, handler]) => defineJob({ id, schema: z.unknown(), handler })),
        batchSize: 10,
      });

    it("runs each due job's handler exactly once with its payload", async () => {
      const seen: unknown[] = [];
      const dispatcher = dispatcherWith({
        "test.kind": async (payload, ctx) => {
          assert.equal(ctx.job.claimedBy, "dispatcher-1");
          seen.push(payload);
        },
      });
      await enqueue("a");
      await enqueue("b");
      await enqueue("c");
      await enqueue("later", at(MINUTE));
      assert.equal(await dispatcher.runOnce(), 3);
      assert.equal(await dispatcher.runOnce(), 0);
      assert.deepEqual(seen.map((p) => (p as { key: string }).key).sort(), ["a", "b", "c"]);
      const jobs = await listJobs(db.prisma, { status: "done" });
      assert.deepEqual(jobs.map((j) => j.key).sort(), ["a", "b", "c"]);
      assert.ok(jobs.every((j) => j.attempts === 1 && j.finishedAt?.getTime() === T0.getTime()));
      assert.equal((await getJobByKey(db.prisma, "later"))?.status, "queued");
    });

    it("retries a throwing handler after its backoff and records the error when attempts run out", async () => {
      const clock = fixedClock(T0);
      let calls = 0;
      const dispatcher = dispatcherWith(
        {
          "test.kind": async () => {
            calls += 1;
            throw new Error(`SMTP said no (${calls})`);
          },
        },
        clock,
      );
      await enqueue("retry-me", T0, { maxAttempts: 2 });
      assert.equal(await dispatcher.runOnce(), 1);
      let job = await getJobByKey(db.prisma, "retry-me");
      assert.equal(job?.status, "queued");
      assert.equal(job?.lastError, "SMTP said no (1)");
      assert.equal(await dispatcher.runOnce(), 0, "ran again before the backoff ended");
      clock.advance(retryDelayMs(1));
      assert.equal(await dispatcher.runOnce(), 1);
      job = await getJobByKey(db.prisma, "retry-me");
      assert.equal(job?.status, "failed");
      assert.equal(job?.attempts, 2);
      assert.equal(job?.lastError, "SMTP said no (2)");
      assert.equal(calls, 2);
    });

    it("fails a job of an unknown kind at once, naming the kind", async () => {
      const dispatcher = dispatcherWith({ "test.kind": async () => {} });
      await enqueue("mystery", T0, { kind: "no.such.kind" });
      assert.equal(await dispatcher.runOnce(), 1);
      const job = await getJobByKey(db.prisma, "mystery");
      assert.equal(job?.status, "failed");
      assert.equal(job?.attempts, 1);
      assert.match(job?.lastError ?? "", /no handler for job kind "no\.such\.kind" \(known kinds: test\.kind\)/);
    });

    it("gives up on a job whose every worker crashed, without running it again", async () => {
      const clock = fixedClock(T0);
      await enqueue("poison", T0, { maxAttempts: 2 });
      for (let i = 0; i < 2; i += 1) {
        assert.equal(
          (await claimDueJobs(db, { workerId: `crashed-${i}`, limit: 1, leaseMs: MINUTE, now: clock.now() })).length,
          1,
        );
        clock.advance(MINUTE + 1);
      }
      let calls = 0;
      const dispatcher = dispatcherWith(
        {
          "test.kind": async () => {
            calls += 1;
          },
        },
        clock,
      );
      assert.equal(await dispatcher.runOnce(), 1);
      const job = await getJobByKey(db.prisma, "poison");
      assert.equal(calls, 0);
      assert.equal(job?.status, "failed");
      assert.match(job?.lastError ?? "", /gave up after 2 attempts/);
    });

    it("stop() waits for the job in flight", async () => {
      let release!: () => void;
      let started!: () => void;
      const isStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const dispatcher = dispatcherWith({
        "test.kind": () => {
          started();
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      });
      await enqueue("slow");
      dispatcher.start();
      await isStarted;
      let isStopped = false;
      const stopping = dispatcher.stop().then((drained) => {
        isStopped = true;
        return drained;
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(isStopped, false, "stop() returned while a job was running");
      release();
      assert.equal(await stopping, true);
      assert.equal((await getJobByKey(db.prisma, "slow"))?.status, "done");
    });

    it("stop() gives up after its timeout and aborts the running handler", async () => {
      let signal: AbortSignal | undefined;
      let started!: () => void;
      const isStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const dispatcher = dispatcherWith({
        "test.kind": (_payload, ctx) => {
          signal = ctx.signal;
          started();
          return new Promise<void>((_resolve, reject) => {
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
          });
        },
      });
      await enqueue("stuck");
      dispatcher.start();
      await isStarted;
      assert.equal(await dispatcher.stop({ timeoutMs: 20 }), false);
      assert.equal(signal?.aborted, true);
    });
  });

  describe("JobScheduler", () => {
    const periodicJob = (id: string) => defineJob({ id, schema: periodicPayloadSchema, handler: async () => {} });
    const periodic = [
      { job: periodicJob("every.hour"), everyMs: 60 * MINUTE },
      { job: periodicJob("every.quarter"), everyMs: 15 * MINUTE },
    ];

    it("enqueues each periodic job once per slot, however many ticks and schedulers", async () => {
      const clock = fixedClock(at(7 * MINUTE));
      const one = new JobScheduler({ db, logger, clock, jobs: periodic });
      const two = new JobScheduler({ db, logger, clock, jobs: periodic });
      assert.equal(await one.tick(), 2);
      assert.equal(await one.tick(), 0);
      clock.advance(5 * MINUTE);
      assert.equal(await two.tick(), 0);
      const [again1, again2] = await Promise.all([one.tick(), two.tick()]);
      assert.equal(again1 + again2, 0);
      const jobs = await db.prisma.job.findMany({ orderBy: { key: "asc" } });
      assert.deepEqual(
        jobs.map((j) => j.key),
        ["periodic:every.hour:2026-03-02T09:00:00.000Z", "periodic:every.quarter:2026-03-02T09:00:00.000Z"],
      );
      assert.deepEqual(jobs[0]?.runAt, T0);

      clock.set(at(15 * MINUTE));
      assert.equal(await two.tick(), 1, "next quarter-hour slot");
      assert.ok(await getJobByKey(db.prisma, periodicJobKey("every.quarter", at(15 * MINUTE))));
    });

    it("feeds the dispatcher: the housekeeping jobs run through the real handlers", async () => {
      const clock = fixedClock(T0);
      const scheduler = new JobScheduler({ db, logger, clock, jobs: [...housekeepingJobs, ...uploadCleanupJobs] });
      const dispatcher = new JobDispatcher({
        db,
        logger,
        clock,
        ...servicesOf(db),
        workerId: "w",
        pollMs: 1000,
        leaseMs: MINUTE,
        jobs: [sessionCleanupJob, throttleCleanupJob, catcherCleanupJob, uploadCleanupJob],
      });
      await db.prisma.loginThrottle.create({ data: { key: "ended", failures: 2, windowStart: at(-20 * MINUTE) } });
      await scheduler.tick();
      assert.equal(await dispatcher.runOnce(), 4);
      const jobs = await db.prisma.job.findMany();
      assert.deepEqual(
        jobs.map((j) => j.kind).sort(),
        [CATCHER_CLEANUP, SESSION_CLEANUP, THROTTLE_CLEANUP, UPLOAD_CLEANUP].sort(),
      );
      assert.ok(
        jobs.every((j) => j.status === "done"),
        JSON.stringify(jobs),
      );
      assert.equal(await db.prisma.loginThrottle.count(), 0);
    });
  });

  describe("housekeeping", () => {
    const DAY = 24 * 60 * MINUTE;

    it("deletes expired sessions and one-time links used or expired over a week ago, nothing else", async () => {
      const user = await db.prisma.user.create({ data: { id: "u1", email: "a@example.org", name: "A", role: "manager" } });
      const session = (id: string, expiresAt: Date) =>
        db.prisma.session.create({ data: { id, userId: user.id, data: "{}", expiresAt } });
      await session("expired", at(-1));
      await session("expires-now", T0);
      await session("live", at(MINUTE));
      const token = (id: string, expiresAt: Date, usedAt: Date | null) =>
        db.prisma.userToken.create({ data: { id, userId: user.id, purpose: "reset", tokenHash: id, expiresAt, usedAt } });
      await token("used-8-days-ago", at(-7 * DAY), at(-8 * DAY));
      await token("used-6-days-ago", at(-5 * DAY), at(-6 * DAY));
      await token("expired-8-days-ago", at(-8 * DAY), null);
      await token("expired-yesterday", at(-DAY), null);
      await token("live", at(DAY), null);

      assert.deepEqual(await deleteExpiredSessions(db.prisma, T0), { sessions: 1, tokens: 2 });
      assert.deepEqual(
        (await db.prisma.session.findMany({ orderBy: { id: "asc" } })).map((s) => s.id),
        ["expires-now", "live"],
      );
      assert.deepEqual(
        (await db.prisma.userToken.findMany({ orderBy: { id: "asc" } })).map((t) => t.id),
        ["expired-yesterday", "live", "used-6-days-ago"],
      );
      assert.deepEqual(await deleteExpiredSessions(db.prisma, T0), { sessions: 0, tokens: 0 });
    });

    it("deletes the upload files no import refers to once they are a day old, nothing else", async () => {
      const directory = uploadDirectory(db.url);
      mkdirSync(directory, { recursive: true });
      const now = new Date();
      const file = (name: string, ageMs: number) => {
        const path = join(directory, name);
        writeFileSync(path, "Email\nperson@example.org\n");
        const at = new Date(now.getTime() - ageMs);
        utimesSync(path, at, at);
        return path;
      };
      const unique = randomUUID();
      const orphan = file(`${unique}-orphan.csv`, DAY + MINUTE);
      const young = file(`${unique}-young.csv`, DAY - MINUTE);
      const upload = file(`${unique}-upload.csv`, 3 * DAY);
      const report = file(`${unique}-done.errors.csv`, 3 * DAY);
      const beingWritten = file(`${unique}-running.errors.csv`, 2 * DAY);
      const incident = await db.prisma.incident.create({
        data: {
          id: "inc-1",
          reference: "BD-2026-0001",
          year: 2026,
          number: 1,
          title: "Uploads",
          severity: "low",
          timeZone: "UTC",
        },
      });
      const record = (id: string, filePath: string, errorReportPath: string | null, status: string) =>
        db.prisma.personImport.create({
          data: {
            id,
            incidentId: incident.id,
            fileName: `${id}.csv`,
            filePath,
            errorReportPath,
            status,
            createdAt: now,
            updatedAt: now,
          },
        });
      await record("imp-upload", upload, null, "uploaded");
      await record("imp-done", join(directory, `${unique}-done.csv`), report, "completed");
      // A running import's report is on disk before its record names it.
      await record("imp-running", join(directory, `${unique}-running.csv`), null, "running");

      const result = await deleteUnreferencedUploads(db, now, logger);
      assert.ok(result.deleted >= 1, JSON.stringify(result));
      assert.equal(existsSync(orphan), false, "the day-old orphan is deleted");
      for (const kept of [young, upload, report, beingWritten]) assert.equal(existsSync(kept), true, kept);
      for (const path of [young, upload, report, beingWritten]) rmSync(path, { force: true });
    });

    it("deletes sign-in throttles whose window ended and lock passed, nothing else", async () => {
      const windowMs = 15 * MINUTE;
      const throttle = (key: string, windowStart: Date, lockedUntil: Date | null) =>
        db.prisma.loginThrottle.create({ data: { key, failures: 3, windowStart, lockedUntil } });
      await throttle("window-ended", at(-windowMs), null);
      await throttle("window-ended-lock-passed", at(-2 * windowMs), at(-1));
      await throttle("window-ended-still-locked", at(-2 * windowMs), at(MINUTE));
      await throttle("window-open", at(-windowMs + 1), null);
      await throttle("window-open-locked", at(-MINUTE), at(windowMs));

      assert.equal(await deleteEndedLoginThrottles(db.prisma, T0, windowMs), 2);
      assert.deepEqual(
        (await db.prisma.loginThrottle.findMany({ orderBy: { key: "asc" } })).map((t) => t.key),
        ["window-ended-still-locked", "window-open", "window-open-locked"],
      );
    });
  });
});
