import { z } from "zod";
import { AppError } from "../../lib/errors.js";
import { isValidZone, type ParsedInstant, parseInstant } from "../../lib/instants.js";
import { safeText } from "../../lib/validation.js";
import { MAX_DESCRIPTION_LENGTH } from "./timeline-csv.policy.js";
import { type TimelineKind, timelineKindIds, timelineKinds } from "./timeline-kinds.policy.js";

export const visibilities = ["internal", "public"] as const;
export type Visibility = (typeof visibilities)[number];

export const visibilityLabels: Record<Visibility, string> = {
  internal: "Internal: for the people working the incident",
  public: "Public: may be quoted in notices and statements",
};

/** Fixed offsets the zone pickers offer besides the IANA zones: every offset in use today. */
export const fixedOffsets = [
  "-12:00",
  "-11:00",
  "-10:00",
  "-09:30",
  "-09:00",
  "-08:00",
  "-07:00",
  "-06:00",
  "-05:00",
  "-04:00",
  "-03:30",
  "-03:00",
  "-02:00",
  "-01:00",
  "+01:00",
  "+02:00",
  "+03:00",
  "+03:30",
  "+04:00",
  "+04:30",
  "+05:00",
  "+05:30",
  "+05:45",
  "+06:00",
  "+06:30",
  "+07:00",
  "+08:00",
  "+08:45",
  "+09:00",
  "+09:30",
  "+10:00",
  "+10:30",
  "+11:00",
  "+12:00",
  "+12:45",
  "+13:00",
  "+14:00",
].map((offset) => `UTC${offset}`);

/** A form's checkbox group arrives as nothing, one string or several: always a list here. */
const idList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => [...new Set(v === undefined ? [] : Array.isArray(v) ? v : [v])].filter(Boolean))
  .refine((ids) => ids.length <= 200, { message: "Link at most 200 systems." });

/** The fields of the add-an-event and correct-an-event forms, before the instant is read. */
export const eventFormSchema = z.object({
  kind: z.enum(timelineKindIds as [TimelineKind, ...TimelineKind[]], {
    message: `Choose a kind: ${Object.values(timelineKinds).join(", ")}.`,
  }),
  description: z
    .string({ message: "Describe what happened." })
    .trim()
    .min(1, { message: "Describe what happened." })
    .max(MAX_DESCRIPTION_LENGTH, { message: `Use at most ${MAX_DESCRIPTION_LENGTH.toLocaleString("en")} characters.` })
    .superRefine(safeText("The description", "long")),
  occurredAt: z.string({ message: "Enter when it happened." }).max(64, { message: "Enter a date and time." }),
  occurredAtZone: z.string().trim().max(64).optional(),
  visibility: z.enum(visibilities, { message: "Choose internal or public." }),
  systemIds: idList,
});

/** A valid event form, its instant read. */
export interface EventInput {
  kind: TimelineKind;
  description: string;
  occurred: ParsedInstant;
  visibility: Visibility;
  systemIds: string[];
}

/**
 * Reads an event form: the fields by schema and the instant with parseInstant, in the chosen
 * zone (defaultZone when none was chosen). Every problem is reported at once, per field.
 */
export function parseEventForm(input: unknown, defaultZone: string): EventInput {
  const fieldErrors: Record<string, string> = {};
  const parsed = eventFormSchema.safeParse(input ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
  }
  const raw = (input ?? {}) as Record<string, unknown>;
  const zoneText = typeof raw.occurredAtZone === "string" && raw.occurredAtZone.trim() ? raw.occurredAtZone.trim() : defaultZone;
  let occurred: ParsedInstant | undefined;
  if (!fieldErrors.occurredAt) {
    let text = String(raw.occurredAt ?? "").trim();
    // A fixed offset chosen as the zone pins a time that daylight saving makes missing or doubled.
    const offset = /^UTC([+-]\d{2}:\d{2})$/.exec(zoneText)?.[1];
    if (offset && text && !/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) text = `${text.replace(" ", "T")}${offset}`;
    try {
      occurred = parseInstant(text, offset ? "UTC" : zoneText, "occurredAt");
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      Object.assign(fieldErrors, error.fieldErrors);
    }
  }
  if (!parsed.success || !occurred || Object.keys(fieldErrors).length) {
    throw new AppError("validation", "Some fields need correcting.", fieldErrors);
  }
  const { kind, description, visibility, systemIds } = parsed.data;
  return { kind, description, occurred, visibility, systemIds };
}

export const importUploadSchema = z.object({
  defaultZone: z
    .string({ message: "Choose the time zone of timestamps without an offset." })
    .trim()
    .refine(isValidZone, { message: "Choose the time zone of timestamps without an offset." }),
});
