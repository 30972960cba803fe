import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { projectRoot } from "../../src/lib/paths.js";
import { lookupAddress, PURGE_ACTION, purgeNow } from "../../src/modules/retention/index.js";
import { appless, ledgerFigures, purgeableIncident, TEST_AUDIT_KEY } from "../fixtures/retention/purge-fixture.js";
import type { TestApp } from "../helpers/app.js";
import { testManager } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

const PEOPLE = 400;
const BATCH = 25;

describe(`retention purge: killed with SIGKILL mid-purge, run again, it finishes (${testLane})`, () => {
  let t: TestApp;
  before(async () => {
    t = await appless();
  });
  after(() => t.close());

  it("resumes after the last committed batch and ends with every person blanked, the ledger unchanged and one audit entry", {
    timeout: 180_000,
  }, async () => {
    const { incident, firstEmail } = await purgeableIncident(t, PEOPLE);
    const figuresBefore = await ledgerFigures(t, incident);
    assert.ok((await t.db.prisma.caughtMail.count()) >= PEOPLE - PEOPLE / 10, "the catcher holds the notices");

    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/fixtures/retention/purge-child.ts", incident.reference, String(BATCH)],
      {
        cwd: projectRoot,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: t.db.url, AUDIT_KEY: TEST_AUDIT_KEY },
      },
    );
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    // Kill it after a few batches of deliveries: the run is half done.
    while (!/batch 4 /.test(output)) {
      assert.ok(child.exitCode === null, `the purge process stopped by itself: ${output}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill("SIGKILL");
    await exited;
    assert.doesNotMatch(output, /purge done/);

    const halfway = await t.db.prisma.purgeRun.findUniqueOrThrow({ where: { incidentId: incident.id } });
    assert.equal(halfway.status, "running");
    assert.ok(halfway.batchesDone >= 4, `batches done at the kill: ${halfway.batchesDone}`);
    assert.ok(
      (await t.db.prisma.person.count({ where: { incidentId: incident.id, purgedAt: null } })) > 0,
      "people left to purge",
    );

    const { run, counts } = await purgeNow(t.deps, incident.reference, testManager, { batchSize: BATCH });
    assert.equal(run.status, "done");
    assert.ok(run.batchesDone > halfway.batchesDone);
    assert.equal(counts.people, PEOPLE);
    assert.equal(counts.deliveries, PEOPLE, "each delivery counted once across both runs");
    assert.equal(counts.toldAnotherWay, 1);
    assert.equal(counts.bouncedAddresses, 1);

    const people = await t.db.prisma.person.findMany({ where: { incidentId: incident.id } });
    assert.equal(people.length, PEOPLE, "the rows stay for the counts");
    for (const p of people) {
      assert.ok(p.purgedAt, "marked purged");
      assert.deepEqual(
        [p.givenName, p.familyName, p.email, p.phone, p.postalAddress, p.city, p.postcode, p.attributes],
        ["", "", null, null, null, null, null, "{}"],
      );
      assert.ok(p.emailNormalized === null || p.emailNormalized.startsWith("hmac-sha256:"));
    }
    const deliveries = await t.db.prisma.delivery.findMany({ where: { incidentId: incident.id } });
    assert.ok(
      deliveries.every((d) => d.email === null && d.emailNormalized === null && d.fullName === "" && d.nameSearch === ""),
    );
    assert.ok(deliveries.filter((d) => d.emailHash).length >= PEOPLE - PEOPLE / 10);
    const told = await t.db.prisma.toldAnotherWay.findFirstOrThrow({ where: { incidentId: incident.id } });
    assert.deepEqual([told.fullName, told.note], ["", ""]);
    assert.equal(await t.db.prisma.caughtMail.count({ where: { messageId: { in: deliveries.map((d) => d.messageId) } } }), 0);

    assert.equal(await ledgerFigures(t, incident), figuresBefore, "the ledger summary's counts and coverage are unchanged");
    const audits = await t.db.prisma.auditEntry.findMany({ where: { incidentId: incident.id, action: PURGE_ACTION } });
    assert.equal(audits.length, 1, "one audit entry for the purge");
    assert.equal(JSON.parse(audits[0]!.after ?? "{}").people, PEOPLE);

    const answer = await lookupAddress(t.deps, incident.reference, `  ${firstEmail.toUpperCase()} `);
    assert.equal(answer.found, true);
    assert.ok(answer.notifiedAt, "notified on a date");
    assert.equal((await lookupAddress(t.deps, incident.reference, "nobody@example.org")).found, false);

    const again = await purgeNow(t.deps, incident.reference, testManager);
    assert.equal(again.run.batchesDone, run.batchesDone, "a purge done is not run again");
    assert.equal(await t.db.prisma.auditEntry.count({ where: { incidentId: incident.id, action: PURGE_ACTION } }), 1);
  });
});
