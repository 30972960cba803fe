import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeNextSteps, dueSoonestOf } from "./next-steps.policy.js";
import { stagesOf } from "./progress-line.policy.js";
import type { ObligationFact, WorkspaceFacts } from "./workspace.types.js";

const BASE = "/incidents/BD-2016-0001";

function obligation(input: Partial<ObligationFact> & { id: string }): ObligationFact {
  return {
    ruleId: `RULE-${input.id}`,
    obligation: "Notify the regulator",
    notify: "regulator",
    isOutstanding: true,
    urgentAt: null,
    isOverdue: false,
    timeLeft: null,
    waitingFor: null,
    ...input,
  };
}

const assess = obligation({
  id: "assess",
  ruleId: "AU-NDB-assess",
  obligation: "Assess a suspected eligible data breach",
  notify: "other",
  urgentAt: new Date("2016-04-23T13:59:59Z"),
  timeLeft: "21 days left",
});
const oaic = obligation({ id: "oaic", ruleId: "AU-NDB-oaic", obligation: "Notify the OAIC", notify: "regulator" });
const individuals = obligation({
  id: "people",
  ruleId: "AU-NDB-individuals",
  obligation: "Notify the individuals at risk",
  notify: "individuals",
  urgentAt: new Date("2016-04-30T00:00:00Z"),
});

/** Linux Australia on the day it was recorded: nothing but the incident and its rules. */
function facts(input: Partial<WorkspaceFacts> = {}): WorkspaceFacts {
  return {
    status: "investigating",
    hasAssessment: false,
    decision: null,
    obligations: [assess, oaic, individuals],
    peopleCount: 0,
    noticeTemplateCount: 0,
    campaigns: [],
    overdueActionCount: 0,
    nextStatuses: ["contained", "assessing", "closed_not_notifiable"],
    ...input,
  };
}

const states = (f: WorkspaceFacts) => stagesOf(f).map((s) => `${s.id}:${s.state}`);

describe("the progress line from detection to closure", () => {
  it("starts at assessing: detected is behind, the rest ahead", () => {
    assert.deepEqual(states(facts()), ["detected:done", "assessing:current", "decision:todo", "notifying:todo", "closed:todo"]);
  });

  it("moves to the decision once an assessment is recorded, and to notifying once it says notifiable", () => {
    assert.deepEqual(states(facts({ hasAssessment: true })).slice(1, 3), ["assessing:done", "decision:current"]);
    const notifiable = facts({ hasAssessment: true, decision: { isNotifiable: true } });
    assert.deepEqual(states(notifiable).slice(2), ["decision:done", "notifying:current", "closed:todo"]);
  });

  it("stays at notifying while an obligation to tell someone is outstanding, even with the status at notifying", () => {
    const f = facts({ status: "notifying", hasAssessment: true, decision: { isNotifiable: true } });
    assert.deepEqual(states(f).slice(3), ["notifying:current", "closed:todo"]);
  });

  it("reaches closed when every notice obligation is met", () => {
    const done = [assess, oaic, individuals].map((o) => ({ ...o, isOutstanding: false }));
    const f = facts({ hasAssessment: true, decision: { isNotifiable: true }, obligations: done, status: "notifying" });
    assert.deepEqual(states(f).slice(3), ["notifying:done", "closed:current"]);
    assert.deepEqual(states({ ...f, status: "closed" }).slice(3), ["notifying:done", "closed:done"]);
  });

  it("skips notifying when the decision says not notifiable", () => {
    const f = facts({ hasAssessment: true, decision: { isNotifiable: false } });
    assert.deepEqual(states(f), ["detected:done", "assessing:done", "decision:done", "notifying:skipped", "closed:current"]);
    assert.deepEqual(states({ ...f, status: "closed_not_notifiable" }).slice(3), ["notifying:skipped", "closed:done"]);
  });

  it("counts a closed incident as past every stage, whatever was recorded", () => {
    assert.deepEqual(states(facts({ status: "closed", obligations: [] })), [
      "detected:done",
      "assessing:done",
      "decision:done",
      "notifying:done",
      "closed:done",
    ]);
  });
});

