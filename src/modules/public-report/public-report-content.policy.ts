// What a public report shows, built from the record by pure rules: the public timeline entries
// (a corrected entry gives way to its correction), the systems and actions ticked public, the
// kinds of information, the contact point. Never a person's data: only these fields are copied.
import { formatInZone } from "../../lib/instants.js";
import { type DraftInput, type ReportKind, reportKinds, type TextKey, textKeys, textLabels } from "./public-report.schemas.js";

export interface PublicTimelineEntry {
  /** ISO instant (UTC) */
  occurredAt: string;
  /** the zone it was recorded in, and the instant written there */
  zone: string;
  local: string;
  kind: string;
  description: string;
}

export interface PublicReportContent {
  kind: ReportKind;
  title: string;
  organisation: string;
  texts: Record<TextKey, string>;
  timeline: PublicTimelineEntry[];
  systems: { name: string; role: string; status: string }[];
  actions: { title: string; status: string; completedAt: string | null }[];
  kindsOfInformation: { name: string; advice: string }[];
  contact: { email: string; phone: string; website: string; address: string };
}

/** The record a report is built from, as the services read it. */
export interface ReportSource {
  draft: DraftInput;
  organisation: { name: string; contactEmail: string; contactPhone: string; website: string; address: string };
  events: {
    id: string;
    occurredAt: Date;
    occurredZone: string;
    kind: string;
    description: string;
    visibility: string;
    correctsId: string | null;
  }[];
  systems: { name: string; role: string; status: string }[];
  actions: { title: string; status: string; completedAt: Date | null }[];
  categories: { name: string; advice: string }[];
}

/** An empty draft: what a report starts from. */
export function emptyDraft(): DraftInput {
  return {
    kind: "statement",
    title: "",
    narrative: "",
    whatHappened: "",
    howFound: "",
    whatWorked: "",
    whatDidNot: "",
    whatChanges: "",
    whatToDo: "",
  };
}

/** The stored draft JSON read back, unknown keys dropped and missing ones empty. */
export function draftOf(json: string, kind: string): DraftInput {
  const draft = emptyDraft();
  let stored: Record<string, unknown> = {};
  try {
    stored = JSON.parse(json) as Record<string, unknown>;
  } catch {
    stored = {};
  }
  for (const key of [...textKeys, "title"] as const) if (typeof stored[key] === "string") draft[key] = stored[key];
  draft.kind = (reportKinds as readonly string[]).includes(kind) ? (kind as ReportKind) : "statement";
  return draft;
}

/**
 * The public timeline: entries marked public, in the order they happened, each in the zone it
 * was recorded in. An entry some later entry corrects is left out (its correction, when public,
 * says it right), so a withdrawn detail does not stay on the page.
 */
export function publicTimeline(events: ReportSource["events"]): PublicTimelineEntry[] {
  const corrected = new Set(events.map((e) => e.correctsId).filter((id): id is string => id !== null));
  return events
    .filter((e) => e.visibility === "public" && !corrected.has(e.id))
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
    .map((e) => ({
      occurredAt: e.occurredAt.toISOString(),
      zone: e.occurredZone,
      local: formatInZone(e.occurredAt, e.occurredZone),
      kind: e.kind,
      description: e.description,
    }));
}

/** The page's content from the record: what a publication stores as its version. */
export function buildReportContent(source: ReportSource): PublicReportContent {
  const { draft, organisation } = source;
  const texts = Object.fromEntries(
    textKeys.map((key) => [key, textLabels[key].kinds.includes(draft.kind) ? draft[key] : ""]),
  ) as Record<TextKey, string>;
  return {
    kind: draft.kind,
    title: draft.title || (organisation.name ? `${organisation.name}: security incident` : "Security incident"),
    organisation: organisation.name,
    texts,
    timeline: publicTimeline(source.events),
    systems: source.systems.map((s) => ({ name: s.name, role: s.role, status: s.status })),
    actions: source.actions.map((a) => ({ title: a.title, status: a.status, completedAt: a.completedAt?.toISOString() ?? null })),
    kindsOfInformation: source.categories.map((c) => ({ name: c.name, advice: c.advice })),
    contact: {
      email: organisation.contactEmail,
      phone: organisation.contactPhone,
      website: organisation.website,
      address: organisation.address,
    },
  };
}

/** What is missing before a report can be published: a summary, and the steps for a statement. */
export function missingBeforePublishing(draft: DraftInput): string[] {
  const missing: string[] = [];
  if (!draft.narrative.trim()) missing.push("Write the summary (what the public should know).");
  if (draft.kind === "post_incident" && !draft.whatHappened.trim()) missing.push("Say what happened.");
  return missing;
}

/** Paragraphs of a text: blank lines separate them; single line breaks stay within one. */
export function paragraphsOf(text: string): string[][] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.split(/\r?\n/).map((line) => line.trim()))
    .filter((lines) => lines.some(Boolean));
}
