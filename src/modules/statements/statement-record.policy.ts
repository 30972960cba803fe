// What a statement is drafted from: the incident's record, read once (statement-record.service.ts)
// into this plain shape, and the words each field's draft takes from it. Pure: no I/O, an
// injected instant for "now", so the whole rule pack can be drafted in a unit test.
import { DateTime } from "luxon";

/** The incident's record as a statement reads it. */
export interface StatementRecord {
  incident: {
    reference: string;
    title: string;
    summary: string;
    timeZone: string;
    occurredFrom: Date | null;
    occurredTo: Date | null;
    detectedAt: Date | null;
    awareAt: Date | null;
    containedAt: Date | null;
  };
  organisation: {
    name: string;
    address: string;
    contactEmail: string;
    contactPhone: string;
    privacyOfficer: string;
    privacyOfficerEmail: string;
    website: string;
  };
  /** Timeline entries in order, corrections applied (the corrected entry left out). */
  events: { occurredAt: Date; kind: string; description: string }[];
  categories: { id: string; name: string; details: string; advice: string; harm: string; sensitivity: string }[];
  /** Everyone affected as the ledger counts them (imported people and rejected rows outstanding). */
  peopleAffected: number;
  /** The newest risk assessment, when one is recorded. */
  assessment: {
    peopleCount: number | null;
    peopleCountNote: string;
    whoMayHold: string;
    remedialSummary: string;
    seriousHarmLikely: string;
    rationale: string;
  } | null;
  actions: { title: string; status: string; notes: string }[];
  systems: { name: string; compromiseMethod: string; status: string }[];
  /** The obligation's deadline, when it has one (for reasons of a late statement). */
  dueAt: Date | null;
  now: Date;
}

/** An empty record (a new incident with nothing recorded): every draft must still work from it. */
export function emptyRecord(now: Date): StatementRecord {
  return {
    incident: {
      reference: "",
      title: "",
      summary: "",
      timeZone: "UTC",
      occurredFrom: null,
      occurredTo: null,
      detectedAt: null,
      awareAt: null,
      containedAt: null,
    },
    organisation: {
      name: "",
      address: "",
      contactEmail: "",
      contactPhone: "",
      privacyOfficer: "",
      privacyOfficerEmail: "",
      website: "",
    },
    events: [],
    categories: [],
    peopleAffected: 0,
    assessment: null,
    actions: [],
    systems: [],
    dueAt: null,
    now,
  };
}

const lines = (...parts: (string | false | null | undefined)[]) => parts.filter((p): p is string => !!p && !!p.trim()).join("\n");

/** "7 March 2026, 14:05 (Australia/Sydney)": an instant in the incident's zone, for a regulator to read. */
export function formatWhen(at: Date | null, zone: string): string {
  if (!at) return "";
  return `${DateTime.fromJSDate(at, { zone }).toFormat("d LLLL yyyy, HH:mm")} (${zone})`;
}

/** (a) The entity's identity and contact details, from the organisation (the incident's own contact point over the profile). */
export function draftEntity(r: StatementRecord): string {
  const o = r.organisation;
  return lines(
    o.name,
    o.address,
    o.contactEmail && `E-mail: ${o.contactEmail}`,
    o.contactPhone && `Phone: ${o.contactPhone}`,
    o.website && `Website: ${o.website}`,
  );
}

/** The contact point for questions: the privacy officer, else the organisation's contact. */
export function draftContactPoint(r: StatementRecord): string {
  const o = r.organisation;
  if (o.privacyOfficer || o.privacyOfficerEmail) {
    return lines(
      o.privacyOfficer,
      o.privacyOfficerEmail && `E-mail: ${o.privacyOfficerEmail}`,
      o.contactPhone && `Phone: ${o.contactPhone}`,
    );
  }
  return lines(o.name, o.contactEmail && `E-mail: ${o.contactEmail}`, o.contactPhone && `Phone: ${o.contactPhone}`);
}

/** When it happened, in words: unknown, an instant, or a range. */
export function draftOccurred(r: StatementRecord): string {
  const { occurredFrom: from, occurredTo: to, timeZone: zone } = r.incident;
  if (!from) return "";
  if (!to || to.getTime() === from.getTime()) return formatWhen(from, zone);
  return `Between ${formatWhen(from, zone)} and ${formatWhen(to, zone)}`;
}

/** (b) A description of the breach: the summary, the key instants and the timeline's main entries. */
export function draftDescription(r: StatementRecord): string {
  const i = r.incident;
  const zone = i.timeZone;
  const told = r.events.filter((e) => ["detection", "intrusion", "containment", "evidence"].includes(e.kind)).slice(0, 8);
  const occurred = draftOccurred(r);
  return lines(
    i.summary || i.title,
    occurred && `When it happened: ${occurred}.`,
    i.detectedAt && `Detected: ${formatWhen(i.detectedAt, zone)}.`,
    i.containedAt && `Contained: ${formatWhen(i.containedAt, zone)}.`,
    told.length > 0 && "What happened:",
    ...told.map((e) => `- ${formatWhen(e.occurredAt, zone)}: ${e.description}`),
  );
}

