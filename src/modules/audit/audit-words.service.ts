import type { DbOrTx } from "../../db/client.js";
import { findIncidentReferences, findUserNames, listIncidentAuditPage } from "./audit-names.repository.js";
import { type AuditEntryFacts, type AuditWords, describeAuditEntry } from "./audit-words.policy.js";

/**
 * Audit entries in words ("Ana applied EU-GDPR-33 to BD-2016-0001"), each kept whole beside
 * its words so that a page can show the code and the JSON in the entry's detail view. Two
 * reads, whatever the number of entries: the users and the incidents they name.
 */
export async function describeAuditEntries<T extends AuditEntryFacts>(
  db: DbOrTx,
  entries: T[],
): Promise<(T & { words: AuditWords })[]> {
  const userIds = new Set<string>();
  const incidentIds = new Set<string>();
  for (const entry of entries) {
    if (entry.actorId) userIds.add(entry.actorId);
    if (entry.entityType === "user" && entry.entityId) userIds.add(entry.entityId);
    if (entry.incidentId) incidentIds.add(entry.incidentId);
  }
  const [users, incidents] = await Promise.all([findUserNames(db, [...userIds]), findIncidentReferences(db, [...incidentIds])]);
  return entries.map((entry) => ({ ...entry, words: describeAuditEntry(entry, { users, incidents }) }));
}

/** One page of an incident's audit entries in words, newest first, with how many there are in all. */
export async function loadIncidentAuditPage(db: DbOrTx, incidentId: string, page: { take: number; skip: number }) {
  const { entries, total } = await listIncidentAuditPage(db, incidentId, page);
  return { entries: await describeAuditEntries(db, entries), total };
}
