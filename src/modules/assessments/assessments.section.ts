import type { IncidentSection } from "../incidents/incident-section.js";

/** The risk assessment and decision section: current ones first, then the history. */
export const assessmentSection: IncidentSection = {
  id: "assessment",
  title: "Assessment and decision",
  view: "assessments/section",
  async load(deps, incident, viewer) {
    const [assessments, decisions, categories, involved] = await Promise.all([
      deps.db.prisma.riskAssessment.findMany({ where: { incidentId: incident.id }, orderBy: { assessedAt: "desc" } }),
      deps.db.prisma.decision.findMany({ where: { incidentId: incident.id }, orderBy: { recordedAt: "desc" } }),
      deps.db.prisma.dataCategory.findMany({ orderBy: [{ sortOrder: "asc" }, { name: "asc" }] }),
      deps.db.prisma.incidentDataCategory.findMany({ where: { incidentId: incident.id }, select: { categoryId: true } }),
    ]);
    const categoryNames = Object.fromEntries(categories.map((c) => [c.id, c.name]));
    return {
      assessments: assessments.map((a) => ({ ...a, categoryIds: JSON.parse(a.dataCategories) as string[] })),
      decisions: decisions.map((d) => ({ ...d, regimeList: JSON.parse(d.regimes) as string[] })),
      categories,
      categoryNames,
      involvedCategoryIds: involved.map((i) => i.categoryId),
      viewerZone: viewer.timeZone,
    };
  },
};
