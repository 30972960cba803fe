import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fixedClock } from "../../src/lib/clock.js";
import { AUDIT_SETTINGS } from "../../src/modules/audit/audit.repository.js";
import { recordAudit, verifyAuditChain } from "../../src/modules/audit/audit.service.js";
import { anchorAuditHead } from "../../src/modules/audit/audit-anchor.service.js";
import { hashAuditEntry } from "../../src/modules/audit/audit-chain.policy.js";
import { type AuditKey, applyAuditKey, attachAuditKey, readAuditKey } from "../../src/modules/audit/audit-key.service.js";
import { createTestApp, signedIn } from "../helpers/app.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

const clock = fixedClock(new Date("2026-05-01T12:00:00Z"));
const actor = { userId: null, label: "tester", ip: "192.0.2.7" };
const keyOf = (text: string): AuditKey => readAuditKey({ AUDIT_KEY: text }, "file:/unused.db")!;
const KEY = keyOf("the audit key of these tests, 32 bytes or more");
const OTHER_KEY = keyOf("another audit key that is not this database's");

async function appendEntries(db: TestDatabase, count: number) {
  for (let i = 0; i < count; i++) {
    await db.prisma.$transaction((tx) =>
      recordAudit(db, tx, actor, { action: "test.change", entityType: "thing", entityId: `t${i}`, after: { i } }, clock),
    );
    clock.advance(1000);
  }
}

/** A database whose chain is keyed from its first entry, with `count` entries. */
async function keyedDatabase(count: number) {
  const db = await createTestDatabase();
  await applyAuditKey(db, KEY);
  attachAuditKey(db, KEY);
  await appendEntries(db, count);
  return db;
}

