import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fixedClock } from "../../src/lib/clock.js";
import { projectRoot } from "../../src/lib/paths.js";
import { recordAudit } from "../../src/modules/audit/audit.service.js";
import { anchorAuditHead } from "../../src/modules/audit/audit-anchor.service.js";
import { hashAuditEntry } from "../../src/modules/audit/audit-chain.policy.js";
import { applyAuditKey, attachAuditKey, auditKeyFilePath, readAuditKey } from "../../src/modules/audit/audit-key.service.js";
import { runBreachdesk } from "../helpers/cli.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

const KEY_TEXT = "the audit key the command line is given, 32+ bytes";
const KEY = readAuditKey({ AUDIT_KEY: KEY_TEXT }, "file:/unused.db")!;
const clock = fixedClock(new Date("2026-06-01T08:00:00Z"));
const actor = { userId: null, label: "tester", ip: null };

let dir: string;
let files = 0;

/** Runs `breachdesk ARGS` in this process against the database, with the key and an anchor file of the test's. */
function breachdesk(db: TestDatabase, args: string[], env: Record<string, string> = {}) {
  return runBreachdesk(args, { env: { DATABASE_URL: db.url, AUDIT_KEY: KEY_TEXT, ...env } });
}

async function appendEntries(db: TestDatabase, count: number) {
  for (let i = 0; i < count; i++) {
    await db.prisma.$transaction((tx) =>
      recordAudit(db, tx, actor, { action: "test.change", entityType: "thing", entityId: `t${i}`, after: { i } }, clock),
    );
    clock.advance(1000);
  }
}

/** A database with `plain` entries from before the key, then `keyed` entries, anchored in a file of its own. */
async function chainedDatabase(plain: number, keyed: number) {
  const db = await createTestDatabase();
  await appendEntries(db, plain);
  await applyAuditKey(db, KEY);
  attachAuditKey(db, KEY);
  await appendEntries(db, keyed);
  const anchorPath = join(dir, `anchor-${++files}`);
  await anchorAuditHead(db, { key: KEY, path: anchorPath, clock });
  return { db, anchorPath, env: { AUDIT_ANCHOR_PATH: anchorPath } };
}

describe(`breachdesk audit verify (${testLane})`, () => {
  const dbs: TestDatabase[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "breachdesk-cli-audit-"));
  });
  after(async () => {
    for (const db of dbs) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 0 on an intact chain and says what it compared", async () => {
    const { db, anchorPath, env } = await chainedDatabase(0, 4);
    dbs.push(db);
    const run = await breachdesk(db, ["audit", "verify"], env);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /Entries checked: 4\nChain: keyed from entry #1\nAnchor file: .*\nAnchor: the latest of \S+ \(line 1\) names entry #4/,
    );
    assert.match(run.stdout, /Result: intact/);
    const json = JSON.parse((await breachdesk(db, ["audit", "verify", "--json"], env)).stdout);
    assert.deepEqual(
      [json.status, json.checked, json.keyedFromSeq, json.anchorPath, json.anchor.seq, json.break],
      ["intact", 4, 1, anchorPath, 4, null],
    );
  });

  it("exits 1 after the last rows are deleted by hand, naming the anchor", async () => {
    const { db, env } = await chainedDatabase(0, 5);
    dbs.push(db);
    await db.prisma.$executeRawUnsafe("DELETE FROM audit_entry WHERE seq > 3");
    const run = await breachdesk(db, ["audit", "verify"], env);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /Result: BROKEN at entry #4: truncated or rewritten: the anchor of \S+ \(line 1 of .*\) names entry #5 with hash [0-9a-f]{64}, but the chain ends at entry #3/,
    );
    const json = JSON.parse((await breachdesk(db, ["audit", "verify", "--json"], env)).stdout);
    assert.deepEqual([json.status, json.break.seq, json.checked], ["broken", 4, 3]);
  });

  it("exits 1 after one row is changed and the chain after it recomputed without the key, naming that row", async () => {
    const { db, env } = await chainedDatabase(0, 5);
    dbs.push(db);
    const entries = await db.prisma.auditEntry.findMany({ orderBy: { seq: "asc" } });
    let prevHash = entries[2]!.prevHash;
    for (const entry of entries.slice(2)) {
      const after = entry.seq === 3 ? JSON.stringify({ i: "changed" }) : entry.after;
      const hash = hashAuditEntry({ ...entry, after, prevHash });
      await db.prisma.$executeRawUnsafe(
        `UPDATE audit_entry SET after = '${after}', prev_hash = '${prevHash}', hash = '${hash}' WHERE seq = ${entry.seq}`,
      );
      prevHash = hash;
    }
    const run = await breachdesk(db, ["audit", "verify"], env);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /Result: BROKEN at entry #3: its content no longer matches its keyed hash/);
  });

  it("keeps verifying a chain begun before the key, keyed from the entry after", async () => {
    const { db, env } = await chainedDatabase(3, 2);
    dbs.push(db);
    const run = await breachdesk(db, ["audit", "verify"], env);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Entries checked: 5\nChain: keyed from entry #4 \(the entries before it: plain SHA-256\)/);
  });

  it("exits 2 when it cannot check: no key, a wrong or unreadable one, a bad setting, no database", async () => {
    const { db, env } = await chainedDatabase(0, 2);
    dbs.push(db);
    const keyFile = auditKeyFilePath(db.url);
    const noKey = await breachdesk(db, ["audit", "verify"], { ...env, AUDIT_KEY: "" });
    assert.equal(noKey.status, 2, noKey.stdout + noKey.stderr);
    assert.match(
      noKey.stderr,
      new RegExp(
        `no key was found: set AUDIT_KEY, or put the key file back at ${keyFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`,
      ),
    );
    const wrong = await breachdesk(db, ["audit", "verify", "--json"], { ...env, AUDIT_KEY: "x".repeat(40) });
    assert.equal(wrong.status, 2);
    assert.equal(JSON.parse(wrong.stdout).status, "error");
    assert.match(wrong.stderr, /The audit key from AUDIT_KEY is not the key this database's audit log is kept with/);
    mkdirSync(keyFile, { recursive: true });
    try {
      const unreadable = await breachdesk(db, ["audit", "verify"], { ...env, AUDIT_KEY: "" });
      assert.equal(unreadable.status, 2);
      assert.match(unreadable.stderr, /Cannot read the audit key file/);
    } finally {
      rmSync(keyFile, { recursive: true, force: true });
    }
    const short = await breachdesk(db, ["audit", "verify"], { ...env, AUDIT_KEY: "short" });
    assert.equal(short.status, 2);
    assert.match(short.stderr, /AUDIT_KEY="\[hidden\]": must be at least 32 bytes/);
    const nowhere = await breachdesk(db, ["audit", "verify"], { ...env, DATABASE_URL: `file:${join(dir, "none.db")}` });
    assert.equal(nowhere.status, 2);
    assert.match(nowhere.stderr, /there is no database at/);
    assert.ok(!existsSync(join(dir, "none.db")), "checking does not create a database");
    assert.equal((await breachdesk(db, ["audit", "check"])).status, 2);
  });
});