describe("the obligation due soonest", () => {
  it("is the outstanding one with the earliest instant; an overdue one comes first by its earlier instant", () => {
    const overdue = obligation({ id: "late", urgentAt: new Date("2016-03-01T00:00:00Z"), isOverdue: true });
    assert.equal(dueSoonestOf([assess, individuals, overdue])?.id, "late");
    assert.equal(dueSoonestOf([individuals, assess])?.id, "assess");
  });

  it("skips met ones and takes one waiting for its clock only when none has an instant", () => {
    assert.equal(dueSoonestOf([{ ...assess, isOutstanding: false }, oaic, individuals])?.id, "people");
    assert.equal(dueSoonestOf([oaic])?.id, "oaic");
    assert.equal(dueSoonestOf([{ ...oaic, isOutstanding: false }]), null);
  });
});

describe("the one action that moves the incident", () => {
  it("asks for the assessment first, on the assessment page, for the 30-day assessment window", () => {
    const steps = computeNextSteps(facts(), BASE);
    assert.equal(steps.dueSoonest?.ruleId, "AU-NDB-assess");
    assert.equal(steps.dueSoonest?.href, `${BASE}/deadlines#obligation-assess`);
    assert.deepEqual(steps.blockers, ["No risk assessment is recorded."]);
    assert.deepEqual(steps.action && { label: steps.action.label, href: steps.action.href }, {
      label: "Record the assessment",
      href: `${BASE}/assessment#assessment`,
    });
  });

  it("offers to mark the assessment window met once the assessment is recorded", () => {
    const steps = computeNextSteps(facts({ hasAssessment: true }), BASE);
    assert.equal(steps.action?.label, "Record how AU-NDB-assess was met");
    assert.equal(steps.action?.href, `${BASE}/obligations/assess/status`);
  });

  it("asks for the decision before anyone is told", () => {
    const f = facts({ hasAssessment: true, obligations: [individuals] });
    const steps = computeNextSteps(f, BASE);
    assert.deepEqual(steps.blockers, ["Whether the breach is notifiable is not decided."]);
    assert.equal(steps.action?.label, "Record the decision");
    assert.equal(steps.action?.href, `${BASE}/assessment#assessment`);
  });

  it("names the fact a clock waits for and links to the clock event form", () => {
    const waiting = { ...oaic, waitingFor: { code: "aware_eligible_breach", label: "Aware of an eligible data breach" } };
    const steps = computeNextSteps(
      facts({ hasAssessment: true, decision: { isNotifiable: true }, obligations: [waiting] }),
      BASE,
    );
    assert.deepEqual(steps.blockers, ['Its clock waits for "Aware of an eligible data breach", which is not recorded.']);
    assert.equal(steps.action?.href, `${BASE}/deadlines#code`);
  });

  it("sends a clock that starts from the statement to the regulators page, where the statement is prepared", () => {
    const waiting = {
      ...individuals,
      urgentAt: null,
      waitingFor: {
        code: "statement_prepared",
        label: "Statement prepared",
        startsFrom: "the statement to the regulator marked prepared",
      },
    };
    const f = facts({ hasAssessment: true, decision: { isNotifiable: true }, obligations: [waiting], peopleCount: 30 });
    const steps = computeNextSteps(f, BASE);
    assert.deepEqual(steps.blockers, [
      "Its clock starts from the statement to the regulator marked prepared, which is not recorded yet.",
    ]);
    assert.deepEqual(
      { label: steps.action?.label, href: steps.action?.href },
      {
        label: "Prepare the statement to the regulator",
        href: `${BASE}/regulators`,
      },
    );
  });

  it("walks the notice to individuals: people, a notice, a campaign, then those e-mail did not reach", () => {
    const base = facts({ hasAssessment: true, decision: { isNotifiable: true }, obligations: [individuals] });
    const step = (f: Partial<WorkspaceFacts>) => computeNextSteps({ ...base, ...f }, BASE).action?.href;
    assert.equal(step({}), `${BASE}/scope#people`);
    assert.equal(step({ peopleCount: 5000 }), `${BASE}/notifications#notices`);
    assert.equal(step({ peopleCount: 5000, noticeTemplateCount: 1 }), `${BASE}/campaigns/new`);
    const draft = { id: "c1", name: "First notice", status: "draft" };
    assert.equal(step({ peopleCount: 5000, noticeTemplateCount: 1, campaigns: [draft] }), `${BASE}/campaigns/c1`);
    const sending = computeNextSteps(
      { ...base, peopleCount: 5000, noticeTemplateCount: 1, campaigns: [{ ...draft, status: "sending" }] },
      BASE,
    );
    assert.equal(sending.action?.label, 'Follow the campaign "First notice"');
    assert.deepEqual(sending.blockers, []);
    const completed = { ...draft, status: "completed" };
    assert.equal(step({ peopleCount: 5000, noticeTemplateCount: 1, campaigns: [completed] }), `${BASE}/ledger/other-channels`);
  });

  it("offers to mark obligations not required when the breach is not notifiable, then to close", () => {
    const f = facts({ hasAssessment: true, decision: { isNotifiable: false }, obligations: [oaic] });
    assert.equal(computeNextSteps(f, BASE).action?.label, "Mark AU-NDB-oaic not required");
    const closing = computeNextSteps({ ...f, obligations: [{ ...oaic, isOutstanding: false }] }, BASE);
    assert.deepEqual(
      { label: closing.action?.label, href: closing.action?.href },
      { label: "Close: not notifiable", href: `${BASE}#status` },
    );
  });

  it("asks for rules when a notifiable breach has none, and to start notifying before closing", () => {
    const f = facts({ status: "assessing", hasAssessment: true, decision: { isNotifiable: true }, obligations: [] });
    const steps = computeNextSteps({ ...f, nextStatuses: ["investigating", "notifying"] }, BASE);
    assert.equal(steps.action?.href, `${BASE}/deadlines#ruleIds`);
    const met = { ...individuals, isOutstanding: false };
    const later = computeNextSteps({ ...f, obligations: [met], nextStatuses: ["investigating", "notifying"] }, BASE);
    assert.equal(later.action?.label, "Start notifying");
    const last = computeNextSteps({ ...f, status: "notifying", obligations: [met], nextStatuses: ["closed"] }, BASE);
    assert.equal(last.action?.label, "Close the incident");
  });

  it("has nothing to do on a closed incident", () => {
    const steps = computeNextSteps(facts({ status: "closed" }), BASE);
    assert.equal(steps.action, null);
    assert.equal(steps.dueSoonest, null);
  });

  it("notes overdue remedial actions and other overdue obligations, with links", () => {
    const late = obligation({ id: "late", urgentAt: new Date("2016-03-01T00:00:00Z"), isOverdue: true });
    const later = obligation({ id: "later", urgentAt: new Date("2016-03-02T00:00:00Z"), isOverdue: true });
    const steps = computeNextSteps(facts({ obligations: [late, later], overdueActionCount: 2 }), BASE);
    assert.deepEqual(
      steps.notes.map((n) => `${n.text} ${n.href}`),
      [`1 other obligation is overdue. ${BASE}/deadlines`, `2 remedial actions are overdue. ${BASE}/timeline#actions`],
    );
  });

  it("notes the public report: published with its version, or to write when no one has to be told", () => {
    const notNotifiable = facts({
      decision: { isNotifiable: false },
      publicReport: { isPublished: false, version: 0, hasDraft: false },
    });
    assert.deepEqual(
      computeNextSteps(notNotifiable, BASE).notes.map((n) => `${n.label} ${n.href}`),
      [`Write the public report ${BASE}/public-report`],
    );
    const published = facts({ publicReport: { isPublished: true, version: 2, hasDraft: true } });
    assert.deepEqual(
      computeNextSteps(published, BASE).notes.map((n) => n.text),
      ["The public report is published (version 2)."],
    );
    assert.deepEqual(computeNextSteps(facts({ decision: { isNotifiable: true } }), BASE).notes, []);
  });
});
