/**
 * The organisation that speaks to the affected people: its profile, an incident's own values
 * over it, the notices' sender that follows, the {{organisation.*}} placeholders' values and the
 * copy a campaign pins when it starts. Pure.
 */
import type { MailAddress } from "../../mail/mailer.js";

export const profileFields = [
  "name",
  "address",
  "contactEmail",
  "contactPhone",
  "privacyOfficer",
  "privacyOfficerEmail",
  "website",
  "senderName",
  "senderAddress",
  "replyTo",
] as const;
export type ProfileField = (typeof profileFields)[number];
export type ProfileValues = Record<ProfileField, string>;

/** What an incident may set for itself: who its notices come from and whom people contact. */
export const overrideFields = ["senderName", "senderAddress", "replyTo", "contactEmail", "contactPhone"] as const;
export type OverrideField = (typeof overrideFields)[number];
export type OverrideValues = Record<OverrideField, string>;

/** What each field is called on the pages and in messages. */
export const fieldLabels: Record<ProfileField, string> = {
  name: "Organisation name",
  address: "Postal address",
  contactEmail: "Contact e-mail address",
  contactPhone: "Contact phone number",
  privacyOfficer: "Privacy officer",
  privacyOfficerEmail: "Privacy officer's e-mail address",
  website: "Website",
  senderName: "Sender name",
  senderAddress: "Sender address",
  replyTo: "Reply-To address",
};

/** The organisation as an incident's notices use it: the profile with the incident's own values over it. */
export interface Organisation extends ProfileValues {
  /** The fields whose value is the incident's own. */
  fromIncident: OverrideField[];
}

/** The notices' From and Reply-To. */
export interface NoticeSender {
  from: MailAddress;
  /** null: replies go to the sender. */
  replyTo: string | null;
}

export function emptyProfile(): ProfileValues {
  return Object.fromEntries(profileFields.map((field) => [field, ""])) as ProfileValues;
}

/** Keeps the profile's fields only, each a trimmed string ("" when missing). */
export function profileValuesOf(row: object | null): ProfileValues {
  const values = emptyProfile();
  for (const field of profileFields) {
    const value = (row as Record<string, unknown> | null)?.[field];
    if (typeof value === "string") values[field] = value.trim();
  }
  return values;
}

/** The profile with each non-empty value of the incident's over it. */
export function effectiveOrganisation(
  profile: Partial<Record<string, unknown>> | null,
  incident: Partial<Record<string, unknown>> | null,
): Organisation {
  const values = profileValuesOf(profile);
  const fromIncident: OverrideField[] = [];
  for (const field of overrideFields) {
    const own = incident?.[field];
    if (typeof own === "string" && own.trim() !== "") {
      values[field] = own.trim();
      fromIncident.push(field);
    }
  }
  return { ...values, fromIncident };
}

/**
 * The notices' sender: the sender address with the sender name (else the organisation's name),
 * and the reply-to when one is set; null while there is no sender address, which a campaign's
 * start refuses (MAIL_FROM is the system's own address, never a notice's).
 */
export function noticeSenderOf(organisation: ProfileValues): NoticeSender | null {
  const address = organisation.senderAddress.trim();
  if (!address) return null;
  const name = (organisation.senderName || organisation.name).trim();
  const replyTo = organisation.replyTo.trim();
  return { from: { name, address }, replyTo: replyTo && replyTo.toLowerCase() !== address.toLowerCase() ? replyTo : null };
}

/** The sender as people see it: `Name <address>`. */
export function describeSender(sender: NoticeSender): string {
  return sender.from.name ? `${sender.from.name} <${sender.from.address}>` : sender.from.address;
}

/** The domain part of an address, lower case; null without one. */
export function domainOf(address: string): string | null {
  const at = address.lastIndexOf("@");
  const domain =
    at < 0
      ? ""
      : address
          .slice(at + 1)
          .trim()
          .toLowerCase();
  return domain || null;
}

/** The {{organisation.*}} placeholders, each with what it becomes. */
export const organisationPlaceholders = [
  { name: "organisation.name", description: "the organisation's name (Organisation page)" },
  { name: "organisation.address", description: "its postal address, on one line" },
  { name: "organisation.contact", description: "its contact e-mail and phone (or the incident's own)" },
  { name: "organisation.contact_email", description: "its contact e-mail address (or the incident's own)" },
  { name: "organisation.contact_phone", description: "its contact phone number (or the incident's own)" },
  { name: "organisation.privacy_officer", description: "its privacy officer, with their e-mail address" },
  { name: "organisation.website", description: "its website" },
] as const;
export type OrganisationPlaceholder = (typeof organisationPlaceholders)[number]["name"];

/** Which profile field a placeholder's value needs, for the message when it has none. */
export const placeholderField: Record<OrganisationPlaceholder, ProfileField> = {
  "organisation.name": "name",
  "organisation.address": "address",
  "organisation.contact": "contactEmail",
  "organisation.contact_email": "contactEmail",
  "organisation.contact_phone": "contactPhone",
  "organisation.privacy_officer": "privacyOfficer",
  "organisation.website": "website",
};

/** Each placeholder's value, one line (the address's lines joined with commas); "" when not set. */
export function organisationPlaceholderValues(organisation: ProfileValues): Record<OrganisationPlaceholder, string> {
  const line = (text: string) =>
    text
      .split(/\r?\n/)
      .map((part) => part.trim().replace(/,$/, ""))
      .filter(Boolean)
      .join(", ");
  const officer = organisation.privacyOfficer.trim();
  const officerEmail = organisation.privacyOfficerEmail.trim();
  return {
    "organisation.name": line(organisation.name),
    "organisation.address": line(organisation.address),
    "organisation.contact": [organisation.contactEmail, organisation.contactPhone]
      .map((v) => v.trim())
      .filter(Boolean)
      .join(", "),
    "organisation.contact_email": organisation.contactEmail.trim(),
    "organisation.contact_phone": organisation.contactPhone.trim(),
    "organisation.privacy_officer": officer && officerEmail ? `${officer} (${officerEmail})` : officer || officerEmail,
    "organisation.website": organisation.website.trim(),
  };
}

/** The copy a campaign keeps of the organisation its notices go out with (campaign.organisation). */
export function pinOrganisation(organisation: Organisation): string {
  return JSON.stringify({ ...profileValuesOf(organisation), fromIncident: organisation.fromIncident });
}

/** A campaign's pinned organisation, or null (not started, started before it was pinned, or unreadable). */
export function readPinnedOrganisation(json: string | null): Organisation | null {
  if (!json) return null;
  try {
    const parsed = JSON.parse(json) as Record<string, unknown>;
    if (!parsed || typeof parsed !== "object") return null;
    const fromIncident = Array.isArray(parsed.fromIncident)
      ? parsed.fromIncident.filter((f): f is OverrideField => (overrideFields as readonly string[]).includes(String(f)))
      : [];
    return { ...profileValuesOf(parsed), fromIncident };
  } catch {
    return null;
  }
}
