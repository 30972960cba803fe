import { z } from "zod";
import { safeText } from "../../lib/validation.js";

/** What a manager may set a person's (or an import's people's) risk to: the rule's, or a value. */
export const RISK_CHOICES = { rule: "Follow the incident's risk rule", yes: "At risk", no: "Not at risk" } as const;
export type RiskChoice = keyof typeof RISK_CHOICES;

/** The value a choice sets: null follows the rule. */
export function overrideOf(choice: RiskChoice): boolean | null {
  return choice === "rule" ? null : choice === "yes";
}

/** The form (and API body) setting a person's or an import's risk. */
export const riskChoiceSchema = z.object({
  risk: z.enum(Object.keys(RISK_CHOICES) as [RiskChoice, ...RiskChoice[]], {
    message: "Choose at risk, not at risk, or follow the rule.",
  }),
  note: z
    .string({ message: "Say why, for the audit log." })
    .trim()
    .min(1, { message: "Say why, for the audit log: what you know about their data or their situation." })
    .max(1000, { message: "Keep the reason under 1,000 characters." })
    .superRefine(safeText("The reason", "long")),
});
export type RiskChoiceInput = z.infer<typeof riskChoiceSchema>;
