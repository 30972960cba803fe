import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ledgerCsvStream } from "../../src/modules/evidence-pack/pack-csv.service.js";
import { LEDGER_PAGE_SIZE } from "../../src/modules/evidence-pack/pack-ledger.sql.js";
import { ledgerCsv } from "../../src/modules/ledger/index.js";
import { appless } from "../fixtures/retention/purge-fixture.js";
import type { TestApp } from "../helpers/app.js";
import { startTestCampaign } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

async function text(source: AsyncIterable<string | Buffer>): Promise<string> {
  let out = "";
  for await (const chunk of source) out += chunk.toString();
  return out;
}

/**
 * The evidence pack reads the ledger through the raw driver (decision 0029); its ledger.csv must
 * stay the ledger module's own export byte for byte: over more than two pages, with rows queued
 * at the same instant (the id decides), every status's instants and answers, and names that need
 * quoting or would run as formulas.
 */
describe(`evidence pack: ledger.csv is the ledger's export (${testLane})`, () => {
  let t: TestApp;
  let incidentId: string;
  const campaignNames = new Map<string, string>();
  const people = LEDGER_PAGE_SIZE * 2 + 37;

  before(async () => {
    t = await appless();
    const started = await startTestCampaign(t, people, (i) => ({
      givenName: i % 7 === 0 ? `=HYPERLINK("x${i}")` : `Given, "${i}"`,
      familyName: i % 5 === 0 ? "O'Brien\nJr" : `Family${i}`,
      email: i % 11 === 0 ? null : `person${i}@example.org`,
    }));
    incidentId = started.incident.id;
    campaignNames.set(started.campaign.id, started.campaign.name);
    const rows = await t.db.prisma.delivery.findMany({ where: { incidentId }, select: { id: true }, orderBy: { id: "asc" } });
    const at = (ms: number) => new Date(Date.UTC(2026, 2, 2, 9, 0, 0, ms));
    for (const [i, row] of rows.entries()) {
      if (i % 3 === 0)
        await t.db.prisma.delivery.update({
          where: { id: row.id },
          data: {
            status: "sent",
            sentAt: at(i),
            smtpCode: 250,
            smtpResponse: `250 ok, "queued" as ${i}`,
            messageId: `<m${i}@x>`,
          },
        });
      else if (i % 3 === 1)
        await t.db.prisma.delivery.update({
          where: { id: row.id },
          data: {
            status: "failed",
            failedAt: at(i + 1),
            smtpCode: 550,
            smtpResponse: "550 no such user",
            attempts: 3,
            reclaims: 1,
          },
        });
      // Every fourth is queued a millisecond later: two instants, ties broken by id.
      if (i % 4 === 0) await t.db.prisma.delivery.update({ where: { id: row.id }, data: { queuedAt: at(7) } });
    }
  });
  after(() => t.close());

  for (const withPersonalData of [true, false]) {
    it(`${withPersonalData ? "with" : "without"} personal data`, async () => {
      const expected = await text(ledgerCsv(t.deps, { id: incidentId }, {}, { withPersonalData }));
      const actual = await text(ledgerCsvStream(t.db, incidentId, withPersonalData, campaignNames));
      const deliveries = await t.db.prisma.delivery.count({ where: { incidentId } });
      assert.ok(deliveries > LEDGER_PAGE_SIZE * 2, `more than two pages: ${deliveries}`);
      assert.equal(expected.split("\r\n").length, deliveries + 2, "a header, a row per delivery and the last line's end");
      assert.equal(actual, expected);
      assert.equal(/person1@example\.org/.test(actual), withPersonalData);
    });
  }
});
