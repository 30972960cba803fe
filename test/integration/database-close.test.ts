import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openDatabase } from "../../src/db/client.js";
import { closesWithin, createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closing the database never waits for ever (decision 0038). Prisma 6.19's $disconnect, called
 * while an interactive transaction is starting, forgets the transaction and the connection it
 * took: the pool's end waited for that connection for ever, and a CI lane with it, its session
 * "idle in transaction" after a bare BEGIN. Reproduced here by closing just after a transaction
 * is asked for.
 */
describe("the database closes with a transaction still starting (PostgreSQL)", {
  skip: testLane !== "postgresql" && "PostgreSQL only: the SQLite adapter's transactions take no pooled connection",
}, () => {
  let scratch: TestDatabase;
  before(async () => {
    scratch = await createTestDatabase();
  });
  after(async () => {
    await scratch.destroy();
  });

  it("closes within seconds, and the server rolls back what the forgotten connection began", async () => {
    const db = await openDatabase(scratch.url);
    const asked = db.prisma
      .$transaction(async (tx) => tx.$queryRaw`SELECT 1`)
      .then(
        () => "ran",
        () => "refused",
      );
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(await closesWithin(db.close(), 10_000), "the close ended within 10 s");
    assert.ok(["ran", "refused"].includes(await asked));
    // The connection was ended: nothing of this database is left in a transaction on the server.
    let left = 1;
    for (let i = 0; i < 50 && left > 0; i++) {
      const rows = await scratch.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND state LIKE 'idle in transaction%'`;
      left = rows[0]!.n;
      if (left > 0) await sleep(100);
    }
    assert.equal(left, 0, "no session left idle in transaction");
  });

  it("closes at once with nothing in flight, after queries and a transaction have run", async () => {
    const db = await openDatabase(scratch.url);
    await db.prisma.$queryRaw`SELECT 1`;
    await db.prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 2`);
    const started = performance.now();
    await db.close();
    assert.ok(performance.now() - started < 1000, "no grace period is waited when nothing is lent");
  });
});
