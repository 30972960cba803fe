// What clients send to the incident, timeline, import and campaign endpoints, as zod (v4)
// schemas for the OpenAPI document. The campaign bodies are also what the handlers read; the
// incident and event bodies are read by their module's form schema (the same words as the
// pages), and these describe the same fields as JSON.
import { z } from "zod/v4";
import { severities } from "../modules/incidents/index.js";
import { timelineKinds } from "../modules/timeline/index.js";
import { named } from "./api-responses.schemas.js";

const localOrOffset =
  "An instant: with an offset or Z (2026-03-02T06:10+11:00), or a local time (2026-03-02 06:10) in the incident's zone.";
const when = z.string().meta({ description: localOrOffset });

export const newIncidentBody = named(
  "NewIncident",
  "A new incident. Instants are read in timeZone unless they carry an offset.",
  z.object({
    title: z.string().min(1).max(200),
    summary: z.string().max(20_000).optional(),
    severity: z.enum(severities),
    timeZone: z.string().meta({ description: "An IANA zone, e.g. Australia/Sydney." }),
    ownerId: z.string().optional(),
    team: z.string().max(200).optional(),
    occurredFrom: when.optional(),
    occurredTo: when.optional(),
    detectedAt: when.optional(),
    awareAt: when.optional().meta({ description: `When the organisation became aware. ${localOrOffset}` }),
  }),
);

export const newTimelineEventBody = named(
  "NewTimelineEvent",
  "An event appended to the timeline; occurredAt is read in occurredZone (default: the incident's zone).",
  z.object({
    kind: z.enum(Object.keys(timelineKinds) as [string, ...string[]]),
    description: z.string().min(1),
    occurredAt: when,
    occurredZone: z.string().optional(),
    visibility: z.enum(["internal", "public"]).optional(),
    systemIds: z.union([z.string(), z.array(z.string())]).optional(),
  }),
);

export const importStartBody = named(
  "StartImport",
  "Starts an uploaded import; mapping maps column headers to fields where the guesses are wrong.",
  z.object({ mapping: z.record(z.string(), z.string()).optional() }),
);

export const rejectedRowsBody = named(
  "ResolveRejectedRows",
  "What became of an import's rejected rows: imported by a later completed import (importedBy), or dismissed with a note saying why.",
  z.object({
    resolution: z.enum(["imported", "dismissed"]),
    note: z.string().max(1000).optional(),
    importedBy: z.string().optional().meta({ description: "The id of the later import, for imported." }),
  }),
);

const isOn = z.boolean({ message: "must be true or false" });

/**
 * The campaign's JSON body: the web form's fields as JSON types. The handler translates it to
 * the form's shape and validates it with the same schema, so the API and the page refuse the
 * same things with the same words.
 */
export const newCampaignBody = named(
  "NewCampaign",
  "A draft campaign: a notice template of the incident and an audience (none: everyone affected).",
  z.object({
    name: z.string({ message: "Give the campaign a name." }),
    templateId: z.string({ message: "Choose the notice to send." }),
    scheduledAt: when.optional(),
    isApprovalRequired: isOn.optional(),
    audience: z
      .object({
        atRiskOnly: isOn.optional(),
        notYetNotified: isOn.optional(),
        failedBefore: isOn.optional(),
        places: z.array(z.string(), { message: "must be a list of codes such as AU-NSW" }).max(500).optional(),
        attributes: z
          .union([
            z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
            z.record(z.string(), z.union([z.string(), z.array(z.string())])),
          ])
          .optional()
          .meta({
            description:
              'Imported columns the people must have one of the values of (any letter case), e.g. {"conference": ["PyCon AU 2014"]} or [{"name": "conference", "values": ["PyCon AU 2014"]}].',
          }),
      })
      .optional(),
  }),
);

export const campaignStartBody = named(
  "StartCampaign",
  "Starts now, or with scheduledAt at that instant. override.reason starts it although its notice differs from a submitted Australian statement (audited, on the timeline).",
  z.object({
    scheduledAt: when.optional(),
    override: z
      .object({ reason: z.string().trim().min(1).max(1000) })
      .optional()
      .meta({
        description:
          "A manager's reason to start although the notice differs from a submitted AU-NDB statement (the 409 statement_mismatch).",
      }),
  }),
);

export const campaignPauseBody = named(
  "PauseCampaign",
  "Pauses sending, with an optional reason for the other managers.",
  z.object({ reason: z.string().max(500).optional() }),
);
