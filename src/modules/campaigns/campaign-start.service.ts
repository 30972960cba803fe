import type { Database, DbOrTx } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { type Actor, systemActor } from "../audit/index.js";
import { findIncidentWithId } from "../incidents/index.js";
import { describeSender, loadOrganisationFor, noticeSenderOf, pinOrganisation } from "../organisation/index.js";
import { audienceCondition, audiencePersonWhere, parseAudience } from "./campaign-audience.policy.js";
import { queueFanOut } from "./campaign-fan-out.job.js";
import { fanOutPlanOf, refreshAfterFanOut, writeFirstFanOutBatch } from "./campaign-fan-out.service.js";
import { planCampaignTransition } from "./campaign-lifecycle.policy.js";
import { checkStatementAgreement, recordStatementOverride, statementDifferencesOf } from "./campaign-statement-check.service.js";
import {
  applyCampaignTransition,
  auditCampaignTransition,
  CampaignChangedError,
  LONG_TRANSACTION,
  writeCampaignTransition,
} from "./campaign-transitions.service.js";
import {
  type Campaign,
  countAudience,
  countDeliveriesByStatus,
  isCampaignInStatus,
  listDueScheduledCampaigns,
} from "./campaigns.repository.js";
import type { CampaignReadiness, NoticeRendering } from "./notice-rendering.service.js";

export interface StartDeps {
  db: Database;
  clock: Clock;
  rendering: NoticeRendering;
  messageIdDomain: string;
  /** PUBLIC_URL when configured: the notice must then carry {{verification.code}}. */
  publicSite?: string;
  /** Deliveries the start writes in its transaction (CAMPAIGN_FAN_OUT_BATCH); the worker writes the rest. */
  fanOutBatch: number;
}

/** A one-paragraph account of why a notice is not ready to send, for the refusal. */
export function describeReadiness(readiness: CampaignReadiness): string {
  const parts: string[] = [];
  const gaps = readiness.contentGaps;
  if (gaps.length) {
    const named = gaps.slice(0, 3).map((g) => `${g.regimeCode}: ${g.item} (${g.language})`);
    parts.push(
      `${gaps.length} item${gaps.length === 1 ? "" : "s"} a law requires ${gaps.length === 1 ? "is" : "are"} missing or not yet ticked (${named.join("; ")}${gaps.length > 3 ? "; …" : ""})`,
    );
  }
  const { broken, problemCounts } = readiness.renderProblems;
  if (broken) {
    const named = problemCounts.slice(0, 3).map((p) => `${p.problem}: ${p.count}`);
    parts.push(`${broken} ${broken === 1 ? "person's notice" : "people's notices"} would be broken (${named.join("; ")})`);
  }
  return `The notice is not ready to send: ${parts.join("; and ")}. Open the notice's check, fix the words or the people's data, and start again.`;
}

/**
 * Reads the versions a start would pin and checks them (content check and render check over the
 * audience) before any transaction: refused, naming what is wrong, when the template has no
 * version or the notice is not ready.
 */
export async function checkBeforeStart(deps: StartDeps, campaign: Campaign) {
  const versionIds = await deps.rendering.latestVersionIds(deps.db.prisma, campaign.templateId);
  if (Object.keys(versionIds).length === 0)
    throw new AppError("conflict", "The campaign's template has no saved version yet: write and save the notice first.");
  const readiness = await deps.rendering.checkNoticeReadiness(deps.db.prisma, {
    incidentId: campaign.incidentId,
    versionIds,
    audienceWhere: audiencePersonWhere(parseAudience(campaign.audience)),
    ...(deps.publicSite ? { publicSite: deps.publicSite } : {}),
  });
  return { versionIds, readiness };
}

/**
 * The organisation the incident's notices go out with, and their sender; refused when there is
 * no sender address: MAIL_FROM is the system's own, and a breach notice from it looks like
 * phishing (issue 13), so a campaign never falls back to it.
 */
export async function requireNoticeSender(db: DbOrTx, incidentId: string, reference: string) {
  const organisation = await loadOrganisationFor(db, incidentId);
  const sender = noticeSenderOf(organisation);
  if (!sender)
    throw new AppError(
      "conflict",
      `The notices have no sender yet. An administrator sets the organisation's sender name and address under Organisation (/admin/organisation), or a manager sets this incident's own (/incidents/${reference}/organisation); then start again.`,
    );
  return { organisation, sender };
}

async function referenceOf(db: DbOrTx, incidentId: string): Promise<string> {
  return (await findIncidentWithId(db, incidentId))?.reference ?? incidentId;
}

