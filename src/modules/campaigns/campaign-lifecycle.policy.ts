import { AppError } from "../../lib/errors.js";

export const campaignStatuses = ["draft", "scheduled", "sending", "paused", "completed", "cancelled"] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

export const campaignStatusLabels: Record<CampaignStatus, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  sending: "Sending",
  paused: "Paused",
  completed: "Completed",
  cancelled: "Cancelled",
};

/** Everything that can happen to a campaign; approve and retry_failed may keep its status. */
export const campaignActions = [
  "approve",
  "schedule",
  "unschedule",
  "start",
  "pause",
  "auto_pause",
  "resume",
  "cancel",
  "complete",
  "retry_failed",
] as const;
export type CampaignAction = (typeof campaignActions)[number];

/** The campaign fields the rules read. */
export interface CampaignState {
  status: string;
  isApprovalRequired: boolean;
  approvedById: string | null;
  createdById: string | null;
  scheduledAt: Date | null;
}

export interface TransitionRequest {
  action: CampaignAction;
  /** The user asking; null for the worker (scheduled start, automatic pause, completion). */
  actorId: string | null;
  now: Date;
  /** schedule: when to start. */
  at?: Date;
  /** pause, auto_pause and unschedule: why, shown on the campaign page. */
  reason?: string;
  /** retry_failed: how many failed deliveries could be queued again. */
  retryableCount?: number;
}

/** The fields a transition sets; the service writes them with the status, guarded by the status it read. */
export interface CampaignChanges {
  approvedById?: string;
  approvedAt?: Date;
  scheduledAt?: Date | null;
  startedAt?: Date;
  finishedAt?: Date | null;
  pauseReason?: string;
}

export interface PlannedTransition {
  from: CampaignStatus;
  to: CampaignStatus;
  changes: CampaignChanges;
}

/** From which statuses each action may be taken, and where it leads (null: the status stays). */
const TRANSITIONS: Record<CampaignAction, { from: CampaignStatus[]; to: CampaignStatus | null; refusal: string }> = {
  approve: { from: ["draft", "scheduled"], to: null, refusal: "Only a campaign that has not started can be approved." },
  schedule: { from: ["draft"], to: "scheduled", refusal: "Only a draft can be scheduled." },
  unschedule: { from: ["scheduled"], to: "draft", refusal: "Only a scheduled campaign can go back to draft." },
  start: { from: ["draft", "scheduled"], to: "sending", refusal: "Only a draft or a scheduled campaign can start." },
  pause: { from: ["sending"], to: "paused", refusal: "Only a campaign that is sending can be paused." },
  auto_pause: { from: ["sending"], to: "paused", refusal: "Only a campaign that is sending can be paused." },
  resume: { from: ["paused"], to: "sending", refusal: "Only a paused campaign can resume." },
  cancel: {
    from: ["draft", "scheduled", "sending", "paused"],
    to: "cancelled",
    refusal: "This campaign has finished: there is nothing left to cancel.",
  },
  complete: { from: ["sending"], to: "completed", refusal: "Only a campaign that is sending can complete." },
  retry_failed: {
    from: ["sending", "paused", "completed"],
    to: null,
    refusal: "Failed notices can be retried once the campaign has started, and not after it was cancelled.",
  },
};

function isStatus(value: string): value is CampaignStatus {
  return (campaignStatuses as readonly string[]).includes(value);
}

function refuse(message: string): never {
  throw new AppError("conflict", message);
}

/** Approval, when required, must come from a second manager before anything is sent or scheduled. */
function requireApproval(campaign: CampaignState): void {
  if (campaign.isApprovalRequired && !campaign.approvedById)
    refuse("This campaign needs the approval of a second manager before it is scheduled or sent.");
}

/**
 * The one place that decides whether a campaign may take an action, and what changes: the
 * status it moves to and the fields set with it. Throws AppError "conflict" with a message fit
 * for the page when the action is not allowed now (wrong status, missing approval, approving
 * one's own campaign, a schedule in the past, nothing to retry). Pure: no clock, no database.
 */
export function planCampaignTransition(campaign: CampaignState, request: TransitionRequest): PlannedTransition {
  const { action, now } = request;
  const rule = TRANSITIONS[action];
  const from = campaign.status;
  if (!isStatus(from) || !rule.from.includes(from)) refuse(`${rule.refusal} This one is ${labelOf(from)}.`);
  const stay = (changes: CampaignChanges): PlannedTransition => ({ from, to: rule.to ?? from, changes });

  switch (action) {
    case "approve":
      if (!campaign.isApprovalRequired) refuse("This campaign does not need an approval.");
      if (campaign.approvedById) refuse("This campaign is approved already.");
      if (!request.actorId) refuse("An approval must come from a signed-in manager.");
      if (request.actorId === campaign.createdById)
        refuse("A campaign is approved by a second manager, not by the one who created it.");
      return stay({ approvedById: request.actorId, approvedAt: now });
    case "schedule":
      requireApproval(campaign);
      if (!request.at) refuse("Say when the campaign should start.");
      if (request.at.getTime() <= now.getTime()) refuse("The start must be in the future; to send now, choose “now”.");
      return stay({ scheduledAt: request.at });
    case "unschedule":
      return stay({ scheduledAt: null, pauseReason: request.reason ?? "" });
    case "start":
      requireApproval(campaign);
      return stay({ startedAt: now, pauseReason: "" });
    case "pause":
    case "auto_pause":
      return stay({ pauseReason: request.reason ?? "" });
    case "resume":
      return stay({ pauseReason: "" });
    case "cancel":
    case "complete":
      return stay({ finishedAt: now });
    case "retry_failed":
      if (!request.retryableCount) refuse("No failed notice can be retried: each failed one's address bounced, or none failed.");
      // A completed campaign sends again: it completes anew when the retried notices are done.
      return from === "completed" ? { from, to: "sending", changes: { finishedAt: null } } : stay({});
  }
}

/** The actions the campaign allows now for this user (null: the worker), in page order. */
export function availableActions(campaign: CampaignState, actorId: string | null, now: Date): CampaignAction[] {
  const manual: CampaignAction[] = ["approve", "start", "schedule", "unschedule", "pause", "resume", "cancel"];
  return manual.filter((action) => {
    try {
      // A schedule is checked for a start one minute ahead: the form asks for the instant.
      planCampaignTransition(campaign, { action, actorId, now, at: new Date(now.getTime() + 60_000) });
      return true;
    } catch {
      return false;
    }
  });
}

function labelOf(status: string): string {
  return isStatus(status) ? campaignStatusLabels[status].toLowerCase() : status;
}
