import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, beforeEach, describe, it } from "node:test";
import { loadConfig } from "../../src/config/config.js";
import { openDatabase } from "../../src/db/client.js";
import { claimDueJobs, takeProcessLease } from "../../src/jobs/job-queue.sql.js";
import { startWorker } from "../../src/jobs/worker.js";
import { acquireWorkerLease, describeHolder, newWorkerHolder, type WorkerLease } from "../../src/jobs/worker-guard.js";
import { fixedClock } from "../../src/lib/clock.js";
import { AppError } from "../../src/lib/errors.js";
import { createLogger } from "../../src/lib/logger.js";
import { projectRoot } from "../../src/lib/paths.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

const T0 = new Date("2026-03-02T09:00:00.000Z");
const TTL_MS = 60_000;
const skip = testLane !== "sqlite" && "only SQLite limits workers";
const refusal =
  /^Another Breachdesk worker \(pid \d+ on host [^,]+, last seen \d+ s ago\) is running on this SQLite database; only one may run\. Stop it, or set RUN_WORKER=false in the web process when running `npm run worker`\.$/;

describe("worker guard (SQLite)", { skip }, () => {
  let db: TestDatabase;
  const held: WorkerLease[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const lease of held.splice(0)) await lease.release();
    await db.destroy();
  });

  const acquire = async (clock: ReturnType<typeof fixedClock>, holder = newWorkerHolder()) => {
    const lease = await acquireWorkerLease(db, { holder, ttlMs: TTL_MS, clock });
    held.push(lease);
    return lease;
  };

  const refusalOf = async (promise: Promise<unknown>): Promise<AppError> => {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof AppError, String(error));
      return error;
    }
    assert.fail("the second worker was allowed to start");
  };

  it("refuses a second worker while the first is live, naming it", async () => {
    const clock = fixedClock(T0);
    const first = await acquire(clock);
    clock.advance(12_000);
    const error = await refusalOf(acquire(clock));
    assert.equal(error.code, "conflict");
    assert.match(error.message, refusal);
    assert.ok(error.message.includes(`(pid ${process.pid} on host ${hostname()}, last seen 12 s ago)`), error.message);

    assert.equal(await first.renew(), true);
    clock.advance(3_000);
    assert.match((await refusalOf(acquire(clock))).message, /last seen 3 s ago/);
  });

  it("lets a second worker start once the first's lease expired, and the first learns it lost it", async () => {
    const clock = fixedClock(T0);
    const first = await acquire(clock);
    clock.advance(TTL_MS);
    await refusalOf(acquire(clock));
    clock.advance(1);
    const second = await acquire(clock);
    assert.equal(await first.renew(), false);
    assert.equal(await second.renew(), true);
    const row = await db.prisma.processLease.findUnique({ where: { name: "worker" } });
    assert.equal(row?.holder, second.holder);
    assert.deepEqual(row?.leaseUntil, new Date(clock.now().getTime() + TTL_MS));
  });

  it("lets a second worker start at once after the first released the lease", async () => {
    const clock = fixedClock(T0);
    const first = await acquire(clock);
    await first.release();
    assert.equal(await db.prisma.processLease.count(), 0);
    await acquire(clock);
  });

  it("takes over at once from a dead process of this host, not from a live one", async () => {
    const clock = fixedClock(T0);
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    assert.ok(deadPid);
    const plant = (holder: string) =>
      db.prisma.processLease.upsert({
        where: { name: "worker" },
        create: { name: "worker", holder, leaseUntil: new Date(T0.getTime() + TTL_MS), updatedAt: T0 },
        update: { holder, leaseUntil: new Date(T0.getTime() + TTL_MS), updatedAt: T0 },
      });

    await plant(`${process.ppid}@${hostname()}/live`);
    assert.match((await refusalOf(acquire(clock))).message, new RegExp(`pid ${process.ppid} on host`));
    await plant(`${deadPid}@another-host/remote`);
    await refusalOf(acquire(clock));

    await plant(`${deadPid}@${hostname()}/dead`);
    const lease = await acquire(clock);
    assert.equal((await db.prisma.processLease.findUnique({ where: { name: "worker" } }))?.holder, lease.holder);

    // This pid, but a lease this process never took: a restarted container's predecessor.
    await lease.release();
    await plant(`${process.pid}@${hostname()}/previous-run`);
    await acquire(clock);
  });

  it("describes a holder by pid and host", () => {
    assert.equal(describeHolder("1234@db-host/ab12"), "pid 1234 on host db-host");
    assert.equal(describeHolder("something else"), "something else");
  });
});

