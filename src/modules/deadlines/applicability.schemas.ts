// Who a rule binds, as data on each rule of the pack (rule.applicability): where the organisation
// is established, the law's reach beyond its borders (GDPR Art. 3(2)), head counts of residents,
// the data elements that trigger a state's law, the kinds of entity it binds, its exemptions.
// applicability.policy.ts reads it against an organisation's profile (decision 0027).
import { z } from "zod";

/**
 * The kinds of organisation a rule may bind, as a profile's `entityTypes` names them. The first
 * group is issue 17's; the Australian group are the s 6D(4) exceptions that make a small business
 * an APP entity all the same (and the declared status itself).
 */
export const ENTITY_TYPES = {
  "health-provider": "a health care provider",
  "hipaa-covered-entity": "a HIPAA covered entity",
  "hipaa-business-associate": "a HIPAA business associate",
  "dora-financial-entity": "a financial entity under DORA",
  "nis2-essential-entity": "an essential entity under NIS2",
  "nis2-important-entity": "an important entity under NIS2",
  "sec-registrant": "an SEC registrant",
  "telecom-provider": "a provider of public electronic communications services",
  "critical-infrastructure": "an operator of critical infrastructure",
  "financial-institution": "a non-bank financial institution (FTC Safeguards Rule)",
  "nydfs-covered-entity": "a covered entity of the New York Department of Financial Services",
  "california-licensed-health-facility": "a licensed California clinic, health facility, home health agency or hospice",
  "cn-central-or-state-organ": "a central or state organ of China",
  "app-entity": "an APP entity (Privacy Act 1988)",
  "au-health-service-provider": "a health service provider (s 6D(4)(b))",
  "au-opted-in": "a small business that chose to be treated as an organisation (s 6EA)",
  "au-trades-in-personal-information":
    "a business that discloses or collects personal information for a benefit (s 6D(4)(c), (d))",
  "au-commonwealth-contractor": "a contracted service provider for a Commonwealth contract (s 6D(4)(e))",
  "au-credit-reporting-body": "a credit reporting body (s 6D(4)(f))",
  "au-related-to-larger-business": "related to a body corporate that is not a small business (s 6D(9))",
  "au-government-agency": "an Australian Government agency",
  "apra-regulated-entity": "an APRA-regulated entity (bank, insurer, superannuation trustee: CPS 234)",
  "soci-responsible-entity": "the responsible entity for a critical infrastructure asset under Part 2B of the SOCI Act",
  "au-ransomware-reporting-entity":
    "a reporting business entity under the Cyber Security Act 2024 (carries on business in Australia with a turnover over A$3 million)",
  "occ-supervised-bank": "a national bank, federal savings association or federal branch supervised by the OCC",
  "fed-supervised-banking-organization":
    "a bank holding company, state member bank or other banking organization supervised by the Federal Reserve",
  "fdic-supervised-bank": "an insured state nonmember bank or state savings association supervised by the FDIC",
  "bank-service-provider": "a bank service provider (Bank Service Company Act)",
  "phr-vendor": "a vendor of personal health records or PHR related entity (FTC Health Breach Notification Rule)",
  "sec-covered-institution":
    "a broker-dealer, funding portal, investment company, registered investment adviser or transfer agent (SEC Regulation S-P)",
  "dod-contractor": "a defense contractor whose contract includes DFARS 252.204-7012",
  "insurance-licensee": "an insurer, producer or other licensee of a state insurance regulator",
  "eu-trust-service-provider": "a qualified or non-qualified trust service provider (eIDAS Regulation (EU) No 910/2014)",
  "cra-manufacturer": "a manufacturer of products with digital elements made available on the EU market (Cyber Resilience Act)",
  "data-processor":
    "a processor: processes personal data on behalf of a controller (GDPR and UK GDPR Art. 4(8); the processors of other laws)",
  "regsp-service-provider":
    "a service provider with access to the customer information of an SEC Regulation S-P covered institution (17 CFR 248.30(a)(5))",
} as const;
export type EntityType = keyof typeof ENTITY_TYPES;
export const ENTITY_TYPE_LIST = Object.keys(ENTITY_TYPES) as EntityType[];
export function isEntityType(word: string): word is EntityType {
  return Object.hasOwn(ENTITY_TYPES, word);
}

