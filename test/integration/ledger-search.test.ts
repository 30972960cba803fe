import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { foldName } from "../../src/lib/name-fold.js";
import { ledgerPageIdsSql, listLedgerPage } from "../../src/modules/ledger/ledger.repository.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { startTestCampaign } from "../helpers/campaigns.js";

/** People with a few names to find among many; the others are Given<i> Family<i>. */
const PEOPLE = 3000;
const NAMED: Record<number, { givenName: string; familyName: string; email: string | null }> = {
  5: { givenName: "Élodie", familyName: "Müller", email: "Elodie.Muller@Example.ORG" },
  6: { givenName: "ÉMILE", familyName: "Ørsted", email: "emile@example.net" },
  7: { givenName: "Jürgen", familyName: "Straße", email: null },
  8: { givenName: "Łukasz", familyName: "Żółć", email: "lukasz@example.pl" },
  9: { givenName: "Émilie", familyName: "Dubois", email: "emilie@example.fr" },
};

/**
 * The ledger's search through the indexes: the start of an address or of a name (case and
 * accents aside, as the fan-out folded it), a Message-ID or a verification code; and the plan
 * of its read names the indexes on both databases, so a change that falls back to reading every
 * row of the incident fails here.
 */
describe("the ledger's search", () => {
  let t: TestApp;
  let incidentId: string;
  let campaignId: string;

  before(async () => {
    t = await createTestApp();
    const started = await startTestCampaign(t, PEOPLE, (i) => NAMED[i] ?? {});
    incidentId = started.incident.id;
    campaignId = started.campaign.id;
    if (t.db.kind === "postgresql") await t.db.prisma.$executeRawUnsafe(`ANALYZE "delivery"`);
    else await t.db.prisma.$executeRawUnsafe("ANALYZE");
  });
  after(() => t.close());

  const names = async (q: string) => {
    const rows = await listLedgerPage(t.db, { incidentId, q }, null, 100);
    return rows.map((r) => r.fullName).sort();
  };

  it("finds a name by its start, whatever the case and accents", async () => {
    assert.deepEqual(await names("élodie"), ["Élodie Müller"]);
    assert.deepEqual(await names("ELODIE MUL"), ["Élodie Müller"]);
    assert.deepEqual(await names("emil"), ["Émilie Dubois", "ÉMILE Ørsted"].sort());
    assert.deepEqual(await names("emile ors"), ["ÉMILE Ørsted"]);
    assert.deepEqual(await names("jurgen strasse"), ["Jürgen Straße"]);
    assert.deepEqual(await names("LUKASZ ZOLC"), ["Łukasz Żółć"]);
    // The start of the family name finds it too (its own folded column); a part inside a word does not.
    assert.deepEqual(await names("muller"), ["Élodie Müller"]);
    assert.deepEqual(await names("ØRST"), ["ÉMILE Ørsted"]);
    assert.deepEqual(await names("uller"), []);
    assert.equal((await names("given299")).length, 11, "Given299 and Given2990 to Given2999");
  });

  it("finds an address by its start or whole, whatever the case", async () => {
    assert.deepEqual(await names("elodie.muller@example.org"), ["Élodie Müller"]);
    assert.deepEqual(await names("Elodie.M"), ["Élodie Müller"]);
    assert.deepEqual(await names("person2999@"), ["Given2999 Family2999"]);
    assert.equal((await names("person299")).length, 11);
    // Wildcards are plain characters.
    assert.deepEqual(await names("person_"), []);
    assert.deepEqual(await names("%"), []);
  });

  it("finds a notice by its Message-ID and by its verification code as read out", async () => {
    const one = await t.db.prisma.delivery.findFirstOrThrow({
      where: { campaignId, verificationCode: { not: null } },
      select: { messageId: true, verificationCode: true, fullName: true },
    });
    assert.deepEqual(await names(one.messageId), [one.fullName]);
    const code = one.verificationCode as string;
    const spoken = `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`.toLowerCase();
    assert.deepEqual(await names(spoken), [one.fullName]);
  });

  it("wrote each folded name at fan-out as the search folds it", async () => {
    const rows = await t.db.prisma.delivery.findMany({
      where: { campaignId, personId: { not: "" } },
      select: { fullName: true, nameSearch: true, familySearch: true, personId: true },
      take: 50,
      orderBy: { fullName: "desc" },
    });
    const people = await t.db.prisma.person.findMany({
      where: { id: { in: rows.map((r) => r.personId) } },
      select: { id: true, familyName: true },
    });
    const familyOf = new Map(people.map((p) => [p.id, p.familyName]));
    for (const r of rows) {
      assert.equal(r.nameSearch, foldName(r.fullName), r.fullName);
      assert.equal(r.familySearch, foldName(familyOf.get(r.personId) ?? ""), r.fullName);
    }
  });

  it("reads the indexes, never every row of the incident", async () => {
    const sql = ledgerPageIdsSql(t.db.kind, { incidentId, q: "elo" }, null, 50);
    if (t.db.kind === "sqlite") {
      const plan = await t.db.prisma.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql.sql}`, ...sql.values);
      const text = plan.map((p) => p.detail).join("\n");
      assert.match(
        text,
        /delivery_incident_id_email_normalized_idx \(incident_id=\? AND email_normalized>\? AND email_normalized<\?\)/,
        text,
      );
      assert.match(text, /delivery_incident_id_name_search_idx \(incident_id=\? AND name_search>\? AND name_search<\?\)/, text);
      assert.match(
        text,
        /delivery_incident_id_family_search_idx \(incident_id=\? AND family_search>\? AND family_search<\?\)/,
        text,
      );
      assert.doesNotMatch(text, /SCAN delivery(?! USING INDEX delivery_message_id)/, text);
    } else {
      const plan = await t.db.prisma.$transaction(async (tx) => {
        // With few rows the planner may read the table whole; off, any plan left must be by index.
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql.text}`, ...sql.values);
      });
      const text = plan.map((p) => p["QUERY PLAN"]).join("\n");
      assert.match(text, /delivery_incident_id_email_normalized_idx/, text);
      assert.match(text, /delivery_incident_id_name_search_idx/, text);
      assert.match(text, /delivery_incident_id_family_search_idx/, text);
      assert.doesNotMatch(text, /Seq Scan|delivery_incident_id_queued_at_id_idx|delivery_incident_id_status_idx/, text);
    }
  });
});
