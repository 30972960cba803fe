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
    // Four at once, each held 700 ms: the last starts after about 2.1 s.
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) =>
        db.prisma.$transaction(async (tx) => {
          await tx.setting.upsert({ where: { key: `queue-${i}` }, create: { key: `queue-${i}`, value: "x" }, update: {} });
          await sleep(700);
        }),
      ),
    );
    const refused = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(refused, [], "no transaction is refused for waiting on the others");
    assert.equal(await db.prisma.setting.count({ where: { key: { startsWith: "queue-" } } }), 4);
    assert.ok(performance.now() - started < 10_000);
  });
});
