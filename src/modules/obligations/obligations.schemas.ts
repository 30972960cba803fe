import { z } from "zod";
import type { TextKind } from "../../lib/text-safety.js";
import { safeText } from "../../lib/validation.js";
import { isTriggerCode } from "../deadlines/index.js";
import { OBLIGATION_STATUSES } from "./obligation-urgency.policy.js";

const text = (max: number, what: string, kind: TextKind = "line") =>
  z
    .string()
    .trim()
    .max(max, { message: `${what} has at most ${max} characters.` })
    .superRefine(safeText(what, kind))
    .default("");

/** A clock event as the deadlines section's form sends it; the instant is parsed by the service. */
export const clockEventSchema = z.object({
  code: z.string({ message: "Choose the event." }).trim().refine(isTriggerCode, { message: "Choose the event from the list." }),
  at: z.string({ message: "Enter a date and time." }).default(""),
  atZone: z.string().trim().default("UTC"),
  note: text(1000, "The note", "long"),
});
export type ClockEventInput = z.infer<typeof clockEventSchema>;

/** The organisation's location: jurisdiction codes separated by commas. */
export const locationSchema = z.object({ location: text(200, "The location") });

const idList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean));

/** The apply form: ticked suggestions, a rule typed by id, a rule chosen from the list. */
export const applySchema = z.object({
  ruleIds: idList,
  extraRuleId: text(80, "A rule id"),
  browseRuleId: text(80, "A rule id"),
});
export type ApplyInput = z.infer<typeof applySchema>;

/** An obligation's outcome; which fields are required depends on the status (checked by the service). */
export const statusSchema = z.object({
  status: z.enum(OBLIGATION_STATUSES, { message: "Choose pending, met, not required or late." }),
  metAt: z.string().default(""),
  metAtZone: z.string().trim().default("UTC"),
  metHow: text(500, "How it was met"),
  metReference: text(200, "The reference"),
  evidenceNote: text(2000, "The evidence note", "long"),
  notRequiredReason: text(2000, "The reason", "long"),
  lateReasons: text(4000, "The reasons for the delay", "long"),
});
export type StatusInput = z.infer<typeof statusSchema>;

/** The deadlines page's filters. */
export const deadlinesFilterSchema = z.object({
  overdue: z
    .string()
    .optional()
    .transform((v) => v === "1"),
  notify: z.enum(["", "regulator", "individuals", "media", "other"]).catch("").default(""),
  regime: z.string().trim().max(40).catch("").default(""),
});
export type DeadlinesFilter = z.infer<typeof deadlinesFilterSchema>;
