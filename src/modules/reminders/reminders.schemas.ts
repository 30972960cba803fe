import { z } from "zod";

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
