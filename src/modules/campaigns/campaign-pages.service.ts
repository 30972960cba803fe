import type { Deps } from "../../deps.js";
import type { User } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import {
  checkSenderReadiness,
  describeSender,
  loadOrganisationFor,
  noticeSenderOf,
  readPinnedOrganisation,
} from "../organisation/index.js";
import { listIncidentAttributeNames } from "../people/index.js";
import { audienceCondition, describeAudience, parseAudience } from "./campaign-audience.policy.js";
import { availableActions, type CampaignStatus, campaignStatusLabels } from "./campaign-lifecycle.policy.js";
import { paceOf } from "./campaign-pace.policy.js";
import { computeProgress, individualsDeadlineOf, SentSamples } from "./campaign-progress.policy.js";
import { senderSettingsOf, startSettingsOf } from "./campaign-settings.policy.js";
import { checkBeforeStart } from "./campaign-start.service.js";
import {
  type Campaign,
  countAudience,
  countDeliveriesByStatus,
  countPeopleOfIncident,
  countRetryableDeliveries,
  findTemplateOfIncident,
  listCampaignsOfIncident,
  listPendingObligations,
  listTemplateChoices,
  listVersionLabels,
  readCampaignTally,
  userNamesOf,
} from "./campaigns.repository.js";
import { type CampaignDeps, requireCampaign, requireIncident } from "./campaigns.service.js";

/** This process's readings of sent counts, for the rate on the campaign page. */
const sentSamples = new SentSamples();

/**
 * Notices a minute: from the page's own earlier readings (the page refreshes itself every few
 * seconds), else the average since the start; null unless sending.
 */
function rateOf(campaign: Campaign, sent: number, now: Date): { perMinute: number | null; isRecent: boolean } {
  if (campaign.status !== "sending") return { perMinute: null, isRecent: false };
  const recent = sentSamples.rateOf(campaign.id, now.getTime(), sent);
  if (recent !== null) return { perMinute: recent, isRecent: true };
  const elapsedMs = campaign.startedAt ? now.getTime() - campaign.startedAt.getTime() : 0;
  return { perMinute: elapsedMs >= 10_000 ? (sent * 60_000) / elapsedMs : null, isRecent: false };
}

/**
 * While the worker still writes a large campaign's deliveries (decision 0040): how many are
 * written of the people the audience had at the start; null once all are.
 */
export function fanOutProgressOf(campaign: Campaign, written: number): { written: number; total: number } | null {
  if (campaign.fanOutAfter === null) return null;
  return { written, total: Math.max(campaign.fanOutTotal ?? 0, written) };
}

function statusLabel(status: string): string {
  return campaignStatusLabels[status as CampaignStatus] ?? status;
}

/** The incident's campaigns, latest first, each with its counts. */
export async function loadCampaignList(deps: Pick<Deps, "db">, reference: string) {
  const incident = await requireIncident(deps, reference);
  const campaigns = await listCampaignsOfIncident(deps.db.prisma, incident.id);
  const rows = await Promise.all(
    campaigns.map(async (campaign) => ({
      campaign,
      statusLabel: statusLabel(campaign.status),
      audience: describeAudience(parseAudience(campaign.audience)),
      counts: await countDeliveriesByStatus(deps.db.prisma, campaign.id),
    })),
  );
  return { incident, campaigns: rows };
}

/** What the new-campaign form offers: the incident's notices and how many people it has. */
export async function loadNewCampaignForm(deps: Pick<Deps, "db">, reference: string) {
  const incident = await requireIncident(deps, reference);
  const [templates, people, attributeNames] = await Promise.all([
    listTemplateChoices(deps.db.prisma, incident.id),
    countPeopleOfIncident(deps.db.prisma, incident.id),
    listIncidentAttributeNames(deps, incident.id),
  ]);
  return { incident, templates, people, attributeNames };
}

