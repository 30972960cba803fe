import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AuditFields, GENESIS_HASH, hashAuditEntry, verifyChainSegment } from "./audit-chain.js";

function chain(count: number) {
  const out: (AuditFields & { seq: number; hash: string })[] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 1; i <= count; i++) {
    const fields: AuditFields = {
      at: new Date(Date.UTC(2026, 0, 1, 0, i)),
      actorId: "u1",
      actorLabel: "ada@example.org",
      ip: "127.0.0.1",
      action: "user.create",
      entityType: "user",
      entityId: `u${i}`,
      incidentId: null,
      before: null,
      after: JSON.stringify({ n: i }),
      prevHash,
    };
    const hash = hashAuditEntry(fields);
    out.push({ ...fields, seq: i, hash });
    prevHash = hash;
  }
  return out;
}

describe("audit hash chain", () => {
  it("verifies an untouched chain", () => {
    const result = verifyChainSegment(chain(5), GENESIS_HASH);
    assert.equal(result.break, null);
  });

  it("finds an altered field at the entry that was altered", () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, after: JSON.stringify({ n: 99 }) };
    assert.deepEqual(verifyChainSegment(entries, GENESIS_HASH).break?.seq, 3);
  });

  it("finds a removed entry at the entry after the gap", () => {
    const entries = chain(5);
    entries.splice(1, 1);
    const found = verifyChainSegment(entries, GENESIS_HASH).break;
    assert.equal(found?.seq, 3);
    assert.match(found?.reason ?? "", /removed or inserted/);
  });

  it("hashes differ when only the time differs", () => {
    const [entry] = chain(1);
    assert.notEqual(hashAuditEntry(entry!), hashAuditEntry({ ...entry!, at: new Date(entry!.at.getTime() + 1) }));
  });
});
