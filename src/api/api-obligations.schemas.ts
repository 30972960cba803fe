// The obligations and clock events of the API: what a client sends (zod v4, read by
// parseApiBody) and what it gets back (documented in the OpenAPI document from these).
import { z } from "zod/v4";
import { instant, maybeInstant, named } from "./api-responses.schemas.js";

const text = (max: number, what: string) =>
  z
    .string({ message: `Give ${what} as text.` })
    .max(max, { message: `${what[0]?.toUpperCase()}${what.slice(1)} has at most ${max} characters.` });

/** POST .../obligations: the id of the rule of the pack to apply. */
export const applyObligationBody = named(
  "ApplyObligation",
  "The rule of the pack to apply to the incident, by id.",
  z.object({
    rule: z
      .string({ message: 'Give the rule\'s id, e.g. "EU-GDPR-33".' })
      .trim()
      .min(1, { message: 'Give the rule\'s id, e.g. "EU-GDPR-33".' })
      .max(80, { message: "A rule id has at most 80 characters." }),
  }),
);

export const obligationStatuses = ["pending", "met", "not_required", "late"] as const;

/** POST .../obligations/{rule}/status: an outcome and what it needs. */
export const obligationStatusBody = named(
  "ObligationOutcome",
  "An obligation's outcome. met needs metAt and metHow (and lateReasons when after the deadline); " +
    "not_required needs notRequiredReason; late needs lateReasons; pending clears the outcome.",
  z.object({
    status: z.enum(obligationStatuses, { message: "Use pending, met, not_required or late." }),
    metAt: text(64, "metAt").optional(),
    metZone: text(64, "metZone").optional(),
    metHow: text(500, "how it was met").optional(),
    metReference: text(200, "the reference").optional(),
    evidenceNote: text(2000, "the evidence note").optional(),
    notRequiredReason: text(2000, "the reason").optional(),
    lateReasons: text(4000, "the reasons for the delay").optional(),
  }),
);

export const delayKinds = [
  "law_enforcement_delay",
  "attorney_general_determination",
  "extension_granted",
  "delay_lifted",
] as const;

/** POST .../obligations/{rule}/delays: a delay or extension the rule's law allows, or the lifting of one. */
export const obligationDelayBody = named(
  "ObligationDelay",
  "A law-enforcement delay, an Attorney General determination, an extension granted, or the lifting of an " +
    "open-ended delay. at (and until) are read in zone, else the incident's zone, unless they have an offset. " +
    "until is the end the request or grant names (none for an open-ended delay or a lifting); form is written " +
    "or oral where the law distinguishes them (HIPAA). Refused (400) beyond the rule's cap or when its law allows no such kind.",
  z.object({
    kind: z.enum(delayKinds, { message: `Use one of: ${delayKinds.join(", ")}.` }),
    form: z.enum(["written", "oral"], { message: "Use written or oral." }).optional(),
    at: text(64, "at"),
    until: text(64, "until").optional(),
    zone: text(64, "zone").optional(),
    agency: text(200, "who asked or granted"),
    reference: text(200, "the reference").optional(),
    evidenceUrl: text(500, "the evidence link").optional(),
    note: text(1000, "the note").optional(),
  }),
);

const recordedDelay = z.object({
  id: z.string(),
  kind: z.enum(delayKinds),
  form: z.enum(["", "written", "oral"]),
  at: instant,
  zone: z.string(),
  until: maybeInstant,
  agency: z.string(),
  reference: z.string(),
  evidenceUrl: z.string(),
  note: z.string(),
  recordedAt: instant,
  recordedBy: z.string(),
});

/** POST .../clock-events: the event of a trigger code and when it happened. */
export const clockEventBody = named(
  "RecordClockEvent",
  "An explicit clock event: it starts (or moves) the clocks that count from its code, and overrides " +
    "an incident fact of the same code. at is read in zone, else the incident's zone, unless it has an offset.",
  z.object({
    code: z.string({ message: 'Give the trigger code, e.g. "awareness".' }).trim().max(80),
    at: text(64, "at"),
    zone: text(64, "zone").optional(),
    note: text(1000, "the note").optional(),
  }),
);

