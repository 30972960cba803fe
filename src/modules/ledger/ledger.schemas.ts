import { z } from "zod";
import { findUnsafeCharacter } from "../../lib/text-safety.js";
import { safeText } from "../../lib/validation.js";

/** Every delivery status, in the order a notice moves through them, with its words on pages. */
export const DELIVERY_STATUS_LABELS: Record<string, string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  bounced: "Bounced",
  excluded: "Not e-mailed",
  cancelled: "Cancelled",
  told_otherwise: "Told another way",
};

/** The channels besides e-mail a person may finally be told by. */
export const OTHER_CHANNELS: Record<string, string> = {
  letter: "Letter",
  phone: "Phone call",
  public_statement: "Public statement",
  other: "Other",
};

const CHANNEL_LABELS: Record<string, string> = { email: "E-mail", ...OTHER_CHANNELS };
export const channelLabel = (channel: string) => CHANNEL_LABELS[channel] ?? channel;

/** Why a notice was not e-mailed, in words: the codes a campaign's start writes; a bounce's own words pass through. */
const EXCLUSION_LABELS: Record<string, string> = {
  no_email: "no e-mail address",
  bounced_address: "the address bounced before",
};
export const exclusionLabel = (reason: string) => EXCLUSION_LABELS[reason] ?? reason;

const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

/** The ledger's filters as they come in a query string; unknown values are refused by name. */
export const ledgerQuerySchema = z.object({
  campaign: optional(z.string().max(100)),
  status: optional(
    z.enum(["needs_other_channel", ...Object.keys(DELIVERY_STATUS_LABELS)] as [string, ...string[]], {
      message: "is not a delivery status: choose one from the list",
    }),
  ),
  channel: optional(
    z.enum(Object.keys(CHANNEL_LABELS) as [string, ...string[]], { message: "is not a channel: choose one from the list" }),
  ),
  q: optional(
    z
      .string()
      .trim()
      .max(200, { message: "is longer than 200 characters" })
      .refine((v) => !findUnsafeCharacter(v, "line"), {
        message: "holds a control or invisible formatting character: remove it",
      }),
  ),
  after: optional(z.string().max(200)),
});

/** The form recording how people whose notice could not be e-mailed were told. */
export const toldOtherwiseSchema = z.object({
  deliveryIds: z
    .preprocess((v) => (v === undefined ? [] : typeof v === "string" ? [v] : v), z.array(z.string().max(100)).max(1000))
    .refine((ids) => ids.length > 0, { message: "Tick at least one person." }),
  channel: z.enum(Object.keys(OTHER_CHANNELS) as [string, ...string[]], { message: "Choose how they were told." }),
  toldAt: z.string().trim().min(1, { message: "Enter when they were told." }),
  toldAtZone: z.string().trim().min(1),
  note: z
    .string()
    .trim()
    .min(1, { message: "Say how: the letter's reference, who phoned, where it was published." })
    .max(2000)
    .superRefine(safeText("The note", "long")),
});
