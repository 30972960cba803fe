import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`transactions queued behind others under load (${testLane})`, () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.destroy());

  it("waits its turn for up to 5 s instead of being refused after Prisma's default 2 s", async () => {
    // On SQLite the process has one connection and its transactions take turns; a transaction
    // is held open across its awaits, which under load interleave with other requests' queries.
    // Four at once, each held 700 ms: the last starts after about 2.1 s. On PostgreSQL each
    // transaction holds one of the pool's 10 connections (src/db/client.ts) until it ends: 40
    // at once, the last 10 start after about 2.1 s.
    const count = testLane === "postgresql" ? 40 : 4;
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        db.prisma.$transaction(async (tx) => {
          await tx.setting.upsert({ where: { key: `queue-${i}` }, create: { key: `queue-${i}`, value: "x" }, update: {} });
          await sleep(700);
        }),
      ),
    );
    const refused = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(refused, [], "no transaction is refused for waiting on the others");
    assert.equal(await db.prisma.setting.count({ where: { key: { startsWith: "queue-" } } }), count);
    assert.ok(performance.now() - started < 10_000);
  });
});
