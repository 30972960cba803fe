import { z } from "zod";
import { safeText } from "../../lib/validation.js";

/** The incident's own retention: a number of days after closure, or empty for the default. */
export const retentionRuleSchema = z.object({
  daysAfterClose: z.preprocess(
    (v) => (v === "" || v === undefined || v === null ? null : typeof v === "string" ? Number(v.trim()) : v),
    z
      .number({ message: "Give a whole number of days, or leave it empty for the default." })
      .int({ message: "Give a whole number of days, or leave it empty for the default." })
      .min(0, { message: "Give 0 days or more." })
      .max(36_500, { message: "Give at most 36,500 days (100 years)." })
      .nullable(),
  ),
  evidenceFiles: z.enum(["kept", "with_people"], { message: "Choose kept or with_people." }).default("kept"),
});

/** Setting or lifting a legal hold: a reason is needed to set one. */
export const legalHoldSchema = z
  .object({
    isHeld: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]),
    reason: z
      .string()
      .trim()
      .max(1000, { message: "Keep the reason under 1,000 characters." })
      .superRefine(safeText("The reason", "long"))
      .default(""),
  })
  .refine((v) => !v.isHeld || v.reason.trim() !== "", { message: "Give the reason for the legal hold.", path: ["reason"] });

/** The address asked about (the lookup form and the API). */
export const lookupSchema = z.object({
  email: z.string({ message: "Give an e-mail address." }).trim().min(3, { message: "Give an e-mail address." }).max(320),
});

/** The worker's purge of one incident. */
export const purgeJobPayloadSchema = z.object({ incidentId: z.string().min(1) });

/** One warning e-mail before a purge. */
export const purgeWarningPayloadSchema = z.object({
  incidentId: z.string().min(1),
  userId: z.string().min(1),
  days: z.number().int(),
  purgeAt: z.string().min(1),
});
