// The shape of a rule's `delays` in the rule pack (decision 0034): which of the law's delays and
// extensions can be recorded as events on an obligation, with their caps and the law's citation.
import { z } from "zod";

const text = z.string().min(1);

/** A delay's cap: hours as elapsed time, calendar days to the end of the last local day. */
const delayCapSchema = z
  .object({ amount: z.number().int().positive("a cap needs a positive amount"), unit: z.enum(["hours", "calendar_days"]) })
  .strict();

/**
 * A delay or extension the rule's law allows, recorded as an event on the obligation (decision
 * 0034): "toll" stops the clock from the request to the end it names; "extend" makes the end it
 * names the deadline; "suspend" leaves no deadline until a "delay lifted" event, after which the
 * rule's own time counts again from it.
 */
/** `citationSchema` is the pack's citation shape, refined to the law itself (primary). */
export function delayAllowanceSchema<C extends z.ZodTypeAny>(citationSchema: C) {
  return z
    .object({
      kind: z.enum(["law_enforcement_delay", "attorney_general_determination", "extension_granted"]),
      effect: z.enum(["toll", "extend", "suspend"]),
      /** The forms of statement the law knows, each with its cap from the statement (null: the period it names). */
      forms: z
        .object({ written: delayCapSchema.nullable().optional(), oral: delayCapSchema.nullable().optional() })
        .strict()
        .optional(),
      /** Successive caps: the n-th event may move the deadline at most steps[n-1] past the one before. */
      steps: z.array(delayCapSchema).min(1).optional(),
      /** What the law says past the caps ("further delay only by SEC exemptive order"). */
      beyond: text.nullable(),
      citation: citationSchema,
      note: text,
    })
    .strict()
    .refine((d) => d.effect !== "suspend" || (!d.steps && !d.forms), "an open-ended (suspend) delay has no caps")
    .refine((d) => !d.steps || d.effect === "extend", "steps belong to an extend delay");
}
