// What the API answers, as zod (v4) schemas: the OpenAPI document's components are generated
// from them (api-openapi.ts), and test/http/api-openapi.test.ts validates real answers against
// that document. Objects the API builds itself are closed (no field left undocumented); the few
// that spread a module's object (the people summary, counts by status) stay open.
import { z } from "zod/v4";
import { incidentStatuses, severities } from "../modules/incidents/index.js";
import { timelineKinds } from "../modules/timeline/index.js";

/** The registry of named schemas: each becomes #/components/schemas/<id>. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

/** Registers a schema under its component name. */
export function named<T extends z.ZodType>(id: string, description: string, schema: T): T {
  apiSchemas.add(schema, { id, description });
  return schema;
}

/** An instant, always in UTC: 2026-03-01T19:10:00.000Z. */
export const instant = z.string().meta({ format: "date-time", examples: ["2026-03-01T19:10:00.000Z"] });
export const maybeInstant = instant.nullable();
const count = z.number().int().min(0);
const counts = z.record(z.string(), count);
const link = z.string();

export const errorBody = named(
  "Error",
  "The one error shape of the API; fields only when particular fields or query parameters are wrong.",
  z.object({
    error: z.object({
      status: z.number().int(),
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
      differences: z.array(z.record(z.string(), z.unknown())).optional().meta({
        description: "Only with code statement_mismatch: each notice version and submitted statement that differ, item by item.",
      }),
      requestId: z.string(),
    }),
  }),
);

export const offsetPage = named(
  "OffsetPage",
  "Where a list page is: nextOffset is null on the last page.",
  z.object({ limit: count, offset: count, total: count, nextOffset: count.nullable() }),
);

export const incident = named(
  "Incident",
  "An incident; the reference (BD-<year>-<number>) names it in paths.",
  z.object({
    reference: z.string(),
    id: z.string(),
    title: z.string(),
    summary: z.string(),
    severity: z.enum(severities),
    status: z.enum(incidentStatuses),
    ownerId: z.string().nullable(),
    team: z.string(),
    timeZone: z.string(),
    occurredFrom: maybeInstant,
    occurredTo: maybeInstant,
    detectedAt: maybeInstant,
    awareAt: maybeInstant,
    containedAt: maybeInstant,
    decidedAt: maybeInstant,
    closedAt: maybeInstant,
    createdAt: maybeInstant,
    updatedAt: maybeInstant,
    links: z.object({ self: link, events: link, audit: link, obligations: link, clockEvents: link }),
  }),
);

export const incidentList = named(
  "IncidentList",
  "A page of incidents.",
  z.object({ data: z.array(incident), page: offsetPage }),
);

export const timelineEvent = named(
  "TimelineEvent",
  "An event of the incident's timeline (append-only; a correction names the event it corrects).",
  z.object({
    id: z.string(),
    occurredAt: instant,
    occurredZone: z.string(),
    recordedAt: instant,
    recordedBy: z.string(),
    kind: z.enum(Object.keys(timelineKinds) as [string, ...string[]]),
    description: z.string(),
    visibility: z.enum(["internal", "public"]),
    source: z.string(),
    correctsId: z.string().nullable(),
    systemIds: z.array(z.string()),
  }),
);

export const timelineEventList = named(
  "TimelineEventList",
  "A page of the timeline, oldest first.",
  z.object({ data: z.array(timelineEvent), page: offsetPage }),
);

export const auditEntry = named(
  "AuditEntry",
  "An entry of the hash-chained audit log; before and after are what the change recorded.",
  z.object({
    seq: z.number().int(),
    at: instant,
    actor: z.object({ userId: z.string().nullable(), label: z.string() }),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    hash: z.string(),
  }),
);

export const auditEntryList = named(
  "AuditEntryList",
  "A page of the incident's audit entries, oldest first.",
  z.object({ data: z.array(auditEntry), page: offsetPage }),
);

export const person = named(
  "Person",
  "An affected person; categoryIds null means every data category of the incident.",
  z.object({
    id: z.string(),
    uniqueKey: z.string(),
    externalId: z.string().nullable(),
    givenName: z.string(),
    familyName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    postalAddress: z.string().nullable().meta({ description: "The street lines of the postal address." }),
    city: z.string().nullable(),
    postcode: z.string().nullable(),
    country: z.string().nullable(),
    region: z.string().nullable(),
    language: z.string().nullable(),
    categoryIds: z.array(z.string()).nullable(),
    isAtRisk: z.boolean().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    warnings: z.record(z.string(), z.string()).meta({
      description: "Values the import could not use, as given, by warning (e.g. invalid_email); not in their fields.",
    }),
    notes: z.string(),
    importId: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
    links: z.object({ self: link, import: link.optional() }),
  }),
);

