import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { csvLine } from "../../lib/csv-cells.js";
import { AppError } from "../../lib/errors.js";
import { listTemplateVersionLabels } from "../campaigns/index.js";
import { loadIncident } from "../incidents/index.js";
import { describeReportVersions } from "../public-report/index.js";
import {
  countByPlace,
  countByStatus,
  type LedgerCursor,
  type LedgerFilter,
  type LedgerRow,
  listCampaignsOfIncident,
  listLedgerPage,
  sentSpan,
} from "./ledger.repository.js";
import { ledgerQuerySchema } from "./ledger.schemas.js";
import { formatShare, listNotImported, loadIncidentCoverage } from "./ledger-coverage.service.js";
import { countToldByPublicStatement } from "./ledger-told.repository.js";

/** Rows on one page of the ledger. */
export const LEDGER_PAGE_SIZE = 100;
/** Rows read per query while writing the CSV export (the response streams; memory stays flat). */
const EXPORT_BATCH = 2000;

export async function loadLedgerIncident(db: DbOrTx, reference: string): Promise<Incident> {
  return loadIncident(db, reference);
}

function encodeCursor(row: LedgerRow): string {
  return Buffer.from(JSON.stringify([row.queuedAt.toISOString(), row.id])).toString("base64url");
}

function decodeCursor(text: string | undefined): LedgerCursor | null {
  if (!text) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as [string, string];
    const queuedAt = new Date(at);
    if (typeof id !== "string" || Number.isNaN(queuedAt.getTime())) throw new Error("bad cursor");
    return { queuedAt, id };
  } catch {
    throw new AppError("validation", "That page link is broken: go back to the first page of the ledger.");
  }
}

/** The ledger's filters from a query string, or a validation error naming the bad one. */
export function ledgerFilterOf(
  incident: Pick<Incident, "id">,
  query: unknown,
): { filter: LedgerFilter; cursor: LedgerCursor | null } {
  const parsed = ledgerQuerySchema.safeParse(query ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("validation", `The filter ${String(issue?.path[0] ?? "")} ${issue?.message ?? "is not valid"}.`);
  }
  const q = parsed.data;
  return {
    filter: { incidentId: incident.id, campaignId: q.campaign, status: q.status, channel: q.channel, q: q.q },
    cursor: decodeCursor(q.after),
  };
}

/**
 * One page of the ledger with the counts of the filtered deliveries by status, the campaign it
 * is filtered on (a campaign not of this incident is not found) and the template versions its
 * rows were sent with.
 */
export async function loadLedgerPage(deps: Deps, incident: Incident, query: unknown) {
  const { prisma } = deps.db;
  const { filter, cursor } = ledgerFilterOf(incident, query);
  const [rows, counts, campaigns] = await Promise.all([
    listLedgerPage(deps.db, filter, cursor, LEDGER_PAGE_SIZE + 1),
    countByStatus(prisma, filter),
    listCampaignsOfIncident(prisma, incident.id),
  ]);
  const campaign = filter.campaignId ? (campaigns.find((c) => c.id === filter.campaignId) ?? null) : null;
  if (filter.campaignId && !campaign) throw new AppError("not_found", `${incident.reference} has no such campaign.`);
  const hasMore = rows.length > LEDGER_PAGE_SIZE;
  const page = rows.slice(0, LEDGER_PAGE_SIZE);
  const versionIds = [...new Set(page.map((r) => r.templateVersionId).filter((id): id is string => !!id))];
  const versions = versionIds.length ? await listTemplateVersionLabels(deps, versionIds) : [];
  return {
    filter,
    rows: page,
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    campaigns,
    campaign,
    templateIdOf: new Map(campaigns.map((c) => [c.id, c.templateId])),
    versions: new Map(versions.map((v) => [v.id, v])),
    nextCursor: hasMore && page.length > 0 ? encodeCursor(page[page.length - 1]!) : null,
    isFirstPage: cursor === null,
  };
}

/** Statuses that count a person as told: the notice was sent (and did not bounce), or another way. */
const REACHED = ["sent", "told_otherwise"];
const NOT_REACHED = ["failed", "bounced", "excluded"];
const PENDING = ["queued", "sending"];

const sumOf = (counts: Record<string, number>, statuses: string[]) => statuses.reduce((n, s) => n + (counts[s] ?? 0), 0);

/**
 * The one-page summary for a regulator: the coverage of the incident's affected people (told
 * by e-mail or another way, of everyone affected, rejected import rows still outstanding
 * included: so never complete while one waits), the notices by status and by place, first and
 * last sent; with a campaign, its own figures (people told of those it addressed but cancelled).
 */
