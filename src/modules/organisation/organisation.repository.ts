import type { DbOrTx } from "../../db/client.js";
import type { IncidentOrganisation, OrganisationProfile } from "../../generated/sqlite/client.js";
import type { OverrideValues, ProfileValues } from "./organisation-profile.policy.js";

export type { IncidentOrganisation, OrganisationProfile };

/** The profile's one row. */
export const PROFILE_ID = "default";

/** The organisation's profile, or null before an administrator first saved it. */
export function findProfile(db: DbOrTx) {
  return db.organisationProfile.findUnique({ where: { id: PROFILE_ID } });
}

/** Writes the profile's one row, creating it the first time. */
export function upsertProfile(db: DbOrTx, values: ProfileValues, updatedById: string | null, now: Date) {
  const data = { ...values, updatedById, updatedAt: now };
  return db.organisationProfile.upsert({ where: { id: PROFILE_ID }, create: { id: PROFILE_ID, ...data }, update: data });
}

/** An incident's own sender and contact point, or null when it has none. */
export function findIncidentOrganisation(db: DbOrTx, incidentId: string) {
  return db.incidentOrganisation.findUnique({ where: { incidentId } });
}

/** Writes an incident's own values, creating the row the first time. */
export function upsertIncidentOrganisation(
  db: DbOrTx,
  incidentId: string,
  values: OverrideValues,
  updatedById: string | null,
  now: Date,
) {
  const data = { ...values, updatedById, updatedAt: now };
  return db.incidentOrganisation.upsert({ where: { incidentId }, create: { incidentId, ...data }, update: data });
}

/** Who the law reaches (the same one row's id), or null before an administrator first saved it. */
export function findApplicability(db: DbOrTx) {
  return db.organisationApplicability.findUnique({ where: { id: PROFILE_ID } });
}

/** Writes who the law reaches, creating the row the first time. */
export function upsertApplicability(
  db: DbOrTx,
  values: {
    establishedIn: string | null;
    entityTypes: string | null;
    annualTurnover: number | null;
    turnoverCurrency: string;
    offersToEU: boolean | null;
    offersToUK: boolean | null;
  },
  updatedById: string | null,
  now: Date,
) {
  const data = { ...values, updatedById, updatedAt: now };
  return db.organisationApplicability.upsert({ where: { id: PROFILE_ID }, create: { id: PROFILE_ID, ...data }, update: data });
}
