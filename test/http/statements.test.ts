import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;
const system = { userId: null, label: "test", ip: null };

/**
 * Issue 14, item 1: the statement to a regulator drafted from the record (the Linux Australia
 * breach, seeds/003), edited as versions, marked submitted (which meets AU-NDB-oaic and starts
 * the individuals' clock) and exported; the same through the API, with its contract.
 */
describe(`regulator statements (${testLane})`, () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  let incident: Incident;
  let ref: string;
  let statementId: string;
  let token: string;
  let viewerToken: string;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    const admin = await signedIn(t, "admin");
    const saved = await admin.post(
      "/admin/organisation",
      {
        name: "Linux Australia",
        address: "PO Box 7100, Bondi Junction NSW 2022",
        contactEmail: "council@linux.org.au",
        privacyOfficer: "Joshua Hesketh",
      },
      "/admin/organisation",
    );
    assert.equal(saved.status, 303, saved.text.slice(0, 500));
    incident = await addIncident(t, {
      title: "Zookeepr server compromised",
      summary: "An attacker gained root on the conference server through a remote buffer overflow.",
      timeZone: "Australia/Sydney",
      detectedAt: "2026-02-24 12:00",
      awareAt: "2026-02-24 12:00",
    });
    ref = incident.reference;
    const page = `/incidents/${ref}/deadlines`;
    await manager.post(`/incidents/${ref}/location`, { location: "AU" }, page);
    const applied = await manager.post(
      `/incidents/${ref}/obligations`,
      { ruleIds: ["AU-NDB-oaic", "AU-NDB-individuals"] } as never,
      page,
    );
    assert.equal(applied.status, 303);
    for (const [categoryId, details] of [
      ["identity", "first and last names"],
      ["postal_address", ""],
      ["password_hashes", "salted"],
    ]) {
      const res = await manager.post(
        `/incidents/${ref}/data`,
        { categoryId: categoryId!, details: details!, encrypted: "unknown" },
        page,
      );
      assert.equal(res.status, 303, res.text.slice(0, 300));
    }
    await manager.post(
      `/incidents/${ref}/events`,
      { kind: "intrusion", description: "A remote access tool was loaded into memory", occurredAt: "2026-02-22 09:00" },
      page,
    );
    await manager.post(`/incidents/${ref}/actions`, { title: "Enforce key-based logins", status: "in_progress" }, page);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: manager.user.id } });
    token = (await createApiToken(t.deps, user.id, { name: "checks" }, system)).token;
    viewerToken = (await createApiToken(t.deps, viewer.user.id, { name: "viewer checks" }, system)).token;
  });
  after(() => t.close());

  const obligationOf = (ruleId: string) =>
    t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: incident.id, ruleId } });

  it("drafts the OAIC statement from the record, with the items the law asks and none missing but what the record lacks", async () => {
    const res = await manager.post(`/incidents/${ref}/statements`, { rule: "AU-NDB-oaic" }, `/incidents/${ref}/deadlines`);
    assert.equal(res.status, 303, res.text.slice(0, 400));
    const statement = await t.db.prisma.regulatorStatement.findFirstOrThrow({ where: { incidentId: incident.id } });
    statementId = statement.id;
    assert.equal(res.headers.location, `/incidents/${ref}/statements/${statementId}`);
    const page = await manager.agent.get(res.headers.location!);
    assert.equal(page.status, 200);
    assert.match(page.text, /Statement to Australian Information Commissioner/);
    assert.match(page.text, /Linux Australia\nPO Box 7100/);
    assert.match(page.text, /remote buffer overflow/);
    assert.match(page.text, /Password hashes: salted/);
    assert.match(page.text, /Privacy Act 1988 s 26WK\(3\)\(d\)/);
    assert.match(page.text, /<option value="malicious_attack" selected>/);
    assert.match(page.text, /Enforce key-based logins \(in progress\)/);
    assert.match(
      page.text,
      /Number of individuals affected \(exact, or a range\)<\/a> \(OAIC Notifiable Data Breach form, part two\): The OAIC&#39;s form asks for it\./,
    );
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "statement.create", incidentId: incident.id },
    });
    assert.match(audit.after ?? "", /"ruleId":"AU-NDB-oaic"/);
    const timeline = await t.db.prisma.timelineEvent.findFirst({
      where: { incidentId: incident.id, description: { contains: "drafted from the record: version 1" } },
    });
    assert.ok(timeline);
    const list = await manager.agent.get(`/incidents/${ref}/regulators`);
    assert.equal(list.status, 200);
  });

  it("saves every edit as a new version, audited and on the timeline; an edit of an old version is refused", async () => {
    const page = await manager.agent.get(`/incidents/${ref}/statements/${statementId}`);
    const csrf = csrfFrom(page.text);
    const form = {
      _csrf: csrf,
      baseVersion: "1",
      "f.individualsAffected": "Between 1,000 and 2,000",
      "f.entity": "Linux Australia\nPO Box 7100",
      note: "The count from the conference database",
    };
    const saved = await manager.agent.post(`/incidents/${ref}/statements/${statementId}`).type("form").send(form);
    assert.equal(saved.status, 303, saved.text.slice(0, 400));
    const versions = await t.db.prisma.regulatorStatementVersion.findMany({
      where: { statementId },
      orderBy: { version: "asc" },
    });
    assert.equal(versions.length, 2);
    assert.equal(JSON.parse(versions[1]!.fields).individualsAffected, "Between 1,000 and 2,000");
    assert.equal(JSON.parse(versions[0]!.fields).individualsAffected, "", "version 1 is kept as it was");
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "statement.save", incidentId: incident.id } });
    assert.match(audit.after ?? "", /"changed":\["entity","individualsAffected"\]/);
    const stale = await manager.agent
      .post(`/incidents/${ref}/statements/${statementId}`)
      .type("form")
      .send({ ...form, "f.description": "x" });
    assert.equal(stale.status, 409);
    assert.match(stale.text, /Version 2 was saved after the version 1 you edited/);
    const old = await viewer.agent.get(`/incidents/${ref}/statements/${statementId}?version=1`);
    assert.match(old.text, /Version 1 of 2/);
    assert.doesNotMatch(old.text, /Save as version/, "a viewer reads, never edits");
  });

  it("exports the version as PDF, plain text, JSON and a printable page", async () => {
    const base = `/incidents/${ref}/statements/${statementId}`;
    const pdf = await viewer.agent
      .get(`${base}.pdf`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done(null, Buffer.concat(chunks)));
      });
    assert.equal(pdf.status, 200);
    assert.match(String(pdf.headers["content-type"]), /^application\/pdf/);
    assert.equal((pdf.body as Buffer).subarray(0, 5).toString(), "%PDF-");
    const text = await viewer.agent.get(`${base}.txt`);
    assert.match(text.text, /^Statement to Australian Information Commissioner/);
    assert.match(text.text, /Recommended steps for individuals \[Privacy Act 1988 s 26WK\(3\)\(d\)\]\n- /);
    const json = await viewer.agent.get(`${base}.json?version=1`);
    assert.equal(json.body.version, 1);
    const print = await viewer.agent.get(`${base}/print`);
    assert.match(print.text, /<dt>Kinds of information concerned/);
  });

  it("marks it submitted with the acknowledgment: AU-NDB-oaic is met by the statement and the individuals' clock starts", async () => {
    const page = await manager.agent.get(`/incidents/${ref}/statements/${statementId}`);
    const res = await manager.agent
      .post(`/incidents/${ref}/statements/${statementId}/submit`)
      .field("_csrf", csrfFrom(page.text))
      .field("version", "2")
      .field("submittedAt", "2026-03-01 10:00")
      .field("submittedZone", "Australia/Sydney")
      .field("how", "portal")
      .field("reference", "NDB-2026-0042")
      .attach("file", Buffer.from("Thank you, your submission has been received."), "oaic-ack.txt");
    assert.equal(res.status, 303, res.text.slice(0, 600));
    const oaic = await obligationOf("AU-NDB-oaic");
    assert.equal(oaic.status, "met");
    assert.equal(oaic.metBy, `statement:${statementId}`);
    assert.match(oaic.metHow, /version 2 of the statement/);
    assert.equal(oaic.metReference, "NDB-2026-0042");
    assert.equal(oaic.metAt?.toISOString(), "2026-02-28T23:00:00.000Z");
    const individuals = await obligationOf("AU-NDB-individuals");
    assert.equal(individuals.clockStartedAt?.toISOString(), "2026-02-28T23:00:00.000Z", "s 26WL(3): the statement is prepared");
    const version = await t.db.prisma.regulatorStatementVersion.findFirstOrThrow({ where: { statementId, version: 2 } });
    assert.equal(version.ackFileName, "oaic-ack.txt");
    const again = await manager.agent
      .post(`/incidents/${ref}/statements/${statementId}/submit`)
      .field("_csrf", csrfFrom(page.text))
      .field("version", "2")
      .field("submittedAt", "2026-03-01 11:00")
      .field("how", "email");
    assert.equal(again.status, 409);
    const shown = await manager.agent.get(`/incidents/${ref}/statements/${statementId}`);
    assert.match(shown.text, /the regulator's reference <strong>NDB-2026-0042<\/strong>/);
    const ack = await viewer.agent.get(`/incidents/${ref}/statements/${statementId}/versions/2/acknowledgment`);
    assert.equal(ack.status, 200);
    assert.match(String(ack.headers["content-disposition"]), /oaic-ack\.txt/);
    assert.equal(ack.text, "Thank you, your submission has been received.");
    const none = await viewer.agent.get(`/incidents/${ref}/statements/${statementId}/versions/1/acknowledgment`);
    assert.equal(none.status, 404);
  });

  it("GDPR asks the reasons for delay once the 72 hours have passed; NIS2's three reports follow each other", async () => {
    const api = supertest(t.app);
    const auth = { Authorization: `Bearer ${token}` };
    const eu = await addIncident(t, {
      title: "Ticket portal",
      summary: "Customer records copied",
      timeZone: "Europe/Dublin",
      awareAt: "2026-02-25 09:00",
    });
    const at = `/api/v1/incidents/${eu.reference}`;
    for (const rule of ["EU-GDPR-33", "EU-NIS2-early-warning", "EU-NIS2-notification", "EU-NIS2-final"]) {
      assert.equal((await api.post(`${at}/obligations`).set(auth).send({ rule })).status, 201, rule);
    }
    const gdpr = await api.post(`${at}/statements`).set(auth).send({ rule: "EU-GDPR-33" });
    assert.equal(gdpr.status, 201, gdpr.text);
    assert.equal(gdpr.body.fields.phase, "initial");
    const late = gdpr.body.missingItems.find((m: { key: string }) => m.key === "lateReasons");
    assert.equal(late?.citation, "GDPR (EU) 2016/679 Art. 33(1)", "aware on 25 February, the 72 hours ended on the 28th");
    const early = await api.post(`${at}/statements`).set(auth).send({ rule: "EU-NIS2-early-warning" });
    await api
      .post(`${at}/statements/${early.body.id}`)
      .set(auth)
      .send({ fields: { crossBorder: "no", entity: "Tickets Ltd, Dublin" }, baseVersion: 1 });
    const notification = await api.post(`${at}/statements`).set(auth).send({ rule: "EU-NIS2-notification" });
    assert.equal(notification.body.followsId, early.body.id);
    assert.equal(notification.body.fields.entity, "Tickets Ltd, Dublin", "carried over from the early warning as edited");
    const final = await api.post(`${at}/statements`).set(auth).send({ rule: "EU-NIS2-final" });
    assert.equal(final.body.followsId, notification.body.id);
    assert.deepEqual(
      final.body.items.map((i: { key: string }) => i.key),
      ["entity", "description", "rootCause", "measures", "crossBorder"],
    );
    const generic = await api.post(`${at}/statements`).set(auth).send({ rule: "SG-PDPA-pdpc" });
    assert.equal(generic.status, 201);
    assert.ok(
      generic.body.items.some((i: { key: string }) => i.key === "item1"),
      "a generic draft from the rule's content items",
    );
    const bare = await api.post(`${at}/statements`).set(auth).send({ rule: "US-CA-regulator" });
    assert.deepEqual(bare.body.missing, [], "a rule without content items names nothing it may not ask");
    assert.equal(bare.body.fields.kindsOfInformation, "");
  });

  it("API: POST .../statements with a rule answers 201 with the contract's fields filled, and the PDF", async () => {
    const api = supertest(t.app);
    const other = await addIncident(t, { title: "Second breach", summary: "Names leaked", timeZone: "Australia/Sydney" });
    await t.db.prisma.incidentDataCategory.create({ data: { incidentId: other.id, categoryId: "email_address" } });
    const auth = { Authorization: `Bearer ${token}` };
    const made = await api.post(`/api/v1/incidents/${other.reference}/statements`).set(auth).send({ rule: "AU-NDB-oaic" });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual([made.body.rule, made.body.version], ["AU-NDB-oaic", 1]);
    for (const key of ["entity", "description", "kindsOfInformation", "recommendedSteps"]) {
      assert.ok(made.body.fields[key], `${key} is filled from the incident: ${JSON.stringify(made.body.fields)}`);
    }
    assert.ok(Array.isArray(made.body.missing) && made.body.missing.includes("individualsAffected"));
    const again = await api.post(`/api/v1/incidents/${other.reference}/statements`).set(auth).send({ rule: "AU-NDB-oaic" });
    assert.deepEqual([again.status, again.body.id], [200, made.body.id]);
    const pdf = await api.get(`/api/v1/incidents/${other.reference}/statements/${made.body.id}.pdf`).set(auth);
    assert.equal(pdf.status, 200);
    assert.match(String(pdf.headers["content-type"]), /^application\/pdf/);
    const wrong = await api
      .post(`/api/v1/incidents/${other.reference}/statements`)
      .set(auth)
      .send({ rule: "AU-NDB-individuals" });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /does not tell a regulator/);
    const unknown = await api.post(`/api/v1/incidents/${other.reference}/statements`).set(auth).send({ rule: "XX-1" });
    assert.equal(unknown.status, 400);
    const refused = await api
      .post(`/api/v1/incidents/${other.reference}/statements`)
      .set({ Authorization: `Bearer ${viewerToken}` })
      .send({ rule: "EU-GDPR-33" });
    assert.equal(refused.status, 403);
    const saved = await api
      .post(`/api/v1/incidents/${other.reference}/statements/${made.body.id}`)
      .set(auth)
      .send({ fields: { ...made.body.fields, individualsAffected: "12" }, baseVersion: 1 });
    assert.deepEqual([saved.status, saved.body.version, saved.body.missing.includes("individualsAffected")], [200, 2, false]);
    const submitted = await api
      .post(`/api/v1/incidents/${other.reference}/statements/${made.body.id}/submit`)
      .set(auth)
      .send({ submittedAt: "2026-03-01T09:00:00Z", how: "email" });
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.body.submission.how, "email");
    const listed = await api.get(`/api/v1/incidents/${other.reference}/statements`).set(auth);
    assert.deepEqual(
      listed.body.statements.map((s: { rule: string; submittedVersion: number }) => [s.rule, s.submittedVersion]),
      [["AU-NDB-oaic", 2]],
    );
  });
});
