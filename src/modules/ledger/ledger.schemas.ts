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

/** Why a person is to be told another way, in words (the codes of ledger-people.repository.ts). */
export const TELL_REASON_LABELS: Record<string, string> = {
  no_email: "No e-mail address",
  invalid_email: "Malformed e-mail address",
  bounced: "Bounced or suppressed",
  failed: "Refused by the mail server",
};

/** The filters of the people to tell another way, as they come in a query string (or hidden fields). */
export const tellQuerySchema = z.object({
  reason: optional(
    z.enum(["no_email", "invalid_email", "bounced", "failed"], { message: "is not a reason: choose one from the list" }),
  ),
  country: optional(
    z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, { message: "is not a two-letter country code" }),
  ),
  region: optional(
    z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { message: "is not a state or region code such as AU-NSW" }),
  ),
  campaign: optional(z.string().max(100)),
  q: optional(
    z
      .string()
      .trim()
      .max(200, { message: "is longer than 200 characters" })
      .refine((v) => !findUnsafeCharacter(v, "line"), {
        message: "holds a control or invisible formatting character: remove it",
      }),
  ),
  after: optional(z.string().max(100)),
});
export type TellQuery = z.infer<typeof tellQuerySchema>;

const channelSchema = z.enum(Object.keys(OTHER_CHANNELS) as [string, ...string[]], { message: "Choose how they were told." });
const noteSchema = z
  .string({ message: "Say how: the letter's reference, who phoned, where it was published." })
  .trim()
  .min(1, { message: "Say how: the letter's reference, who phoned, where it was published." })
  .max(2000, { message: "Keep the note under 2,000 characters." })
  .superRefine(safeText("The note", "long"));

export const TICK_SOMEONE = "Tick at least one person, or record everyone the filter matches.";

/**
 * The form (and API body) recording that people were told another way: the people ticked, or
 * everyone the filter matches (`scope=all`, with the count the page showed, so a list that
 * changed meanwhile is not recorded blind); the instant is read in the incident's zone.
 */
export const toldOtherwiseSchema = z
  .object({
    scope: z.enum(["ticked", "all"]).default("ticked"),
    personIds: z.preprocess(
      (v) => (v === undefined ? [] : typeof v === "string" ? [v] : v),
      z.array(z.string().max(100)).max(1000, { message: "Tick at most 1,000 people, or record everyone the filter matches." }),
    ),
    expected: z.coerce.number().int().min(0).optional(),
    channel: channelSchema,
    toldAt: z.string({ message: "Enter when they were told." }).trim().min(1, { message: "Enter when they were told." }),
    note: noteSchema,
  })
  .superRefine((form, ctx) => {
    if (form.scope === "ticked" && form.personIds.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["personIds"],
        message: "Tick at least one person, or record everyone the filter matches.",
      });
    }
  });

/** The defaults of a file of letters sent, for lines that leave a column out. */
export const toldFileSchema = z.object({
  channel: optional(channelSchema),
  toldAt: optional(z.string().trim().max(100)),
  note: optional(noteSchema),
});
