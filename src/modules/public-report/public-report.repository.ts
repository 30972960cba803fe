// The public report's queries: its own two tables. The record it is built from is read through
// the owners' faces (timeline, systems, actions, data categories, organisation).
import type { DbOrTx } from "../../db/client.js";

export function findReportOfIncident(db: DbOrTx, incidentId: string) {
  return db.publicReport.findUnique({ where: { incidentId } });
}

export function findReportBySlug(db: DbOrTx, slug: string) {
  return db.publicReport.findUnique({ where: { slug } });
}

/** Creates an incident's report (no version yet), or returns the one a concurrent request made. */
export async function ensureReport(db: DbOrTx, data: { id: string; incidentId: string; slug: string; now: Date }) {
  const found = await findReportOfIncident(db, data.incidentId);
  if (found) return found;
  return db.publicReport.create({
    data: { id: data.id, incidentId: data.incidentId, slug: data.slug, createdAt: data.now, updatedAt: data.now },
  });
}

export function saveDraft(db: DbOrTx, id: string, data: { kind: string; draft: string; savedAt: Date; savedBy: string }) {
  return db.publicReport.update({
    where: { id },
    data: { kind: data.kind, draft: data.draft, draftSavedAt: data.savedAt, draftSavedBy: data.savedBy, updatedAt: data.savedAt },
  });
}

/**
 * Adds the next published version. The report's number moves only from the one read (a guarded
 * UPDATE), so two publications at once cannot both take a number: the second gets null.
 */
export async function insertPublishedVersion(
  db: DbOrTx,
  read: { id: string; version: number },
  next: { id: string; kind: string; content: string; publishedAt: Date; publishedById: string | null; publishedBy: string },
) {
  const moved = await db.publicReport.updateMany({
    where: { id: read.id, version: read.version },
    data: { version: read.version + 1, isPublished: true, updatedAt: next.publishedAt },
  });
  if (moved.count !== 1) return null;
  return db.publicReportVersion.create({ data: { ...next, reportId: read.id, version: read.version + 1 } });
}

/** Takes the page down; true when it was up. */
export async function setUnpublished(db: DbOrTx, id: string, now: Date) {
  const changed = await db.publicReport.updateMany({
    where: { id, isPublished: true },
    data: { isPublished: false, updatedAt: now },
  });
  return changed.count === 1;
}

export function listVersions(db: DbOrTx, reportId: string) {
  return db.publicReportVersion.findMany({ where: { reportId }, orderBy: { version: "desc" } });
}

export function findVersion(db: DbOrTx, reportId: string, version: number) {
  return db.publicReportVersion.findUnique({ where: { reportId_version: { reportId, version } } });
}
