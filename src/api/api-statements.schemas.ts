// What the regulator statement endpoints read and answer, as zod (v4) schemas for the OpenAPI
// document (api-openapi.ts). The handlers read the bodies with the module's own schemas
// (modules/statements/statements.schemas.ts), so the API and the pages refuse the same things
// with the same words; these describe the same fields as JSON.
import { z } from "zod/v4";
import { instant, maybeInstant, named } from "./api-responses.schemas.js";

export const statementCreateBody = named(
  "StatementCreateBody",
  "The regulator rule to draft a statement for, e.g. AU-NDB-oaic.",
  z.object({ rule: z.string().meta({ description: "A regulator rule's id from the rule pack", examples: ["AU-NDB-oaic"] }) }),
);

export const statementSaveBody = named(
  "StatementSaveBody",
  "The edited items, saved as the next version. An item left out keeps its value; a choice item takes its code (several separated by commas, or a list).",
  z.object({
    fields: z.record(z.string(), z.union([z.string(), z.array(z.string())])).meta({ description: "item key -> text" }),
    baseVersion: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "The version edited: refused with 409 when a newer one exists" }),
    note: z.string().optional().meta({ description: "Why it changed" }),
  }),
);

export const statementSubmitBody = named(
  "StatementSubmitBody",
  "When and how a version (the newest by default) was given to the regulator. It closes the obligation the statement answers.",
  z.object({
    submittedAt: z
      .string()
      .meta({ description: "Local time in submittedZone (2026-03-05 14:30), or with an offset", examples: ["2026-03-05 14:30"] }),
    submittedZone: z.string().optional().meta({ description: "IANA zone; UTC by default" }),
    how: z.enum(["portal", "email", "letter"]),
    reference: z.string().optional().meta({ description: "The regulator's reference" }),
    version: z.number().int().min(1).optional(),
  }),
);

const missingItem = z.object({ key: z.string(), label: z.string(), citation: z.string(), why: z.string() });

export const statement = named(
  "Statement",
  "A regulator statement: one version (the newest unless ?version= asks for another) with its items drafted from the record and edited, and the items the law asks for that are missing.",
  z.object({
    id: z.string(),
    reference: z.string(),
    rule: z.string().meta({ examples: ["AU-NDB-oaic"] }),
    party: z.string(),
    version: z.number().int(),
    latestVersion: z.number().int(),
    isApplied: z
      .boolean()
      .meta({ description: "The rule is applied to the incident (marking it submitted closes the obligation)" }),
    followsId: z.string().nullable().meta({ description: "The statement this report follows (NIS2's linked reports)" }),
    fields: z.record(z.string(), z.string()).meta({
      description: "item key -> text: entity, description, kindsOfInformation, recommendedSteps and the regime's other items",
    }),
    missing: z.array(z.string()).meta({ description: "The keys of the items the law asks for that are empty or not a choice" }),
    missingItems: z.array(missingItem),
    items: z.array(z.object({ key: z.string(), label: z.string(), citation: z.string() })),
    savedAt: instant,
    savedBy: z.string(),
    note: z.string(),
    submission: z
      .object({
        submittedAt: instant,
        zone: z.string(),
        how: z.string(),
        reference: z.string(),
        ackFileName: z.string().nullable(),
      })
      .nullable(),
    versions: z.array(
      z.object({ version: z.number().int(), savedAt: instant, savedBy: z.string(), note: z.string(), submittedAt: maybeInstant }),
    ),
  }),
);

export const statementList = named(
  "StatementList",
  "One row per regulator rule applied to the incident (and per statement of a rule not applied).",
  z.object({
    statements: z.array(
      z.object({
        rule: z.string(),
        party: z.string(),
        id: z.string().nullable().meta({ description: "null: not drafted yet" }),
        version: z.number().int().nullable(),
        submittedVersion: z.number().int().nullable(),
        missing: z.array(z.string()).meta({ description: "The labels of the items missing from the newest version" }),
      }),
    ),
  }),
);
