// What the coverage, people-to-tell-another-way and risk endpoints read and answer, as zod (v4)
// schemas for the OpenAPI document (api-openapi.ts). The handlers read the bodies with the pages'
// own schemas (ledger.schemas.ts, person-risk.schemas.ts), so the API and the pages refuse the
// same things with the same words; these describe the same fields as JSON.
import { z } from "zod/v4";
import { instant, maybeInstant, named } from "./api-responses.schemas.js";

const count = z.number().int().min(0);
const when = z.string().meta({
  description:
    "An instant: with an offset or Z (2026-03-02T06:10+11:00), or a local time (2026-03-02 06:10) in the incident's zone.",
});
const channel = z.enum(["letter", "phone", "public_statement", "other"]);

export const coverage = named(
  "Coverage",
  "Coverage of the incident's affected people: told (e-mail delivered or another way) of everyone affected, rejected import rows still outstanding included, so it is never complete while one waits.",
  z.object({
    affected: count,
    people: count,
    notImported: count.meta({ description: "Rejected import rows neither imported since nor dismissed." }),
    told: count,
    byEmail: count,
    anotherWay: count,
    toTellAnotherWay: count,
    beingSent: count,
    notYetAddressed: count,
    share: z.number().min(0).max(1).nullable(),
    text: z
      .string()
      .meta({ description: "The share as the pages write it: 100% only when complete, else rounded down.", examples: ["93.7%"] }),
    isComplete: z.boolean(),
    scope: z.object({ atRiskOnly: z.boolean(), places: z.array(z.string()) }),
  }),
);

export const personToTell = named(
  "PersonToTell",
  "A person e-mail cannot reach and who is not told yet, with why (reason) and their latest notice.",
  z.object({
    id: z.string(),
    name: z.string(),
    externalId: z.string().nullable(),
    email: z.string().nullable(),
    reason: z.enum(["no_email", "invalid_email", "bounced", "suppressed", "failed", "excluded"]),
    emailAsGiven: z.string().nullable().meta({ description: "The malformed address the import kept as given." }),
    postalAddress: z.array(z.string()).meta({ description: "The postal address's lines, empty when none." }),
    country: z.string().nullable(),
    region: z.string().nullable(),
    latestDelivery: z
      .object({
        id: z.string(),
        campaignId: z.string(),
        status: z.string(),
        smtpCode: z.number().int().nullable(),
        smtpResponse: z.string(),
        exclusionReason: z.string(),
        failedAt: maybeInstant,
      })
      .nullable(),
    suppressedSince: maybeInstant,
  }),
);

export const peopleToTellList = named(
  "PeopleToTellList",
  "A page of the people to tell another way: pass page.nextAfter as ?after= for the next page (null on the last).",
  z.object({ data: z.array(personToTell), page: z.object({ total: count, nextAfter: z.string().nullable() }) }),
);

export const toldBody = named(
  "ToldAnotherWay",
  "People told another way: those named (personIds), or everyone the filter matches (scope all, with the count expected).",
  z.object({
    scope: z
      .enum(["ticked", "all"])
      .optional()
      .meta({ description: "ticked (default): personIds; all: everyone the filter matches." }),
    personIds: z.array(z.string()).max(1000).optional(),
    filter: z
      .object({
        reason: z.enum(["no_email", "invalid_email", "bounced", "failed"]).optional(),
        country: z.string().optional(),
        region: z.string().optional(),
        campaign: z.string().optional(),
        q: z.string().optional(),
      })
      .optional(),
    expected: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: "With scope all: refused (409) when the filter matches another count." }),
    channel,
    toldAt: when,
    note: z.string().min(1).max(2000),
  }),
);

export const toldOutcome = named(
  "ToldOutcome",
  "What a recording did, and the coverage after it.",
  z.object({ recorded: count, skipped: count, deliveries: count, coverage }),
);

export const lettersOutcome = named(
  "LettersOutcome",
  "A file of letters sent, recorded: every line is recorded or already recorded (a line with an error refuses the file with 400, error.fields naming each line).",
  z.object({
    fileName: z.string(),
    lines: count,
    recorded: count,
    deliveries: count,
    already: z.array(z.object({ line: count, personId: z.string(), toldAt: instant })),
    ignoredColumns: z.array(z.string()),
    coverage,
  }),
);

export const riskChoiceBody = named(
  "RiskChoice",
  "A manager's choice of risk for a person or an import's people, with the reason (audited).",
  z.object({ risk: z.enum(["rule", "yes", "no"]), note: z.string().min(1).max(1000) }),
);

const riskCounts = z.object({ atRisk: count, notAtRisk: count, notAssessed: count });

export const riskSummary = named(
  "RiskSummary",
  "The incident's risk rule in words, the assessment it reads, and how many people are at risk, by who set it.",
  z.object({
    rule: z.string(),
    assessment: z.object({ assessedAt: instant, seriousHarmLikely: z.string(), categoryIds: z.array(z.string()) }).nullable(),
    counts: riskCounts,
    bySetter: z.array(z.object({ setBy: z.enum(["", "file", "import", "person"]), label: z.string(), counts: riskCounts })),
    imports: z.array(
      z.object({
        importId: z.string(),
        fileName: z.string(),
        people: count,
        choice: z.enum(["rule", "yes", "no"]),
        counts: riskCounts,
      }),
    ),
  }),
);

export const personRisk = named(
  "PersonRisk",
  "A person's risk after a manager's choice, and who set it.",
  z.object({ personId: z.string(), isAtRisk: z.boolean().nullable(), setBy: z.enum(["", "file", "import", "person"]) }),
);

export const importRisk = named(
  "ImportRisk",
  "An import's people after a manager's choice (people set one by one keep theirs).",
  z.object({ importId: z.string(), fileName: z.string(), choice: z.enum(["rule", "yes", "no"]), people: count }),
);
