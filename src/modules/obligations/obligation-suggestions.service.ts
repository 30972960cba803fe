// Every rule of the pack for an incident, read from the organisation's profile (who the law
// reaches) and the incident's facts: the deadlines section's suggestions and `breachdesk
// applicable --incident REF` (decision 0032).
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { loadIncidentData } from "../data-categories/index.js";
import { rulePack } from "../deadlines/index.js";
import { loadIncident } from "../incidents/index.js";
import { loadApplicability, toApplicabilityProfile } from "../organisation/index.js";
import { TRIGGER_FACTS } from "./clock-facts.policy.js";
import { loadDeadlineFacts } from "./deadlines-view.service.js";
import { type PlaceCount, type SuggestionList, suggestObligations } from "./obligation-suggestions.policy.js";

/**
 * Every rule not yet applied to the incident, applies / may apply / does not apply with the
 * reasons: the organisation's profile with the incident's discovery (detected, else aware, else
 * now: the law in force then decides), its location, its data categories (not encrypted) and
 * where its imported people live.
 */
export async function suggestForIncident(
  deps: Deps,
  incident: Incident,
  known: { decisionRegimes: string[]; appliedRuleIds: string[]; peoplePlaces: PlaceCount[]; now: Date },
): Promise<SuggestionList> {
  const [reach, data] = await Promise.all([loadApplicability(deps.db.prisma), loadIncidentData(deps, incident)]);
  const { at: _at, ...organisation } = toApplicabilityProfile(reach, known.now);
  return suggestObligations(rulePack.rules, {
    location: incident.location,
    decisionRegimes: known.decisionRegimes,
    appliedRuleIds: known.appliedRuleIds,
    peoplePlaces: known.peoplePlaces,
    startableCodes: new Set(Object.keys(TRIGGER_FACTS)),
    at: incident.detectedAt ?? incident.awareAt ?? known.now,
    organisation,
    dataCategories: data.entries.map((e) => ({ id: e.categoryId, encrypted: e.encrypted })),
  });
}

/** The same for an incident named by its reference, every rule of the pack included (applied ones too). */
export async function suggestForReference(deps: Deps, reference: string): Promise<SuggestionList> {
  const incident = await loadIncident(deps.db.prisma, reference);
  const facts = await loadDeadlineFacts(deps, incident.id, true);
  return suggestForIncident(deps, incident, {
    decisionRegimes: facts.regimes,
    appliedRuleIds: [],
    peoplePlaces: facts.peoplePlaces,
    now: deps.clock.now(),
  });
}
