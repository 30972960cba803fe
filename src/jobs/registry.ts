import type { Config } from "../config/config.js";
import type { Deps } from "../deps.js";
import { wireIncidentEvents } from "../incident-events.js";
import { auditAnchorJob, auditAnchorJobs, writeAuditAnchor } from "../modules/audit/audit-anchor.job.js";
import { bounceMailboxJobs, bounceMailboxPollJob } from "../modules/bounces/bounce-mailbox.job.js";
import { campaignJobs, createCampaignSender, noticeRendering } from "../modules/campaigns/index.js";
import { deleteImportPeopleJob } from "../modules/people/delete-import-people.job.js";
import { peopleImportJob } from "../modules/people/index.js";
import { applyRiskRuleJob } from "../modules/people/person-risk.job.js";
import { uploadCleanupJob, uploadCleanupJobs } from "../modules/people/upload-cleanup.job.js";
import { reminderJobs, reminderPeriodicJobs } from "../modules/reminders/index.js";
import { retentionJobs, retentionPeriodicJobs } from "../modules/retention/retention.job.js";
import { catcherCleanupJob, housekeepingJobs, sessionCleanupJob, throttleCleanupJob } from "./housekeeping.js";
import type { AnyJobDefinition } from "./job-definition.js";
import type { PeriodicJob } from "./scheduler.js";

/**
 * The worker's composition root: the one place that wires the modules' jobs together. The
 * modules depend only on jobs/index.ts; the worker (worker.ts) only on this file.
 */

// The jobs change incidents' work too (a campaign completing closes obligations): whoever runs them
// has the modules' event handlers wired.
wireIncidentEvents();

/** Every job kind the worker runs. */
export const jobDefinitions: readonly AnyJobDefinition[] = [
  sessionCleanupJob,
  throttleCleanupJob,
  catcherCleanupJob,
  uploadCleanupJob,
  ...reminderJobs,
  ...campaignJobs,
  bounceMailboxPollJob,
  auditAnchorJob,
  peopleImportJob,
  deleteImportPeopleJob,
  applyRiskRuleJob,
  ...retentionJobs,
];

/** The periodic jobs and their intervals (the bounce mailbox's only when one is configured). */
export function periodicJobsOf(config: Config): PeriodicJob[] {
  return [
    ...housekeepingJobs,
    ...uploadCleanupJobs,
    ...reminderPeriodicJobs,
    ...bounceMailboxJobs(config),
    ...auditAnchorJobs,
    ...retentionPeriodicJobs,
  ];
}

/** A loop the worker starts beside its dispatcher and stops before it. */
export interface WorkerCompanion {
  start(): void;
  stop(): Promise<unknown>;
}

/**
 * What runs beside the dispatcher: the campaign sender, which claims notices from their own
 * table (delivery), not as jobs (see modules/campaigns).
 */
export function workerCompanionsOf(deps: Deps & { workerId: string }): WorkerCompanion[] {
  return [createCampaignSender({ ...deps, rendering: noticeRendering })];
}

/** The worker's last act before it releases its lease: an audit anchor covering the final minute. */
export async function atWorkerStop(deps: Deps): Promise<void> {
  await writeAuditAnchor(deps).catch((error) => deps.logger.error({ err: error }, "could not write the audit anchor at stop"));
}
