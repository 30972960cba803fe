import { z } from "zod";
import { safeText } from "../../lib/validation.js";

/** The fields sent with an evidence file (the web form's, and the API's multipart fields). */
export const evidenceUploadSchema = z.object({
  description: z
    .string()
    .trim()
    .max(1000, { message: "The description has at most 1,000 characters." })
    .superRefine(safeText("The description", "long"))
    .default(""),
  /** "<kind>:<id>" of the record the file is evidence of, or "" for the incident. */
  link: z.string().trim().max(200, { message: "Choose a record from the list." }).default(""),
  /** The id of the earlier file this one is a new version of, or "". */
  replaces: z.string().trim().max(100, { message: "Choose a file from the list." }).default(""),
});
export type EvidenceUploadInput = z.infer<typeof evidenceUploadSchema>;

/** Deleting a file: why, in words, kept with the record. */
export const evidenceDeleteSchema = z.object({
  reason: z
    .string({ message: "Say why the file is deleted." })
    .trim()
    .min(5, { message: "Say why the file is deleted (at least 5 characters)." })
    .max(1000, { message: "The reason has at most 1,000 characters." })
    .superRefine(safeText("The reason", "long")),
});
export type EvidenceDeleteInput = z.infer<typeof evidenceDeleteSchema>;
