import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Incident, Prisma } from "../../src/generated/sqlite/client.js";
import { newId } from "../../src/lib/ids.js";
import { verifyAuditChain } from "../../src/modules/audit/audit.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/**
 * The delivery ledger of an incident: its pages, CSV export and regulator summary, and
 * recording how people who could not be e-mailed were told. Deliveries are written straight
 * to the table as a campaign leaves them, so these tests do not depend on sending.
 */
describe("the notification ledger", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  let incident: Incident;
  let other: Incident;
  const campaignId = newId();
  let base: string;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    incident = await addIncident(t, { title: "Linux Australia conference server breach" });
    other = await addIncident(t, { title: "Another breach" });
    base = `/incidents/${incident.reference}/ledger`;
    const at = new Date("2026-03-02T08:00:00Z");
    await t.db.prisma.noticeTemplate.create({
      data: { id: "template-1", incidentId: incident.id, name: "Notice to attendees", createdAt: at, updatedAt: at },
    });
    await t.db.prisma.noticeTemplateVersion.create({
      data: {
        id: "version-en-1",
        templateId: "template-1",
        incidentId: incident.id,
        language: "en",
        version: 1,
        subject: "About your conference registration, {{first_name}}",
        sections: JSON.stringify({
          whoWeAre: "Linux Australia runs the conference.",
          whatHappened: "A server holding registrations was accessed without authority.",
          details: { organisation: "Linux Australia", contactEmail: "privacy@linux.org.au", contactPhone: "" },
        }),
        createdAt: at,
      },
    });
    await t.db.prisma.person.create({
      data: {
        id: "p-201",
        incidentId: incident.id,
        uniqueKey: "ext-201",
        externalId: "201",
        givenName: "Aroha",
        familyName: "Ngata",
        postalAddress: "12 Example Street\nWellington 6011",
        country: "NZ",
        createdAt: at,
        updatedAt: at,
      },
    });
    await t.db.prisma.campaign.create({
      data: {
        id: campaignId,
        incidentId: incident.id,
        name: "First notice to attendees",
        templateId: "template-1",
        versionIds: JSON.stringify({ en: "version-en-1" }),
        status: "completed",
        startedAt: at,
        createdAt: at,
        updatedAt: at,
      },
    });
    const delivery = (n: number, fields: Partial<Prisma.DeliveryCreateManyInput> & { status: string }) => ({
      id: `d-${String(n).padStart(3, "0")}`,
      campaignId,
      incidentId: incident.id,
      personId: `p-${n}`,
      fullName: `Person ${n}`,
      messageId: `<delivery.d-${n}@breachdesk.example.org>`,
      // A campaign's fan-out queues everyone at one instant: the first 120 share it, so pages
      // must break ties by id.
      queuedAt: n < 120 ? at : new Date(at.getTime() + n * 1000),
      updatedAt: at,
      ...fields,
    });
    await t.db.prisma.delivery.createMany({
      data: [
        ...Array.from({ length: 120 }, (_, n) =>
          delivery(n, {
            email: `p${n}@example.org`,
            emailNormalized: `p${n}@example.org`,
            country: "AU",
            region: n % 2 ? "AU-NSW" : "AU-VIC",
            status: "sent",
            attempts: 1,
            smtpCode: 250,
            smtpResponse: "250 2.0.0 Ok: queued",
            sentAt: new Date(at.getTime() + 60_000 + n * 1000),
          }),
        ),
        delivery(200, {
          email: "=cmd|' /C calc'!A0@example.org",
          emailNormalized: "=cmd|' /c calc'!a0@example.org",
          fullName: '=HYPERLINK("http://x")',
          country: "NZ",
          status: "failed",
          attempts: 1,
          smtpCode: 550,
          smtpResponse: "550 5.1.1 User unknown",
          failedAt: at,
        }),
        delivery(201, { country: "NZ", status: "excluded", exclusionReason: "no_email" }),
        delivery(202, {
          email: "b@example.org",
          emailNormalized: "b@example.org",
          country: "AU",
          region: "AU-NSW",
          status: "bounced",
          exclusionReason: "hard bounce: 550 5.1.1",
          sentAt: at,
        }),
        { ...delivery(203, { status: "excluded", exclusionReason: "no_email" }), incidentId: other.id, id: "d-other" },
      ],
    });
  });
  after(() => t.close());

  it("lists the notices a page at a time, filters them, and refuses an unknown filter by name", async () => {
    const first = await viewer.agent.get(base);
    assert.equal(first.status, 200);
    assert.match(first.text, /123 notices: 120 sent, 1 failed, 1 bounced, 1 not e-mailed\./);
    assert.match(first.text, /&lt;delivery\.d-0@breachdesk\.example\.org&gt;/);
    assert.doesNotMatch(first.text, /d-other/);
    const next = /href="([^"]*after=[^"]+)"/.exec(first.text)?.[1];
    assert.ok(next, "a next page link");
    const second = await viewer.agent.get(next.replace(/&amp;/g, "&"));
    assert.match(second.text, /Person 100/);
    assert.doesNotMatch(second.text, /Person 99</);
    const filtered = await viewer.agent.get(`${base}?status=needs_other_channel`);
    assert.match(filtered.text, /3 notices: 1 failed, 1 bounced, 1 not e-mailed\./);
    const searched = await viewer.agent.get(`${base}?q=P11`);
    assert.match(searched.text, /11 notices/);
    // A name ignoring case, on both databases; a LIKE wildcard is taken literally.
    assert.match((await viewer.agent.get(`${base}?q=${encodeURIComponent("person 11")}`)).text, /11 notices/);
    assert.match((await viewer.agent.get(`${base}?q=${encodeURIComponent("person_1%")}`)).text, /0 notices/);
    const bad = await viewer.agent.get(`${base}?status=delivered`);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /The filter status is not a delivery status/);
    assert.equal((await viewer.agent.get(`${base}?after=garbage`)).status, 400);
  });

  it("exports the filtered ledger as CSV with formula cells neutralised", async () => {
    const res = await viewer.agent.get(`${base}.csv?status=needs_other_channel`).buffer(true);
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-disposition"]), /attachment; filename="BD-\d{4}-\d{4}-ledger\.csv"/);
    const text = res.text;
    assert.ok(text.startsWith("\uFEFFdelivery_id,campaign,person_id,name,email,"));
    const lines = text.trimEnd().split("\r\n");
    assert.equal(lines.length, 4);
    assert.ok(
      lines[1]!.startsWith(
        `d-200,First notice to attendees,p-200,"'=HYPERLINK(""http://x"")",'=cmd|' /C calc'!A0@example.org,NZ,`,
      ),
    );
    assert.match(lines[1]!, /,failed,1,0,2026-03-02T08:03:20\.000Z,,2026-03-02T08:00:00\.000Z,,550,550 5\.1\.1 User unknown,/);
    const all = await viewer.agent.get(`${base}.csv`).buffer(true);
    assert.equal(all.text.trimEnd().split("\r\n").length, 124);
  });

  it("sums the ledger up for a regulator: coverage, by status and by jurisdiction, first and last sent", async () => {
    const res = await viewer.agent.get(`${base}/summary?campaign=${campaignId}`);
    assert.equal(res.status, 200);
    assert.match(res.text, /Campaign: First notice to attendees/);
    assert.match(res.text, /<dt>People addressed<\/dt><dd>123<\/dd>/);
    assert.match(res.text, /<dd>120 \(coverage 97\.6%\)<\/dd>/);
    assert.match(res.text, /<dd>3 could not be e-mailed; 0 still being sent<\/dd>/);
    assert.match(res.text, /First notice sent<\/dt><dd><time datetime="2026-03-02T08:00:00\.000Z"/);
    assert.match(res.text, /Last notice sent<\/dt><dd><time datetime="2026-03-02T08:02:59\.000Z"/);
    // AU-NSW: 60 sent and one bounced.
    assert.match(
      res.text,
      /data-label="State or region">AU-NSW<\/td>\s*<td data-label="Addressed">61<\/td>\s*<td data-label="E-mail sent">60<\/td>/,
    );
    assert.equal((await viewer.agent.get(`${base}/summary?campaign=nope`)).status, 404);
  });

  it("exports the people to tell another way with their notice as text, for letters", async () => {
    const res = await viewer.agent.get(`${base}/letters.csv`).buffer(true);
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-disposition"]), /-letters\.csv"/);
    const text = res.text;
    assert.ok(
      text.startsWith(
        "\uFEFFdelivery_id,campaign,name,postal_address,country,region,language,why_not_email,subject,letter_text\r\n",
      ),
    );
    // Aroha (no e-mail address) with her postal address and her own notice.
    assert.match(
      text,
      /d-201,First notice to attendees,Person 201,"12 Example Street\nWellington 6011",NZ,,,no_email,"About your conference registration, Aroha","/,
    );
    assert.match(text, /A server holding registrations was accessed without authority\./);
    // A person no longer in the incident keeps their row, without an address.
    assert.match(text, /d-200,First notice to attendees,"'=HYPERLINK\(""http:\/\/x""\)",\(person deleted since\),NZ/);
  });

  it("records how people were told another way, audited, and counts them as reached", async () => {
    const page = await manager.agent.get(`${base}/other-channels`);
    assert.equal(page.status, 200);
    assert.match(page.text, /3 people to tell\./);
    // Why not by e-mail, in words: the start's code is not shown; a bounce keeps its own words.
    assert.match(page.text, /Not e-mailed: no e-mail address/);
    assert.match(page.text, /Bounced: hard bounce: 550 5\.1\.1/);
    assert.doesNotMatch(page.text, /no_email/);
    const post = (form: Record<string, string | string[]>) =>
      manager.agent
        .post(`${base}/told`)
        .type("form")
        .send({ _csrf: csrfFrom(page.text), ...form });
    const missing = await post({ channel: "", toldAt: "", toldAtZone: "Australia/Sydney", note: "" });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /Tick at least one person\./);
    assert.match(missing.text, /Choose how they were told\./);
    const future = await post({
      deliveryIds: ["d-201"],
      channel: "letter",
      toldAt: "2026-04-01 10:00",
      toldAtZone: "Australia/Sydney",
      note: "x",
    });
    assert.equal(future.status, 400);
    assert.match(future.text, /That is in the future/);
    assert.match(future.text, /value="d-201" id="d-d-201" checked/);
    const done = await post({
      deliveryIds: ["d-201", "d-202", "d-other", "d-001"],
      channel: "letter",
      toldAt: "2026-03-02 15:00",
      toldAtZone: "Australia/Sydney",
      note: "Registered letter RL-2016-0042",
    });
    assert.equal(done.status, 303);
    const told = await t.db.prisma.delivery.findMany({ where: { status: "told_otherwise" }, orderBy: { id: "asc" } });
    assert.deepEqual(
      told.map((d) => [d.id, d.channel, d.toldAt?.toISOString(), d.toldNote]),
      [
        ["d-201", "letter", "2026-03-02T04:00:00.000Z", "Registered letter RL-2016-0042"],
        ["d-202", "letter", "2026-03-02T04:00:00.000Z", "Registered letter RL-2016-0042"],
      ],
    );
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "delivery.told_otherwise" } });
    assert.equal(audit.incidentId, incident.id);
    assert.deepEqual(JSON.parse(audit.after ?? "{}").count, 2);
    assert.equal((await verifyAuditChain(t.db)).break, null);
    const summary = await viewer.agent.get(`${base}/summary`);
    assert.match(summary.text, /<dd>122 \(coverage 99\.2%\)<\/dd>/);
    const again = await post({
      deliveryIds: ["d-201"],
      channel: "phone",
      toldAt: "2026-03-02 15:00",
      toldAtZone: "Australia/Sydney",
      note: "y",
    });
    assert.equal(again.status, 409);
  });

  it("lets a viewer read the list but not record", async () => {
    const page = await viewer.agent.get(`${base}/other-channels`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /name="deliveryIds"/);
    const res = await viewer.agent
      .post(`${base}/told`)
      .type("form")
      .send({
        _csrf: csrfFrom(page.text),
        deliveryIds: "d-200",
        channel: "phone",
        toldAt: "2026-03-02 10:00",
        toldAtZone: "UTC",
        note: "n",
      });
    assert.equal(res.status, 403);
  });
});
