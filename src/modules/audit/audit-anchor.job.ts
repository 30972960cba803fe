import type { Config } from "../../config/config.js";
import type { Database } from "../../db/client.js";
import { defineJob, type PeriodicJob, periodicPayloadSchema } from "../../jobs/index.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { anchorAuditHead } from "./audit-anchor.service.js";
import { auditAnchorPath, auditKeyOf } from "./audit-key.service.js";

/** The periodic job that writes the chain's head to the anchor file. */
export const AUDIT_ANCHOR = "audit.anchor";

/**
 * Anchors the chain's head when it moved. Without a key (a worker that did not boot through
 * bootCore, as in some tests) there is nothing to sign with, and nothing is written; a chain that
 * no longer holds the latest anchor is logged as an error and left for the verifier to report.
 */
export async function writeAuditAnchor(deps: { config: Config; db: Database; clock: Clock; logger: Logger }): Promise<void> {
  const { config, db, clock, logger } = deps;
  const key = auditKeyOf(db);
  if (!key) return;
  const path = auditAnchorPath(config);
  const outcome = await anchorAuditHead(db, { key, path, clock });
  if (outcome.status === "refused") logger.error({ path }, `audit anchor not written: ${outcome.reason}`);
  else if (outcome.status === "written") logger.debug({ path, seq: outcome.seq }, "audit chain anchored");
}

/** The anchor job; a failure (a full disk) is retried by the job's attempts. */
export const auditAnchorJob = defineJob({
  id: AUDIT_ANCHOR,
  schema: periodicPayloadSchema,
  async handler(_payload, ctx) {
    await writeAuditAnchor(ctx);
  },
});

/** Every minute: at most a minute of entries can be deleted from the end unseen. */
export const auditAnchorJobs: PeriodicJob[] = [{ job: auditAnchorJob, everyMs: 60_000 }];