export async function loadLedgerSummary(deps: Deps, incident: Incident, campaignId?: string) {
  const { prisma } = deps.db;
  const filter: LedgerFilter = { incidentId: incident.id, campaignId };
  const [counts, places, span, campaigns, coverage, notImported, byStatement, reportVersions] = await Promise.all([
    countByStatus(prisma, filter),
    countByPlace(prisma, filter),
    sentSpan(prisma, filter),
    listCampaignsOfIncident(prisma, incident.id),
    loadIncidentCoverage(prisma, incident.id),
    listNotImported(prisma, incident.id),
    countToldByPublicStatement(prisma, incident.id),
    describeReportVersions(deps, incident.id),
  ]);
  const addressed = Object.values(counts).reduce((a, b) => a + b, 0) - (counts.cancelled ?? 0);
  const reached = sumOf(counts, REACHED);
  const byPlace = new Map<string, { country: string; region: string; counts: Record<string, number> }>();
  for (const p of places) {
    const key = `${p.country}|${p.region}`;
    const row = byPlace.get(key) ?? { country: p.country, region: p.region, counts: {} };
    row.counts[p.status] = (row.counts[p.status] ?? 0) + p.count;
    byPlace.set(key, row);
  }
  const jurisdictions = [...byPlace.values()]
    .map((row) => ({
      country: row.country,
      region: row.region,
      total: Object.values(row.counts).reduce((a, b) => a + b, 0) - (row.counts.cancelled ?? 0),
      sent: row.counts.sent ?? 0,
      toldOtherwise: row.counts.told_otherwise ?? 0,
      notReached: sumOf(row.counts, NOT_REACHED),
      pending: sumOf(row.counts, PENDING),
    }))
    .sort((a, b) => b.total - a.total || a.country.localeCompare(b.country) || a.region.localeCompare(b.region));
  return {
    generatedAt: deps.clock.now(),
    campaign: campaignId ? (campaigns.find((c) => c.id === campaignId) ?? null) : null,
    campaigns,
    counts,
    addressed,
    reached,
    notReached: sumOf(counts, NOT_REACHED),
    pending: sumOf(counts, PENDING),
    share: addressed > 0 ? formatShare(reached / addressed, reached === addressed) : "—",
    coverage: { ...coverage, text: formatShare(coverage.share, coverage.isComplete) },
    notImported,
    jurisdictions,
    // The people told by public statement, by the public report version they were told by (null: none was published).
    publicStatements: byStatement
      .map((row) => ({
        count: row._count._all,
        version: row.publicReportVersionId ? (reportVersions.get(row.publicReportVersionId) ?? null) : null,
      }))
      .sort((a, b) => (a.version?.version ?? 0) - (b.version?.version ?? 0)),
    ...span,
  };
}

/** The ledger export's columns, in order. */
const EXPORT_HEADER = [
  "delivery_id",
  "campaign",
  "person_id",
  "name",
  "email",
  "country",
  "region",
  "language",
  "template_version_id",
  "channel",
  "status",
  "attempts",
  "possible_repeats",
  "queued_at",
  "sent_at",
  "failed_at",
  "told_at",
  "smtp_code",
  "smtp_answer",
  "message_id",
  "exclusion_reason",
  "told_note",
];

const iso = (at: Date | null) => (at ? at.toISOString() : "");

/** The export's columns that name a person: left out of an evidence pack built without personal data. */
const PERSONAL_COLUMNS = new Set(["name", "email"]);

/**
 * The filtered ledger as CSV, a batch of rows at a time (so a million rows stream through flat
 * memory): formula cells neutralised, instants in UTC ISO 8601, a byte order mark first.
 * withPersonalData false leaves out the name and e-mail columns (the evidence pack's choice).
 */
export async function* ledgerCsv(
  deps: Pick<Deps, "db">,
  incident: Pick<Incident, "id">,
  query: unknown,
  { withPersonalData = true }: { withPersonalData?: boolean } = {},
): AsyncGenerator<string> {
  const { filter } = ledgerFilterOf(incident, query);
  const names = new Map((await listCampaignsOfIncident(deps.db.prisma, incident.id)).map((c) => [c.id, c.name]));
  const keep = EXPORT_HEADER.map((column) => withPersonalData || !PERSONAL_COLUMNS.has(column));
  const csvRow = (cells: (string | number | null)[]) => csvLine(withPersonalData ? cells : cells.filter((_, i) => keep[i]));
  yield `\uFEFF${csvRow(EXPORT_HEADER)}`;
  let cursor: LedgerCursor | null = null;
  for (;;) {
    const rows = await listLedgerPage(deps.db, filter, cursor, EXPORT_BATCH);
    if (rows.length === 0) return;
    yield rows
      .map((r) =>
        csvRow([
          r.id,
          names.get(r.campaignId) ?? r.campaignId,
          r.personId,
          r.fullName,
          r.email,
          r.country,
          r.region,
          r.language,
          r.templateVersionId,
          r.channel,
          r.status,
          r.attempts,
          r.reclaims,
          iso(r.queuedAt),
          iso(r.sentAt),
          iso(r.failedAt),
          iso(r.toldAt),
          r.smtpCode,
          r.smtpResponse,
          r.messageId,
          r.exclusionReason,
          r.toldNote,
        ]),
      )
      .join("");
    const last = rows[rows.length - 1]!;
    cursor = { queuedAt: last.queuedAt, id: last.id };
  }
}
