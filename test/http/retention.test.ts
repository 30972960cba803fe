import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PURGE_ACTION } from "../../src/modules/retention/index.js";
import { ledgerFigures, purgeableIncident, TEST_AUDIT_KEY } from "../fixtures/retention/purge-fixture.js";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";

describe(`retention pages: the rule, the legal hold, the purge's confirmation and the lookup (${testLane})`, () => {
  let t: TestApp;
  let manager: Awaited<ReturnType<typeof signedIn>>;
  let viewer: Awaited<ReturnType<typeof signedIn>>;
  let fixture: Awaited<ReturnType<typeof purgeableIncident>>;
  let path: string;
  before(async () => {
    t = await createTestApp({ AUDIT_KEY: TEST_AUDIT_KEY });
    fixture = await purgeableIncident(t, 60);
    path = `/incidents/${fixture.incident.reference}`;
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
  });
  after(() => t.close());

  it("shows the purge date; saves the incident's own days; a bad number is refused naming what to give", async () => {
    await manager.post(`${path}/retention`, { daysAfterClose: "365", evidenceFiles: "kept" }, `${path}/evidence`);
    const page = await manager.agent.get(`${path}/evidence`);
    assert.equal(page.status, 200);
    assert.match(page.text, /id="retention-state"[\s\S]*2027/, "closed 2026-01-01 + 365 days");
    const bad = await manager.post(`${path}/retention`, { daysAfterClose: "soon" }, `${path}/evidence`);
    assert.equal(bad.status, 303);
    const again = await manager.agent.get(`${path}/evidence`);
    assert.match(again.text, /whole number of days/);
    assert.equal((await viewer.post(`${path}/retention`, { daysAfterClose: "1" }, `${path}/evidence`)).status, 403);
  });

  it("a legal hold (with its reason, audited) shows 'held' and blocks the purge; lifting it allows it", async () => {
    await manager.post(`${path}/retention`, { daysAfterClose: "0", evidenceFiles: "kept" }, `${path}/evidence`);
    const noReason = await manager.post(`${path}/retention/hold`, { isHeld: "true", reason: "" }, `${path}/evidence`);
    assert.equal(noReason.status, 303);
    assert.equal(await t.db.prisma.incidentRetention.count({ where: { isHeld: true } }), 0);
    await manager.post(`${path}/retention/hold`, { isHeld: "true", reason: "Court order 2026/77" }, `${path}/evidence`);
    assert.match((await manager.agent.get(`${path}/evidence`)).text, /held: Court order 2026\/77/);
    const confirm = await manager.agent.get(`${path}/retention/purge`);
    assert.match(confirm.text, /No purge now: it is under a legal hold/);
    const refused = await manager.post(`${path}/retention/purge`, { confirm: fixture.incident.reference }, `${path}/evidence`);
    assert.equal(refused.status, 409);
    assert.equal(await t.db.prisma.purgeRun.count(), 0);
    assert.equal(await t.db.prisma.auditEntry.count({ where: { action: "incident.legal_hold_set" } }), 1);
    await manager.post(`${path}/retention/hold`, { isHeld: "false" }, `${path}/evidence`);
    assert.equal(await t.db.prisma.auditEntry.count({ where: { action: "incident.legal_hold_lift" } }), 1);
  });

  it("the confirmation counts what goes; the purge needs the reference typed, keeps the ledger's figures and is audited once", async () => {
    const figures = await ledgerFigures(t, fixture.incident);
    const confirm = await manager.agent.get(`${path}/retention/purge`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /cannot be undone/);
    assert.match(confirm.text, /<strong>60<\/strong> people/);
    assert.match(confirm.text, /<strong>54<\/strong> copies of notices in the mail catcher/);
    const wrong = await manager.post(`${path}/retention/purge`, { confirm: "yes" }, `${path}/retention/purge`);
    assert.equal(wrong.status, 400);
    assert.equal(await t.db.prisma.purgeRun.count(), 0);
    const done = await manager.post(
      `${path}/retention/purge`,
      { confirm: fixture.incident.reference },
      `${path}/retention/purge`,
    );
    assert.equal(done.status, 303);
    assert.equal(await t.db.prisma.person.count({ where: { incidentId: fixture.incident.id, purgedAt: null } }), 0);
    assert.equal(await t.db.prisma.person.count({ where: { incidentId: fixture.incident.id, NOT: { givenName: "" } } }), 0);
    assert.equal(await ledgerFigures(t, fixture.incident), figures);
    const entries = await t.db.prisma.auditEntry.findMany({ where: { action: PURGE_ACTION } });
    assert.equal(entries.length, 1);
    assert.equal(JSON.parse(entries[0]!.after ?? "{}").people, 60);
    assert.match((await manager.agent.get(`${path}/evidence`)).text, /Purged<\/strong>/);
  });

  it("the ledger's lookup answers 'notified on' for a purged address and 'not found' for another", async () => {
    const ledger = await viewer.agent.get(`${path}/ledger`);
    assert.match(ledger.text, /Was this address notified\?/);
    const found = await viewer.post(`${path}/retention/lookup`, { email: fixture.firstEmail.toUpperCase() }, `${path}/ledger`);
    assert.equal(found.status, 200);
    assert.match(found.text, /id="lookup-answer">[\s\S]*notified on/);
    const other = await viewer.post(`${path}/retention/lookup`, { email: "someone.else@example.org" }, `${path}/ledger`);
    assert.match(other.text, /not found/);
  });
});
