/**
 * The value each fixed placeholder takes for a person, and what is missing when it has none
 * (the words the render check counts by). Values are one line: control characters and line
 * breaks are gone before they reach a notice. Pure.
 */
import { fieldLabels, type OrganisationPlaceholder, placeholderField } from "../organisation/index.js";
import { formatCode } from "../verification/index.js";
import { placeholderKey } from "./notice-content.policy.js";
import { cleanLine, type Slot } from "./notice-format.policy.js";
import type { NoticeRecipient } from "./notice-render.policy.js";

/** A version's contact details, cleaned to one line each. */
export interface VersionContact {
  organisation: string;
  email: string;
  phone: string;
  phoneHref: string;
  /** The {{organisation.*}} values: the organisation's profile with the incident's own values, or what a campaign pinned. */
  profile: Readonly<Partial<Record<OrganisationPlaceholder, string>>>;
  /** The page where people check a notice's code (PUBLIC_URL/verify); "" when the renderer was given none. */
  verifyUrl: string;
}

/** An attribute as text: callers may hand over parsed JSON, whose values are not always strings. */
function attributeText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** An attribute by its exact name, else by its name ignoring case and surrounding spaces. */
function attributeValue(attributes: Record<string, string>, name: string): string {
  if (Object.hasOwn(attributes, name)) return attributeText(attributes[name]);
  const wanted = name.trim().toLowerCase();
  for (const [key, value] of Object.entries(attributes)) if (key.trim().toLowerCase() === wanted) return attributeText(value);
  return "";
}

/** The value of a placeholder for a person, one line; empty when the person has none. */
export function placeholderValue(
  slot: Slot,
  r: NoticeRecipient,
  contact: VersionContact,
  reference: string,
  categories: string,
): string {
  switch (slot.ref.name) {
    case "first_name":
      return cleanLine(r.givenName).trim();
    case "last_name":
      return cleanLine(r.familyName).trim();
    case "full_name":
      return cleanLine(`${r.givenName.trim()} ${r.familyName.trim()}`).trim();
    case "email":
      return cleanLine(r.email ?? "").trim();
    case "external_id":
      return cleanLine(r.externalId ?? "").trim();
    case "incident_reference":
      return reference;
    case "categories":
      return categories;
    case "organisation":
      return contact.organisation;
    case "contact_email":
      return contact.email;
    case "contact_phone":
      return contact.phone;
    case "attribute":
      return cleanLine(attributeValue(r.attributes, slot.ref.attribute ?? "")).trim();
    case "verification.code":
      return r.verificationCode ? formatCode(cleanLine(r.verificationCode).trim()) : "";
    case "verification.url":
      return contact.verifyUrl;
    default:
      return cleanLine(contact.profile[slot.ref.name] ?? "").trim();
  }
}

/** What is missing when a placeholder has no value: the words the render check counts by. */
export function missingValueProblem(slot: Slot): string {
  const written = placeholderKey(slot.ref);
  switch (slot.ref.name) {
    case "first_name":
      return `no first name for ${written}`;
    case "last_name":
      return `no last name for ${written}`;
    case "full_name":
      return `no name for ${written}`;
    case "email":
      return `no e-mail address for ${written}`;
    case "external_id":
      return `no external id for ${written}`;
    case "attribute":
      return `no "${slot.ref.attribute}" value for ${written}`;
    case "verification.code":
      return `no verification code for ${written} (each notice gets one when its campaign starts)`;
    case "verification.url":
      return `no address of the verification page for ${written}`;
    case "organisation.name":
    case "organisation.address":
    case "organisation.contact":
    case "organisation.contact_email":
    case "organisation.contact_phone":
    case "organisation.privacy_officer":
    case "organisation.website":
      return `the organisation has no ${fieldLabels[placeholderField[slot.ref.name]].toLowerCase()} for ${written} (set it on the Organisation page)`;
    default:
      return `the version has no value for ${written}`;
  }
}
