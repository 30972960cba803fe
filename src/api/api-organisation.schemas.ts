// What the organisation endpoints read and answer, as zod (v4) schemas for the OpenAPI document
// (api-openapi.ts). The handlers read the bodies with the pages' own schemas
// (modules/organisation/organisation.schemas.ts), so the API and the pages refuse the same things
// with the same words; these describe the same fields as JSON.
import { z } from "zod/v4";
import { instant, named } from "./api-responses.schemas.js";

const text = (description: string) => z.string().meta({ description });
const address = (description: string) => z.string().meta({ description: `${description}, an e-mail address; "" when not set` });

const profileFields = {
  name: text("The organisation's name, as the affected people know it (required to save)"),
  address: text("Postal address, one line per line"),
  contactEmail: address("Contact e-mail address"),
  contactPhone: text("Contact phone number, e.g. +61 2 5550 0100"),
  privacyOfficer: text("The privacy officer's name or role"),
  privacyOfficerEmail: address("The privacy officer's e-mail address"),
  website: text("https:// address of the website"),
  senderName: text("The notices' sender name; the organisation's name when empty"),
  senderAddress: address("The notices' sender address, at the organisation's domain"),
  replyTo: address("Where replies go, when not to the sender"),
};
const overrideFields = {
  senderName: profileFields.senderName,
  senderAddress: profileFields.senderAddress,
  replyTo: profileFields.replyTo,
  contactEmail: profileFields.contactEmail,
  contactPhone: profileFields.contactPhone,
};

export const organisationBody = named(
  "OrganisationBody",
  "The organisation's profile as an administrator sets it; a field left out is saved empty.",
  z.object(profileFields).partial().required({ name: true }),
);

export const incidentOrganisationBody = named(
  "IncidentOrganisationBody",
  "An incident's own sender and contact point; an empty or missing field means the organisation's.",
  z.object(overrideFields).partial(),
);

const sender = named(
  "NoticeSender",
  "The notices' From and Reply-To; null while there is no sender address, and then no campaign starts.",
  z
    .object({
      from: z.object({ name: z.string(), address: z.string() }),
      replyTo: z.string().nullable().meta({ description: "null: replies go to the sender" }),
      text: z.string().meta({ examples: ["Linux Australia <privacy@linux.org.au>"] }),
    })
    .nullable(),
);

export const senderReadiness = named(
  "SenderReadiness",
  "The sender domain's SPF, DKIM and DMARC records as found in DNS (within 3 s): warnings only, a campaign starts whatever they say. null without a sender.",
  z
    .object({
      domain: z.string(),
      isReady: z.boolean(),
      checkedAt: instant,
      findings: z.array(
        z.object({
          check: z.enum(["spf", "dkim", "dmarc"]),
          status: z.enum(["ok", "info", "warning", "unknown"]),
          summary: z.string(),
          detail: z.string(),
          record: z.string().nullable(),
        }),
      ),
    })
    .nullable(),
);

export const organisation = named(
  "Organisation",
  "The organisation's profile (empty fields before an administrator sets them), the notices' sender and its domain's readiness.",
  z.object({
    profile: z.object(profileFields),
    updatedAt: instant.nullable(),
    sender,
    readiness: senderReadiness,
  }),
);

export const incidentOrganisation = named(
  "IncidentOrganisation",
  "An incident's own values, the organisation its notices use (the profile with the incident's values over it), the sender and its domain's readiness.",
  z.object({
    reference: z.string(),
    own: z.object(overrideFields),
    organisation: z.object({
      ...profileFields,
      fromIncident: z.array(z.enum(["senderName", "senderAddress", "replyTo", "contactEmail", "contactPhone"])),
    }),
    sender,
    readiness: senderReadiness,
  }),
);

const applicabilityFields = {
  establishedIn: z
    .array(z.string())
    .nullable()
    .meta({ description: 'Jurisdiction codes as the rule pack writes them, e.g. ["AU-NSW"]; null: not given' }),
  entityTypes: z
    .array(z.string())
    .nullable()
    .meta({ description: "Entity-type words (README, breachdesk applicable); [] none of them; null: not given" }),
  annualTurnover: z
    .object({ amount: z.number(), currency: z.string().meta({ examples: ["AUD"] }) })
    .nullable()
    .meta({
      description: "For Australia's s 6D (A$3,000,000 or less: a small business unless an exception applies); null: not given",
    }),
  offersToEU: z
    .boolean()
    .nullable()
    .meta({ description: "Offers goods or services to, or monitors, people in the EU (GDPR Art. 3(2)); null: not given" }),
  offersToUK: z.boolean().nullable().meta({ description: "The same for the UK; null: not given" }),
};

export const applicabilityBody = named(
  "OrganisationApplicabilityBody",
  "Who the law reaches, as the keys of `breachdesk applicable --profile` name it; a key left out or null is saved as not given.",
  z.object(applicabilityFields).partial(),
);

export const applicability = named(
  "OrganisationApplicability",
  "Who the law reaches, as saved (every value null before an administrator sets it); the rule suggestions read it.",
  z.object(applicabilityFields),
);