export const personList = named(
  "PersonList",
  "A page of people, by cursor: pass page.nextAfter as ?after= for the next page (null on the last).",
  z.object({
    data: z.array(person),
    page: z.object({
      limit: count,
      after: z.string().nullable(),
      nextAfter: z.string().nullable(),
      total: count,
      isTotalExact: z.boolean(),
    }),
  }),
);

export const peopleSummary = named(
  "PeopleSummary",
  "The incident's people counted by risk, e-mail, data category, country and place.",
  z.looseObject({
    total: count,
    withEmail: count,
    withoutEmail: count,
    atRisk: z.object({ yes: count, no: count, unknown: count }),
    categories: z.array(z.looseObject({ id: z.string(), count })),
    countries: z.array(z.looseObject({ count })),
    places: z.array(z.looseObject({ count })),
    links: z.object({ people: link }),
  }),
);

export const personImport = named(
  "PersonImport",
  "An import of people from a CSV file: its status, counts, reasons for rejected rows and where it stopped.",
  z.object({
    id: z.string(),
    fileName: z.string(),
    fileBytes: count,
    status: z.string(),
    encoding: z.string(),
    delimiter: z.string(),
    mapping: z.record(z.string(), z.unknown()),
    counts: z.object({ read: count, accepted: count, created: count, updated: count, duplicates: count, rejected: count }),
    reasons: counts,
    warnings: counts.meta({ description: "Rows kept (counted in accepted) with a value that could not be used, by warning." }),
    rejectedRows: z.object({
      rows: count,
      outstanding: count.meta({ description: "Rejected rows still affected people not imported." }),
      resolution: z.enum(["", "imported", "dismissed"]),
      note: z.string(),
      importedBy: z.string().nullable(),
      resolvedAt: maybeInstant,
    }),
    stoppedAtLine: count.nullable(),
    message: z.string(),
    createdAt: instant,
    startedAt: maybeInstant,
    finishedAt: maybeInstant,
    links: z.object({ self: link, start: link.optional(), people: link, errors: link.optional() }),
  }),
);

export const personImportList = named(
  "PersonImportList",
  "The incident's recent imports, newest first.",
  z.object({ data: z.array(personImport), links: z.object({ people: link }) }),
);

export const campaign = named(
  "Campaign",
  "A campaign: one notice template sent to an audience of the incident's people, with counts by delivery status.",
  z.object({
    id: z.string(),
    name: z.string(),
    status: z.string(),
    templateId: z.string(),
    versionIds: z.record(z.string(), z.string()),
    audience: z.looseObject({ description: z.string() }),
    scheduledAt: maybeInstant,
    isApprovalRequired: z.boolean(),
    approvedById: z.string().nullable(),
    approvedAt: maybeInstant,
    pauseReason: z.string().nullable(),
    startedAt: maybeInstant,
    finishedAt: maybeInstant,
    createdAt: instant,
    counts,
    fanOut: z
      .object({ written: count, total: count })
      .nullable()
      .describe(
        "While the worker still writes a large campaign's deliveries, a batch at a time: how many are written of the people the audience had at the start. Null once all are written; the campaign completes only after that.",
      ),
    links: z.object({ self: link, deliveries: link, incident: link }),
  }),
);

export const campaignList = named("CampaignList", "The incident's campaigns.", z.object({ data: z.array(campaign) }));

export const delivery = named(
  "Delivery",
  "One person's delivery of a campaign: the record of what was sent when.",
  z.object({
    id: z.string(),
    personId: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    country: z.string().nullable(),
    region: z.string().nullable(),
    language: z.string().nullable(),
    templateVersionId: z.string().nullable(),
    channel: z.string(),
    status: z.string(),
    attempts: count,
    possibleRepeats: count,
    messageId: z.string().nullable(),
    smtpCode: z.number().int().nullable(),
    smtpResponse: z.string().nullable(),
    exclusionReason: z.string().nullable(),
    queuedAt: maybeInstant,
    sentAt: maybeInstant,
    failedAt: maybeInstant,
    toldAt: maybeInstant,
    toldNote: z.string().nullable(),
  }),
);

export const deliveryList = named(
  "DeliveryList",
  "A page of a campaign's deliveries; page.next is the URL of the next page, null on the last.",
  z.object({ data: z.array(delivery), page: z.object({ total: count, counts, next: z.string().nullable() }) }),
);