const trigger = z.object({ code: z.string(), label: z.string() });

/** The recorded facts that start clocks, by the names the API gives them. */
export const clockFacts = [
  "awareAt",
  "detectedAt",
  "detectedYearEnd",
  "notifiableDecision",
  "materialityDecision",
  "statementPrepared",
] as const;

/** Where a clock's start came from: a recorded fact, or an explicit clock event (an override where a fact exists). */
const clockStartFields = {
  source: z.enum(["fact", "clock_event"]),
  fact: z
    .string()
    .nullable()
    .meta({ description: `The fact that started it (source fact): one of ${clockFacts.join(", ")}.` }),
  overrides: z.string().nullable().meta({ description: "For a clock event: the fact of the same code it overrides, if any." }),
  recordId: z
    .string()
    .nullable()
    .meta({ description: "The record the fact comes from (a decision's id); null for the incident's own instants." }),
  code: z.string(),
  label: z.string(),
  at: instant,
  zone: z.string(),
  note: z.string(),
};

export const startedBy = named(
  "StartedBy",
  'What started the obligation\'s clock: a fact recorded on the incident (source "fact", e.g. fact "awareAt" or ' +
    '"notifiableDecision") or an explicit clock event (source "clock_event", which overrides the fact of its code).',
  z.object({
    ...clockStartFields,
    factLabel: z.string().nullable(),
    link: z.string().nullable().meta({ description: "The page that shows the fact or the clock event." }),
  }),
);

export const obligation = named(
  "Obligation",
  "A rule of the pack applied to the incident, with its deadline computed from the copied terms.",
  z.object({
    id: z.string(),
    rule: z.string(),
    obligation: z.string(),
    regime: z.string(),
    regimeCode: z.string(),
    jurisdiction: z.string(),
    notify: z.string(),
    party: z.string(),
    status: z.enum(obligationStatuses),
    dueAt: maybeInstant,
    extendsTo: maybeInstant,
    targetAt: maybeInstant,
    zone: z.string(),
    kind: z.enum(["fixed", "asap", "relative", "none"]),
    basis: z.string().nullable(),
    standard: z.string().nullable(),
    trigger,
    startedBy: startedBy.nullable(),
    waitingFor: trigger.nullable(),
    isOverdue: z.boolean(),
    outcome: z.object({
      metAt: maybeInstant,
      metHow: z.string(),
      metReference: z.string(),
      evidenceNote: z.string(),
      notRequiredReason: z.string(),
      lateReasons: z.string(),
    }),
    appliedAt: instant,
    appliedBy: z.string(),
    reappliedAt: maybeInstant,
    isPackChanged: z.boolean(),
    /** The due instant without the delays recorded (null when none moved it), and the delays in order. */
    originalDueAt: maybeInstant,
    isDelaySuspended: z.boolean(),
    delays: z.array(recordedDelay),
    links: z.object({ self: z.string(), status: z.string(), incident: z.string(), delays: z.string() }),
  }),
);

export const obligationList = named(
  "ObligationList",
  "The incident's obligations, most urgent first.",
  z.object({ obligations: z.array(obligation) }),
);

export const clockEvent = named(
  "ClockEvent",
  'An event that drives the incident\'s clocks: recorded explicitly (source "clock_event") or a recorded fact ' +
    'that starts the clocks of its code (source "fact", e.g. fact "awareAt").',
  z.object({ ...clockStartFields, recordedAt: maybeInstant, recordedBy: z.string().nullable() }),
);

export const clockEventList = named(
  "ClockEventList",
  "The events that drive the incident's clocks, oldest first.",
  z.object({ clockEvents: z.array(clockEvent) }),
);

export const clockEventRecorded = named(
  "ClockEventRecorded",
  "The clock event as recorded, and the incident's obligations with their deadlines recomputed.",
  z.object({ clockEvent, obligations: z.array(obligation) }),
);
