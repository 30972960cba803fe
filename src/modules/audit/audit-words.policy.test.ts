import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AuditEntryFacts, describeAuditEntry } from "./audit-words.policy.js";

const names = {
  users: new Map([
    ["u-ana", "Ana Manager"],
    ["u-val", "Val Viewer"],
  ]),
  incidents: new Map([["i-la", "BD-2016-0001"]]),
};

function entry(input: Partial<AuditEntryFacts> & { action: string }): AuditEntryFacts {
  return {
    entityType: "obligation",
    entityId: "o-1",
    actorId: "u-ana",
    actorLabel: "ana@example.org",
    incidentId: "i-la",
    before: null,
    after: null,
    ...input,
  };
}

describe("audit entries in words", () => {
  it("says who applied which rule to which incident, keeping the reference apart for a link", () => {
    const words = describeAuditEntry(
      entry({ action: "obligation.apply", after: JSON.stringify({ ruleId: "EU-GDPR-33" }) }),
      names,
    );
    assert.equal(words.sentence, "Ana Manager applied EU-GDPR-33 to BD-2016-0001.");
    assert.equal(words.who, "Ana Manager");
    assert.deepEqual(words.parts, [{ text: "applied EU-GDPR-33 to " }, { incident: "BD-2016-0001" }]);
  });

  it("reads status moves, decisions, obligations met and clock events", () => {
    const say = (action: string, after: object, before: object = {}, entityType = "incident") =>
      describeAuditEntry(entry({ action, entityType, after: JSON.stringify(after), before: JSON.stringify(before) }), names)
        .sentence;
    assert.equal(
      say("incident.transition", { status: "closed_not_notifiable" }, { status: "assessing" }),
      "Ana Manager moved BD-2016-0001 from assessing to closed: not notifiable.",
    );
    assert.equal(
      say("decision.record", { isNotifiable: true, regimes: '["AU-NDB"]' }, {}, "decision"),
      "Ana Manager decided BD-2016-0001 is notifiable under AU-NDB.",
    );
    assert.equal(
      say("obligation.status", { ruleId: "AU-NDB-assess", status: "met" }),
      "Ana Manager marked AU-NDB-assess met on BD-2016-0001.",
    );
    assert.equal(
      say("obligation.delay", {
        ruleId: "US-TX-individuals",
        kind: "law_enforcement_delay",
        agency: "Texas Rangers",
        dueAt: null,
        originalDueAt: "2026-04-28T04:59:59.999Z",
      }),
      "Ana Manager recorded a law-enforcement delay on US-TX-individuals of BD-2016-0001 (Texas Rangers): no due instant until the delay is lifted, originally 2026-04-28T04:59:59.999Z.",
    );
    assert.equal(
      say("clock_event.record", { code: "aware_suspected_breach" }, {}, "clock_event"),
      'Ana Manager recorded the clock event "awareness of a suspected breach" on BD-2016-0001.',
    );
    assert.equal(
      say("campaign.start", { name: "First notice" }, {}, "campaign"),
      'Ana Manager started the campaign "First notice" of BD-2016-0001.',
    );
  });

  it("names the system and the command line, and falls back to the label of an unknown user", () => {
    const system = describeAuditEntry(
      entry({ action: "campaign.complete", actorId: null, actorLabel: "system", after: '{"name":"N"}' }),
      names,
    );
    assert.match(system.sentence, /^Breachdesk completed the campaign "N" of BD-2016-0001\.$/);
    const gone = describeAuditEntry(
      entry({ action: "auth.login", actorId: "u-gone", actorLabel: "gone@example.org", incidentId: null }),
      names,
    );
    assert.equal(gone.sentence, "gone@example.org signed in.");
  });

  it("says what the work closed by itself, and what it proposes", () => {
    const met = entry({
      action: "obligation.auto_met",
      actorId: null,
      actorLabel: "system",
      after: '{"ruleId":"AU-NDB-assess"}',
    });
    assert.equal(
      describeAuditEntry(met, names).sentence,
      "Breachdesk recorded AU-NDB-assess met on BD-2016-0001, by the work recorded.",
    );
    const proposal = entry({
      action: "incident.status_propose",
      entityType: "incident",
      after: '{"proposedStatus":"assessing"}',
    });
    assert.equal(describeAuditEntry(proposal, names).sentence, "Ana Manager proposed moving BD-2016-0001 to assessing.");
  });

  it("names the user a change concerns", () => {
    const role = entry({
      action: "user.role_change",
      entityType: "user",
      entityId: "u-val",
      incidentId: null,
      after: '{"role":"manager"}',
    });
    assert.equal(describeAuditEntry(role, names).sentence, "Ana Manager made Val Viewer a manager.");
  });

  it("puts an action no phrase knows in words from its record and verb, never failing on broken JSON", () => {
    const unknown = entry({ action: "obligation.snooze_reminders", after: "{not json" });
    assert.equal(
      describeAuditEntry(unknown, names).sentence,
      "Ana Manager recorded a change to an obligation of BD-2016-0001 (snooze reminders).",
    );
    const broken = entry({ action: "obligation.apply", after: "{not json" });
    assert.equal(describeAuditEntry(broken, names).sentence, "Ana Manager applied a rule to BD-2016-0001.");
  });

  it("reads evidence files added and deleted, and a timeline entry's kind with its article", () => {
    const say = (action: string, after: object) =>
      describeAuditEntry(entry({ action, after: JSON.stringify(after) }), names).sentence;
    assert.equal(
      say("evidence_file.upload", { fileName: "forensic-report.pdf", sha256: "ab" }),
      'Ana Manager added the evidence file "forensic-report.pdf" to BD-2016-0001.',
    );
    assert.equal(
      say("evidence_file.delete", { fileName: "scan.png", reason: "Holds a card number" }),
      'Ana Manager deleted the content of the evidence file "scan.png" of BD-2016-0001 (Holds a card number).',
    );
    assert.equal(
      say("timeline.event_add", { kind: "evidence" }),
      "Ana Manager added an evidence event to the timeline of BD-2016-0001.",
    );
    assert.equal(say("timeline.event_add", { kind: "note" }), "Ana Manager added a note event to the timeline of BD-2016-0001.");
  });

  it("reads retention, legal holds, the purge and a token's scope and last day", () => {
    const say = (action: string, after: object, entityType = "incident") =>
      describeAuditEntry(entry({ action, entityType, after: JSON.stringify(after) }), names).sentence;
    assert.equal(
      say("incident.retention_set", { daysAfterClose: 30 }),
      "Ana Manager set how long the affected people's data of BD-2016-0001 is kept (30 days after closing).",
    );
    assert.equal(
      say("incident.legal_hold_set", { reason: "Court order" }),
      "Ana Manager put BD-2016-0001 on legal hold (Court order).",
    );
    assert.equal(
      say("incident.purge", { people: 3, deliveries: 2 }),
      "Ana Manager purged the affected people's data of BD-2016-0001 (3 people, 2 deliveries kept with a hashed address).",
    );
    assert.equal(
      say("api_token.create", { scope: "read_only", expiresAt: "2027-01-31T12:59:59.999Z" }, "api_token"),
      "Ana Manager created a read-only API token (it expires 2027-01-31 12:59 UTC).",
    );
  });

  it("says 'an incident' when the incident is not known any more", () => {
    const words = describeAuditEntry(
      entry({ action: "obligation.apply", incidentId: "i-gone", after: '{"ruleId":"X-1"}' }),
      names,
    );
    assert.equal(words.sentence, "Ana Manager applied X-1 to an incident.");
  });
});
