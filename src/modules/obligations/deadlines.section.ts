import { DateTime } from "luxon";
import type { Deps } from "../../deps.js";
import { formatInZone, listZones } from "../../lib/instants.js";
import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import { type Rule, rulePack, TRIGGER_CODE_LIST, TRIGGER_CODES } from "../deadlines/index.js";
import { describeProposal } from "../incidents/index.js";
import { layoutClockAxis } from "./clock-axis.policy.js";
import { clockFactHref, type EffectiveClockEvent, effectiveClockEvents, labelOfTrigger } from "./clock-events.policy.js";
import { CLOCK_FACT_LABELS, TRIGGER_FACTS } from "./clock-facts.policy.js";
import { describeObligation, loadDeadlineFacts, sortByUrgency } from "./deadlines-view.service.js";
import { describeMetBy, isNotifyIndividualsRule, peopleScopeOf } from "./obligation-closing.policy.js";
import { readCoverage } from "./obligation-hooks.service.js";
import type { SuggestionList } from "./obligation-suggestions.policy.js";
import { suggestForIncident } from "./obligation-suggestions.service.js";

/** The incident and the viewer, as the incident page passes them to a section. */
type SectionIncident = Parameters<IncidentSection["load"]>[1];
type Viewer = Parameters<IncidentSection["load"]>[2];

/** The pack's rules grouped by jurisdiction, for the "browse a regime" list. */
function rulesByJurisdiction(): { jurisdiction: string; rules: Rule[] }[] {
  const groups = new Map<string, Rule[]>();
  for (const rule of rulePack.rules) groups.set(rule.jurisdiction, [...(groups.get(rule.jurisdiction) ?? []), rule]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([jurisdiction, rules]) => ({ jurisdiction, rules }));
}

/** Short names of the facts, for the time axis. */
const SHORT_FACT: Record<string, string> = {
  "incident.aware_at": "aware",
  "incident.detected_at": "detected",
  "incident.detected_year_end": "year end",
  "decision.notifiable": "notifiable",
  "decision.material": "material",
  "statement.prepared": "statement",
};

/**
 * The instants that start the incident's clocks, one per fact or recorded event, each with the
 * trigger codes it starts: "became aware" starts awareness, aware_suspected_breach, ... at once.
 */
function groupClockStarts(events: (EffectiveClockEvent & { label: string; inZone: string })[], reference: string) {
  const groups = new Map<
    string,
    {
      title: string;
      short: string;
      at: Date;
      inZone: string;
      codes: { code: string; label: string }[];
      source: "recorded" | "incident";
      isOverride: boolean;
      overrides: string | null;
      note: string;
      href: string;
    }
  >();
  for (const e of events) {
    const key = e.source === "recorded" ? `event:${e.code}` : `${e.fact}:${e.factRecordId}`;
    const group = groups.get(key) ?? {
      title:
        e.source === "recorded" ? `Clock event: ${e.label}` : String(CLOCK_FACT_LABELS[e.fact as keyof typeof CLOCK_FACT_LABELS]),
      short: e.source === "recorded" ? e.code : (SHORT_FACT[e.fact ?? ""] ?? e.code),
      at: e.at,
      inZone: e.inZone,
      codes: [],
      source: e.source,
      isOverride: e.isOverride,
      overrides: e.isOverride && e.fact ? CLOCK_FACT_LABELS[e.fact] : null,
      note: e.source === "recorded" ? e.note : "",
      href: clockFactHref(reference, e),
    };
    group.codes.push({ code: e.code, label: e.label });
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => +a.at - +b.at);
}

/** The mapping table as the page lists it: each trigger code and the fact that starts it. */
function factTable() {
  return Object.entries(TRIGGER_FACTS).map(([code, m]) => ({ code, fact: CLOCK_FACT_LABELS[m.fact], why: m.why }));
}

/**
 * How far the telling of the people each outstanding obligation to tell them concerns has come,
 * by obligation id (the ledger's coverage: rejected rows still outstanding count as not told).
 */
async function coverageOfIndividuals(
  deps: Deps,
  incident: SectionIncident,
  deadlines: { obligation: { id: string }; rule: Rule; isOutstanding: boolean }[],
) {
  const entries = await Promise.all(
    deadlines
      .filter((d) => d.isOutstanding && isNotifyIndividualsRule(d.rule))
      .map(async (d) => {
        const c = await readCoverage(deps.db.prisma, incident.id, peopleScopeOf(d.rule, incident.location));
        return [d.obligation.id, c] as const;
      }),
  );
  return Object.fromEntries(entries);
}

