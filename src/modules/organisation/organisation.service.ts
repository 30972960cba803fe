import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { type Actor, withAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import {
  findApplicability,
  findIncidentOrganisation,
  findProfile,
  PROFILE_ID,
  upsertApplicability,
  upsertIncidentOrganisation,
  upsertProfile,
} from "./organisation.repository.js";
import type { OverrideInput, ProfileInput } from "./organisation.schemas.js";
import {
  type ApplicabilityValues,
  applicabilityRowOf,
  applicabilityValuesOf,
  describeApplicability,
} from "./organisation-applicability.policy.js";
import {
  effectiveOrganisation,
  noticeSenderOf,
  type Organisation,
  type OverrideValues,
  overrideFields,
  profileValuesOf,
} from "./organisation-profile.policy.js";
import { checkSenderReadiness } from "./sender-readiness.service.js";

/**
 * The organisation an incident's notices use: the profile with the incident's own values over
 * it (incidentId null: the profile alone). Empty fields before an administrator sets them.
 */
export async function loadOrganisationFor(db: DbOrTx, incidentId: string | null): Promise<Organisation> {
  const [profile, own] = await Promise.all([findProfile(db), incidentId ? findIncidentOrganisation(db, incidentId) : null]);
  return effectiveOrganisation(profile, own);
}

/** The administrator's page: the profile as saved (or empty), who saved it last, and its sender domain's readiness. */
export async function loadProfilePage(deps: Pick<Deps, "db" | "config">) {
  const [row, reach] = await Promise.all([findProfile(deps.db.prisma), findApplicability(deps.db.prisma)]);
  const profile = profileValuesOf(row);
  const sender = noticeSenderOf(profile);
  return {
    profile,
    updatedAt: row?.updatedAt ?? null,
    applicability: applicabilityValuesOf(reach),
    applicabilityUpdatedAt: reach?.updatedAt ?? null,
    sender,
    readiness: sender ? await checkSenderReadiness(deps.config, sender.from.address) : null,
  };
}

/**
 * Saves the organisation's profile (creating it the first time), audited as
 * `organisation.update` with the values before and after. Every incident without its own values
 * uses them from now on; campaigns already started keep the copy they pinned.
 */
export async function saveProfile(deps: Pick<Deps, "db" | "clock">, input: ProfileInput, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const before = await findProfile(tx);
    const after = profileValuesOf(input);
    await upsertProfile(tx, after, actor.userId, deps.clock.now());
    return {
      result: after,
      audit: {
        action: "organisation.update",
        entityType: "organisation",
        entityId: PROFILE_ID,
        incidentId: null,
        before: before ? profileValuesOf(before) : null,
        after,
      },
    };
  });
}

function overrideValuesOf(row: Partial<Record<string, unknown>> | null): OverrideValues {
  return Object.fromEntries(
    overrideFields.map((field) => [field, typeof row?.[field] === "string" ? (row[field] as string).trim() : ""]),
  ) as OverrideValues;
}

/** An incident's sender page: its own values, the organisation's, what its notices use, and the sender domain's readiness. */
export async function loadIncidentOrganisationPage(deps: Pick<Deps, "db" | "config">, reference: string) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const [profileRow, own] = await Promise.all([
    findProfile(deps.db.prisma),
    findIncidentOrganisation(deps.db.prisma, incident.id),
  ]);
  const organisation = effectiveOrganisation(profileRow, own);
  const sender = noticeSenderOf(organisation);
  return {
    incident,
    own: overrideValuesOf(own),
    profile: profileValuesOf(profileRow),
    hasProfile: profileRow !== null,
    organisation,
    sender,
    readiness: sender ? await checkSenderReadiness(deps.config, sender.from.address) : null,
  };
}

/**
 * Saves an incident's own sender and contact point (empty fields: the organisation's), audited
 * as `incident_organisation.update` with the incident. The incident's campaigns started from now
 * on use them; those already started keep what they pinned.
 */
export async function saveIncidentOrganisation(
  deps: Pick<Deps, "db" | "clock">,
  reference: string,
  input: OverrideInput,
  actor: Actor,
) {
  const incident = await loadIncident(deps.db.prisma, reference);
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const before = await findIncidentOrganisation(tx, incident.id);
    const after = overrideValuesOf(input);
    await upsertIncidentOrganisation(tx, incident.id, after, actor.userId, deps.clock.now());
    return {
      result: { incident, own: after },
      audit: {
        action: "incident_organisation.update",
        entityType: "incident_organisation",
        entityId: incident.id,
        incidentId: incident.id,
        before: before ? overrideValuesOf(before) : null,
        after,
      },
    };
  });
}

/** Who the law reaches, as the organisation recorded it (every value null before it did). */
export async function loadApplicability(db: DbOrTx): Promise<ApplicabilityValues> {
  return applicabilityValuesOf(await findApplicability(db));
}

/**
 * Saves who the law reaches (where the organisation is established, the kinds of entity it is,
 * its turnover, its offers to the EU and the UK), audited as `organisation_applicability.update`
 * with the values before and after, in words. The rule suggestions of every incident read it
 * from now on; obligations already applied stay.
 */
export async function saveApplicability(deps: Pick<Deps, "db" | "clock">, values: ApplicabilityValues, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const before = await findApplicability(tx);
    await upsertApplicability(tx, applicabilityRowOf(values), actor.userId, deps.clock.now());
    return {
      result: values,
      audit: {
        action: "organisation_applicability.update",
        entityType: "organisation",
        entityId: PROFILE_ID,
        incidentId: null,
        before: before ? describeApplicability(applicabilityValuesOf(before)) : null,
        after: describeApplicability(values),
      },
    };
  });
}
