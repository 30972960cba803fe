import { z } from "zod";
import type { Database, DbOrTx } from "../../db/client.js";
import { defineJob, enqueueJob } from "../../jobs/index.js";
import type { Clock } from "../../lib/clock.js";
import type { Actor } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { countIncidentPeople } from "./people-browse.repository.js";
import { applyRiskRule } from "./person-risk.service.js";

/**
 * Applying the risk rule after an assessment: in the assessment's own transaction when the
 * incident has few enough people, else as a job of its own, written in that transaction, so a
 * large incident's assessment does not wait for (or time out on) every person's row.
 */

export const APPLY_RISK_RULE_JOB = "people.apply_risk_rule";

/**
 * People whose risk the rule sets in the caller's transaction: 200,000 rows took 0.9 to 8.6 s on
 * SQLite (measured, with other work on the machine), past Prisma's 5 s for a transaction.
 */
export const RISK_INLINE_LIMIT = 50_000;

/** A run of the rule, kept for the job that does a large incident's. */
const TRANSACTION = { timeout: 600_000, maxWait: 30_000 };

const actorSchema = z.object({ userId: z.string().nullable(), label: z.string(), ip: z.string().nullable() });
const payloadSchema = z.object({ incidentId: z.string(), why: z.string(), actor: actorSchema });

/** The job that sets a large incident's people's risk from its assessment, in one transaction of its own. */
export const applyRiskRuleJob = defineJob({
  id: APPLY_RISK_RULE_JOB,
  schema: payloadSchema,
  async handler(payload, ctx) {
    await ctx.db.prisma.$transaction(
      (tx) => applyRiskRule(ctx, tx, payload.incidentId, { actor: payload.actor, why: payload.why }),
      TRANSACTION,
    );
  },
});

/**
 * Sets the incident's people's risk from its (new) assessment: at once, in the caller's
 * transaction, for up to RISK_INLINE_LIMIT people; for more, enqueues the job in it (keyed by
 * the instant, so each assessment's run is its own and a retry of the same one is not doubled).
 */
export async function applyRiskRuleSoon(
  deps: { db: Database; clock: Clock },
  tx: DbOrTx,
  incidentId: string,
  options: { actor: Actor; why: string; inlineLimit?: number },
): Promise<"applied" | "queued"> {
  if ((await countIncidentPeople(tx, incidentId)) <= (options.inlineLimit ?? RISK_INLINE_LIMIT)) {
    await applyRiskRule(deps, tx, incidentId, { actor: options.actor, why: options.why });
    return "applied";
  }
  const now = deps.clock.now();
  const payload = { incidentId, why: options.why, actor: options.actor };
  await enqueueJob(deps.db, tx, applyRiskRuleJob, payload, {
    key: `${APPLY_RISK_RULE_JOB}:${incidentId}:${now.toISOString()}`,
    runAt: now,
    now,
  });
  return "queued";
}

/**
 * Applies the rule again on a manager's request (after the incident's data categories changed,
 * say): at once for a small incident, as the job for a large one.
 */
export async function reapplyRiskRule(deps: { db: Database; clock: Clock }, reference: string, actor: Actor) {
  return deps.db.prisma.$transaction(async (tx) => {
    const incident = await loadIncident(tx, reference);
    const how = await applyRiskRuleSoon(deps, tx, incident.id, { actor, why: "applied again by a manager" });
    return { incident, how };
  });
}