/** (c) The kinds of information concerned: the incident's data categories with their details. */
export function draftKinds(r: StatementRecord): string {
  return r.categories.map((c) => (c.details ? `${c.name}: ${c.details}` : c.name)).join("\n");
}

/** (d) The steps people should take: each category's advice, once. */
export function draftRecommendedSteps(r: StatementRecord): string {
  const advice = [...new Set(r.categories.map((c) => c.advice.trim()).filter(Boolean))];
  return advice.map((a) => `- ${a}`).join("\n");
}

/** Likely consequences: the harm each category can cause, and the assessment's rationale. */
export function draftConsequences(r: StatementRecord): string {
  const harms = [...new Set(r.categories.map((c) => c.harm.trim()).filter(Boolean))];
  return lines(...harms.map((h) => `- ${h}`), r.assessment?.rationale && `Assessment: ${r.assessment.rationale}`);
}

/** Containment and what the entity is doing: the remedial actions and the assessment's summary of them. */
export function draftMeasures(r: StatementRecord): string {
  const label: Record<string, string> = { done: "done", in_progress: "in progress", open: "planned" };
  const acts = r.actions.filter((a) => a.status !== "cancelled");
  return lines(
    r.incident.containedAt && `Contained on ${formatWhen(r.incident.containedAt, r.incident.timeZone)}.`,
    r.assessment?.remedialSummary,
    ...acts.map((a) => `- ${a.title} (${label[a.status] ?? a.status})`),
  );
}

/** How many people: the ledger's count when people are imported, else the assessment's estimate. */
export function draftPeopleCount(r: StatementRecord): string {
  if (r.peopleAffected > 0) return String(r.peopleAffected);
  if (r.assessment?.peopleCount) {
    return r.assessment.peopleCountNote
      ? `${r.assessment.peopleCount} (${r.assessment.peopleCountNote})`
      : String(r.assessment.peopleCount);
  }
  return "";
}

const CAUSE_WORDS: [string, RegExp][] = [
  ["phishing", /phish/i],
  ["ransomware", /ransom/i],
  ["malware", /malware|trojan|remote access tool|\bRAT\b|botnet|virus/i],
  ["brute_force", /brute.?force|password spray/i],
  ["compromised_credentials", /credential|stolen password|ssh key/i],
  ["theft", /theft|stolen (laptop|device|paperwork)/i],
  ["hacking", /hack|exploit|overflow|root access|intrusion|compromis/i],
];

/** The text a cause is guessed from: the summary, the intrusion entries and the systems' compromise methods. */
function causeText(r: StatementRecord): string {
  return [
    r.incident.summary,
    ...r.events.filter((e) => e.kind === "intrusion").map((e) => e.description),
    ...r.systems.map((s) => s.compromiseMethod),
  ].join("\n");
}

/** The OAIC form's cause and its kind, guessed from the record ("" when nothing says). */
export function draftCause(r: StatementRecord): { cause: string; kind: string } {
  const text = causeText(r);
  const hasAttack = r.events.some((e) => e.kind === "intrusion") || r.systems.some((s) => s.status === "compromised");
  const kind = CAUSE_WORDS.find(([, re]) => re.test(text))?.[0] ?? "";
  if (kind || hasAttack) return { cause: "malicious_attack", kind: kind || "hacking" };
  return { cause: "", kind: "" };
}

/** The OAIC form's groups of information, from the categories (contact, identity, financial, tfn, health, other_sensitive). */
export function draftInformationGroups(r: StatementRecord): string {
  const groupOf: Record<string, string> = {
    contact_details: "contact",
    postal_address: "contact",
    email_address: "contact",
    phone_number: "contact",
    identity: "identity",
    date_of_birth: "identity",
    government_id: "identity",
    financial_account: "financial",
    payment_card: "financial",
    health: "health",
    genetic: "health",
    biometric: "other_sensitive",
    racial_ethnic_origin: "other_sensitive",
    political_religious_beliefs: "other_sensitive",
    trade_union: "other_sensitive",
    sexual_orientation: "other_sensitive",
    criminal_records: "other_sensitive",
  };
  const groups = new Set(r.categories.map((c) => groupOf[c.id] ?? (/tax file/i.test(c.name) ? "tfn" : "")).filter(Boolean));
  return ["contact", "identity", "financial", "tfn", "health", "other_sensitive"].filter((g) => groups.has(g)).join(", ");
}

/** Whether the statement goes after the deadline (GDPR Art. 33(1): reasons must accompany it). */
export function isLate(r: StatementRecord): boolean {
  return r.dueAt !== null && r.now.getTime() > r.dueAt.getTime();
}
