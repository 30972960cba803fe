import { DateTime } from "luxon";
import type { Deps } from "../../deps.js";
import { enqueueJob } from "../../jobs/index.js";
import { renderEmail } from "../../mail/render.js";
import { systemActor } from "../audit/index.js";
import { findIncidentWithId } from "../incidents/index.js";
import { reminderMessageId, reminderRecipients } from "../reminders/index.js";
import { purgeIncident } from "./purge.service.js";
import { CLOSED_STATUSES, warningDue } from "./retention.policy.js";
import { listClosedIncidentsNotPurged, listUnfinishedPurges, saveRetention } from "./retention.repository.js";
import type { PurgeJobDefinitions } from "./retention.types.js";
import { loadRetentionRule } from "./retention-state.service.js";

/**
 * The worker's sweep: for each closed incident not purged, the purge when due (a job keyed by
 * the incident, so once) and the warnings 14 and 3 days before (a job per manager keyed by the
 * incident, the days, the purge date and the person; the date sent is recorded on the rule so
 * each is sent once); and the purges a crash left running, taken up again.
 */
export async function sweepRetention(deps: Deps, jobs: PurgeJobDefinitions): Promise<{ purges: number; warnings: number }> {
  const now = deps.clock.now();
  let purges = 0;
  let warnings = 0;
  for (const { incidentId } of await listUnfinishedPurges(deps.db.prisma)) {
    await enqueueJob(
      deps.db,
      deps.db.prisma,
      jobs.purge,
      { incidentId },
      { key: `retention.purge:${incidentId}`, runAt: now, now },
    );
  }
  for (const incident of await listClosedIncidentsNotPurged(deps.db.prisma, CLOSED_STATUSES)) {
    const rule = await loadRetentionRule(deps.db.prisma, deps.config, incident, now);
    if (rule.state.kind !== "scheduled") continue;
    const { purgeAt } = rule.state;
    if (rule.state.isDue) {
      await enqueueJob(
        deps.db,
        deps.db.prisma,
        jobs.purge,
        { incidentId: incident.id },
        { key: `retention.purge:${incident.id}`, runAt: now, now },
      );
      purges += 1;
      continue;
    }
    const days = warningDue(purgeAt, now, {
      warned14For: rule.retention?.warned14For ?? null,
      warned3For: rule.retention?.warned3For ?? null,
    });
    if (!days) continue;
    await deps.db.prisma.$transaction(async (tx) => {
      for (const user of await reminderRecipients(deps.db, incident)) {
        const key = `retention.warn:${incident.id}:${days}:${purgeAt.getTime()}:${user.id}`;
        await enqueueJob(
          deps.db,
          tx,
          jobs.warn,
          { incidentId: incident.id, userId: user.id, days, purgeAt: purgeAt.toISOString() },
          { key, runAt: now, now },
        );
        warnings += 1;
      }
      await saveRetention(tx, incident.id, days === 14 ? { warned14For: purgeAt } : { warned3For: purgeAt }, null, now);
    });
  }
  return { purges, warnings };
}

/** The worker's purge of one incident (a crashed one continues where it stopped). */
export async function runPurgeJob(deps: Deps, incidentId: string): Promise<void> {
  const incident = await findIncidentWithId(deps.db.prisma, incidentId);
  if (!incident) return;
  const run = await purgeIncident(deps, incident, { actor: systemActor, trigger: "worker" });
  deps.logger.info({ incident: incident.reference, counts: run.counts }, "affected people's data purged");
}

/** One warning e-mail to one manager: the purge date, how to hold it. */
export async function sendPurgeWarning(
  deps: Deps,
  payload: { incidentId: string; userId: string; days: number; purgeAt: string },
  key: string,
): Promise<void> {
  const incident = await findIncidentWithId(deps.db.prisma, payload.incidentId);
  if (!incident) return;
  const rule = await loadRetentionRule(deps.db.prisma, deps.config, incident, deps.clock.now());
  // Held, purged or moved since: this warning is no longer true.
  if (rule.state.kind !== "scheduled" || rule.state.purgeAt.toISOString() !== payload.purgeAt) return;
  const user = (await reminderRecipients(deps.db, { ownerId: payload.userId })).at(0);
  if (!user) return;
  const purgeAt = DateTime.fromJSDate(rule.state.purgeAt, { zone: user.timeZone }).toFormat("d LLLL yyyy, HH:mm ZZZZ");
  const mail = await renderEmail(
    "retention/emails/purge-warning",
    `${incident.reference}: affected people's data purged in ${payload.days} days`,
    {
      recipientName: user.name,
      incidentReference: incident.reference,
      incidentTitle: incident.title,
      days: payload.days,
      purgeAt,
      link: `${deps.config.publicUrl}/incidents/${encodeURIComponent(incident.reference)}/evidence#retention`,
    },
  );
  await deps.mailer.send({
    to: user.email,
    ...mail,
    messageId: reminderMessageId(key),
    headers: { "X-Breachdesk-Reminder": `purge ${payload.days}` },
  });
}