describe(`the audit key at the worker's start (${testLane})`, () => {
  let db: TestDatabase;
  let workDir: string;
  const children: ChildProcess[] = [];
  before(async () => {
    db = await createTestDatabase();
    workDir = mkdtempSync(join(tmpdir(), "breachdesk-audit-boot-"));
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(auditKeyFilePath(db.url), { force: true });
    await db.destroy();
    rmSync(workDir, { recursive: true, force: true });
  });

  function startWorker(env: Record<string, string>) {
    const child = spawn(process.execPath, ["--import", "tsx", "src/worker.ts"], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "error", DATABASE_URL: db.url, WORKER_POLL_MS: "100", ...env },
    });
    children.push(child);
    const output = { text: "" };
    child.stdout?.on("data", (chunk) => (output.text += chunk));
    child.stderr?.on("data", (chunk) => (output.text += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { child, output, exited };
  }

  const until = async (what: string, check: () => boolean, output: { text: string }) => {
    for (let waited = 0; !check(); waited += 50) {
      assert.ok(waited < 60_000, `${what} within a minute: ${output.text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it("generates the key file with mode 0600 on first start, anchors the head, and refuses another key later", {
    timeout: 180_000,
  }, async () => {
    await appendEntries(db, 2);
    const anchorPath = join(workDir, "anchor");
    const env = { AUDIT_KEY: "", AUDIT_ANCHOR_PATH: anchorPath };
    const first = startWorker(env);
    await until("the worker runs", () => first.output.text.includes("worker running"), first.output);
    const keyFile = auditKeyFilePath(db.url);
    assert.match(
      first.output.text,
      new RegExp(
        `audit key generated into .*${db.url.includes("file:") ? "test" : "bd_test"}.*\\.audit-key: back it up apart from the database; entries are now keyed from #3`,
      ),
    );
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    await until(
      "an anchor is written",
      () => existsSync(anchorPath) && readFileSync(anchorPath, "utf8").includes("seq="),
      first.output,
    );
    assert.match(readFileSync(anchorPath, "utf8"), / seq=2 hash=[0-9a-f]{64} keyed_from=3 mac=/);
    first.child.kill("SIGTERM");
    assert.equal(await first.exited, 0, first.output.text);

    const verify = await breachdesk(db, ["audit", "verify"], env);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /keyed from entry #3/);

    const wrong = startWorker({ ...env, AUDIT_KEY: "y".repeat(40) });
    assert.notEqual(await wrong.exited, 0);
    assert.match(
      wrong.output.text,
      /✗ audit key: The audit key from AUDIT_KEY is not the key this database's audit log is kept with/,
    );
  });
});
