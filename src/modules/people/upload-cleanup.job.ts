import { defineJob, type PeriodicJob, periodicPayloadSchema } from "../../jobs/index.js";
import { deleteUnreferencedUploads } from "./import-files.service.js";

export const UPLOAD_CLEANUP = "upload.cleanup";

/** Deletes upload files no import refers to, once a day old (see deleteUnreferencedUploads). */
export const uploadCleanupJob = defineJob({
  id: UPLOAD_CLEANUP,
  schema: periodicPayloadSchema,
  async handler(_payload, { db, clock, logger }) {
    const swept = await deleteUnreferencedUploads(db, clock.now(), logger);
    logger.info(swept, "upload files no import refers to, older than a day, deleted");
  },
});

/** Hourly: the uploads folder kept free of orphans. */
export const uploadCleanupJobs: PeriodicJob[] = [{ job: uploadCleanupJob, everyMs: 60 * 60_000 }];
