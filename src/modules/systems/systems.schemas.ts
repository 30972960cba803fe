import { z } from "zod";
import type { TextKind } from "../../lib/text-safety.js";
import { safeText } from "../../lib/validation.js";

export const systemStatuses = ["compromised", "suspected", "clean", "rebuilt"] as const;
export type SystemStatus = (typeof systemStatuses)[number];

export const systemStatusLabels: Record<SystemStatus, string> = {
  compromised: "Compromised",
  suspected: "Suspected",
  clean: "Clean",
  rebuilt: "Rebuilt",
};

const optionalText = (max: number, what: string, kind: TextKind) =>
  z
    .string()
    .trim()
    .max(max, { message: `${what} has at most ${max} characters.` })
    .superRefine(safeText(what, kind))
    .default("");

/** A host or service involved in an incident, as the add and edit forms send it. */
export const systemSchema = z.object({
  name: z
    .string({ message: "Enter the system's name." })
    .trim()
    .min(1, { message: "Enter the system's name." })
    .max(120, { message: "A name has at most 120 characters." })
    .superRefine(safeText("The name", "line")),
  role: optionalText(200, "The role", "line"),
  compromiseMethod: optionalText(1000, "How it was compromised", "long"),
  status: z.enum(systemStatuses, { message: "Choose compromised, suspected, clean or rebuilt." }),
  notes: optionalText(4000, "The notes", "long"),
  /** Ticked: shown on the incident's public report (a form sends "on"; absent means not ticked). */
  isPublic: z.preprocess((v) => v === true || v === "on" || v === "yes" || v === "true", z.boolean()),
});

export type SystemInput = z.infer<typeof systemSchema>;
