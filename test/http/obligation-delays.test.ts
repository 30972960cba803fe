import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import type { z } from "zod/v4";
import type { obligation } from "../../src/api/api-obligations.schemas.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { verifyAuditChain } from "../../src/modules/audit/audit.service.js";
import { addUser, createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";

const system = { userId: null, label: "test", ip: null };
type ApiObligation = z.output<typeof obligation>;

/**
 * The law's delays and extensions recorded on obligations (issue 17, item 4; decision 0034), on
 * a real database, through the JSON API and the obligation's delays page: the due instant is
 * recomputed in the same transaction and capped by the rule's law, the original is shown beside
 * it, the reminders follow, and each event is audited and on the timeline. The test app's clock
 * stands at 2026-03-02T09:00Z.
 */
describe(`delays and extensions of obligations (${testLane})`, () => {
  let t: TestApp;
  let http: ReturnType<typeof supertest>;
  let manager: Awaited<ReturnType<typeof signedIn>>;
  const tokens = { viewer: "", manager: "" };
  const as = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });
  const base = (reference: string) => `/api/v1/incidents/${reference}`;

  async function newIncident(fields: Record<string, unknown>) {
    const res = await http
      .post("/api/v1/incidents")
      .set(as("manager"))
      .send({ title: "Patient portal exposed", severity: "high", ...fields });
    assert.equal(res.status, 201, res.text);
    return res.body as { reference: string; id: string };
  }
  async function apply(reference: string, rule: string) {
    const res = await http
      .post(`${base(reference)}/obligations`)
      .set(as("manager"))
      .send({ rule });
    assert.equal(res.status, 201, res.text);
    return res.body as ApiObligation;
  }
  const delay = (reference: string, rule: string, body: Record<string, unknown>, who: keyof typeof tokens = "manager") =>
    http
      .post(`${base(reference)}/obligations/${rule}/delays`)
      .set(as(who))
      .send(body);
  const row = (id: string) => t.db.prisma.obligation.findUniqueOrThrow({ where: { id } });

  before(async () => {
    t = await createTestApp();
    http = supertest(t.app);
    manager = await signedIn(t, "manager");
    for (const role of ["viewer", "manager"] as const) {
      const user = await addUser(t, role, `${role}-delays@example.org`);
      tokens[role] = (await createApiToken(t.deps, user.id, { name: `${role} script` }, system)).token;
    }
  });
  after(() => t.close());

  it("API: HIPAA's oral law-enforcement delay is capped at 30 days; within it the deadline moves, beside the original", async () => {
    const incident = await newIncident({
      timeZone: "America/New_York",
      detectedAt: "2026-02-20 10:00",
      awareAt: "2026-02-20 10:00",
    });
    const applied = await apply(incident.reference, "US-HHS-individuals");
    // 60 calendar days after discovery on 20 February end with 21 April (New York).
    assert.equal(applied.dueAt, "2026-04-22T03:59:59.999Z");
    assert.equal(applied.originalDueAt, null);
    const before = await row(applied.id);

    const viewer = await delay(
      incident.reference,
      "US-HHS-individuals",
      { kind: "law_enforcement_delay", form: "oral", at: "2026-02-25 14:00", until: "2026-03-10 14:00", agency: "FBI" },
      "viewer",
    );
    assert.equal(viewer.status, 403);

    const tooLong = await delay(incident.reference, "US-HHS-individuals", {
      kind: "law_enforcement_delay",
      form: "oral",
      at: "2026-02-25 14:00",
      until: "2026-03-30 14:00",
      agency: "FBI",
    });
    assert.equal(tooLong.status, 400, tooLong.text);
    assert.match(JSON.stringify(tooLong.body), /at most 30 calendar days from the statement, until 2026-03-27 23:59.*164\.412/);
    assert.equal((await row(applied.id)).dueAt?.toISOString(), before.dueAt?.toISOString(), "nothing saved on a refusal");

    const res = await delay(incident.reference, "US-HHS-individuals", {
      kind: "law_enforcement_delay",
      form: "oral",
      at: "2026-02-25 14:00",
      until: "2026-03-20 14:00",
      agency: "FBI",
      reference: "FBI-NY-2026-118",
      evidenceUrl: "https://evidence.example.org/fbi-call-note",
    });
    assert.equal(res.status, 201, res.text);
    const delayed = res.body as ApiObligation;
    // The clock stood still 23 local days (across the change to daylight time): due 14 May, 23:59:59.999 EDT.
    assert.equal(delayed.dueAt, "2026-05-15T03:59:59.999Z");
    assert.equal(delayed.originalDueAt, "2026-04-22T03:59:59.999Z");
    assert.equal(delayed.delays.length, 1);
    assert.equal(delayed.delays[0]?.agency, "FBI");
    assert.equal(delayed.delays[0]?.evidenceUrl, "https://evidence.example.org/fbi-call-note");
    assert.match(delayed.basis ?? "", /FBI's oral request/);

    const stored = await row(applied.id);
    assert.equal(stored.dueAt?.toISOString(), "2026-05-15T03:59:59.999Z", "stored in the same transaction");
    assert.ok(stored.nextReminderAt && before.nextReminderAt, "reminders scheduled");
    assert.ok(stored.nextReminderAt.getTime() > before.nextReminderAt.getTime(), "the next reminder follows the new due instant");

    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "obligation.delay" },
      orderBy: { seq: "desc" },
    });
    const after = JSON.parse(audit.after ?? "{}");
    assert.equal(after.dueAt, "2026-05-15T03:59:59.999Z");
    assert.equal(after.originalDueAt, "2026-04-22T03:59:59.999Z");
    assert.equal(after.reference, "FBI-NY-2026-118");
    const timeline = await http.get(`${base(incident.reference)}/events`).set(as("viewer"));
    assert.match(
      JSON.stringify(timeline.body),
      /US-HHS-individuals: law-enforcement delay recorded \(FBI, reference FBI-NY-2026-118\); due 2026-05-14 23:59/,
    );
    const list = await manager.agent.get("/deadlines");
    assert.match(list.text, /originally 2026-04-21 23:59/, "the deadlines page shows the original beside the new due instant");
    assert.equal((await verifyAuditChain(t.db)).break, null);
  });

  it("API: a kind the rule does not allow is refused, naming what it allows; India's Board extension moves the 72 hours", async () => {
    const incident = await newIncident({ timeZone: "Asia/Kolkata", awareAt: "2026-03-01 10:00" });
    await apply(incident.reference, "IN-DPDP-board-72h");
    const refused = await delay(incident.reference, "IN-DPDP-board-72h", {
      kind: "law_enforcement_delay",
      at: "2026-03-01 12:00",
      agency: "CBI",
    });
    assert.equal(refused.status, 400);
    assert.match(
      JSON.stringify(refused.body),
      /IN-DPDP-board-72h allows no law-enforcement delay; it allows: extension granted \(Digital Personal Data Protection Rules, 2025, Rule 7\(2\)\(b\)\)/,
    );
    const granted = await delay(incident.reference, "IN-DPDP-board-72h", {
      kind: "extension_granted",
      at: "2026-03-02 11:00",
      until: "2026-03-09 18:00",
      agency: "Data Protection Board",
      reference: "DPB/EXT/2026/7",
    });
    assert.equal(granted.status, 201, granted.text);
    assert.equal(granted.body.dueAt, "2026-03-09T12:30:00.000Z");
    assert.equal(granted.body.originalDueAt, "2026-03-04T04:30:00.000Z");
  });

  it("page: a state's open-ended delay leaves no due instant until it is lifted, then the rule's 60 days count from the lifting", async () => {
    const incident = await newIncident({ timeZone: "America/Chicago", awareAt: "2026-02-25 09:00" });
    const ref = incident.reference;
    const clock = await http
      .post(`${base(ref)}/clock-events`)
      .set(as("manager"))
      .send({ code: "determination", at: "2026-02-26 10:00" });
    assert.equal(clock.status, 201, clock.text);
    const applied = await apply(ref, "US-TX-individuals");
    assert.equal(applied.dueAt, "2026-04-28T04:59:59.999Z");

    const page = `/incidents/${ref}/obligations/${applied.id}/delays`;
    const shown = await manager.agent.get(page);
    assert.equal(shown.status, 200);
    assert.match(shown.text, /521\.053\(d\)/);
    const send = async (form: Record<string, string>) => {
      const token = csrfFrom((await manager.agent.get(page)).text);
      return manager.agent
        .post(page)
        .type("form")
        .send({ _csrf: token, atZone: "America/Chicago", ...form });
    };
    const wrongKind = await send({
      kind: "attorney_general_determination",
      at: "2026-02-27 09:00",
      until: "2026-03-20 09:00",
      agency: "US Attorney General",
    });
    assert.equal(wrongKind.status, 400);
    assert.match(wrongKind.text, /US-TX-individuals allows no Attorney General determination/);
    assert.match(wrongKind.text, /value="US Attorney General"/, "what was typed is kept");

    const asked = await send({
      kind: "law_enforcement_delay",
      at: "2026-02-27 09:00",
      agency: "Texas Rangers",
      reference: "TR-4411",
    });
    assert.equal(asked.status, 303, asked.text);
    const suspended = await row(applied.id);
    assert.equal(suspended.dueAt, null);
    assert.equal(suspended.nextReminderAt, null, "no reminder while no due instant");
    const section = await manager.agent.get(`/incidents/${ref}/deadlines`);
    assert.match(section.text, /no due instant until the delay is lifted; originally 2026-04-27 23:59/);

    const lifted = await send({ kind: "delay_lifted", at: "2026-03-01 15:00", agency: "Texas Rangers" });
    assert.equal(lifted.status, 303, lifted.text);
    const resumed = await row(applied.id);
    // Lifted on 1 March (Chicago): 60 days after it end with 30 April.
    assert.equal(resumed.dueAt?.toISOString(), "2026-05-01T04:59:59.999Z");
    assert.ok(resumed.nextReminderAt, "reminders again once it has a due instant");
    const after = await manager.agent.get(page);
    assert.match(after.text, /Due 2026-04-30 23:59[^<]*<\/strong>, originally 2026-04-27 23:59/);
    assert.match(after.text, /Delay lifted 2026-03-01 15:00/);
    const entries = await t.db.prisma.auditEntry.count({ where: { action: "obligation.delay", incidentId: incident.id } });
    assert.equal(entries, 2);
  });
});