describe(`audit chain keyed with a secret, anchored outside the database (${testLane})`, () => {
  let dir: string;
  let anchorPath: string;
  const dbs: TestDatabase[] = [];
  const track = (db: TestDatabase) => {
    dbs.push(db);
    return db;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "breachdesk-anchor-"));
  });
  after(async () => {
    for (const db of dbs) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  let fileCount = 0;
  const freshAnchorPath = () => {
    anchorPath = join(dir, `anchor-${++fileCount}`);
    return anchorPath;
  };

  it("keeps an old chain verifying once the key applies from the next entry on", async () => {
    const db = track(await createTestDatabase());
    await appendEntries(db, 3);
    assert.deepEqual(await applyAuditKey(db, KEY), { fromSeq: 4, isNew: true });
    attachAuditKey(db, KEY);
    await appendEntries(db, 3);
    const entries = await db.prisma.auditEntry.findMany({ orderBy: { seq: "asc" } });
    assert.equal(entries[0]!.hash, hashAuditEntry(entries[0]!), "old entries stay plain SHA-256");
    assert.equal(entries[4]!.hash, hashAuditEntry(entries[4]!, KEY.key), "new entries are keyed");
    const result = await verifyAuditChain(db, { key: KEY, anchorPath: freshAnchorPath() });
    assert.deepEqual([result.checked, result.keyedFromSeq, result.break], [6, 4, null]);
    assert.deepEqual(await applyAuditKey(db, KEY), { fromSeq: 4, isNew: false }, "applied once");
  });

  it("refuses a wrong key at start, and appends nothing with it", async () => {
    const db = track(await keyedDatabase(1));
    await assert.rejects(applyAuditKey(db, OTHER_KEY), /The audit key from AUDIT_KEY is not the key this database's audit log/);
    attachAuditKey(db, OTHER_KEY);
    await assert.rejects(appendEntries(db, 1), /is not the key this database's audit log is kept with/);
    assert.equal(await db.prisma.auditEntry.count(), 1);
    await assert.rejects(verifyAuditChain(db, { key: OTHER_KEY }), (e: Error & { code?: string }) => e.code === "unavailable");
    await assert.rejects(verifyAuditChain(db, { key: null }), /no key was found: set AUDIT_KEY, or put the key file back at/);
  });

  it("anchors the head when it moved, and finds the last entries deleted by hand against it", async () => {
    const db = track(await keyedDatabase(5));
    const path = freshAnchorPath();
    assert.equal(
      await verifyAuditChain(db, { key: KEY, anchorPath: path }).then((r) => r.warnings.length),
      1,
      "no anchor yet: a warning",
    );
    assert.equal((await anchorAuditHead(db, { key: KEY, path, clock })).status, "written");
    assert.equal((await anchorAuditHead(db, { key: KEY, path, clock })).status, "unchanged");
    const intact = await verifyAuditChain(db, { key: KEY, anchorPath: path });
    assert.deepEqual([intact.break, intact.anchor?.seq, intact.warnings], [null, 5, []]);

    await db.prisma.$executeRawUnsafe("DELETE FROM audit_entry WHERE seq > 3");
    const truncated = await verifyAuditChain(db, { key: KEY, anchorPath: path });
    assert.equal(truncated.break?.seq, 4);
    assert.match(
      truncated.break?.reason ?? "",
      /truncated or rewritten: the anchor of 2026-05-01T\S+Z .* names entry #5 with hash [0-9a-f]{64}, but the chain ends at entry #3/,
    );
    // New entries after the deletion do not make it whole, and are not anchored over it.
    await appendEntries(db, 3);
    assert.match(
      (await verifyAuditChain(db, { key: KEY, anchorPath: path })).break?.reason ?? "",
      /names entry #5 .* there is no such entry/,
    );
    const refused = await anchorAuditHead(db, { key: KEY, path, clock });
    assert.equal(refused.status, "refused");
  });

  it("finds a chain recomputed without the key, even with its keying settings deleted", async () => {
    const db = track(await keyedDatabase(4));
    const path = freshAnchorPath();
    await anchorAuditHead(db, { key: KEY, path, clock });
    const entries = await db.prisma.auditEntry.findMany({ orderBy: { seq: "asc" } });
    let prevHash = entries[0]!.prevHash;
    for (const entry of entries) {
      const rewritten = { ...entry, prevHash, actorLabel: entry.seq === 2 ? "someone else" : entry.actorLabel };
      const hash = hashAuditEntry(rewritten);
      await db.prisma.auditEntry.update({
        where: { seq: entry.seq },
        data: { actorLabel: rewritten.actorLabel, prevHash, hash },
      });
      prevHash = hash;
    }
    assert.equal(
      (await verifyAuditChain(db, { key: KEY, anchorPath: path })).break?.seq,
      1,
      "plain hashes fail where keying began",
    );
    await db.prisma.setting.deleteMany({ where: { key: { in: [AUDIT_SETTINGS.keyedFromSeq, AUDIT_SETTINGS.keyCheck] } } });
    const result = await verifyAuditChain(db, { key: KEY, anchorPath: path });
    assert.match(
      result.break?.reason ?? "",
      /the chain's keying was changed: the anchor of .* keyed from entry #1; the database now says not keyed/,
    );
  });

  it("breaks when one keying setting is gone, when the anchor file is deleted, or a line is forged", async () => {
    const db = track(await keyedDatabase(2));
    const path = freshAnchorPath();
    await anchorAuditHead(db, { key: KEY, path, clock });
    rmSync(path);
    const missing = await verifyAuditChain(db, { key: KEY, anchorPath: path });
    assert.match(missing.break?.reason ?? "", /the anchor file .* is missing, though anchoring began 2026-/);
    assert.equal(missing.break?.seq, null);

    await anchorAuditHead(db, { key: KEY, path, clock });
    appendFileSync(path, `${new Date().toISOString()} seq=2 hash=${"f".repeat(64)} keyed_from=1 mac=${"0".repeat(64)}\n`);
    const forged = await verifyAuditChain(db, { key: KEY, anchorPath: path });
    assert.match(forged.break?.reason ?? "", /line 2 of .* is not signed with this database's audit key/);

    writeFileSync(path, "");
    await anchorAuditHead(db, { key: KEY, path, clock });
    appendFileSync(path, "a torn line");
    await appendEntries(db, 1);
    await anchorAuditHead(db, { key: KEY, path, clock });
    const torn = await verifyAuditChain(db, { key: KEY, anchorPath: path });
    assert.deepEqual([torn.break, torn.anchor?.seq], [null, 3], "a torn line is skipped, the next one stays whole");
    assert.match(torn.warnings.join(), /line 2 of .* is not an anchor line/);

    await db.prisma.setting.delete({ where: { key: AUDIT_SETTINGS.keyCheck } });
    const gone = await verifyAuditChain(db, { key: KEY, anchorPath: path });
    assert.match(
      gone.break?.reason ?? "",
      /the setting audit\.key_check is missing: the audit log's settings were changed outside Breachdesk/,
    );
  });
});

describe(`audit verify page with a keyed chain (${testLane})`, () => {
  it("names the anchor when the last entries were deleted, and says when the chain cannot be checked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "breachdesk-anchor-page-"));
    const anchorPath = join(dir, "anchor");
    const t = await createTestApp({ AUDIT_ANCHOR_PATH: anchorPath });
    try {
      await applyAuditKey(t.db, KEY);
      attachAuditKey(t.db, KEY);
      const admin = await signedIn(t, "admin");
      await anchorAuditHead(t.db, { key: KEY, path: anchorPath, clock: t.clock });
      const intact = await admin.agent.get("/admin/audit/verify");
      assert.equal(intact.status, 200, intact.text);
      assert.match(intact.text, /still ends as the latest anchor says/);
      assert.match(intact.text, /with the audit key from entry #1 on/);

      const head = await t.db.prisma.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } });
      await t.db.prisma.$executeRawUnsafe(`DELETE FROM audit_entry WHERE seq = ${head.seq}`);
      const broken = await admin.agent.get("/admin/audit/verify");
      assert.equal(broken.status, 409);
      assert.match(broken.text, new RegExp(`The chain is broken at entry #${head.seq}`));
      assert.match(broken.text, new RegExp(`truncated or rewritten: the anchor of .* names entry #${head.seq}`));

      attachAuditKey(t.db, OTHER_KEY);
      const unavailable = await admin.agent.get("/admin/audit/verify");
      assert.equal(unavailable.status, 503);
      assert.match(unavailable.text, /The chain cannot be checked/);
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