/** The campaign page: its settings, counts, progress against the deadline, and what the viewer may do. */
export async function loadCampaignPage(deps: CampaignDeps, reference: string, campaignId: string, viewer: User) {
  const { incident, campaign } = await requireCampaign(deps, reference, campaignId);
  const db = deps.db.prisma;
  const now = deps.clock.now();
  const audience = parseAudience(campaign.audience);
  const hasStarted = campaign.startedAt !== null;
  const [{ counts, possibleRepeats }, template, names, pinned, obligations, audienceSize, retryable] = await Promise.all([
    // The tally the database keeps (decision 0039): a few rows however large the campaign, read on every load.
    readCampaignTally(db, campaign.id),
    findTemplateOfIncident(db, incident.id, campaign.templateId),
    userNamesOf(db, [campaign.createdById, campaign.approvedById]),
    listVersionLabels(db, Object.values(JSON.parse(campaign.versionIds) as Record<string, string>)),
    listPendingObligations(db, incident.id),
    hasStarted ? null : countAudience(db, audienceCondition(incident.id, audience)),
    countRetryableDeliveries(db, campaign.id),
  ]);
  const rate = rateOf(campaign, counts.sent, now);
  const fanOut = fanOutProgressOf(campaign, counts.total);
  // People whose deliveries the worker has still to write are still to send (decision 0040).
  const unwritten = fanOut ? fanOut.total - fanOut.written : 0;
  const progress = computeProgress({
    counts: { ...counts, queued: counts.queued + unwritten, total: counts.total + unwritten },
    perMinute: rate.perMinute,
    now,
    isSending: campaign.status === "sending",
    deadline: individualsDeadlineOf(obligations),
  });
  const actions = viewer.role === "viewer" ? [] : availableActions(campaign, viewer.id, now);
  return {
    incident,
    campaign,
    statusLabel: statusLabel(campaign.status),
    template,
    audienceText: describeAudience(audience),
    audienceSize,
    counts,
    progress,
    fanOut,
    isRecentRate: rate.isRecent,
    pinned: pinned.sort((a, b) => a.language.localeCompare(b.language)),
    createdBy: campaign.createdById ? (names.get(campaign.createdById) ?? "a former user") : "the system",
    approvedBy: campaign.approvedById ? (names.get(campaign.approvedById) ?? "a former user") : null,
    actions,
    canRetry: viewer.role !== "viewer" && retryable > 0 && ["sending", "paused", "completed"].includes(campaign.status),
    retryable,
    isLive: campaign.status === "sending" || campaign.status === "scheduled",
    ...startSettingsOf(deps.config),
    // From and Reply-To: what the campaign pinned when it started; before that, what it would use now.
    ...(await senderOfCampaign(deps, campaign)),
    possibleRepeats,
    // What a crash may send twice: the notices one worker claims at once.
    batchSize: senderSettingsOf(deps.config).batchSize,
  };
}

/**
 * The start's confirmation page: who would be sent what, and whether the notice passes its
 * checks (run now over the audience), so the manager sees a refusal's reasons before trying.
 */
export async function loadStartPage(deps: CampaignDeps, reference: string, campaignId: string) {
  const { incident, campaign } = await requireCampaign(deps, reference, campaignId);
  const audience = await countAudience(deps.db.prisma, audienceCondition(incident.id, parseAudience(campaign.audience)));
  let check: Awaited<ReturnType<typeof checkBeforeStart>> | null = null;
  let problem: string | null = null;
  try {
    check = await checkBeforeStart({ ...deps, ...startSettingsOf(deps.config) }, campaign);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    problem = error.message;
  }
  const [versions, sender] = await Promise.all([
    check ? listVersionLabels(deps.db.prisma, Object.values(check.versionIds)) : [],
    loadStartSender(deps, incident.id),
  ]);
  return {
    incident,
    campaign,
    audienceText: describeAudience(parseAudience(campaign.audience)),
    audience,
    readiness: check?.readiness ?? null,
    versions: versions.sort((a, b) => a.language.localeCompare(b.language)),
    problem,
    ...sender,
    // The worker's token bucket paces the notices: the page says how fast and for how long, not "at once".
    pace: paceOf(audience.reachable, senderSettingsOf(deps.config).rate),
  };
}

/**
 * Who the notices would come from (the organisation with the incident's own values; null: none
 * set, and the start is refused) and what the sender domain's DNS says (a warning only, within
 * its timeout).
 */
async function loadStartSender(deps: CampaignDeps, incidentId: string) {
  const organisation = await loadOrganisationFor(deps.db.prisma, incidentId);
  const sender = noticeSenderOf(organisation);
  const senderReadiness = sender ? await checkSenderReadiness(deps.config, sender.from.address) : null;
  return {
    sender,
    senderText: sender ? describeSender(sender) : null,
    senderFromIncident: organisation.fromIncident,
    senderReadiness,
  };
}

/** A campaign's From and Reply-To as words, and whether they are pinned (started) or would be taken now. */
async function senderOfCampaign(deps: CampaignDeps, campaign: Campaign) {
  const pinned = readPinnedOrganisation(campaign.organisation);
  const sender = noticeSenderOf(pinned ?? (await loadOrganisationFor(deps.db.prisma, campaign.incidentId)));
  return {
    senderText: sender ? describeSender(sender) : null,
    replyToText: sender?.replyTo ?? null,
    isSenderPinned: pinned !== null,
  };
}

/** The cancel confirmation: what would be cancelled and what stays. */
export async function loadCancelPage(deps: Pick<Deps, "db">, reference: string, campaignId: string) {
  const { incident, campaign } = await requireCampaign(deps, reference, campaignId);
  return { incident, campaign, counts: await countDeliveriesByStatus(deps.db.prisma, campaign.id) };
}

export type { Campaign };
