import type { Deps } from "../../deps.js";
import { formatInZone, listZones } from "../../lib/instants.js";
import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import { type Rule, rulePack, TRIGGER_CODE_LIST, TRIGGER_CODES } from "../deadlines/index.js";
import { layoutClockAxis } from "./clock-axis.policy.js";
import { effectiveClockEvents, labelOfTrigger } from "./clock-events.policy.js";
import { describeObligation, loadDeadlineFacts, sortByUrgency } from "./deadlines-view.service.js";
import { suggestObligations } from "./obligation-suggestions.policy.js";

/** The incident and the viewer, as the incident page passes them to a section. */
type SectionIncident = Parameters<IncidentSection["load"]>[1];
type Viewer = Parameters<IncidentSection["load"]>[2];

/** The pack's rules grouped by jurisdiction, for the "browse a regime" list. */
function rulesByJurisdiction(): { jurisdiction: string; rules: Rule[] }[] {
  const groups = new Map<string, Rule[]>();
  for (const rule of rulePack.rules) groups.set(rule.jurisdiction, [...(groups.get(rule.jurisdiction) ?? []), rule]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([jurisdiction, rules]) => ({ jurisdiction, rules }));
}

/** Everything the deadlines partial shows, for an incident and a viewer. */
export async function loadDeadlinesSection(deps: Deps, incident: SectionIncident, viewer: Viewer) {
  const now = deps.clock.now();
  const canEdit = isAllowed(viewer.role as Parameters<typeof isAllowed>[0], "manager");
  const { recorded, obligations, regimes, peopleCount, peoplePlaces } = await loadDeadlineFacts(deps, incident.id, canEdit);
  const events = effectiveClockEvents(incident, recorded).map((e) => ({
    ...e,
    label: labelOfTrigger(e.code),
    inZone: formatInZone(e.at, e.zone),
  }));
  const deadlines = sortByUrgency(
    obligations.map((o) => describeObligation(o, events, now, viewer.timeZone)),
    now,
  );
  const facts = {
    location: incident.location,
    decisionRegimes: regimes,
    peopleCount,
    appliedRuleIds: obligations.map((o) => o.ruleId),
    peoplePlaces,
  };
  const suggestions = canEdit ? suggestObligations(rulePack.rules, facts) : [];
  const axis = layoutClockAxis({
    now,
    events: events.map((e) => ({ label: e.code, at: e.at, title: `${e.label} (${e.code}): ${e.inZone}` })),
    deadlines: deadlines
      .filter((d) => d.urgentAt && d.isOutstanding)
      .map((d) => ({
        label: `${d.rule.id} ${d.timeLeft?.isOverdue ? "OVERDUE" : "due"}`,
        at: d.urgentAt as Date,
        title: `${d.rule.id}: ${d.rule.obligation}; ${d.dueAt ? "due" : "guidance target"} ${formatInZone(d.urgentAt as Date, d.obligation.zone)}; ${d.timeLeft?.text ?? ""}`,
        isOverdue: d.timeLeft?.isOverdue ?? false,
      })),
  });
  return {
    incident,
    canEdit,
    viewerZone: viewer.timeZone,
    nowInZone: formatInZone(now, viewer.timeZone),
    events,
    deadlines,
    overdueCount: deadlines.filter((d) => d.timeLeft?.isOverdue).length,
    axis,
    suggestions,
    decisionRegimes: regimes,
    peopleCount,
    triggerCodes: TRIGGER_CODE_LIST.map((code) => ({ code, label: TRIGGER_CODES[code].label })),
    zones: canEdit ? listZones() : [],
    ruleGroups: canEdit ? rulesByJurisdiction() : [],
  };
}

/**
 * "Deadlines": the incident's clock events, its obligations by urgency with time left, both
 * zones, basis and citations, a time-axis picture, and for managers the forms to record events,
 * set the location and apply rules. The partial reads everything from one local, deadlinesSection.
 */
export const deadlinesSection: IncidentSection = {
  id: "deadlines",
  title: "Deadlines",
  view: "incidents/sections/deadlines",
  async load(deps, incident, viewer) {
    return { deadlinesSection: await loadDeadlinesSection(deps, incident, viewer) };
  },
};
