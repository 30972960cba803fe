import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { type Actor, withAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import { findReportOfIncident, insertPublishedVersion } from "./public-report.repository.js";
import { contentFromRecord, publicAddressOf, versionAddressOf } from "./public-report.service.js";
import { draftOf, missingBeforePublishing } from "./public-report-content.policy.js";

/**
 * Publishes the draft as the next version: the page's whole content (the texts, the public
 * timeline entries, the systems and actions ticked public, the kinds of information, the contact
 * point) is built from the record now and stored, so this version reads the same for ever at its
 * own address. Audited and on the incident's timeline, in one transaction.
 */
export async function publishReport(deps: Deps, reference: string, actor: Actor) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const report = await findReportOfIncident(deps.db.prisma, incident.id);
  if (!report) throw new AppError("conflict", `Write the public report of ${incident.reference} before publishing it.`);
  const draft = draftOf(report.draft, report.kind);
  const missing = missingBeforePublishing(draft);
  if (missing.length) throw new AppError("conflict", `The report cannot be published yet: ${missing.join(" ")}`);
  const content = await contentFromRecord(deps, incident, draft);
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const now = deps.clock.now();
    const version = await insertPublishedVersion(tx, report, {
      id: newId(),
      kind: draft.kind,
      content: JSON.stringify(content),
      publishedAt: now,
      publishedById: actor.userId,
      publishedBy: actor.label,
    });
    if (!version) throw new AppError("conflict", "Someone published this report meanwhile. Reload the page and publish again.");
    const what = version.version === 1 ? "published" : `updated (version ${version.version})`;
    await recordTimelineEvent(
      deps,
      tx,
      incident,
      {
        occurredAt: now,
        occurredZone: incident.timeZone,
        kind: "communication",
        description: `Public report ${what}: ${content.timeline.length} public timeline entries, ${content.systems.length} systems, ${content.actions.length} actions.`,
        source: "lifecycle",
      },
      actor,
    );
    const url = publicAddressOf(report.slug);
    return {
      result: { incident, version, url, versionUrl: versionAddressOf(report.slug, version.version) },
      audit: {
        action: "public_report.publish",
        entityType: "public_report",
        entityId: report.id,
        incidentId: incident.id,
        after: { incident: incident.reference, version: version.version, kind: draft.kind, url },
      },
    };
  });
}
