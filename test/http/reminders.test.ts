import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";
import { addAssessmentObligation } from "../helpers/reminders.js";

describe(`reminder settings and calendar feed (${testLane})`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ PUBLIC_URL: "https://breachdesk.example.org" });
  });
  after(() => t.close());

  it("saves reminders on/off and the digest hour, audited; refuses a bad hour", async () => {
    const client = await signedIn(t, "viewer");
    const saved = await client.post("/account/reminders", { digestHour: "7" }, "/account/reminders");
    assert.equal(saved.status, 303);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: client.user.id } });
    assert.deepEqual([user.remindersEnabled, user.digestHour], [false, 7]);
    const audit = await t.db.prisma.auditEntry.findFirst({ where: { action: "user.reminders_update", entityId: user.id } });
    assert.ok(audit);

    const bad = await client.post("/account/reminders", { remindersEnabled: "on", digestHour: "25" }, "/account/reminders");
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Choose an hour from 0 to 23/);
    const again = await client.post("/account/reminders", { remindersEnabled: "on", digestHour: "" }, "/account/reminders");
    assert.equal(again.status, 303);
    const after = await t.db.prisma.user.findUniqueOrThrow({ where: { id: client.user.id } });
    assert.deepEqual([after.remindersEnabled, after.digestHour], [true, null]);
  });

  it("serves the calendar for the right secret, shown once, and 404 for a wrong, rotated or revoked one", async () => {
    const client = await signedIn(t, "manager");
    const incident = await addIncident(t, { ownerId: client.user.id });
    await addAssessmentObligation(t.db, incident.id);

    const created = await client.post("/account/calendar", {}, "/account/reminders");
    assert.equal(created.status, 201);
    assert.equal(created.headers["cache-control"], "no-store");
    const url = /https:\/\/breachdesk\.example\.org(\/calendar\/[A-Za-z0-9_-]{43}\.ics)/.exec(created.text)?.[1];
    assert.ok(url, "the new address is shown");
    const stored = await t.db.prisma.user.findUniqueOrThrow({ where: { id: client.user.id } });
    assert.ok(stored.calendarTokenHash && !url.includes(stored.calendarTokenHash));

    const feed = await client.agent.get(url);
    assert.equal(feed.status, 200);
    assert.match(String(feed.headers["content-type"]), /^text\/calendar; charset=utf-8/);
    assert.match(feed.text, /^BEGIN:VCALENDAR\r\n/);
    assert.match(feed.text, /\r\nDTSTART:20160423T135959Z\r\n/);
    assert.ok(
      feed.text
        .replace(/\r\n /g, "")
        .includes(`SUMMARY:${incident.reference}: Assess a suspected eligible data breach (AU-NDB-assess)`),
    );
    assert.match(feed.text, /BEGIN:VALARM/);

    assert.equal((await client.agent.get(`/calendar/${"A".repeat(43)}.ics`)).status, 404);
    assert.equal((await client.agent.get("/calendar/nonsense.ics")).status, 404);

    // Rotating needs confirmation; the old address stops working.
    assert.equal((await client.post("/account/calendar", {}, "/account/reminders")).status, 400);
    const rotated = await client.post("/account/calendar", { confirm: "yes" }, "/account/reminders");
    assert.equal(rotated.status, 201);
    const url2 = /(\/calendar\/[A-Za-z0-9_-]{43}\.ics)/.exec(rotated.text)?.[1];
    assert.equal((await client.agent.get(url)).status, 404);
    assert.equal((await client.agent.get(url2!)).status, 200);

    const revoked = await client.post("/account/calendar/revoke", { confirm: "yes" }, "/account/reminders");
    assert.equal(revoked.status, 303);
    assert.equal((await client.agent.get(url2!)).status, 404);
    const actions = (
      await t.db.prisma.auditEntry.findMany({ where: { entityId: client.user.id, action: { startsWith: "user.calendar" } } })
    ).map((e) => e.action);
    assert.deepEqual(actions.sort(), ["user.calendar_feed_create", "user.calendar_feed_revoke", "user.calendar_feed_rotate"]);
  });
});
