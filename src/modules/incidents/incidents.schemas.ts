import { z } from "zod";
import { isValidZone } from "../../lib/instants.js";
import type { TextKind } from "../../lib/text-safety.js";
import { safeText } from "../../lib/validation.js";
import { incidentStatuses } from "./incident-lifecycle.policy.js";

export const severities = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof severities)[number];
export const severityLabels: Record<Severity, string> = { low: "Low", medium: "Medium", high: "High", critical: "Critical" };

const optionalText = (max: number, what: string, kind: TextKind = "line") =>
  z
    .string()
    .trim()
    .max(max, { message: `${what} has at most ${max} characters.` })
    .superRefine(safeText(what, kind))
    .optional()
    .transform((v) => v ?? "");

export const zoneField = z
  .string({ message: "Choose a time zone." })
  .trim()
  .refine(isValidZone, { message: "Choose a time zone from the list, e.g. Australia/Sydney." });

/**
 * The incident form and the API share this input. Instants are text as a person types them
 * (a local time in the incident's zone, or with an offset); the service parses them.
 */
export const incidentInputSchema = z.object({
  title: z
    .string({ message: "Enter a title." })
    .trim()
    .min(1, { message: "Enter a title." })
    .max(200, { message: "A title has at most 200 characters." })
    .superRefine(safeText("The title", "line")),
  summary: optionalText(20_000, "The summary", "long"),
  severity: z.enum(severities, { message: "Choose low, medium, high or critical." }),
  timeZone: zoneField,
  ownerId: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null)),
  team: optionalText(200, "The team"),
  occurredFrom: optionalText(40, "The time"),
  occurredTo: optionalText(40, "The time"),
  detectedAt: optionalText(40, "The time"),
  awareAt: optionalText(40, "The time"),
});
export type IncidentInput = z.infer<typeof incidentInputSchema>;

export const transitionSchema = z.object({
  to: z.enum(incidentStatuses, { message: "Choose where the incident moves." }),
  containedAt: optionalText(40, "The time"),
  reason: optionalText(5000, "The reason", "long"),
});
export type TransitionInput = z.infer<typeof transitionSchema>;

export const listSorts = ["updated", "reference", "severity", "status", "detected"] as const;

export const incidentFilterSchema = z.object({
  q: z.string().trim().max(200).superRefine(safeText("The search", "line")).optional(),
  status: z
    .enum([...incidentStatuses, "open", "all"])
    .optional()
    .catch(undefined),
  severity: z.enum(severities).optional().catch(undefined),
  owner: z.string().trim().max(64).optional(),
  overdue: z
    .enum(["1", "true", "yes"])
    .optional()
    .catch(undefined)
    .transform((v) => v !== undefined),
  sort: z.enum(listSorts).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});
export type IncidentFilter = z.infer<typeof incidentFilterSchema>;
