// What the breach register endpoint answers, as a zod (v4) schema for the OpenAPI document
// (api-openapi.ts). The handler reads the query with the module's own schema
// (modules/register/register.schemas.ts), so the API and the page refuse the same values.
import { z } from "zod/v4";
import { instant, maybeInstant, named } from "./api-responses.schemas.js";

const regulatorNotification = z.object({
  rule: z.string().meta({ examples: ["AU-NDB-oaic"] }),
  regulator: z.string().meta({ examples: ["Australian Information Commissioner"] }),
  at: maybeInstant.meta({ description: "When it was submitted (or recorded as met)" }),
  zone: z.string().meta({ description: "The zone the instant was entered in" }),
  how: z.string().meta({ description: "portal, email or letter for a statement; the words recorded otherwise" }),
  reference: z.string().meta({ description: "The regulator's reference; empty when none was given" }),
  statementId: z.string().nullable().meta({ description: "The statement submitted; null when recorded as met by hand" }),
  statementVersion: z.number().int().nullable(),
});

const registerIncident = z.object({
  reference: z.string().meta({ examples: ["BD-2026-0001"] }),
  withheld: z.boolean().meta({
    description:
      "true for a restricted incident the caller is not on the team of, listed because REGISTER_RESTRICTED=line: every other field is empty or null",
  }),
  title: z.string(),
  summary: z.string(),
  severity: z.string(),
  status: z
    .string()
    .meta({ description: "detected, investigating, contained, assessing, notifying, closed, closed_not_notifiable" }),
  timeZone: z.string(),
  occurredFrom: maybeInstant,
  occurredTo: maybeInstant,
  detectedAt: maybeInstant.meta({ description: "When it was discovered" }),
  awareAt: maybeInstant,
  containedAt: maybeInstant,
  decidedAt: maybeInstant,
  closedAt: maybeInstant,
  kindsOfInformation: z.array(
    z.object({ category: z.string(), name: z.string(), sensitivity: z.string(), details: z.string(), encrypted: z.string() }),
  ),
  systems: z.array(z.object({ name: z.string(), role: z.string(), status: z.string(), compromiseMethod: z.string() })),
  peopleAffected: z.object({
    count: z.number().int().nullable(),
    source: z
      .enum(["ledger", "assessment"])
      .nullable()
      .meta({ description: "ledger: the people imported and rows not imported; assessment: its estimate; null: not known" }),
  }),
  remedialActions: z.array(
    z.object({ title: z.string(), status: z.string(), dueOn: z.string().nullable(), completedAt: maybeInstant }),
  ),
  decision: z
    .object({
      outcome: z.enum(["notifiable", "not_notifiable"]),
      isNotifiable: z.boolean(),
      regimes: z.array(z.string()),
      rationale: z.string(),
      decidedAt: instant,
      decidedBy: z.string(),
      earlierDecisions: z.number().int().meta({ description: "Decisions recorded before the current one" }),
    })
    .nullable()
    .meta({ description: "The current notify / don't-notify decision; null when none is recorded" }),
  notifications: z.object({
    regulators: z.array(regulatorNotification),
    people: z.object({
      affected: z.number().int(),
      told: z.number().int(),
      byEmail: z.number().int(),
      anotherWay: z.number().int(),
      notImported: z.number().int(),
      share: z.number().nullable(),
      isComplete: z.boolean(),
    }),
  }),
});

export const register = named(
  "Register",
  "The breach register: every incident (of the year and status asked), notified or not, the newest reference first, with its facts, effects, remedial actions, decision and the notifications made.",
  z.object({ incidents: z.array(registerIncident) }),
);
