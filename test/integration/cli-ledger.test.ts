import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runBreachdesk } from "../helpers/cli.js";
import { createTestDatabase, type TestDatabase } from "../helpers/db.js";

/**
 * `breachdesk coverage` and `breachdesk told`: a file with a malformed address and a row that
 * names no one is imported, the coverage is not complete (and says why), letters are recorded
 * from a CSV, and the coverage is complete only once the rejected row is dismissed.
 */
describe("breachdesk coverage and told", () => {
  let db: TestDatabase;
  let dir: string;
  /** Runs `breachdesk ARGS` in this process against the test database. */
  const breachdesk = (...args: string[]) => runBreachdesk(args, { env: { DATABASE_URL: db.url } });
  before(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "breachdesk-cli-ledger-"));
    await db.prisma.incident.create({
      data: {
        id: "inc-cli",
        reference: "BD-2016-0001",
        year: 2016,
        number: 1,
        title: "Zookeepr",
        severity: "high",
        timeZone: "Australia/Sydney",
      },
    });
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts the people a malformed address keeps and the rows not imported: never complete while one waits", async () => {
    const people = join(dir, "attendees.csv");
    writeFileSync(
      people,
      'external id,email,given name,postal address\n1,ann@@example.org,Ann,1 Main St\n2,,Ben,2 High St\n,,,\n"x\n',
    );
    const imported = await breachdesk("import", "--incident", "BD-2016-0001", people, "--json");
    assert.equal(imported.status, 0, imported.stderr);
    const coverage = await breachdesk("coverage", "--incident", "BD-2016-0001", "--json");
    assert.equal(coverage.status, 3, "not complete");
    const c = JSON.parse(coverage.stdout);
    assert.deepEqual([c.people, c.notImported, c.told, c.toTellAnotherWay, c.text, c.isComplete], [2, 1, 0, 2, "0.0%", false]);
    const words = await breachdesk("coverage", "--incident", "BD-2016-0001");
    assert.match(words.stdout, /BD-2016-0001: coverage 0\.0%, 0 of 3 affected people told\./);
    assert.match(words.stdout, /2 to tell another way, 0 being sent, 0 not addressed, 1 rejected rows not imported/);
  });

  it("records a CSV of letters sent, all lines or none, and then the coverage waits only on the row not imported", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "external_id,told_at\n1,2016-04-02 10:00\n9,2016-04-02 10:00\n");
    const refused = await breachdesk("told", "--incident", "BD-2016-0001", bad, "--note", "RL-1");
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /Nothing was recorded: 2 of 2 lines of bad\.csv cannot be used\./);
    assert.match(refused.stderr, /line 2: It gives no channel, and none was chosen for lines without one/);
    assert.match(refused.stderr, /line 3: .*Its external_id "9" names no person of BD-2016-0001\./);
    assert.equal(await db.prisma.toldAnotherWay.count(), 0);
    const good = join(dir, "letters.csv");
    writeFileSync(good, "external_id,told_at\n1,2016-04-02 10:00\n2,2016-04-02\n");
    const done = await breachdesk(
      "told",
      "--incident",
      "BD-2016-0001",
      good,
      "--channel",
      "letter",
      "--note",
      "Registered letters",
      "--json",
    );
    assert.equal(done.status, 0, done.stderr);
    assert.equal(JSON.parse(done.stdout).recorded, 2);
    const told = await db.prisma.toldAnotherWay.findMany({ orderBy: { toldAt: "asc" } });
    assert.deepEqual(
      told.map((t) => [t.toldAt.toISOString(), t.reason, t.source]),
      [
        ["2016-04-01T13:00:00.000Z", "no_email", "csv"],
        ["2016-04-01T23:00:00.000Z", "invalid_email", "csv"],
      ],
    );
    const audit = await db.prisma.auditEntry.findFirstOrThrow({ where: { action: "person.told_another_way" } });
    assert.equal(audit.actorLabel, "cli");
    const waiting = await breachdesk("coverage", "--incident", "BD-2016-0001", "--json");
    assert.equal(waiting.status, 3);
    assert.equal(JSON.parse(waiting.stdout).text, "66.6%");
    await db.prisma.personImport.updateMany({ data: { rejectedResolution: "dismissed", rejectedNote: "A blank row" } });
    const complete = await breachdesk("coverage", "--incident", "BD-2016-0001", "--json");
    assert.equal(complete.status, 0);
    assert.equal(JSON.parse(complete.stdout).text, "100%");
  });
});