describe(`takeProcessLease (${testLane})`, () => {
  it("takes a lease only when free, expired, already ours, or from the named holder", async () => {
    const db = await createTestDatabase();
    try {
      const take = (holder: string, now: Date, replaceHolder?: string) =>
        takeProcessLease(db, { name: "worker", holder, leaseUntil: new Date(now.getTime() + TTL_MS), now, replaceHolder });
      assert.equal(await take("a", T0), true, "free");
      assert.equal(await take("b", T0), false, "held by a");
      assert.equal(await take("a", new Date(T0.getTime() + 1000)), true, "already a's");
      assert.equal(await take("b", T0, "someone-else"), false, "replaceHolder names another holder");
      assert.equal(await take("b", T0, "a"), true, "a named as dead");
      const expiredAt = new Date(T0.getTime() + TTL_MS + 1);
      assert.equal(await take("c", expiredAt), true, "b's lease expired");
      const row = await db.prisma.processLease.findUnique({ where: { name: "worker" } });
      assert.equal(row?.holder, "c");
      assert.deepEqual(row?.updatedAt, expiredAt);
      assert.deepEqual(row?.leaseUntil, new Date(expiredAt.getTime() + TTL_MS));
    } finally {
      await db.destroy();
    }
  });
});

describe(`a starting worker and the jobs of gone workers (${testLane})`, () => {
  const JOB_LEASE_MS = 5 * 60_000;

  it("puts the running jobs of a worker proven gone back in the queue at once, not when their lease ends", async () => {
    const db = await createTestDatabase();
    const leases: WorkerLease[] = [];
    try {
      const clock = fixedClock(T0);
      const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
      assert.ok(deadPid);
      // What a worker killed while running an import leaves: its job running under its id, leased for minutes more.
      const plantJob = (id: string, claimedBy: string) =>
        db.prisma.job.create({
          data: {
            id,
            kind: "people.import",
            key: `people.import:${id}`,
            payload: JSON.stringify({ importId: id }),
            status: "running",
            runAt: new Date(T0.getTime() - 60_000),
            attempts: 1,
            maxAttempts: 3,
            claimedBy,
            leaseUntil: new Date(T0.getTime() + JOB_LEASE_MS - 60_000),
            createdAt: new Date(T0.getTime() - 60_000),
            updatedAt: new Date(T0.getTime() - 60_000),
          },
        });
      const crashed = `${deadPid}@${hostname()}/crashed`;
      await plantJob("job-of-dead-worker", crashed);
      const kept: string[] = [];
      if (testLane === "sqlite") {
        await db.prisma.processLease.create({
          data: { name: "worker", holder: crashed, leaseUntil: new Date(T0.getTime() + TTL_MS), updatedAt: T0 },
        });
      } else {
        // Alive, or not provably dead: another worker of this process, this test's parent, another host.
        const sibling = await acquireWorkerLease(db, { holder: newWorkerHolder(), ttlMs: TTL_MS, clock });
        leases.push(sibling);
        for (const [id, holder] of [
          ["job-of-sibling", sibling.holder],
          ["job-of-live-process", `${process.ppid}@${hostname()}/live`],
          ["job-of-other-host", `${deadPid}@another-host/remote`],
        ] as const) {
          await plantJob(id, holder);
          kept.push(id);
        }
      }

      const lease = await acquireWorkerLease(db, { holder: newWorkerHolder(), ttlMs: TTL_MS, clock });
      leases.push(lease);
      const released = await db.prisma.job.findUniqueOrThrow({ where: { id: "job-of-dead-worker" } });
      assert.equal(released.status, "queued");
      assert.equal(released.claimedBy, null);
      assert.equal(released.leaseUntil, null);
      assert.equal(released.attempts, 1, "the release itself counts no attempt");
      assert.match(released.lastError ?? "", /^Its worker stopped; released when worker pid \d+ on host .+ started\.$/);
      // Claimable now, with the clock unmoved: the import continues at the next poll.
      const claimed = await claimDueJobs(db, { workerId: lease.holder, limit: 10, leaseMs: JOB_LEASE_MS, now: clock.now() });
      assert.deepEqual(
        claimed.map((job) => [job.id, job.attempts]),
        [["job-of-dead-worker", 2]],
      );
      for (const id of kept) {
        const job = await db.prisma.job.findUniqueOrThrow({ where: { id } });
        assert.equal(job.status, "running", id);
      }
    } finally {
      for (const lease of leases) await lease.release();
      await db.destroy();
    }
  });

  it("on SQLite, releases the jobs of a worker whose lease expired when its lease is taken over", { skip }, async () => {
    const db = await createTestDatabase();
    try {
      const clock = fixedClock(T0);
      const stalled = "4242@another-host/stalled";
      await db.prisma.processLease.create({
        data: { name: "worker", holder: stalled, leaseUntil: new Date(T0.getTime() - 1), updatedAt: T0 },
      });
      await db.prisma.job.create({
        data: {
          id: "job-of-stalled-worker",
          kind: "people.import",
          key: "people.import:stalled",
          payload: "{}",
          status: "running",
          runAt: T0,
          attempts: 1,
          claimedBy: stalled,
          leaseUntil: new Date(T0.getTime() + 60_000),
          createdAt: T0,
          updatedAt: T0,
        },
      });
      const lease = await acquireWorkerLease(db, { holder: newWorkerHolder(), ttlMs: TTL_MS, clock });
      try {
        const job = await db.prisma.job.findUniqueOrThrow({ where: { id: "job-of-stalled-worker" } });
        assert.equal(job.status, "queued");
        assert.equal(job.claimedBy, null);
      } finally {
        await lease.release();
      }
    } finally {
      await db.destroy();
    }
  });
});