function isSameVersions(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

/**
 * The fan-out a start writes, read inside its transaction: refused when a new version was saved
 * since the check or the audience is empty. The version each recipient gets is the renderer's
 * choice for their language, decided once per language present in the audience.
 */
async function planFanOut(deps: StartDeps, tx: DbOrTx, campaign: Campaign, checked: Record<string, string>, now: Date) {
  const versionIds = await deps.rendering.latestVersionIds(tx, campaign.templateId);
  if (!isSameVersions(versionIds, checked))
    throw new AppError("conflict", "A new version of the notice was saved meanwhile: check it, then start again.");
  const audience = await countAudience(tx, audienceCondition(campaign.incidentId, parseAudience(campaign.audience)));
  if (audience.total === 0) throw new AppError("conflict", "No one is in this campaign's audience: there is nobody to notify.");
  return { plan: await fanOutPlanOf(deps, tx, campaign, versionIds, now), audienceTotal: audience.total };
}

/**
 * Starts a campaign now (from draft, or early from scheduled), as read by the caller: once its
 * notice passes the checks, in one transaction it moves to sending with the checked template
 * versions pinned (one write, only while its status is still the one read), writes one delivery
 * per recipient and is audited with the counts. Refused (nothing written) when approval is
 * missing, the template has no version, the notice is not ready, it differs from a submitted
 * Australian statement without `overrideReason` (StatementDisagreementError; with it, the
 * override is audited and on the timeline), a new version was saved since the check, or the
 * audience is empty; CampaignChangedError when another request or worker moved the campaign meanwhile.
 */
export async function startCampaign(
  deps: StartDeps,
  campaign: Campaign,
  actor: Actor,
  options: { overrideReason?: string } = {},
) {
  const now = deps.clock.now();
  // The lifecycle's refusals (wrong status, no approval) come before the checks' cost.
  const plan = planCampaignTransition(campaign, { action: "start", actorId: actor.userId, now });
  const reference = await referenceOf(deps.db.prisma, campaign.incidentId);
  await requireNoticeSender(deps.db.prisma, campaign.incidentId, reference);
  const { versionIds, readiness } = await checkBeforeStart(deps, campaign);
  if (!readiness.isReady) throw new AppError("conflict", describeReadiness(readiness));
  const agreement = await checkStatementAgreement(deps.db.prisma, campaign, versionIds, options.overrideReason);
  const result = await deps.db.prisma.$transaction(async (tx) => {
    // The organisation as it is now is pinned with the versions: every notice of the campaign has the same From.
    const { organisation, sender } = await requireNoticeSender(tx, campaign.incidentId, reference);
    // First the guarded write: on PostgreSQL it takes the campaign's row lock, as every transition does.
    const started = await writeCampaignTransition(tx, campaign, plan, now, {
      versionIds: JSON.stringify(versionIds),
      organisation: pinOrganisation(organisation),
    });
    const { plan: fanOut, audienceTotal } = await planFanOut(deps, tx, campaign, versionIds, now);
    // A large audience's rest is written by the worker, a batch a transaction (decision 0040).
    const rest = await writeFirstFanOutBatch(deps, tx, fanOut, audienceTotal);
    if (rest !== null) await queueFanOut(deps.db, tx, campaign.id, now);
    const counts = await countDeliveriesByStatus(tx, campaign.id);
    const from = describeSender(sender);
    const details = {
      versionIds,
      from,
      replyTo: sender.replyTo,
      recipients: audienceTotal,
      queued: counts.queued,
      excluded: counts.excluded,
      // Written by the start; the rest by the worker, audited as campaign.fanned_out when done.
      ...(rest !== null ? { writtenAtStart: counts.total } : {}),
      // What differed from a submitted statement (GDPR's warnings, an overridden refusal), kept with the start.
      ...statementDifferencesOf(agreement),
    };
    await auditCampaignTransition(deps, tx, actor, "start", campaign, plan, details);
    if (agreement.refusals.length && options.overrideReason)
      await recordStatementOverride(deps, tx, campaign, agreement, options.overrideReason, actor);
    return { campaign: started, details, agreement };
  }, LONG_TRANSACTION);
  // Many deliveries at once: the planner's statistics of the table are out of date until
  // autovacuum (off on some servers) analyses it, and the claims' and the ledger's plans are
  // chosen from them. Without statistics PostgreSQL read each keyset page of a million people as
  // a sort of them all (the readiness check took 134 s); the people import refreshes its table too.
  await refreshAfterFanOut(deps.db, result.details.writtenAtStart ?? result.details.recipients);
  return result;
}

/** Starts each scheduled campaign whose instant has come; one that cannot start goes back to draft, saying why. */
export async function startDueCampaigns(deps: StartDeps & { logger: Logger }, now: Date): Promise<number> {
  let started = 0;
  for (const campaign of await listDueScheduledCampaigns(deps.db.prisma, now, 10)) {
    try {
      await startCampaign(deps, campaign, systemActor);
      started += 1;
      deps.logger.info({ campaignId: campaign.id }, "scheduled campaign started");
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === "not_found") continue;
      // Another worker started it, or it was changed meanwhile: nothing to undo.
      if (error instanceof CampaignChangedError || !(await isCampaignInStatus(deps.db.prisma, campaign.id, "scheduled")))
        continue;
      const reason = `It could not start at its scheduled time: ${error.message}`;
      await applyCampaignTransition(deps, campaign.id, { action: "unschedule", actorId: null, reason }, systemActor);
      deps.logger.warn({ campaignId: campaign.id, reason }, "scheduled campaign went back to draft");
    }
  }
  return started;
}
