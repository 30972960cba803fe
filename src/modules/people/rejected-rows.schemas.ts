import { z } from "zod";
import { safeText } from "../../lib/validation.js";
import { rejectedResolutions } from "./rejected-rows.policy.js";

/**
 * What became of an import's rejected rows, as the page's form, the API and the command line
 * give it: imported (by a later import of the incident, named by importedBy), or dismissed with
 * a note saying why no one is left to import. The note is required for a dismissal.
 */
export const rejectedResolutionSchema = z
  .object({
    resolution: z.enum(rejectedResolutions, {
      message: "Say whether a later import took these rows (imported) or why they are dismissed (dismissed).",
    }),
    note: z
      .string({ message: "The note must be text." })
      .trim()
      .max(1000, { message: "A note has at most 1,000 characters." })
      .superRefine(safeText("The note", "long"))
      .optional()
      .default(""),
    importedBy: z
      .string({ message: "Name the import that took these rows." })
      .trim()
      .max(64)
      .optional()
      .transform((v) => v || undefined),
  })
  .superRefine((input, ctx) => {
    if (input.resolution === "dismissed" && input.note.length < 3)
      ctx.addIssue({
        code: "custom",
        path: ["note"],
        message: "Say why these rows are dismissed, e.g. “test rows, not people” or “duplicates of people imported”.",
      });
    if (input.resolution === "imported" && !input.importedBy)
      ctx.addIssue({ code: "custom", path: ["importedBy"], message: "Choose the later import that took these rows." });
  });
export type RejectedResolutionInput = z.infer<typeof rejectedResolutionSchema>;