describe(`startWorker (${testLane})`, () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.destroy();
  });

  it(
    testLane === "sqlite" ? "refuses a second worker on one SQLite database" : "runs several workers on one PostgreSQL database",
    async () => {
      const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent", WORKER_POLL_MS: "60000" });
      const clock = fixedClock(T0);
      const mailer = createCatcherMailer({ db, from: config.MAIL_FROM, clock });
      const options = { config, db, logger: createLogger("silent"), clock, mailer };
      const first = await startWorker(options);
      try {
        if (testLane === "sqlite") {
          await assert.rejects(startWorker(options), (error) => error instanceof AppError && error.code === "conflict");
        } else {
          const second = await startWorker(options);
          assert.notEqual(second.workerId, first.workerId);
          await second.stop();
          assert.equal(await db.prisma.processLease.count(), 0, "a lease was taken on PostgreSQL");
        }
      } finally {
        await first.stop();
      }
      assert.equal(await db.prisma.processLease.count(), 0);
    },
  );
});

describe("npm run worker on one SQLite file (SQLite)", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "breachdesk-worker-"));
  const children: ChildProcess[] = [];
  const env = {
    ...process.env,
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    DATABASE_URL: `file:${join(dir, "worker.db")}`,
    WORKER_POLL_MS: "200",
  };

  after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  const startWorkerProcess = () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/worker.ts"], {
      cwd: projectRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const output = { stdout: "", stderr: "" };
    child.stdout?.on("data", (chunk) => {
      output.stdout += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output.stderr += chunk;
    });
    return { child, output };
  };

  const within = <T>(ms: number, what: string, promise: Promise<T>, output: { stdout: string; stderr: string }) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what} within ${ms} ms\nstdout: ${output.stdout}\nstderr: ${output.stderr}`)),
          ms,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  };

  const exitOf = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once("exit", (code) => resolve(code));
    });

  it("refuses the second worker with a clear message and stops the first cleanly", { timeout: 90_000 }, async () => {
    const first = startWorkerProcess();
    await within(
      30_000,
      "the first worker did not report running",
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (first.output.stdout.includes("worker running")) resolve();
        };
        first.child.stdout?.on("data", check);
        first.child.once("exit", (code) => reject(new Error(`the first worker exited (${code}): ${first.output.stderr}`)));
        check();
      }),
      first.output,
    );

    const second = startWorkerProcess();
    const secondCode = await within(30_000, "the second worker did not exit", exitOf(second.child), second.output);
    assert.notEqual(secondCode, 0);
    assert.ok(
      second.output.stderr.includes(`Another Breachdesk worker (pid ${first.child.pid} on host ${hostname()}, last seen `),
      second.output.stderr,
    );
    assert.match(
      second.output.stderr,
      /only one may run\. Stop it, or set RUN_WORKER=false in the web process when running `npm run worker`\./,
    );
    assert.equal(first.child.exitCode, null, "the first worker stopped");

    first.child.kill("SIGTERM");
    assert.equal(await within(30_000, "the first worker did not stop on SIGTERM", exitOf(first.child), first.output), 0);
    const db = await openDatabase(env.DATABASE_URL);
    try {
      assert.equal(await db.prisma.processLease.count(), 0, "the lease was not released on stop");
    } finally {
      await db.close();
    }
  });
});
