import { z } from "zod";
import { safeText } from "../../lib/validation.js";
import { actionStatuses, isCalendarDay } from "./action-status.policy.js";

const optionalText = (max: number, what: string, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${what} has at most ${max} characters.` })
    .superRefine(safeText(label, "long"))
    .default("");

/** A remedial action as the add and edit forms send it; empty owner and due date mean none. */
export const actionSchema = z.object({
  title: z
    .string({ message: "Say what has to be done." })
    .trim()
    .min(1, { message: "Say what has to be done." })
    .max(200, { message: "A title has at most 200 characters." })
    .superRefine(safeText("The title", "line")),
  ownerId: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((v) => v || null),
  dueOn: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || isCalendarDay(v), { message: "Enter the due date as YYYY-MM-DD, e.g. 2026-03-31." }),
  status: z.enum(actionStatuses, { message: "Choose open, in progress, done or cancelled." }).default("open"),
  notes: optionalText(4000, "The notes", "The notes field"),
  /** Ticked: shown on the incident's public report (a form sends "on"; absent means not ticked). */
  isPublic: z.preprocess((v) => v === true || v === "on" || v === "yes" || v === "true", z.boolean()),
});

export type ActionInput = z.infer<typeof actionSchema>;
