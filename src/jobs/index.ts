/**
 * The jobs API for feature modules: define a job kind, enqueue one, and the types they need.
 * Modules import this file only, never the repository, dispatcher or scheduler behind it.
 */

export { DEFAULT_MAX_ATTEMPTS } from "./job.repository.js";
export {
  type AnyJobDefinition,
  defineJob,
  type EnqueueOptions,
  enqueueJob,
  type JobContext,
  type JobDefinition,
  type JobPayloadOf,
  jobPayloadJson,
  type PeriodicJobDefinition,
  periodicPayloadSchema,
} from "./job-definition.js";
export type { PeriodicJob } from "./scheduler.js";
