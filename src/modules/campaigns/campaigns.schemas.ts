import { z } from "zod";
import { safeText } from "../../lib/validation.js";
import { attributeFiltersOf, audienceFormSchema } from "./campaign-audience.policy.js";

const checked = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "yes" || v === "true");

/**
 * The new-campaign form (and the API's body): a name, the template, the audience, when to send
 * ("now" on start, or "later" at an instant typed in the incident's zone or with an offset) and
 * whether a second manager must approve. The instant is parsed by the service, which knows the zone.
 */
export const campaignInputSchema = z
  .object({
    name: z
      .string({ message: "Give the campaign a name." })
      .trim()
      .min(1, { message: "Give the campaign a name." })
      .max(200, { message: "A name has at most 200 characters." })
      .superRefine(safeText("The campaign's name", "line")),
    templateId: z.string({ message: "Choose the notice to send." }).trim().min(1, { message: "Choose the notice to send." }),
    when: z.enum(["now", "later"], { message: "Choose to send when you start it, or at a set time." }).default("now"),
    scheduledAt: z
      .string()
      .trim()
      .max(40, { message: "Use the form 2026-03-22 09:30." })
      .superRefine(safeText("The time", "line"))
      .optional()
      .default(""),
    isApprovalRequired: checked,
  })
  .merge(audienceFormSchema)
  .superRefine((input, ctx) => {
    if (input.when === "later" && input.scheduledAt === "")
      ctx.addIssue({ code: "custom", path: ["scheduledAt"], message: "Say when to start, e.g. 2026-03-22 09:30." });
    for (const [field, message] of Object.entries(attributeFiltersOf(input).fieldErrors))
      ctx.addIssue({ code: "custom", path: [field], message });
  });
export type CampaignInput = z.infer<typeof campaignInputSchema>;

/** The start form: send now, or schedule for the instant given (prefilled with the campaign's); a reason to start although the notice differs from an Australian statement. */
export const startSchema = z.object({
  overrideReason: z
    .string()
    .trim()
    .max(1000, { message: "A reason has at most 1,000 characters." })
    .superRefine(safeText("The reason", "long"))
    .optional()
    .default(""),
  when: z.enum(["now", "later"], { message: "Choose to send now or at a set time." }).default("now"),
  scheduledAt: z
    .string()
    .trim()
    .max(40, { message: "Use the form 2026-03-22 09:30." })
    .superRefine(safeText("The time", "line"))
    .optional()
    .default(""),
});

/** A reason given with a pause. */
export const pauseSchema = z.object({
  reason: z
    .string()
    .trim()
    .max(500, { message: "A reason has at most 500 characters." })
    .superRefine(safeText("The reason", "long"))
    .optional()
    .default(""),
});
