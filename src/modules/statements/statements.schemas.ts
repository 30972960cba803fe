import { z } from "zod";
import { safeText } from "../../lib/validation.js";

const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${what} has at most ${max} characters.` })
    .superRefine(safeText(what, "line"))
    .default("");

/** Drafting a statement: the rule it answers (a regulator rule of the pack, e.g. AU-NDB-oaic). */
export const createStatementSchema = z.object({
  rule: z
    .string({ message: "Name the rule, e.g. AU-NDB-oaic." })
    .trim()
    .min(1, { message: "Name the rule, e.g. AU-NDB-oaic." })
    .max(80),
});
export type CreateStatementInput = z.infer<typeof createStatementSchema>;

/**
 * Saving a version: the items as edited (each checked by the service against the rule's items),
 * the version it was edited from (a save over a newer version is refused), and a note.
 */
export const saveStatementSchema = z.object({
  fields: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  baseVersion: z.coerce.number({ message: "The version edited is missing." }).int().min(1).optional(),
  note: text(500, "The note"),
});
export type SaveStatementInput = z.infer<typeof saveStatementSchema>;

export const SUBMISSION_CHANNELS = ["portal", "email", "letter"] as const;
export const channelLabels: Record<(typeof SUBMISSION_CHANNELS)[number], string> = {
  portal: "The regulator's online form or portal",
  email: "E-mail",
  letter: "Letter",
};

/** Marking a version submitted: when (in the zone given), how, the regulator's reference. */
export const submitStatementSchema = z.object({
  submittedAt: z.string({ message: "Enter when it was submitted." }).trim().min(1, { message: "Enter when it was submitted." }),
  submittedZone: z.string().trim().default("UTC"),
  how: z.enum(SUBMISSION_CHANNELS, { message: "Choose how it was submitted: portal, email or letter." }),
  reference: text(200, "The regulator's reference"),
  version: z.coerce.number().int().min(1).optional(),
});
export type SubmitStatementInput = z.infer<typeof submitStatementSchema>;
