import { z } from "zod";
import type { TextKind } from "../../lib/text-safety.js";
import { safeText } from "../../lib/validation.js";
import { sensitivities } from "./catalogue.policy.js";

export const encryptionStates = ["yes", "no", "partly", "unknown"] as const;
export type EncryptionState = (typeof encryptionStates)[number];

export const encryptionLabels: Record<EncryptionState, string> = {
  yes: "Encrypted",
  no: "Not encrypted",
  partly: "Partly encrypted",
  unknown: "Not known yet",
};

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label} has at most ${max} characters.` })
    .superRefine(safeText(label, "long"))
    .default("");

const requiredText = (max: number, missing: string, label: string, kind: TextKind) =>
  z
    .string({ message: missing })
    .trim()
    .min(1, { message: missing })
    .max(max, { message: `${label} has at most ${max} characters.` })
    .superRefine(safeText(label, kind));

/** An administrator's new category for the catalogue. */
export const createCategorySchema = z.object({
  name: requiredText(80, "Enter a name for the category.", "A name", "line"),
  sensitivity: z.enum(sensitivities, { message: "Choose low, medium, high or special." }),
  harm: requiredText(600, "Describe the harm this data can cause.", "The harm note", "long"),
  advice: requiredText(600, "Give the usual advice to the people affected.", "The advice", "long"),
});

const encryptedField = z.enum(encryptionStates, { message: "Choose yes, no, partly or not known." });

/** A category of personal data an incident involves; adding one already there updates it. */
export const incidentDataSchema = z.object({
  categoryId: z.string({ message: "Choose a category." }).trim().min(1, { message: "Choose a category." }).max(80),
  details: text(1000, "The details"),
  encrypted: encryptedField,
});

/** A change to a category an incident already records. */
export const incidentDataUpdateSchema = z.object({ details: text(1000, "The details"), encrypted: encryptedField });

export const removeConfirmSchema = z.object({
  confirm: z.unknown().refine((value) => value === "yes", { message: "Tick the box to confirm the removal." }),
});

export type CreateCategoryInput = z.infer<typeof createCategorySchema>;
export type IncidentDataInput = z.infer<typeof incidentDataSchema>;
export type IncidentDataUpdateInput = z.infer<typeof incidentDataUpdateSchema>;
