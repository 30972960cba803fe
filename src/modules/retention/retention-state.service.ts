import type { Config } from "../../config/config.js";
import type { DbOrTx } from "../../db/client.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { daysThatApply, type RetentionState, retentionStateOf } from "./retention.policy.js";
import { findPurgeRun, findRetention } from "./retention.repository.js";

/** What the purge and the rule need of an incident. */
export type PurgeIncident = Pick<Incident, "id" | "reference" | "timeZone" | "status" | "closedAt">;

/** The incident's rule as stored, with the defaults filled in, and where it stands now. */
export async function loadRetentionRule(
  db: DbOrTx,
  config: Pick<Config, "RETENTION_DAYS_AFTER_CLOSE">,
  incident: PurgeIncident,
  now: Date,
) {
  const [retention, run] = await Promise.all([findRetention(db, incident.id), findPurgeRun(db, incident.id)]);
  const facts = {
    status: incident.status,
    closedAt: incident.closedAt,
    daysAfterClose: retention?.daysAfterClose ?? null,
    defaultDays: config.RETENTION_DAYS_AFTER_CLOSE,
    isHeld: retention?.isHeld ?? false,
    holdReason: retention?.holdReason ?? "",
    purge: run ? { status: run.status, finishedAt: run.finishedAt } : null,
  };
  return {
    retention,
    run,
    daysAfterClose: facts.daysAfterClose,
    defaultDays: facts.defaultDays,
    days: daysThatApply(facts),
    isHeld: facts.isHeld,
    holdReason: facts.holdReason,
    holdSetAt: retention?.holdSetAt ?? null,
    evidenceFiles: retention?.evidenceFiles ?? "kept",
    state: retentionStateOf(facts, now),
  };
}

export type RetentionRule = Awaited<ReturnType<typeof loadRetentionRule>>;

/** Where the incident stands (purged, purging, held, open, scheduled with its date). */
export async function loadRetentionState(
  db: DbOrTx,
  config: Pick<Config, "RETENTION_DAYS_AFTER_CLOSE">,
  incident: PurgeIncident,
  now: Date,
): Promise<RetentionState> {
  return (await loadRetentionRule(db, config, incident, now)).state;
}
