import type { Database, DbOrTx } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { lockCampaignRow } from "./campaign-deliveries.sql.js";
import { campaignEvents } from "./campaign-hooks.service.js";
import {
  type CampaignAction,
  type PlannedTransition,
  planCampaignTransition,
  type TransitionRequest,
} from "./campaign-lifecycle.policy.js";
import { type Campaign, findCampaignById, updateCampaignIfStatus } from "./campaigns.repository.js";

export interface TransitionDeps {
  db: Database;
  clock: Clock;
}

/** The request of a transition, without the instant (taken from the clock inside the transaction). */
export type CampaignRequest = Omit<TransitionRequest, "now">;

export interface TransitionWork {
  /** Reads what the request needs from the locked campaign (e.g. how many failed notices can be retried). */
  prepare?(tx: DbOrTx, campaign: Campaign): Promise<Partial<CampaignRequest>>;
  /** The changes that go with the status change (fan-out, cancelling deliveries...); returns what the audit entry adds. */
  apply?(tx: DbOrTx, campaign: Campaign, plan: PlannedTransition, now: Date): Promise<Record<string, unknown>>;
}

/** A fan-out of a large audience runs in the start's transaction: allow it minutes, not Prisma's default 5 s. */
export const LONG_TRANSACTION = { maxWait: 10_000, timeout: 10 * 60_000 };

/**
 * The campaign's status is no longer the one a transition was planned from: another request or
 * worker moved it meanwhile, and nothing was written. A type of its own, so that callers (the
 * scheduled start) can tell it from a refusal without reading its words.
 */
export class CampaignChangedError extends AppError {
  constructor() {
    super("conflict", "The campaign changed while you were looking at it: reload the page and try again.");
    this.name = "CampaignChangedError";
  }
}

/**
 * Takes an action on a campaign in one transaction: locks the campaign, asks the lifecycle
 * whether the action is allowed now, writes the new status and fields only while the status is
 * still the one read, does the work that goes with it, and appends the audit entry
 * (`campaign.<action>`, with the incident's id) in the same transaction, so all of it commits
 * or none. Throws AppError "conflict" when the action is not allowed, CampaignChangedError when
 * the campaign changed.
 */
export async function applyCampaignTransition(
  deps: TransitionDeps,
  campaignId: string,
  request: CampaignRequest,
  actor: Actor,
  work: TransitionWork = {},
): Promise<{ campaign: Campaign; details: Record<string, unknown> }> {
  const { db, clock } = deps;
  return db.prisma.$transaction(async (tx) => {
    await lockCampaignRow(db.kind, tx, campaignId);
    const campaign = await findCampaignById(tx, campaignId);
    if (!campaign) throw new AppError("not_found", "There is no such campaign.");
    const now = clock.now();
    const extra = work.prepare ? await work.prepare(tx, campaign) : {};
    const plan = planCampaignTransition(campaign, { ...request, ...extra, now });
    const updated = await writeCampaignTransition(tx, campaign, plan, now);
    const details = work.apply ? await work.apply(tx, campaign, plan, now) : {};
    await auditCampaignTransition(deps, tx, actor, request.action, campaign, plan, details);
    return { campaign: updated, details };
  }, LONG_TRANSACTION);
}

/**
 * Writes a planned transition (the new status, its fields and `also`) only while the campaign
 * still has the status it was planned from; throws CampaignChangedError, writing nothing, when
 * another request or worker moved it meanwhile. On PostgreSQL the write holds the campaign's row
 * lock until the transaction ends. Returns the campaign as written.
 */
export async function writeCampaignTransition(
  tx: DbOrTx,
  campaign: Campaign,
  plan: PlannedTransition,
  now: Date,
  also: Partial<Pick<Campaign, "versionIds" | "organisation">> = {},
): Promise<Campaign> {
  const changes = { status: plan.to, ...plan.changes, ...also, updatedAt: now };
  if (!(await updateCampaignIfStatus(tx, campaign.id, plan.from, changes))) throw new CampaignChangedError();
  return { ...campaign, ...changes };
}

/** Appends a transition's audit entry (`campaign.<action>`, with the incident's id) in its transaction. */
export async function auditCampaignTransition(
  deps: TransitionDeps,
  tx: DbOrTx,
  actor: Actor,
  action: CampaignAction,
  campaign: Campaign,
  plan: PlannedTransition,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(
    deps.db,
    tx,
    actor,
    {
      action: `campaign.${action}`,
      entityType: "campaign",
      entityId: campaign.id,
      incidentId: campaign.incidentId,
      before: { name: campaign.name, status: campaign.status },
      after: { name: campaign.name, status: plan.to, ...auditFields(plan), ...details },
    },
    deps.clock,
  );
  await campaignEvents.emitSerial("campaign.transitioned", { deps, tx, campaign, action, to: plan.to, actor });
}

function auditFields(plan: PlannedTransition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plan.changes)) out[key] = value instanceof Date ? value.toISOString() : value;
  return out;
}
