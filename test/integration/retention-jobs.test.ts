import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deleteCaughtMailBefore } from "../../src/mail/mail-catcher.repository.js";
import { setRetentionRule } from "../../src/modules/retention/index.js";
import { purgeJob, purgeWarningJob } from "../../src/modules/retention/retention.job.js";
import { sendPurgeWarning, sweepRetention } from "../../src/modules/retention/retention-sweep.service.js";
import { appless, purgeableIncident } from "../fixtures/retention/purge-fixture.js";
import type { TestApp } from "../helpers/app.js";
import { addUser } from "../helpers/app.js";
import { testManager } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

const DAY = 24 * 60 * 60_000;

describe(`retention jobs: warnings 14 and 3 days before, the purge when due, the catcher's retention (${testLane})`, () => {
  let t: TestApp;
  before(async () => {
    t = await appless();
  });
  after(() => t.close());

  it("warns each manager once per warning, then enqueues the purge once it is due", { timeout: 120_000 }, async () => {
    await addUser(t, "manager", "ana@example.org");
    const { incident } = await purgeableIncident(t, 20);
    // Closed 2026-01-01; 70 days: the purge is on 2026-03-12, ten days after the test clock.
    await setRetentionRule(t.deps, incident.reference, { daysAfterClose: 70, evidenceFiles: "kept" }, testManager);
    const jobs = { purge: purgeJob, warn: purgeWarningJob };
    const first = await sweepRetention(t.deps, jobs);
    assert.equal(first.purges, 0);
    assert.ok(first.warnings >= 1, "the 14-day warning");
    assert.equal((await sweepRetention(t.deps, jobs)).warnings, 0, "once");
    const warn = await t.db.prisma.job.findFirstOrThrow({ where: { kind: "retention.warn" } });
    await sendPurgeWarning(t.deps, JSON.parse(warn.payload), warn.key);
    const mail = await t.db.prisma.caughtMail.findFirstOrThrow({ where: { subject: { contains: "purged in 14 days" } } });
    assert.match(mail.text ?? "", /cannot be undone/);

    t.clock.set(new Date("2026-03-10T09:00:00Z"));
    assert.ok((await sweepRetention(t.deps, jobs)).warnings >= 1, "the 3-day warning");
    assert.equal((await sweepRetention(t.deps, jobs)).warnings, 0);

    t.clock.set(new Date("2026-03-12T00:00:01Z"));
    assert.equal((await sweepRetention(t.deps, jobs)).purges, 1);
    assert.equal(await t.db.prisma.job.count({ where: { kind: "retention.purge" } }), 1);
    await sweepRetention(t.deps, jobs);
    assert.equal(await t.db.prisma.job.count({ where: { kind: "retention.purge" } }), 1, "keyed: once");
  });

  it("deletes the catcher's messages older than the retention, keeps the newer", async () => {
    const total = await t.db.prisma.caughtMail.count();
    assert.ok(total > 0);
    assert.equal(await deleteCaughtMailBefore(t.db, new Date(t.clock.now().getTime() - 30 * DAY)), 0);
    assert.equal(await deleteCaughtMailBefore(t.db, new Date("2027-01-01T00:00:00Z")), total);
  });
});
