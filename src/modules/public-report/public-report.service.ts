import { randomBytes } from "node:crypto";
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { loadPublicActions } from "../actions/index.js";
import { type Actor, withAudit } from "../audit/index.js";
import { loadIncidentData } from "../data-categories/index.js";
import { loadIncident } from "../incidents/index.js";
import { loadOrganisationFor } from "../organisation/index.js";
import { loadPublicSystems } from "../systems/index.js";
import { loadTimelineEvents, recordTimelineEvent } from "../timeline/index.js";
import {
  ensureReport,
  findReportOfIncident,
  findVersion,
  listVersions,
  saveDraft,
  setUnpublished,
} from "./public-report.repository.js";
import type { DraftInput } from "./public-report.schemas.js";
import {
  buildReportContent,
  draftOf,
  missingBeforePublishing,
  type PublicReportContent,
} from "./public-report-content.policy.js";

/** The public address of a report: /public/<slug>, the slug random and unrelated to the incident. */
export function publicAddressOf(slug: string): string {
  return `/public/${slug}`;
}

/** The address of one published version, readable with its date for as long as the report is up. */
export function versionAddressOf(slug: string, version: number): string {
  return `${publicAddressOf(slug)}/versions/${version}`;
}

/** 16 random bytes as 22 base64url characters (decision 0018). */
export function newReportSlug(): string {
  return randomBytes(16).toString("base64url");
}

/** The address of an incident's published report, or null while none is published (the /verify page links it). */
export async function publicReportUrlFor(deps: Pick<Deps, "db">, incidentId: string): Promise<string | null> {
  const report = await findReportOfIncident(deps.db.prisma, incidentId);
  return report?.isPublished ? publicAddressOf(report.slug) : null;
}

/**
 * The version of an incident's report published now, inside the caller's transaction, or null
 * when the page is not up: what a person recorded as told by public statement was told by.
 */
export async function currentPublishedVersion(db: DbOrTx, incidentId: string) {
  const report = await findReportOfIncident(db, incidentId);
  if (!report?.isPublished || report.version === 0) return null;
  const version = await findVersion(db, report.id, report.version);
  return (
    version && {
      id: version.id,
      version: version.version,
      publishedAt: version.publishedAt,
      url: versionAddressOf(report.slug, version.version),
    }
  );
}

/** The page's content as it would be published now, from the draft and the record. */
export async function contentFromRecord(deps: Deps, incident: Incident, draft: DraftInput): Promise<PublicReportContent> {
  const db = deps.db.prisma;
  const [events, systems, actions, data, organisation] = await Promise.all([
    loadTimelineEvents(deps, incident.id),
    loadPublicSystems(db, incident.id),
    loadPublicActions(db, incident.id),
    loadIncidentData(deps, incident),
    loadOrganisationFor(db, incident.id),
  ]);
  return buildReportContent({
    draft,
    organisation,
    events,
    systems,
    actions,
    categories: data.entries.map((entry) => ({ name: entry.category.name, advice: entry.category.advice })),
  });
}

/** An incident's report as it stands: the draft, the versions published (newest first), its address when up. */
export async function loadReportState(deps: Pick<Deps, "db">, reference: string) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const report = await findReportOfIncident(deps.db.prisma, incident.id);
  const draft = report ? draftOf(report.draft, report.kind) : draftOf("{}", "statement");
  const versions = report ? await listVersions(deps.db.prisma, report.id) : [];
  const isPublished = report?.isPublished ?? false;
  return {
    incident,
    report,
    draft,
    versions: versions.map((v) => ({ ...v, url: isPublished && report ? versionAddressOf(report.slug, v.version) : null })),
    url: report && isPublished ? publicAddressOf(report.slug) : null,
    isPublished,
    status: !report ? "none" : isPublished ? "published" : report.version > 0 ? "unpublished" : "draft",
  };
}

/** The editor: the draft, what publishing it now would show, what is missing, and the versions published. */
export async function loadReportEditor(deps: Deps, reference: string) {
  const state = await loadReportState(deps, reference);
  const preview = await contentFromRecord(deps, state.incident, state.draft);
  return { ...state, preview, missing: missingBeforePublishing(state.draft) };
}

/** Saves the draft (the page does not change until it is published), audited with the incident. */
export async function saveReportDraft(deps: Deps, reference: string, input: DraftInput, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const incident = await loadIncident(tx, reference);
    const now = deps.clock.now();
    const report = await ensureReport(tx, { id: newId(), incidentId: incident.id, slug: newReportSlug(), now });
    const { kind, ...texts } = input;
    const saved = await saveDraft(tx, report.id, { kind, draft: JSON.stringify(texts), savedAt: now, savedBy: actor.label });
    return {
      result: { incident, report: saved, url: publicAddressOf(saved.slug) },
      audit: {
        action: "public_report.draft_save",
        entityType: "public_report",
        entityId: report.id,
        incidentId: incident.id,
        after: { incident: incident.reference, kind, title: input.title },
      },
    };
  });
}

/** Takes the page, its versions and its feed down (they answer 404); audited and on the timeline. */
export async function unpublishReport(deps: Deps, reference: string, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const incident = await loadIncident(tx, reference);
    const report = await findReportOfIncident(tx, incident.id);
    const now = deps.clock.now();
    if (!report || !(await setUnpublished(tx, report.id, now))) {
      throw new AppError("conflict", `The public report of ${incident.reference} is not published.`);
    }
    await recordTimelineEvent(
      deps,
      tx,
      incident,
      {
        occurredAt: now,
        occurredZone: incident.timeZone,
        kind: "communication",
        description: `Public report taken down (version ${report.version} was shown).`,
        source: "lifecycle",
      },
      actor,
    );
    return {
      result: { incident, version: report.version },
      audit: {
        action: "public_report.unpublish",
        entityType: "public_report",
        entityId: report.id,
        incidentId: incident.id,
        before: { isPublished: true },
        after: { incident: incident.reference, version: report.version, isPublished: false },
      },
    };
  });
}

/** Where an incident's report stands, for the regulators page and the overview: published, which version, its address. */
export async function loadReportSummary(deps: Pick<Deps, "db">, incidentId: string) {
  const report = await findReportOfIncident(deps.db.prisma, incidentId);
  return {
    hasDraft: Boolean(report?.draftSavedAt),
    isPublished: report?.isPublished ?? false,
    version: report?.version ?? 0,
    kind: report?.kind ?? "statement",
    url: report?.isPublished ? publicAddressOf(report.slug) : null,
  };
}

/** One published version of an incident's report, with its stored content, for the API; not_found when there is none. */
export async function loadReportVersion(deps: Pick<Deps, "db">, reference: string, number: number) {
  const state = await loadReportState(deps, reference);
  const version = state.versions.find((v) => v.version === number);
  if (!version) throw new AppError("not_found", `The public report of ${state.incident.reference} has no version ${number}.`);
  return { ...version, content: JSON.parse(version.content) as PublicReportContent };
}

/** The published versions of an incident's report by id: number, date, and address while the report is up (the ledger shows them). */
export async function describeReportVersions(deps: Pick<Deps, "db">, incidentId: string) {
  const report = await findReportOfIncident(deps.db.prisma, incidentId);
  if (!report) return new Map<string, { version: number; publishedAt: Date; url: string | null }>();
  const versions = await listVersions(deps.db.prisma, report.id);
  return new Map(
    versions.map((v) => [
      v.id,
      {
        version: v.version,
        publishedAt: v.publishedAt,
        url: report.isPublished ? versionAddressOf(report.slug, v.version) : null,
      },
    ]),
  );
}
