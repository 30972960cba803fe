import type { z } from "zod";
import type { JobDefinition } from "../../jobs/index.js";
import type { purgeJobPayloadSchema, purgeWarningPayloadSchema } from "./retention.schemas.js";

/** The job kinds the sweep enqueues (retention.job.ts), passed in so the sweep does not import its own job file. */
export interface PurgeJobDefinitions {
  purge: JobDefinition<"retention.purge", typeof purgeJobPayloadSchema>;
  warn: JobDefinition<"retention.warn", typeof purgeWarningPayloadSchema>;
}

export type PurgeWarningPayload = z.infer<typeof purgeWarningPayloadSchema>;
