// The wiring of the incident's modules (docs/decisions/0008): the one place that says which
// module does what when another's facts change. The modules form layers (incidents at the
// bottom; timeline and actions above it; obligations above those; reminders above obligations)
// and a lower module never imports a higher one: it emits a typed event inside its transaction,
// and the handlers registered here run in it, one after another, so a failing handler rolls the
// change back. app.ts, the worker's registry and the command line call wireIncidentEvents()
// before any service runs; a test that calls services without them calls it too.
import { overdueWhere } from "./modules/actions/index.js";
import { assessmentEvents } from "./modules/assessments/index.js";
import { campaignEvents } from "./modules/campaigns/index.js";
import { findIncidentWithId, incidentEvents, proposeIncidentStatus, useOverdueActionFilter } from "./modules/incidents/index.js";
import { formatShare, ledgerEvents, loadIncidentCoverage } from "./modules/ledger/index.js";
import { useStatementReader } from "./modules/notices/index.js";
import {
  closeAssessmentWindows,
  closeByCoverage,
  obligationEvents,
  recomputeObligationDeadlines,
  useCoverageReader,
} from "./modules/obligations/index.js";
import { applyRiskRuleSoon } from "./modules/people/index.js";
import { rescheduleReminders } from "./modules/reminders/index.js";
import { listStatementsForNotices } from "./modules/statements/index.js";
import { recordTimelineEvent } from "./modules/timeline/index.js";

let isWired = false;

/** Registers every handler once (a second call changes nothing). */
export function wireIncidentEvents(): void {
  if (isWired) return;
  isWired = true;

  // The incident list counts and filters overdue actions as the actions module defines them.
  useOverdueActionFilter(overdueWhere);
  // The obligations read how far the telling of the people has come from the ledger, above them.
  useCoverageReader(async (db, incidentId, scope) => {
    const coverage = await loadIncidentCoverage(db, incidentId, scope);
    return { ...coverage, shareText: formatShare(coverage.share, coverage.isComplete) };
  });
  // The notices start from and are checked against the statements to regulators, above them.
  useStatementReader(listStatementsForNotices);

  // A status change is an event of the incident's story.
  incidentEvents.on("incident.status_changed", async (e) => {
    await recordTimelineEvent(
      e.deps,
      e.tx,
      e.incident,
      {
        occurredAt: e.occurredAt,
        occurredZone: e.occurredZone,
        kind: e.eventKind,
        description: e.description,
        source: "lifecycle",
      },
      e.actor,
    );
  });

  // A change to who may read the incident is part of its story (need-to-know, decision 0030).
  incidentEvents.on("incident.team_changed", async (e) => {
    const at = e.deps.clock.now();
    await recordTimelineEvent(
      e.deps,
      e.tx,
      e.incident,
      { occurredAt: at, occurredZone: e.incident.timeZone, kind: "note", description: e.description, source: "lifecycle" },
      e.actor,
    );
  });

  // awareAt or detectedAt moved: the clocks they start move with them. No clock is passed, as
  // before: the reminders start from the deadline's first slot and the sweep skips those passed.
  incidentEvents.on("incident.clock_facts_changed", async (e) => {
    await recomputeObligationDeadlines(e.tx, e.incident);
  });

  // A risk assessment sets who is at risk: the people's risk rule runs again, except for people
  // whose risk an import's at-risk column or a manager set (a large incident's as a job of its own).
  assessmentEvents.on("assessment.recorded", async (e) => {
    await applyRiskRuleSoon(e.deps, e.tx, e.incident.id, { actor: e.actor, why: "assessment recorded" });
  });

  // A decision is a fact that starts clocks (aware_eligible_breach, determination, materiality, ...).
  assessmentEvents.on("decision.recorded", async (e) => {
    await recomputeObligationDeadlines(e.tx, e.incident, e.deps.clock.now());
  });

  // An assessment closes the assessment windows (AU-NDB-assess) it concluded within, and the
  // incident proposes to move to assessing.
  assessmentEvents.on("assessment.recorded", async (e) => {
    await closeAssessmentWindows(e.deps, e.tx, e.incident, e.assessment, e.actor);
    const because = `a risk assessment was recorded by ${e.assessment.assessedBy}`;
    await proposeIncidentStatus(e.deps, e.tx, e.incident.id, "assessing", because, e.actor);
  });

  // A campaign started: the incident proposes notifying. A campaign that completes (or stops)
  // may complete the coverage that closes the obligations to tell the people.
  campaignEvents.on("campaign.transitioned", async (e) => {
    if (e.action === "start") {
      const because = `the campaign "${e.campaign.name}" started`;
      await proposeIncidentStatus(e.deps, e.tx, e.campaign.incidentId, "notifying", because, e.actor);
    }
    if (e.to === "completed" || e.to === "cancelled") {
      const incident = await findIncidentWithId(e.tx, e.campaign.incidentId);
      if (incident) await closeByCoverage(e.deps, e.tx, incident, e.actor);
    }
  });

  // People told another way (a form, a file of letters, the API): coverage moved up.
  ledgerEvents.on("ledger.people_told", async (e) => {
    await closeByCoverage(e.deps, e.tx, e.incident, e.actor);
  });

  // The regulators issue (14) emits "statement.submitted" from its module; its handler here will
  // be: await closeByStatement(e.deps, e.tx, e.incident, e.statement, e.actor).

  // An obligation's deadline, clock or status moved: its reminders follow.
  obligationEvents.on("obligations.changed", async (e) => {
    await rescheduleReminders(e.tx, e.obligations, e.now);
  });
}
