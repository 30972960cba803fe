// What the retention endpoints read and answer, as zod (v4) schemas for the OpenAPI document.
// The handlers read bodies with the module's own schemas (modules/retention), so the API and
// the pages refuse the same values with the same words.
import { z } from "zod/v4";
import { instant, maybeInstant, named } from "./api-responses.schemas.js";

const purgeCounts = z.object({
  people: z.number().int().min(0),
  deliveries: z.number().int().min(0),
  deliveryEvents: z.number().int().min(0),
  caughtMail: z.number().int().min(0),
  bouncedAddresses: z.number().int().min(0),
  toldAnotherWay: z.number().int().min(0),
  importFiles: z.number().int().min(0),
  evidenceFiles: z
    .number()
    .int()
    .min(0)
    .meta({ description: "Evidence files whose bytes the purge removed (evidenceFiles with_people); their records stay" }),
});

export const retentionRule = named(
  "RetentionRule",
  "An incident's retention of its affected people's data: purged daysAfterClose days after closure (null: the default), unless a legal hold is set; where it stands now.",
  z.object({
    reference: z.string().meta({ examples: ["BD-2026-0001"] }),
    daysAfterClose: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The incident's own days; null: RETENTION_DAYS_AFTER_CLOSE" }),
    defaultDays: z.number().int(),
    days: z.number().int().meta({ description: "The days that apply" }),
    isHeld: z.boolean(),
    holdReason: z.string(),
    holdSetAt: maybeInstant,
    evidenceFiles: z.enum(["kept", "with_people"]),
    state: z.enum(["open", "held", "scheduled", "purging", "purged"]),
    purgeAt: maybeInstant.meta({ description: "When the purge is due (state scheduled)" }),
    isDue: z.boolean(),
    purgedAt: maybeInstant,
    counts: purgeCounts.nullable().meta({ description: "What the purge removed (state purging or purged)" }),
  }),
);

export const retentionRuleBody = named(
  "RetentionRuleBody",
  "The incident's own retention: days after closure (0 to 36,500; null for the default) and whether evidence files are purged with the people.",
  z.object({
    daysAfterClose: z.number().int().min(0).max(36_500).nullable(),
    evidenceFiles: z.enum(["kept", "with_people"]).optional(),
  }),
);

export const legalHoldBody = named(
  "LegalHoldBody",
  "Sets a legal hold (isHeld true, with its reason) or lifts it (isHeld false). No purge while it is set.",
  z.object({ isHeld: z.boolean(), reason: z.string().max(1000).optional() }),
);

export const purgeResult = named(
  "PurgeResult",
  "A purge done: what it removed. Each notice keeps its status, instants, Message-ID, template version and a keyed hash of the address.",
  z.object({ reference: z.string(), finishedAt: maybeInstant, batches: z.number().int(), counts: purgeCounts }),
);

export const lookupBody = named("AddressLookupBody", "The address asked about.", z.object({ email: z.string() }));

export const lookupAnswer = named(
  "AddressLookup",
  "Whether an address was notified in the incident, answered from the notices by the address's keyed hash (also after the purge).",
  z.object({
    found: z.boolean(),
    notifiedAt: maybeInstant.meta({ description: "The first notice delivered by e-mail, or the person told another way" }),
    channel: z.string().nullable(),
    notices: z.array(
      z.object({
        status: z.string(),
        queuedAt: instant,
        sentAt: maybeInstant,
        messageId: z.string(),
        templateVersionId: z.string().nullable(),
      }),
    ),
  }),
);
