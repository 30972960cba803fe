import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatAnchorLine, isAnchorSigned, parseAnchorLine } from "./audit-anchor-file.service.js";
import { type AuditFields, auditKeyFingerprint, GENESIS_HASH, hashAuditEntry, verifyChainSegment } from "./audit-chain.policy.js";

const KEY = Buffer.from("k".repeat(43));

/** count entries; those from keyedFrom on hashed with KEY. */
function chain(count: number, keyedFrom = Number.POSITIVE_INFINITY) {
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
    const hash = hashAuditEntry(fields, i >= keyedFrom ? KEY : null);
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

  it("keys the hash with HMAC-SHA256: another key or none gives another hash", () => {
    const [entry] = chain(1);
    const keyed = hashAuditEntry(entry!, KEY);
    assert.notEqual(keyed, hashAuditEntry(entry!));
    assert.notEqual(keyed, hashAuditEntry(entry!, Buffer.from("x".repeat(43))));
    assert.match(keyed, /^[0-9a-f]{64}$/);
  });

  it("verifies a chain keyed from an entry on, the entries before it in plain SHA-256", () => {
    const entries = chain(6, 4);
    assert.equal(verifyChainSegment(entries, GENESIS_HASH, { fromSeq: 4, key: KEY }).break, null);
    assert.equal(verifyChainSegment(entries, GENESIS_HASH, null).break?.seq, 4, "keyed entries do not pass as plain");
  });

  it("finds a row changed and the chain after it recomputed without the key, at that row", () => {
    const entries = chain(6, 1);
    // What someone with the database but not the key can do: change #3, recompute the rest in SHA-256.
    entries[2] = { ...entries[2]!, after: JSON.stringify({ n: 99 }) };
    for (let i = 2; i < entries.length; i++) {
      const prevHash = entries[i - 1]!.hash;
      const altered = { ...entries[i]!, prevHash };
      entries[i] = { ...altered, hash: hashAuditEntry(altered) };
    }
    const found = verifyChainSegment(entries, GENESIS_HASH, { fromSeq: 1, key: KEY }).break;
    assert.equal(found?.seq, 3);
    assert.match(found?.reason ?? "", /recomputed without the audit key/);
  });

  it("fingerprints a key without revealing it", () => {
    assert.equal(auditKeyFingerprint(KEY), auditKeyFingerprint(Buffer.from(KEY)));
    assert.notEqual(auditKeyFingerprint(KEY), auditKeyFingerprint(Buffer.from("x".repeat(43))));
    assert.ok(!auditKeyFingerprint(KEY).includes(KEY.toString("hex")));
  });
});

describe("audit anchor lines", () => {
  const anchor = { at: "2026-05-01T12:00:00.000Z", seq: 42, hash: "a".repeat(64), keyedFromSeq: 7 };

  it("reads back a line it wrote, signed with the key", () => {
    const parsed = parseAnchorLine(formatAnchorLine(anchor, KEY), 3);
    assert.deepEqual({ ...parsed, mac: undefined }, { ...anchor, mac: undefined, line: 3 });
    assert.ok(isAnchorSigned(parsed!, KEY));
    assert.ok(!isAnchorSigned(parsed!, Buffer.from("x".repeat(43))));
  });

  it("catches a line whose figures were changed, and reads a chain not keyed as keyed_from=-", () => {
    const line = formatAnchorLine(anchor, KEY).replace("seq=42", "seq=40");
    assert.ok(!isAnchorSigned(parseAnchorLine(line, 1)!, KEY));
    const unkeyed = parseAnchorLine(formatAnchorLine({ ...anchor, keyedFromSeq: null }, KEY), 1);
    assert.equal(unkeyed?.keyedFromSeq, null);
    assert.ok(isAnchorSigned(unkeyed!, KEY));
  });

  it("is not an anchor line: anything else", () => {
    for (const text of [
      "",
      "hello",
      `2026 seq=1 hash=${"a".repeat(64)} keyed_from=1`,
      formatAnchorLine(anchor, KEY).slice(0, -1),
    ]) {
      assert.equal(parseAnchorLine(text, 1), null, text);
    }
  });
});
