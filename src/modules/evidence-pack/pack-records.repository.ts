// The evidence pack's reads: the incident's stored records as they are, table by table (decision
// 0024: a pack is a copy of the record, so it reads the rows, not another module's view of them).
// Read only; nothing here writes. The delivery rows and the people told another way are read a
// page at a time by keyset, so a million of them never sit in memory (the ledger CSV is the
// ledger module's own export).
import type { DbOrTx } from "../../db/client.js";

/** Rows read per query of the people told another way. */
export const PACK_PAGE_SIZE = 2000;

/** The incident's records other than the per-person rows, each as its table holds them. */
export async function readIncidentRecords(db: DbOrTx, incidentId: string) {
  const byIncident = { where: { incidentId } };
  const [timeline, systems, categories, remedialActions, assessments, decisions, clockEvents, obligations] = await Promise.all([
    db.timelineEvent.findMany({ ...byIncident, orderBy: [{ occurredAt: "asc" }, { recordedAt: "asc" }, { id: "asc" }] }),
    db.affectedSystem.findMany({ ...byIncident, orderBy: { name: "asc" } }),
    db.incidentDataCategory.findMany({ ...byIncident, include: { category: true }, orderBy: { createdAt: "asc" } }),
    db.remedialAction.findMany({ ...byIncident, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    db.riskAssessment.findMany({ ...byIncident, orderBy: [{ assessedAt: "asc" }, { id: "asc" }] }),
    db.decision.findMany({ ...byIncident, orderBy: [{ recordedAt: "asc" }, { id: "asc" }] }),
    db.clockEvent.findMany({ ...byIncident, orderBy: { at: "asc" } }),
    db.obligation.findMany({ ...byIncident, orderBy: [{ dueAt: "asc" }, { ruleId: "asc" }] }),
  ]);
  const [statements, templates, noticeVersions, campaigns, evidenceFiles] = await Promise.all([
    db.regulatorStatement.findMany({
      ...byIncident,
      include: { versions: { orderBy: { version: "asc" } } },
      orderBy: { createdAt: "asc" },
    }),
    db.noticeTemplate.findMany({ ...byIncident, orderBy: { createdAt: "asc" } }),
    db.noticeTemplateVersion.findMany({
      ...byIncident,
      orderBy: [{ templateId: "asc" }, { language: "asc" }, { version: "asc" }],
    }),
    db.campaign.findMany({ ...byIncident, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    db.evidenceFile.findMany({ ...byIncident, orderBy: [{ uploadedAt: "asc" }, { id: "asc" }] }),
  ]);
  return {
    timeline,
    systems,
    categories,
    remedialActions,
    assessments,
    decisions,
    clockEvents,
    obligations,
    statements,
    templates,
    noticeVersions,
    campaigns,
    evidenceFiles,
  };
}

export type IncidentRecords = Awaited<ReturnType<typeof readIncidentRecords>>;

/** The delivery counts of an incident by campaign and status (one grouped query). */
export async function countDeliveries(db: DbOrTx, incidentId: string) {
  const groups = await db.delivery.groupBy({
    by: ["campaignId", "status"],
    where: { incidentId },
    _count: { _all: true },
    orderBy: [{ campaignId: "asc" }, { status: "asc" }],
  });
  return groups.map((g) => ({ campaignId: g.campaignId, status: g.status, count: g._count._all }));
}

/** The people told another way, counted by channel and how it was recorded. */
export async function countToldAnotherWay(db: DbOrTx, incidentId: string) {
  const groups = await db.toldAnotherWay.groupBy({
    by: ["channel", "source"],
    where: { incidentId },
    _count: { _all: true },
    orderBy: [{ channel: "asc" }, { source: "asc" }],
  });
  return groups.map((g) => ({ channel: g.channel, source: g.source, count: g._count._all }));
}

/** One page of the people told another way after the person id, in person id order (the primary key). */
export function listToldPage(db: DbOrTx, incidentId: string, afterPersonId: string | null, take = PACK_PAGE_SIZE) {
  return db.toldAnotherWay.findMany({
    where: { incidentId, ...(afterPersonId ? { personId: { gt: afterPersonId } } : {}) },
    orderBy: { personId: "asc" },
    take,
  });
}

/** The incident's audit entries in chain order, each with its stored strings (the hashes cover them as they are). */
export function listIncidentAuditEntries(db: DbOrTx, incidentId: string) {
  return db.auditEntry.findMany({ where: { incidentId }, orderBy: { seq: "asc" } });
}

/** The chain's last entry (seq and hash), or null for an empty chain. */
export function findAuditHead(db: DbOrTx) {
  return db.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true, at: true } });
}
