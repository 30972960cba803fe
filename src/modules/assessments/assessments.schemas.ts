import { z } from "zod";
import type { TextKind } from "../../lib/text-safety.js";
import { safeText } from "../../lib/validation.js";

const answer = (message: string) => z.enum(["yes", "no", "partly", "unknown"], { message });
const text = (max: number, label: string, kind: TextKind = "long") =>
  z
    .string()
    .trim()
    .max(max, { message: `At most ${max} characters.` })
    .superRefine(safeText(label, kind))
    .optional()
    .transform((v) => v ?? "");

/** Values a form sends for a multi-choice field: nothing, one string or several. */
const manyStrings = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const assessmentSchema = z.object({
  dataCategories: manyStrings,
  dataSensitivity: z.enum(["low", "medium", "high", "special"], { message: "Choose how sensitive the data is." }),
  peopleCount: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.replace(/[\s,_]/g, "") : ""))
    .refine((v) => v === "" || /^\d{1,10}$/.test(v), { message: "Enter a whole number, or leave it empty when unknown." })
    .transform((v) => (v === "" ? null : Number(v))),
  peopleCountNote: text(500, "The note on the count"),
  dataProtected: answer("Say whether the data was encrypted or otherwise protected."),
  protectionNote: text(2000, "The note on protection"),
  whoMayHold: text(2000, "Who may hold the data"),
  remedialSummary: text(5000, "The remedial summary"),
  harmPrevented: answer("Say whether the remedial action prevents serious harm."),
  seriousHarmLikely: z.enum(["likely", "unlikely", "unknown"], { message: "Say whether serious harm is likely." }),
  rationale: text(20_000, "The rationale"),
});
export type AssessmentInput = z.infer<typeof assessmentSchema>;

/** Regime codes as in the rule pack: letters, digits and dashes, e.g. AU-NDB, EU-GDPR, US-CA. */
const regimeCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9-]{1,40}$/, { message: "Regime codes are letters, digits and dashes, e.g. AU-NDB." });

export const decisionSchema = z.object({
  isNotifiable: z.enum(["yes", "no"], { message: "Choose notifiable or not notifiable." }).transform((v) => v === "yes"),
  regimes: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(regimeCode).max(50)),
  rationale: z
    .string({ message: "Give the rationale." })
    .trim()
    .min(1, { message: "Give the rationale: a regulator will ask for it." })
    .max(20_000)
    .superRefine(safeText("The rationale", "long")),
  decidedAt: text(40, "The time", "line"),
  /** The SEC materiality determination: "" not determined, material, not_material. */
  materiality: z
    .enum(["", "material", "not_material"], { message: "Choose material, not material or not determined." })
    .optional()
    .transform((v) => (v === "material" ? true : v === "not_material" ? false : null)),
});
export type DecisionInput = z.infer<typeof decisionSchema>;
