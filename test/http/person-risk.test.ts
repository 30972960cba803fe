import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Incident, Prisma } from "../../src/generated/sqlite/client.js";
import { verifyAuditChain } from "../../src/modules/audit/index.js";
import { APPLY_RISK_RULE_JOB, applyRiskRuleSoon, importPeopleFile } from "../../src/modules/people/index.js";
import { applyRiskRuleJob } from "../../src/modules/people/person-risk.job.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/**
 * Who is at risk: the incident's risk rule sets each person's risk from the assessment and their
 * data categories when an assessment is recorded (through the assessments' event), leaves alone
 * what an import's at-risk column or a manager set, and a manager sets it per import or per
 * person, audited; the campaign audience "at risk only" then reaches people.
 */
describe("who is at risk", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  let incident: Incident;
  let risk: string;
  const at = new Date("2026-03-01T00:00:00Z");

  const riskOf = async (id: string) => {
    const p = await t.db.prisma.person.findUniqueOrThrow({ where: { id }, select: { isAtRisk: true, riskSetBy: true } });
    return [p.isAtRisk, p.riskSetBy];
  };
  const assess = async (seriousHarmLikely: string, dataCategories: string[]) => {
    // Each assessment a minute after the last: the newest is the one that counts.
    t.clock.advance(60_000);
    const page = await manager.agent.get(`/incidents/${incident.reference}`);
    const res = await manager.agent
      .post(`/incidents/${incident.reference}/assessments`)
      .type("form")
      .send({
        _csrf: csrfFrom(page.text),
        dataCategories,
        dataSensitivity: "high",
        dataProtected: "partly",
        harmPrevented: "no",
        seriousHarmLikely,
        rationale: "Password hashes of attendees, some weak.",
      });
    assert.equal(res.status, 303, res.text.slice(0, 500));
  };

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    incident = await addIncident(t, { title: "Zookeepr server compromised" });
    risk = `/incidents/${incident.reference}/risk`;
    for (const categoryId of ["email_address", "password_hashes"]) {
      await t.db.prisma.incidentDataCategory.create({
        data: { incidentId: incident.id, categoryId, createdAt: at, updatedAt: at },
      });
    }
    await t.db.prisma.personImport.create({
      data: {
        id: "imp-2014",
        incidentId: incident.id,
        fileName: "pycon-2014.csv",
        filePath: "/nonexistent",
        status: "completed",
        createdAt: at,
        updatedAt: at,
      },
    });
    const person = (id: string, fields: Partial<Prisma.PersonCreateManyInput> = {}): Prisma.PersonCreateManyInput => ({
      id,
      incidentId: incident.id,
      uniqueKey: id,
      givenName: id,
      email: `${id}@example.org`,
      emailNormalized: `${id}@example.org`,
      createdAt: at,
      updatedAt: at,
      ...fields,
    });
    await t.db.prisma.person.createMany({
      data: [
        person("all-of-incident"),
        person("email-only", { categoryIds: JSON.stringify(["email_address"]) }),
        person("hashes", { categoryIds: JSON.stringify(["password_hashes"]), importId: "imp-2014" }),
        person("emailed-2014", { categoryIds: JSON.stringify(["email_address"]), importId: "imp-2014" }),
        person("file-says-no", { isAtRisk: false, riskSetBy: "file", riskOverride: false }),
      ],
    });
  });
  after(() => t.close());

  it("says the rule in words before any assessment, and sets nobody's risk", async () => {
    const page = await viewer.agent.get(risk);
    assert.equal(page.status, 200);
    assert.match(page.text, /there is none yet: nobody is at risk unless an import&#39;s at-risk column or a manager says so/);
    assert.match(page.text, /data-count="not-assessed">4</);
    assert.doesNotMatch(page.text, /Apply the rule again/, "a viewer has no forms");
    // The people pages lead to it.
    const people = await viewer.agent.get(`/incidents/${incident.reference}/people`);
    assert.ok(people.text.includes(`href="${risk}">Who is at risk, and why</a>`));
    const one = await viewer.agent.get(`/incidents/${incident.reference}/people/hashes`);
    assert.ok(one.text.includes(`href="${risk}/people/hashes">Why</a>`));
  });

  it("sets everyone's risk when an assessment is recorded, from its verdict and the person's data categories", async () => {
    await assess("likely", ["password_hashes"]);
    assert.deepEqual(await riskOf("all-of-incident"), [true, ""]);
    assert.deepEqual(await riskOf("hashes"), [true, ""]);
    assert.deepEqual(await riskOf("email-only"), [false, ""]);
    assert.deepEqual(await riskOf("file-says-no"), [false, "file"], "the file's value is kept");
    const page = await viewer.agent.get(risk);
    assert.match(page.text, /serious harm is likely, and a person is at risk when their data includes Password hashes/);
    assert.match(page.text, /data-count="at-risk">2</);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "person.risk_rule_apply" } });
    assert.deepEqual(JSON.parse(audit.after ?? "{}"), {
      why: "assessment recorded",
      seriousHarmLikely: "likely",
      assessedAt: "2026-03-02T09:01:00.000Z",
      categories: ["password_hashes"],
      changed: 4,
    });
    // The campaign audience "at risk only" reaches them now: the people page's filter reads the same column.
    const atRisk = await viewer.agent.get(`/incidents/${incident.reference}/people?atRisk=yes`);
    assert.match(atRisk.text, /all-of-incident/);
    assert.doesNotMatch(atRisk.text, /email-only/);
  });

  it("lets a manager set the risk of an import's people and of one person, with a reason, audited", async () => {
    const page = await manager.agent.get(risk);
    const post = (path: string, form: Record<string, string>) =>
      manager.agent
        .post(path)
        .type("form")
        .send({ _csrf: csrfFrom(page.text), ...form });
    const noReason = await post(`${risk}/imports/imp-2014`, { risk: "yes", note: "" });
    assert.equal(noReason.status, 400);
    assert.match(noReason.text, /Say why, for the audit log/);
    assert.equal(
      (await post(`${risk}/imports/imp-2014`, { risk: "yes", note: "PyCon 2014 kept plain-text passwords" })).status,
      303,
    );
    assert.deepEqual(await riskOf("emailed-2014"), [true, "import"]);
    assert.equal((await post(`${risk}/people/hashes`, { risk: "no", note: "Changed her password the day before" })).status, 303);
    assert.deepEqual(await riskOf("hashes"), [false, "person"]);
    // A new assessment changes only the people the rule sets.
    await assess("unlikely", ["password_hashes"]);
    assert.deepEqual(await riskOf("all-of-incident"), [false, ""]);
    assert.deepEqual(await riskOf("emailed-2014"), [true, "import"]);
    assert.deepEqual(await riskOf("hashes"), [false, "person"]);
    // Given back to the rule, the import's people follow it again; the person set one by one keeps hers.
    assert.equal((await post(`${risk}/imports/imp-2014`, { risk: "rule", note: "Assessment covers them" })).status, 303);
    assert.deepEqual(await riskOf("emailed-2014"), [false, ""]);
    assert.deepEqual(await riskOf("hashes"), [false, "person"]);
    const personPage = await viewer.agent.get(`${risk}/people/hashes`);
    assert.match(personPage.text, /data-set-by>A manager, for this person</);
    const audits = await t.db.prisma.auditEntry.findMany({
      where: { action: { in: ["person_import.risk_set", "person.risk_set"] } },
      orderBy: { seq: "asc" },
    });
    assert.deepEqual(
      audits.map((a) => [a.action, JSON.parse(a.after ?? "{}").note]),
      [
        ["person_import.risk_set", "PyCon 2014 kept plain-text passwords"],
        ["person.risk_set", "Changed her password the day before"],
        ["person_import.risk_set", "Assessment covers them"],
      ],
    );
    assert.equal((await verifyAuditChain(t.db)).break, null);
    assert.equal((await post(`${risk}/people/nobody`, { risk: "no", note: "x" })).status, 404);
    assert.equal((await post(`${risk}/apply`, {})).status, 303);
    assert.match((await manager.agent.get(risk)).text, /The risk rule was applied again: the counts below are up to date\./);
    const refused = await viewer.agent
      .post(`${risk}/people/hashes`)
      .type("form")
      .send({ _csrf: csrfFrom(page.text), risk: "yes", note: "x" });
    assert.equal(refused.status, 403);
  });

  it("applies the rule to the people an import writes, keeping its at-risk column as the file's", async () => {
    await assess("likely", ["password_hashes"]);
    const dir = mkdtempSync(join(tmpdir(), "risk-"));
    const file = join(dir, "lca-2015.csv");
    writeFileSync(file, "email,given name,at risk\nnew@example.org,New,\nsays-no@example.org,Says,no\n");
    await importPeopleFile(t.deps, { incidentId: incident.id, filePath: file });
    const people = await t.db.prisma.person.findMany({
      where: { emailNormalized: { in: ["new@example.org", "says-no@example.org"] } },
      select: { emailNormalized: true, isAtRisk: true, riskSetBy: true },
      orderBy: { emailNormalized: "asc" },
    });
    assert.deepEqual(
      people.map((p) => [p.emailNormalized, p.isAtRisk, p.riskSetBy]),
      [
        ["new@example.org", true, ""],
        ["says-no@example.org", false, "file"],
      ],
    );
  });

  it("sets a large incident's risks in a job of its own, written with the assessment", async () => {
    const actor = { userId: null, label: "test", ip: null };
    await t.db.prisma.person.updateMany({ where: { incidentId: incident.id, riskSetBy: "" }, data: { isAtRisk: null } });
    const how = await t.db.prisma.$transaction((tx) =>
      applyRiskRuleSoon(t.deps, tx, incident.id, { actor, why: "assessment recorded", inlineLimit: 2 }),
    );
    assert.equal(how, "queued");
    assert.deepEqual(await riskOf("all-of-incident"), [null, ""], "nothing set yet");
    const job = await t.db.prisma.job.findFirstOrThrow({ where: { kind: APPLY_RISK_RULE_JOB } });
    const payload = applyRiskRuleJob.schema.parse(JSON.parse(job.payload));
    await applyRiskRuleJob.handler(payload, { ...t.deps, job, signal: new AbortController().signal });
    assert.deepEqual(await riskOf("all-of-incident"), [true, ""]);
  });
});
