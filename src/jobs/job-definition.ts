import { z } from "zod";
import type { DbOrTx } from "../db/client.js";
import type { Deps } from "../deps.js";
import { insertJob, type Job } from "./job.repository.js";

/** What a handler gets: the worker's dependencies, the claimed job row and its abort signal. */
export interface JobContext extends Deps {
  job: Job;
  /** Aborted when the lease is lost to another worker or the dispatcher gives up waiting on stop. */
  signal: AbortSignal;
}

/**
 * One kind of job: its id (the job row's `kind`), the zod schema of its payload and its handler.
 * The payload a caller enqueues is typed by the schema's input, and the payload a handler gets
 * is the schema's output, parsed from the stored JSON: the two ends are tied by one type.
 */
export interface JobDefinition<Id extends string = string, Schema extends z.ZodTypeAny = z.ZodTypeAny> {
  id: Id;
  schema: Schema;
  /** Runs one job; throwing means "try again later" (until maxAttempts). */
  handler: (payload: z.output<Schema>, ctx: JobContext) => Promise<void>;
  /** Tries before the job fails for good (default DEFAULT_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

/** Any definition, as the dispatcher and the registry hold them. */
// biome-ignore lint/suspicious/noExplicitAny: a list of definitions of different payloads; each is checked where it is defined.
export type AnyJobDefinition = JobDefinition<string, any>;

/** The payload a caller passes to enqueue a job of this kind. */
export type JobPayloadOf<D extends AnyJobDefinition> = z.input<D["schema"]>;

/** Checks a definition against JobDefinition while keeping its own id and schema types. */
export function defineJob<Id extends string, Schema extends z.ZodTypeAny>(
  definition: JobDefinition<Id, Schema>,
): JobDefinition<Id, Schema> {
  return definition;
}

/** The payload of every periodic job: the start of the slot it runs for. */
export const periodicPayloadSchema = z.object({ slotStart: z.string().datetime() });
export type PeriodicJobDefinition = JobDefinition<string, typeof periodicPayloadSchema>;

/** Why a payload does not fit its kind's schema: each zod issue with its path. */
function issuesText(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "payload"}: ${issue.message}`).join("; ");
}

export type ParsedPayload<T> = { ok: true; payload: T } | { ok: false; error: string };

/**
 * Parses a stored payload (JSON text) with the definition's schema; on failure the error names
 * the job kind and every issue, for the job's lastError.
 */
export function parseJobPayload<D extends AnyJobDefinition>(definition: D, stored: string): ParsedPayload<z.output<D["schema"]>> {
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    return { ok: false, error: `the payload of this ${definition.id} job is not valid JSON` };
  }
  const parsed = definition.schema.safeParse(json);
  if (parsed.success) return { ok: true, payload: parsed.data };
  return { ok: false, error: `the payload of this ${definition.id} job does not fit its schema: ${issuesText(parsed.error)}` };
}

/**
 * The JSON stored for a payload, after checking it against the kind's schema (the type already
 * does at compile time; this catches a value typed `any`). Throws naming the kind and the issues.
 */
export function jobPayloadJson<D extends AnyJobDefinition>(definition: D, payload: JobPayloadOf<D>): string {
  const parsed = definition.schema.safeParse(payload);
  if (!parsed.success) throw new Error(`cannot enqueue a ${definition.id} job: ${issuesText(parsed.error)}`);
  return JSON.stringify(payload ?? null);
}

export interface EnqueueOptions {
  /** Unique: a second job with the same key is not scheduled. */
  key: string;
  runAt: Date;
  /** Bookkeeping instant for createdAt; the caller's clock when it has one. */
  now?: Date;
}

/**
 * Schedules a job of this kind in the caller's transaction, so it commits or rolls back with the
 * change that causes it; returns false, changing nothing, when a job with the same key exists.
 * The payload must fit the kind's schema: a wrong one does not compile.
 */
export async function enqueueJob<D extends AnyJobDefinition>(
  db: Pick<Deps["db"], "kind">,
  tx: DbOrTx,
  definition: D,
  payload: JobPayloadOf<D>,
  options: EnqueueOptions,
): Promise<boolean> {
  return insertJob(db, tx, {
    kind: definition.id,
    key: options.key,
    payload: jobPayloadJson(definition, payload),
    runAt: options.runAt,
    maxAttempts: definition.maxAttempts,
    now: options.now,
  });
}