/** What the suggestions were read from, in words, for the page. */
function describeSuggestedFrom(list: SuggestionList, peopleCount: number | null, zone: string) {
  const p = list.profile;
  const residents = Object.entries(p.residents ?? {}).sort((a, b) => b[1] - a[1]);
  const imported = residents.reduce((sum, [, n]) => sum + n, 0);
  return {
    // The day in the incident's zone, as the rules' "in force on" reasons read it.
    at: DateTime.fromJSDate(p.at, { zone }).toISODate() ?? p.at.toISOString().slice(0, 10),
    establishedIn: p.establishedIn?.join(", ") ?? "not given",
    residents: residents.length
      ? residents.map(([code, n]) => `${n.toLocaleString("en")} in ${code}`).join(", ")
      : "no people imported",
    isCountShort: peopleCount !== null && peopleCount > imported,
    peopleCount,
    dataElements: p.dataElements ? p.dataElements.join(", ") || "none the laws name" : "no data categories recorded",
    encrypted: list.encryptedCategories.join(", "),
    counts: {
      yes: list.suggestions.filter((s) => s.applies === "yes").length,
      maybe: list.suggestions.filter((s) => s.applies === "maybe").length,
      no: list.suggestions.filter((s) => s.applies === "no").length,
    },
  };
}

/** Everything the deadlines partial shows, for an incident and a viewer. */
export async function loadDeadlinesSection(deps: Deps, incident: SectionIncident, viewer: Viewer) {
  const now = deps.clock.now();
  const canEdit = isAllowed(viewer.role as Parameters<typeof isAllowed>[0], "manager");
  const { recorded, decisions, obligations, regimes, peopleCount, peoplePlaces } = await loadDeadlineFacts(
    deps,
    incident.id,
    canEdit,
  );
  const events = effectiveClockEvents({ ...incident, decisions }, recorded).map((e) => ({
    ...e,
    label: labelOfTrigger(e.code),
    inZone: formatInZone(e.at, e.zone),
  }));
  const deadlines = sortByUrgency(
    obligations.map((o) => ({
      ...describeObligation(o, events, now, viewer.timeZone, incident.reference),
      metByText: describeMetBy(o.metBy),
    })),
    now,
  );
  const suggested = canEdit
    ? await suggestForIncident(deps, incident, {
        decisionRegimes: regimes,
        appliedRuleIds: obligations.map((o) => o.ruleId),
        peoplePlaces,
        now,
      })
    : null;
  // The end of the detection year starts only the HIPAA small-breach log: shown when a rule uses it.
  const used = new Set<string>(deadlines.map((d) => d.rule.trigger.code));
  const starts = groupClockStarts(events, incident.reference).filter(
    (g) => g.short !== "year end" || g.codes.some((c) => used.has(c.code)),
  );
  const axis = layoutClockAxis({
    now,
    events: starts.map((g) => ({
      label: g.short,
      at: g.at,
      when: formatInZone(g.at, viewer.timeZone).slice(0, 10),
      title: `${g.title.charAt(0).toUpperCase()}${g.title.slice(1)}: ${g.inZone}; starts ${g.codes.map((c) => c.code).join(", ")}`,
      listText: `${g.title.charAt(0).toUpperCase()}${g.title.slice(1)}: ${g.inZone}`,
    })),
    deadlines: deadlines
      .filter((d) => d.urgentAt && d.isOutstanding)
      .map((d) => ({
        label: `${d.rule.id} ${d.timeLeft?.isOverdue ? "OVERDUE" : "due"}`,
        at: d.urgentAt as Date,
        when: formatInZone(d.urgentAt as Date, viewer.timeZone).slice(0, 10),
        title: `${d.rule.id}: ${d.rule.obligation}; ${d.dueAt ? "due" : "guidance target"} ${formatInZone(d.urgentAt as Date, d.obligation.zone)}; ${d.timeLeft?.text ?? ""}`,
        listText: `${d.rule.id} ${d.dueAt ? "due" : "target"} ${formatInZone(d.urgentAt as Date, d.obligation.zone)}: ${d.timeLeft?.text ?? ""}`,
        isOverdue: d.timeLeft?.isOverdue ?? false,
      })),
  });
  return {
    incident,
    canEdit,
    viewerZone: viewer.timeZone,
    now,
    nowInZone: formatInZone(now, viewer.timeZone),
    events,
    starts,
    proposal: describeProposal(incident),
    coverage: await coverageOfIndividuals(deps, incident, deadlines),
    factTable: factTable(),
    deadlines,
    overdueCount: deadlines.filter((d) => d.timeLeft?.isOverdue).length,
    axis,
    suggestions: suggested?.suggestions ?? [],
    suggestedFrom: suggested ? describeSuggestedFrom(suggested, peopleCount, incident.timeZone) : null,
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
