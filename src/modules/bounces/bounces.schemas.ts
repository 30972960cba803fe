import { z } from "zod";
import type { TextKind } from "../../lib/text-safety.js";
import { safeText } from "../../lib/validation.js";

/** Report types a webhook may send, and the kind each is recorded as. */
export const WEBHOOK_TYPES = {
  hard_bounce: "bounce_hard",
  soft_bounce: "bounce_soft",
  complaint: "complaint",
  delayed: "delayed",
} as const;

const optionalText = (max: number, label: string, kind: TextKind = "line") =>
  z.string().trim().max(max).superRefine(safeText(label, kind)).optional();

const reportSchema = z
  .object({
    type: z.enum(Object.keys(WEBHOOK_TYPES) as [keyof typeof WEBHOOK_TYPES], {
      message: `must be one of ${Object.keys(WEBHOOK_TYPES).join(", ")}`,
    }),
    email: z.string().trim().email({ message: "must be an e-mail address" }).max(320).optional(),
    messageId: optionalText(998, "The messageId"),
    deliveryId: optionalText(100, "The deliveryId"),
    detail: optionalText(2000, "The detail", "long"),
  })
  .refine((r) => r.email || r.messageId || r.deliveryId, {
    message: "needs email, messageId or deliveryId to find the notice it concerns",
  });

/** The webhook's body: {"reports": [...]}, at most 1,000 reports a request. */
export const webhookBodySchema = z.object({
  reports: z
    .array(reportSchema, { message: "must be a list of reports" })
    .min(1, { message: "must hold at least one report" })
    .max(1000, { message: "at most 1,000 reports a request: send the rest in another" }),
});

export type WebhookBody = z.infer<typeof webhookBodySchema>;

/** Marking an unmatched report reviewed: what the reviewer concluded, optional. */
export const reviewReportSchema = z.object({
  note: z.string().trim().max(2000, { message: "Keep the note under 2,000 characters." }).optional().default(""),
});

/** Lifting a suppression: the ticked confirmation and, optionally, why. */
export const liftSuppressionSchema = z.object({
  confirm: z.literal("yes", { message: "Tick the box to confirm that this address may be e-mailed again." }),
  note: z.string().trim().max(2000, { message: "Keep the note under 2,000 characters." }).optional().default(""),
});
