// Reads the incident's record into the plain shape the drafts are made from
// (statement-record.policy.ts): the organisation, the timeline, the data categories, the people's
// count, the newest assessment, the remedial actions and the systems.
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { loadIncidentData } from "../data-categories/index.js";
import { loadIncidentCoverage } from "../ledger/index.js";
import { loadOrganisationFor } from "../organisation/index.js";
import { loadTimelineEvents } from "../timeline/index.js";
import type { StatementRecord } from "./statement-record.policy.js";
import { readRecordExtras } from "./statements.repository.js";

/** The record of an incident as a statement reads it now, with the obligation's deadline when applied. */
export async function loadStatementRecord(
  deps: Deps,
  db: DbOrTx,
  incident: Incident,
  dueAt: Date | null,
): Promise<StatementRecord> {
  const [organisation, events, data, coverage, extras] = await Promise.all([
    loadOrganisationFor(db, incident.id),
    loadTimelineEvents(deps, incident.id),
    loadIncidentData(deps, incident),
    loadIncidentCoverage(db, incident.id),
    readRecordExtras(db, incident.id),
  ]);
  const corrected = new Set(events.map((e) => e.correctsId).filter(Boolean));
  const a = extras.assessment;
  return {
    incident: {
      reference: incident.reference,
      title: incident.title,
      summary: incident.summary,
      timeZone: incident.timeZone,
      occurredFrom: incident.occurredFrom,
      occurredTo: incident.occurredTo,
      detectedAt: incident.detectedAt,
      awareAt: incident.awareAt,
      containedAt: incident.containedAt,
    },
    organisation: {
      name: organisation.name,
      address: organisation.address,
      contactEmail: organisation.contactEmail,
      contactPhone: organisation.contactPhone,
      privacyOfficer: organisation.privacyOfficer,
      privacyOfficerEmail: organisation.privacyOfficerEmail,
      website: organisation.website,
    },
    events: events
      .filter((e) => !corrected.has(e.id))
      .map((e) => ({ occurredAt: e.occurredAt, kind: e.kind, description: e.description })),
    categories: data.entries.map((e) => ({
      id: e.category.id,
      name: e.category.name,
      details: e.details,
      advice: e.category.advice,
      harm: e.category.harm,
      sensitivity: e.category.sensitivity,
    })),
    peopleAffected: coverage.affected,
    assessment: a
      ? {
          peopleCount: a.peopleCount,
          peopleCountNote: a.peopleCountNote,
          whoMayHold: a.whoMayHold,
          remedialSummary: a.remedialSummary,
          seriousHarmLikely: a.seriousHarmLikely,
          rationale: a.rationale,
        }
      : null,
    actions: extras.actions.map((x) => ({ title: x.title, status: x.status, notes: x.notes })),
    systems: extras.systems.map((s) => ({ name: s.name, compromiseMethod: s.compromiseMethod, status: s.status })),
    dueAt,
    now: deps.clock.now(),
  };
}
