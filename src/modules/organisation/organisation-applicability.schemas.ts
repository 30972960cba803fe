// Who the law reaches, as the organisation page's form and the JSON API send it. Both read into
// the same values (organisation-applicability.policy.ts); a value left out is "not given".
import { z } from "zod";
import { ENTITY_TYPE_LIST, isEntityType } from "../deadlines/index.js";
import type { ApplicabilityValues } from "./organisation-applicability.policy.js";

const CODE = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
const codeMessage = (code: string) =>
  `"${code}" is not a jurisdiction code: use codes such as AU-NSW, DE, US-TX or GB, separated by commas.`;
const entityMessage = (word: string) => `"${word}" is not a kind of entity Breachdesk knows (${ENTITY_TYPE_LIST.join(", ")}).`;
const currencyMessage = 'The currency is a three-letter ISO 4217 code, such as "AUD".';

function refineCodes(codes: string[], ctx: z.RefinementCtx) {
  for (const code of codes) if (!CODE.test(code)) ctx.addIssue({ code: "custom", message: codeMessage(code) });
}

/** "au-nsw, DE" as ["AU-NSW", "DE"]; "" as null (not given). */
const codesText = z
  .string()
  .trim()
  .max(300, { message: "Where the organisation is established has at most 300 characters." })
  .default("")
  .transform((text) => {
    const codes = text
      .split(/[,;\s]+/)
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean)
      .map((c) => (c === "UK" ? "GB" : c));
    return codes.length ? [...new Set(codes)] : null;
  })
  .superRefine((codes, ctx) => refineCodes(codes ?? [], ctx));

/** "yes", "no" or "" (not known). */
const tristate = (question: string) =>
  z
    .enum(["yes", "no", ""], { errorMap: () => ({ message: `${question}: choose yes, no or not known.` }) })
    .default("")
    .transform((v) => (v === "" ? null : v === "yes"));

/**
 * The page's form. The entity types are the ticked boxes: saving the form says the organisation
 * is those kinds and none of the others (entityTypesAnswered, a hidden field, is always sent;
 * without it the kinds stay not given). The turnover may be written with commas or spaces.
 */
export const applicabilityFormSchema = z
  .object({
    establishedIn: codesText,
    entityTypes: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .superRefine((words, ctx) => {
        for (const w of words) if (!isEntityType(w)) ctx.addIssue({ code: "custom", message: entityMessage(w) });
      }),
    entityTypesAnswered: z.string().optional(),
    annualTurnover: z
      .string()
      .trim()
      .default("")
      .transform((text) => text.replace(/[\s,_]/g, ""))
      .refine((text) => text === "" || /^\d{1,15}(\.\d{1,2})?$/.test(text), {
        message: "The annual turnover is an amount in whole currency units, such as 2500000 or 2,500,000 (empty: not given).",
      })
      .transform((text) => (text === "" ? null : Number(text))),
    turnoverCurrency: z
      .string()
      .trim()
      .default("AUD")
      .transform((c) => (c === "" ? "AUD" : c.toUpperCase()))
      .refine((c) => /^[A-Z]{3}$/.test(c), { message: currencyMessage }),
    offersToEU: tristate("Whether it offers goods or services to, or monitors, people in the EU"),
    offersToUK: tristate("Whether it offers goods or services to, or monitors, people in the UK"),
  })
  .transform(
    (f): ApplicabilityValues => ({
      establishedIn: f.establishedIn,
      entityTypes: f.entityTypesAnswered ? (f.entityTypes as ApplicabilityValues["entityTypes"]) : null,
      annualTurnover: f.annualTurnover === null ? null : { amount: f.annualTurnover, currency: f.turnoverCurrency },
      offersToEU: f.offersToEU,
      offersToUK: f.offersToUK,
    }),
  );

/**
 * The JSON API's body: the keys of `breachdesk applicable --profile` that describe the
 * organisation; a key left out or null is saved as not given.
 */
export const applicabilityBodySchema = z
  .object({
    establishedIn: z
      .array(z.string().transform((c) => c.trim().toUpperCase()))
      .nullable()
      .optional()
      .superRefine((codes, ctx) => refineCodes(codes ?? [], ctx)),
    entityTypes: z
      .array(z.string().refine(isEntityType, (w) => ({ message: entityMessage(w) })))
      .nullable()
      .optional(),
    annualTurnover: z
      .object({
        amount: z
          .number({ invalid_type_error: "The annual turnover's amount is a number.", required_error: "Give the amount." })
          .nonnegative({ message: "The annual turnover's amount is 0 or more." }),
        currency: z
          .string({ required_error: `Give the currency. ${currencyMessage}` })
          .transform((c) => c.trim().toUpperCase())
          .refine((c) => /^[A-Z]{3}$/.test(c), { message: currencyMessage }),
      })
      .strict()
      .nullable()
      .optional(),
    offersToEU: z.boolean({ invalid_type_error: "offersToEU is true, false or null." }).nullable().optional(),
    offersToUK: z.boolean({ invalid_type_error: "offersToUK is true, false or null." }).nullable().optional(),
  })
  .strict()
  .transform(
    (b): ApplicabilityValues => ({
      establishedIn: b.establishedIn?.length ? [...new Set(b.establishedIn)] : null,
      entityTypes: (b.entityTypes ?? null) as ApplicabilityValues["entityTypes"],
      annualTurnover: b.annualTurnover ?? null,
      offersToEU: b.offersToEU ?? null,
      offersToUK: b.offersToUK ?? null,
    }),
  );
