import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { findReportBySlug, findVersion, listVersions } from "./public-report.repository.js";
import { publicAddressOf, versionAddressOf } from "./public-report.service.js";
import type { PublicReportContent } from "./public-report-content.policy.js";

/** The same answer for a slug that names nothing and a report taken down: nothing to learn from it. */
const notHere = () => new AppError("not_found", "There is no published report at this address.");

/**
 * A published report as the public reads it: the current version, or an earlier one by number,
 * with the list of versions and their dates. Only what the version stored is read: nothing of
 * the incident's internal record, and no one's personal data.
 */
export async function loadPublicReport(deps: Deps, slug: string, versionNumber?: number) {
  const report = await findReportBySlug(deps.db.prisma, slug);
  if (!report?.isPublished || report.version === 0) throw notHere();
  const number = versionNumber ?? report.version;
  const [version, versions] = await Promise.all([
    findVersion(deps.db.prisma, report.id, number),
    listVersions(deps.db.prisma, report.id),
  ]);
  if (!version) throw notHere();
  return {
    slug,
    url: publicAddressOf(slug),
    content: JSON.parse(version.content) as PublicReportContent,
    version: { number: version.version, publishedAt: version.publishedAt, url: versionAddressOf(slug, version.version) },
    isCurrent: version.version === report.version,
    versions: versions.map((v) => ({ number: v.version, publishedAt: v.publishedAt, url: versionAddressOf(slug, v.version) })),
    lastUpdatedAt: versions[0]?.publishedAt ?? version.publishedAt,
  };
}

/** The versions of a published report, newest first, each with its content: the Atom feed's entries. */
export async function loadPublicFeed(deps: Deps, slug: string) {
  const report = await findReportBySlug(deps.db.prisma, slug);
  if (!report?.isPublished || report.version === 0) throw notHere();
  const versions = await listVersions(deps.db.prisma, report.id);
  return {
    slug,
    url: publicAddressOf(slug),
    entries: versions.map((v) => ({
      number: v.version,
      publishedAt: v.publishedAt,
      url: versionAddressOf(slug, v.version),
      content: JSON.parse(v.content) as PublicReportContent,
    })),
  };
}