/** The entity types that make an Australian small business an APP entity all the same (s 6D(4), s 6EA). */
export const AU_SMALL_BUSINESS_EXCEPTIONS: readonly EntityType[] = [
  "app-entity",
  "au-health-service-provider",
  "au-opted-in",
  "au-trades-in-personal-information",
  "au-commonwealth-contractor",
  "au-credit-reporting-body",
  "au-related-to-larger-business",
  "au-government-agency",
];

/**
 * The kinds of information that trigger the US states' laws (with a name), as a profile's
 * `dataElements` names them. A state's own words map onto these: a military, student or tribal
 * identification number is `government-id`; an employer's identification number with its code,
 * or account passwords and PINs, `account-credentials`. `genetic`, `electronic-signature`,
 * `maiden-name` and `geolocation` serve the few states that name them (DNA in Wisconsin and the
 * District, electronic signatures in Washington, North Carolina and North Dakota, a mother's
 * maiden name in North Dakota, geolocation in Florida).
 */
export const DATA_ELEMENTS = {
  name: "names",
  ssn: "Social Security numbers",
  "drivers-license": "driver's licence or state identification numbers",
  "government-id": "other government identification numbers",
  passport: "passport numbers",
  "tax-id": "taxpayer identification numbers",
  "identity-document": "government identifiers of a kind not recorded (Social Security, licence, passport, tax or other)",
  "financial-account": "financial account numbers",
  "payment-card": "payment card numbers",
  "account-credentials": "user names or e-mail addresses with their passwords",
  medical: "medical information",
  "health-insurance": "health insurance information",
  biometric: "biometric data",
  genetic: "genetic data or DNA profiles",
  "electronic-signature": "digitized or electronic signatures, or the private keys that sign electronic records",
  "date-of-birth": "dates of birth",
  "maiden-name": "mothers' maiden names",
  geolocation: "geolocation information",
  email: "e-mail addresses",
  "postal-address": "postal addresses",
  phone: "telephone numbers",
} as const;
export type DataElement = keyof typeof DATA_ELEMENTS;
export const DATA_ELEMENT_LIST = Object.keys(DATA_ELEMENTS) as DataElement[];
export function isDataElement(word: string): word is DataElement {
  return Object.hasOwn(DATA_ELEMENTS, word);
}

/** The exemptions a rule knows: Australia's small business operators (Privacy Act s 6D). */
export const EXEMPTIONS = ["au-small-business"] as const;

const code = z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, "use a jurisdiction code like AU, EU, US-TX");
const entityType = z.string().refine(isEntityType, (t) => ({ message: `unknown entity type "${t}"` }));
const dataElement = z.string().refine(isDataElement, (d) => ({ message: `unknown data element "${d}"` }));

export const applicabilitySchema = z
  .object({
    /** Being established in one of these (EU: any member state; AU: any state of Australia) brings the rule. */
    establishment: z.array(code).min(1).optional(),
    /** Art. 3(2)-style reach: offering goods or services to, or monitoring, people in the EU or the UK. */
    offersTo: z
      .array(z.enum(["EU", "GB"]))
      .min(1)
      .optional(),
    /**
     * Affected residents of these places (a code and everything under it), at least `atLeast` (under
     * `lessThan`); with `each`, counted per state or jurisdiction, not in aggregate: one of them must
     * have that many (the media notices of HIPAA and the FTC's Health Breach Notification Rule).
     */
    residents: z
      .object({
        in: z.array(code).min(1),
        atLeast: z.number().int().positive(),
        lessThan: z.number().int().positive().optional(),
        each: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /**
     * False where the law may reach organisations the hooks above do not name (so missing them is
     * "maybe", not "no"). Default true.
     */
    reachComplete: z.boolean().optional(),
    /** Any of these affected triggers the law; `complete: false` when the list is the common core, not the statute's whole list. */
    dataElements: z
      .object({ anyOf: z.array(dataElement).min(1), complete: z.boolean() })
      .strict()
      .optional(),
    /** The rule binds only these kinds of entity (any of them). */
    entityTypes: z.array(entityType).min(1).optional(),
    exemptions: z.array(z.enum(EXEMPTIONS)).optional(),
    /** Rules sharing a group are alternatives: one of them is chosen (Japan's two final reports). */
    alternatives: z.string().min(1).optional(),
    /** A declaration or change of the law that sets no duty: never a pending obligation. */
    informationOnly: z.boolean().optional(),
  })
  .strict();

export type Applicability = z.infer<typeof applicabilitySchema>;
