import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Incident, Prisma } from "../../src/generated/sqlite/client.js";
import { newId } from "../../src/lib/ids.js";
import { foldName } from "../../src/lib/name-fold.js";
import { verifyAuditChain } from "../../src/modules/audit/index.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/**
 * The delivery ledger of an incident: its pages, CSV export and regulator summary with the
 * coverage of the affected people, and the people to tell another way: the list with each
 * reason, recording the people ticked or everyone a filter matches, and a file of letters sent.
 * Deliveries are written straight to the table as a campaign leaves them, so these tests do not
 * depend on sending. The incident's zone is Australia/Sydney (UTC+11 in March).
 */
describe("the notification ledger", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  let incident: Incident;
  let other: Incident;
  const campaignId = newId();
  let base: string;
  const at = new Date("2026-03-02T08:00:00Z");

  const person = (id: string, fields: Partial<Prisma.PersonCreateManyInput> = {}): Prisma.PersonCreateManyInput => ({
    id,
    incidentId: incident.id,
    uniqueKey: `key-${id}`,
    givenName: `Person ${id.slice(2)}`,
    createdAt: at,
    updatedAt: at,
    ...fields,
  });

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    incident = await addIncident(t, { title: "Linux Australia conference server breach" });
    other = await addIncident(t, { title: "Another breach" });
    base = `/incidents/${incident.reference}/ledger`;
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
    await t.db.prisma.person.createMany({
      data: [
        ...Array.from({ length: 120 }, (_, n) =>
          person(`p-${n}`, { email: `p${n}@example.org`, emailNormalized: `p${n}@example.org`, country: "AU" }),
        ),
        person("p-200", {
          givenName: '=HYPERLINK("http://x")',
          email: "=cmd|' /C calc'!A0@example.org",
          emailNormalized: "=cmd|' /c calc'!a0@example.org",
          country: "NZ",
        }),
        person("p-201", {
          externalId: "201",
          givenName: "Aroha",
          familyName: "Ngata",
          postalAddress: "12 Example Street",
          city: "Wellington",
          postcode: "6011",
          country: "NZ",
        }),
        person("p-202", { email: "b@example.org", emailNormalized: "b@example.org", country: "AU", region: "AU-NSW" }),
        // Imported after the campaign with a malformed address: no delivery, kept with a warning.
        person("p-203", { givenName: "Carol", warnings: JSON.stringify({ invalid_email: "carol@@example" }), country: "AU" }),
        // A usable address no campaign has tried yet: not to tell another way.
        person("p-204", { email: "dan@example.org", emailNormalized: "dan@example.org", country: "AU" }),
        { ...person("p-other"), incidentId: other.id },
      ],
    });
    await t.db.prisma.bouncedAddress.create({
      data: {
        incidentId: incident.id,
        emailNormalized: "b@example.org",
        reason: "550 5.1.1",
        deliveryId: "d-202",
        createdAt: at,
      },
    });
    // Three rows of one import are outstanding (affected, not imported); two of another were dismissed.
    const addImport = (id: string, rejected: number, rejectedResolution: string) =>
      t.db.prisma.personImport.create({
        data: {
          id,
          incidentId: incident.id,
          fileName: `${id}.csv`,
          filePath: `/nonexistent/${id}.csv`,
          status: "completed",
          rejected,
          reasons: JSON.stringify({ no_identity: rejected }),
          rejectedResolution,
          createdAt: at,
          updatedAt: at,
        },
      });
    await addImport("attendees-2014", 3, "");
    await addImport("attendees-2015", 2, "dismissed");
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
      // As the fan-out writes it beside the name (lib/name-fold.ts): what the ledger's search reads.
      nameSearch: foldName(`Person ${n}`),
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
          failedAt: at,
        }),
        {
          ...delivery(203, { status: "excluded", exclusionReason: "no_email" }),
          incidentId: other.id,
          id: "d-other",
          personId: "p-other",
        },
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
    const lines = res.text.trimEnd().split("\r\n");
    assert.ok(lines[0]!.startsWith("\uFEFFdelivery_id,campaign,person_id,name,email,"));
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

  it("sums up for a regulator: the people's coverage with the rows not imported, then the campaign's notices", async () => {
    const res = await viewer.agent.get(`${base}/summary`);
    assert.equal(res.status, 200);
    // 125 people and 3 rejected rows outstanding (the 2 dismissed do not count): 120 told.
    assert.match(res.text, /<dt>People affected<\/dt><dd>128 \(125 imported, 3 affected but not imported\)<\/dd>/);
    assert.match(res.text, /<dd>120 \(coverage 93\.7%\)<\/dd>/);
    assert.match(
      res.text,
      /<dd>8: 4 to tell another way; 0 being sent; 1 not addressed by any campaign yet; 3 not imported<\/dd>/,
    );
    assert.match(
      res.text,
      /href="\/incidents\/BD-\d{4}-\d{4}\/people\/imports\/attendees-2014">attendees-2014\.csv<\/a>: 3 rows rejected/,
    );
    assert.doesNotMatch(res.text, /attendees-2015/);
    assert.match(res.text, /Times are in Australia\/Sydney, the incident's zone\./);
    const ofCampaign = await viewer.agent.get(`${base}/summary?campaign=${campaignId}`);
    assert.match(ofCampaign.text, /Campaign: First notice to attendees/);
    assert.match(ofCampaign.text, /<dt>People addressed<\/dt><dd>123<\/dd>/);
    assert.match(ofCampaign.text, /<dd>120 \(97\.5%\)<\/dd>/);
    assert.match(ofCampaign.text, /<dd>3 could not be e-mailed; 0 still being sent<\/dd>/);
    // In the incident's zone: 08:00 UTC is 19:00 in Sydney.
    assert.match(ofCampaign.text, /First notice sent<\/dt><dd><time datetime="2026-03-02T08:00:00\.000Z">2026-03-02 19:00/);
    assert.match(ofCampaign.text, /Last notice sent<\/dt><dd><time datetime="2026-03-02T08:02:59\.000Z"/);
    // AU-NSW: 60 sent and one bounced.
    assert.match(
      ofCampaign.text,
      /data-label="State or region">AU-NSW<\/td>\s*<td data-label="Addressed">61<\/td>\s*<td data-label="E-mail sent">60<\/td>/,
    );
    assert.equal((await viewer.agent.get(`${base}/summary?campaign=nope`)).status, 404);
  });

  it("lists everyone e-mail cannot reach, person by person, each with why, filtered", async () => {
    const page = await viewer.agent.get(`${base}/other-channels`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<strong>4<\/strong> people to tell\./);
    assert.match(page.text, /No e-mail address\./);
    assert.match(page.text, /Malformed e-mail address: “<span class="wrap-anywhere">carol@@example<\/span>”/);
    assert.match(page.text, /Bounced: hard bounce: 550 5\.1\.1 \(on <time datetime="2026-03-02T08:00:00\.000Z">2026-03-02 19:00/);
    assert.match(page.text, /Failed: the mail server answered 550 5\.1\.1 User unknown \(on/);
    assert.match(page.text, /Times are in <strong>Australia\/Sydney<\/strong>, the incident's zone\./);
    assert.match(page.text, /12 Example Street\nWellington 6011\nNew Zealand/);
    assert.doesNotMatch(
      page.text,
      /Person 204|p-other|name="personIds"/,
      "not addressed yet, another incident's; no ticks for a viewer",
    );
    const malformed = await viewer.agent.get(`${base}/other-channels?reason=invalid_email`);
    assert.match(malformed.text, /<strong>1<\/strong> person to tell match the filter\./);
    assert.match(malformed.text, /Carol/);
    assert.match((await viewer.agent.get(`${base}/other-channels?country=nz`)).text, /<strong>2<\/strong> people to tell/);
    const bad = await viewer.agent.get(`${base}/other-channels?region=Sydney`);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /The filter region is not a state or region code such as AU-NSW/);
  });

  it("exports the people to tell with their postal address and their notice as text, for letters", async () => {
    const res = await viewer.agent.get(`${base}/letters.csv`).buffer(true);
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-disposition"]), /-letters\.csv"/);
    const text = res.text;
    assert.ok(
      text.startsWith(
        "\uFEFFperson_id,delivery_id,campaign,name,postal_address,country,region,language,why_not_email,subject,letter_text,told_at,note\r\n",
      ),
    );
    assert.equal(text.match(/\r\np-/g)?.length, 4);
    // Aroha (no e-mail address) with her postal address and the notice her campaign pinned.
    assert.match(
      text,
      /p-201,d-201,First notice to attendees,Aroha Ngata,"12 Example Street\nWellington 6011\nNew Zealand",NZ,,,no_email,"About your conference registration, Aroha","/,
    );
    // Carol, whom no campaign addressed, gets the incident's newest notice.
    assert.match(text, /p-203,,,Carol,,AU,,,invalid_email,"About your conference registration, Carol"/);
    assert.match(text, /A server holding registrations was accessed without authority\./);
    assert.match(text, /p-200,d-200,First notice to attendees,"'=HYPERLINK\(""http:\/\/x""\)"/);
    const filtered = await viewer.agent.get(`${base}/letters.csv?reason=bounced`).buffer(true);
    assert.equal(filtered.text.match(/\r\np-/g)?.length, 1);
  });

  it("records the people ticked as told another way in the incident's zone, audited, on the timeline", async () => {
    const page = await manager.agent.get(`${base}/other-channels`);
    assert.match(page.text, /When \(Australia\/Sydney\)/);
    const post = (form: Record<string, string | string[]>) =>
      manager.agent
        .post(`${base}/told`)
        .type("form")
        .send({ _csrf: csrfFrom(page.text), ...form });
    const missing = await post({ channel: "", toldAt: "", note: "" });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /Tick at least one person, or record everyone the filter matches\./);
    assert.match(missing.text, /Choose how they were told\./);
    const future = await post({ personIds: ["p-201"], channel: "letter", toldAt: "2026-04-01 10:00", note: "x" });
    assert.equal(future.status, 400);
    assert.match(future.text, /That is in the future/);
    assert.match(future.text, /value="p-201" id="p-p-201" checked/);
    const done = await post({
      personIds: ["p-201", "p-202", "p-other", "p-1"],
      channel: "letter",
      toldAt: "2026-03-02 15:00",
      note: "Registered letter RL-2016-0042",
    });
    assert.equal(done.status, 303);
    const told = await t.db.prisma.toldAnotherWay.findMany({ orderBy: { personId: "asc" } });
    assert.deepEqual(
      told.map((r) => [r.personId, r.channel, r.toldAt.toISOString(), r.toldZone, r.reason, r.source, r.fullName]),
      [
        ["p-201", "letter", "2026-03-02T04:00:00.000Z", "Australia/Sydney", "no_email", "form", "Aroha Ngata"],
        ["p-202", "letter", "2026-03-02T04:00:00.000Z", "Australia/Sydney", "bounced", "form", "Person 202"],
      ],
    );
    // Their deliveries read as told in the ledger.
    const deliveries = await t.db.prisma.delivery.findMany({ where: { status: "told_otherwise" }, orderBy: { id: "asc" } });
    assert.deepEqual(
      deliveries.map((d) => [d.id, d.channel, d.toldAt?.toISOString(), d.toldNote]),
      [
        ["d-201", "letter", "2026-03-02T04:00:00.000Z", "Registered letter RL-2016-0042"],
        ["d-202", "letter", "2026-03-02T04:00:00.000Z", "Registered letter RL-2016-0042"],
      ],
    );
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "person.told_another_way" } });
    assert.equal(audit.incidentId, incident.id);
    assert.equal(JSON.parse(audit.after ?? "{}").count, 2);
    const event = await t.db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId: incident.id, kind: "communication" } });
    assert.equal(event.description, "2 people recorded as told another way by letter: Registered letter RL-2016-0042");
    assert.equal((await verifyAuditChain(t.db)).break, null);
    const summary = await viewer.agent.get(`${base}/summary`);
    assert.match(summary.text, /<dd>122 \(coverage 95\.3%\)<\/dd>/);
    const again = await post({ personIds: ["p-201"], channel: "phone", toldAt: "2026-03-02 15:00", note: "y" });
    assert.equal(again.status, 409);
  });

  it("records everyone a filter matches in one action, unless the list changed since it was shown", async () => {
    const page = await manager.agent.get(`${base}/other-channels?reason=failed`);
    assert.match(page.text, /Everyone the filter matches: 1 person/);
    const post = (form: Record<string, string>) =>
      manager.agent
        .post(`${base}/told`)
        .type("form")
        .send({
          _csrf: csrfFrom(page.text),
          scope: "all",
          reason: "failed",
          channel: "phone",
          toldAt: "2026-03-02 16:30",
          note: "Called by J. Smith",
          ...form,
        });
    const stale = await post({ expected: "5" });
    assert.equal(stale.status, 409);
    assert.match(stale.text, /The list changed: 1 person matches the filter now, not 5\./);
    const done = await post({ expected: "1" });
    assert.equal(done.status, 303);
    const row = await t.db.prisma.toldAnotherWay.findUniqueOrThrow({
      where: { incidentId_personId: { incidentId: incident.id, personId: "p-200" } },
    });
    assert.deepEqual([row.channel, row.reason, row.toldAt.toISOString()], ["phone", "failed", "2026-03-02T05:30:00.000Z"]);
    const left = await manager.agent.get(`${base}/other-channels`);
    assert.match(left.text, /<strong>1<\/strong> person to tell\./);
  });

  it("records a file of letters sent, naming every line it cannot use and recording nothing until all are right", async () => {
    const page = await manager.agent.get(`${base}/other-channels`);
    const upload = (csv: string, fields: Record<string, string> = {}, name = "letters-sent.csv") => {
      let req = manager.agent.post(`${base}/letters`).field("_csrf", csrfFrom(page.text));
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return req.attach("file", Buffer.from(csv), name);
    };
    const empty = await upload("", {}, "march-letters.csv");
    assert.equal(empty.status, 400);
    assert.match(empty.text, /march-letters\.csv is empty: choose the CSV file of letters sent\./);
    const bad = await upload(
      [
        "person_id,name,told_at,note",
        "p-203,Carol,2026-03-02 12:00,RL-7",
        "p-999,Nobody,2026-03-02 12:00,RL-8",
        "p-203,Carol again,2026-03-02 12:00,RL-9",
        "p-201,Aroha,2026-03-30 10:00,RL-10",
      ].join("\n"),
      { channel: "letter" },
    );
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Nothing was recorded: 3 lines of letters-sent\.csv cannot be used\./);
    assert.match(bad.text, /Line 3: Its person_id &#34;p-999&#34; names no person of BD-\d{4}-\d{4}\./);
    assert.match(bad.text, /Line 4: It names the same person as line 2\./);
    assert.match(bad.text, /Line 5: Its date 2026-03-30 10:00 is in the future/);
    assert.equal(await t.db.prisma.toldAnotherWay.count({ where: { personId: "p-203" } }), 0);
    const good = await upload(
      ["person_id,name,told_at,note", "p-203,Carol,2026-03-02 12:00,RL-7", "p-201,Aroha,2026-03-02 10:00,RL-1"].join("\n"),
      { channel: "letter" },
    );
    assert.equal(good.status, 303);
    const flash = await manager.agent.get(`${base}/other-channels`);
    assert.match(
      flash.text,
      /letters-sent\.csv: 1 person is recorded as told another way\. 1 line names someone already recorded as told another way \(line 3\): left as they were\./,
    );
    assert.match(flash.text, /Nobody: everyone was told, or e-mail can still reach them\./);
    const carol = await t.db.prisma.toldAnotherWay.findUniqueOrThrow({
      where: { incidentId_personId: { incidentId: incident.id, personId: "p-203" } },
    });
    assert.deepEqual([carol.channel, carol.note, carol.source, carol.reason], ["letter", "RL-7", "csv", "invalid_email"]);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "person.told_another_way" },
      orderBy: { seq: "desc" },
    });
    assert.equal(JSON.parse(audit.after ?? "{}").fileName, "letters-sent.csv");
    // Everyone imported is told but Dan (not addressed yet), and 3 rows are not imported: not complete.
    const summary = await viewer.agent.get(`${base}/summary`);
    assert.match(summary.text, /<dd>124 \(coverage 96\.8%\)<\/dd>/);
    await t.db.prisma.personImport.update({ where: { id: "attendees-2014" }, data: { rejectedResolution: "dismissed" } });
    await t.db.prisma.delivery.create({
      data: {
        id: "d-204",
        campaignId,
        incidentId: incident.id,
        personId: "p-204",
        status: "sent",
        messageId: "<delivery.d-204@breachdesk.example.org>",
        queuedAt: at,
        updatedAt: at,
      },
    });
    const complete = await viewer.agent.get(`${base}/summary`);
    assert.match(complete.text, /<dd>125 \(coverage 100%\)<\/dd>/);
  });

  it("lets a viewer read the list but not record", async () => {
    const page = await viewer.agent.get(`${base}/other-channels`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /name="personIds"|Record a file of letters sent/);
    const res = await viewer.agent
      .post(`${base}/told`)
      .type("form")
      .send({ _csrf: csrfFrom(page.text), personIds: "p-200", channel: "phone", toldAt: "2026-03-02 10:00", note: "n" });
    assert.equal(res.status, 403);
    const file = await viewer.agent
      .post(`${base}/letters`)
      .field("_csrf", csrfFrom(page.text))
      .attach("file", Buffer.from("person_id\np-200\n"), "x.csv");
    assert.equal(file.status, 403);
  });
});
