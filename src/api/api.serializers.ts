import type { AuditEntry, Incident, Person, PersonImport, TimelineEvent } from "../generated/sqlite/client.js";

/** Instants leave the API as ISO 8601 UTC strings (or null when unknown). */
function iso(at: Date | null | undefined): string | null {
  return at ? at.toISOString() : null;
}

/** The API path of an incident, used in Location headers and links. */
export function incidentPath(reference: string): string {
  return `/api/v1/incidents/${encodeURIComponent(reference)}`;
}

/** An incident as the API shows it; the reference is the identifier clients use. */
export function serializeIncident(incident: Incident) {
  return {
    reference: incident.reference,
    id: incident.id,
    title: incident.title,
    summary: incident.summary,
    severity: incident.severity,
    status: incident.status,
    ownerId: incident.ownerId,
    team: incident.team,
    timeZone: incident.timeZone,
    occurredFrom: iso(incident.occurredFrom),
    occurredTo: iso(incident.occurredTo),
    detectedAt: iso(incident.detectedAt),
    awareAt: iso(incident.awareAt),
    containedAt: iso(incident.containedAt),
    decidedAt: iso(incident.decidedAt),
    closedAt: iso(incident.closedAt),
    createdAt: iso(incident.createdAt),
    updatedAt: iso(incident.updatedAt),
    links: {
      self: incidentPath(incident.reference),
      events: `${incidentPath(incident.reference)}/events`,
      audit: `${incidentPath(incident.reference)}/audit`,
      obligations: `${incidentPath(incident.reference)}/obligations`,
      clockEvents: `${incidentPath(incident.reference)}/clock-events`,
    },
  };
}

/** A timeline event as the API shows it, with the ids of the affected systems it concerns. */
export function serializeTimelineEvent(event: TimelineEvent, systemIds: string[]) {
  return {
    id: event.id,
    occurredAt: iso(event.occurredAt),
    occurredZone: event.occurredZone,
    recordedAt: iso(event.recordedAt),
    recordedBy: event.recordedBy,
    kind: event.kind,
    description: event.description,
    visibility: event.visibility,
    source: event.source,
    correctsId: event.correctsId,
    systemIds,
  };
}

function parseJson(value: string | null): unknown {
  if (value === null) return null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * An audit entry as the API shows it. The client address is left out: the API is open to
 * viewers, and the addresses of colleagues are for administrators' eyes (the audit page).
 */
export function serializeAuditEntry(entry: AuditEntry) {
  return {
    seq: entry.seq,
    at: iso(entry.at),
    actor: { userId: entry.actorId, label: entry.actorLabel },
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: parseJson(entry.before),
    after: parseJson(entry.after),
    hash: entry.hash,
  };
}

/** The page part of a list answer: enough to ask for the next page. */
export function pageInfo(page: { limit: number; offset: number }, total: number) {
  const next = page.offset + page.limit;
  return { limit: page.limit, offset: page.offset, total, nextOffset: next < total ? next : null };
}

/** The API path of an incident's people. */
export function peoplePath(reference: string): string {
  return `${incidentPath(reference)}/people`;
}

/** Parses a JSON text column, or gives the fallback when it is not JSON. */
function jsonOr<T>(text: string | null, fallback: T): unknown {
  if (text === null) return fallback;
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

/** An affected person as the API shows it: every field, categoryIds null meaning all the incident's. */
export function serializePerson(reference: string, person: Person) {
  return {
    id: person.id,
    uniqueKey: person.uniqueKey,
    externalId: person.externalId,
    givenName: person.givenName,
    familyName: person.familyName,
    email: person.email,
    phone: person.phone,
    postalAddress: person.postalAddress,
    city: person.city,
    postcode: person.postcode,
    country: person.country,
    region: person.region,
    language: person.language,
    categoryIds: jsonOr(person.categoryIds, null),
    isAtRisk: person.isAtRisk,
    attributes: jsonOr(person.attributes, {}),
    warnings: jsonOr(person.warnings, {}),
    notes: person.notes,
    importId: person.importId,
    createdAt: iso(person.createdAt),
    updatedAt: iso(person.updatedAt),
    links: {
      self: `${peoplePath(reference)}/${encodeURIComponent(person.id)}`,
      ...(person.importId ? { import: `${peoplePath(reference)}/imports/${encodeURIComponent(person.importId)}` } : {}),
    },
  };
}

/** An import of people as the API shows it, with its counts, reasons and where it stopped. */
export function serializePersonImport(reference: string, row: PersonImport) {
  const self = `${peoplePath(reference)}/imports/${encodeURIComponent(row.id)}`;
  return {
    id: row.id,
    fileName: row.fileName,
    fileBytes: Number(row.fileBytes),
    status: row.status,
    encoding: row.encoding,
    delimiter: row.delimiter,
    mapping: jsonOr(row.mapping, {}),
    counts: {
      read: row.rowsRead,
      accepted: row.accepted,
      created: row.created,
      updated: row.updated,
      duplicates: row.duplicates,
      rejected: row.rejected,
    },
    reasons: jsonOr(row.reasons, {}),
    stoppedAtLine: row.stoppedAtLine,
    message: row.message,
    createdAt: iso(row.createdAt),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    links: {
      self,
      ...(row.status === "uploaded" ? { start: `${self}/start` } : {}),
      people: `${peoplePath(reference)}?import=${encodeURIComponent(row.id)}`,
      ...(row.errorReportPath ? { errors: `${self}/errors.csv` } : {}),
    },
  };
}
