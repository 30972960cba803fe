import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fixedClock } from "../../src/lib/clock.js";
import { recordAudit, verifyAuditChain, withAudit } from "../../src/modules/audit/audit.service.js";
import { createTestApp, signedIn } from "../helpers/app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/db.js";

const clock = fixedClock(new Date("2026-05-01T12:00:00Z"));
const actor = { userId: null, label: "tester", ip: "192.0.2.7" };

async function appendEntries(db: TestDatabase, count: number) {
  for (let i = 0; i < count; i++) {
    await db.prisma.$transaction((tx) =>
      recordAudit(db, tx, actor, { action: "test.change", entityType: "thing", entityId: `t${i}`, after: { i } }, clock),
    );
    clock.advance(1000);
  }
}

describe("audit chain on a real database", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.destroy());

  it("chains entries and verifies them", async () => {
    await appendEntries(db, 5);
    const result = await verifyAuditChain(db);
    assert.deepEqual([result.checked, result.break, result.keyedFromSeq], [5, null, null]);
    const entries = await db.prisma.auditEntry.findMany({ orderBy: { seq: "asc" } });
    for (let i = 1; i < entries.length; i++) assert.equal(entries[i]?.prevHash, entries[i - 1]?.hash);
  });

  it("keeps one unforked chain when many changes commit at once", async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        withAudit(db, actor, clock, async () => ({
          result: i,
          audit: { action: "test.parallel", entityType: "thing", entityId: `p${i}` },
        })),
      ),
    );
    const result = await verifyAuditChain(db);
    assert.equal(result.break, null);
    assert.equal(result.checked, 17);
  });

  it("rolls the entry back with the change it records", async () => {
    const before = await db.prisma.auditEntry.count();
    await assert.rejects(
      withAudit(db, actor, clock, async () => {
        throw new Error("the change failed");
      }),
    );
    assert.equal(await db.prisma.auditEntry.count(), before);
  });

  it("detects a row altered in the database, at that row", async () => {
    const target = await db.prisma.auditEntry.findFirstOrThrow({ where: { entityId: "t2" } });
    // Tampering as an attacker with database access would: straight SQL, bypassing the app.
    await db.prisma.$executeRawUnsafe(`UPDATE audit_entry SET actor_label = 'someone else' WHERE seq = ${target.seq}`);
    const result = await verifyAuditChain(db);
    assert.equal(result.break?.seq, target.seq);
    assert.match(result.break?.reason ?? "", /altered/);
    assert.equal(result.checked, 2);
  });

  it("detects a removed row, at the row after the gap", async () => {
    const fresh = await createTestDatabase();
    try {
      await appendEntries(fresh, 4);
      const [, second, third] = await fresh.prisma.auditEntry.findMany({ orderBy: { seq: "asc" } });
      await fresh.prisma.$executeRawUnsafe(`DELETE FROM audit_entry WHERE seq = ${second?.seq}`);
      const result = await verifyAuditChain(fresh);
      assert.equal(result.break?.seq, third?.seq);
      assert.match(result.break?.reason ?? "", /removed or inserted/);
    } finally {
      await fresh.destroy();
    }
  });
});

describe("audit verify page", () => {
  it("shows an intact chain, then the entry where it breaks after tampering", async () => {
    const t = await createTestApp();
    try {
      const admin = await signedIn(t, "admin");
      const intact = await admin.agent.get("/admin/audit/verify");
      assert.equal(intact.status, 200);
      assert.match(intact.text, /The chain is intact: all \d+ entries verify/);
      const login = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "auth.login" } });
      await t.db.prisma.$executeRawUnsafe(`UPDATE audit_entry SET ip = '203.0.113.9' WHERE seq = ${login.seq}`);
      const broken = await admin.agent.get("/admin/audit/verify");
      assert.equal(broken.status, 409);
      assert.match(broken.text, new RegExp(`The chain is broken at entry #${login.seq}`));

      const filtered = await admin.agent.get("/admin/audit?action=auth.login");
      assert.match(filtered.text, /signed in\./, "in words");
      assert.match(filtered.text, /<dd><code>auth\.login<\/code><\/dd>/, "with the code in the entry's details");
      assert.doesNotMatch(filtered.text, /<dd><code>user\.create<\/code><\/dd>/);
    } finally {
      await t.close();
    }
  });
});
