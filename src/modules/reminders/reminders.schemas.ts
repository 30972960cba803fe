import { z } from "zod";
import type { ReminderSlot } from "./reminder.policy.js";

export const reminderSettingsSchema = z.object({
  // An unticked checkbox sends nothing.
  remindersEnabled: z
    .union([z.literal("on"), z.literal("yes"), z.literal("true")])
    .optional()
    .transform((value) => value !== undefined),
  digestHour: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return null;
      const hour = /^\d{1,2}$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
        ctx.addIssue({ code: "custom", message: "Choose an hour from 0 to 23, or no digest." });
        return z.NEVER;
      }
      return hour;
    }),
});

export type ReminderSettingsInput = z.infer<typeof reminderSettingsSchema>;

const SLOT_PATTERN = /^(half|three-quarters|hours-before|due|overdue-\d+)$/;

/** What a reminder slot's job (reminders.send) carries; each delivery's payload adds the user. */
export const reminderSlotPayloadSchema = z.object({
  obligationId: z.string(),
  slot: z.custom<ReminderSlot>((value) => typeof value === "string" && SLOT_PATTERN.test(value), "not a reminder slot"),
  /** The slot's instant, for the log and the mail's wording. */
  slotAt: z.string().datetime(),
});
export type ReminderSendPayload = z.infer<typeof reminderSlotPayloadSchema>;

/** What one reminder delivery's job (reminders.deliver) carries. */
export const reminderDeliverPayloadSchema = reminderSlotPayloadSchema.extend({ userId: z.string() });
export type ReminderDeliverPayload = z.infer<typeof reminderDeliverPayloadSchema>;

/** What a user's digest job (reminders.digest) carries. */
export const digestPayloadSchema = z.object({
  userId: z.string(),
  /** The recipient's local date, YYYY-MM-DD. */
  localDate: z.string().date(),
});
export type DigestPayload = z.infer<typeof digestPayloadSchema>;
