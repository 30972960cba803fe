import { AppError } from "../../lib/errors.js";

/**
 * The lifecycle of a people import, in one place: its statuses and the one function that says
 * which moves are allowed. The repository's guarded writes take their "from" statuses from
 * here, so a write changes a record only while it is in a status the move allows.
 *
 *   uploaded --queue--> queued --run--> running --finish--> completed | failed | cancelled
 *   (a command-line import is created running: record_running)
 *   uploaded | queued --cancel--> cancelled;  running --cancel--> cancelling --finish--> cancelled
 *   queued --fail_to_start--> failed;  running | cancelling --take_over--> running (a later run)
 */

export const importStatuses = ["uploaded", "queued", "running", "cancelling", "completed", "failed", "cancelled"] as const;
export type ImportStatus = (typeof importStatuses)[number];

/** Statuses a run is working on (cancelling: it stops after its batch). */
export const RUNNING_STATUSES: readonly string[] = ["running", "cancelling"];
/** Statuses of an import that may still write people: queued or being run. */
export const WRITING_STATUSES: readonly string[] = ["queued", ...RUNNING_STATUSES];
/** Statuses no run will leave again: its files are only a record of the upload. */
export const FINISHED_STATUSES: readonly string[] = ["completed", "failed", "cancelled"];

/**
 * A running import whose record has not moved for this long is taken to be dead (its process
 * crashed); progress is written after every batch, which takes well under a minute.
 */
export const STALE_RUNNING_IMPORT_MS = 10 * 60_000;

export type ImportAction = "queue" | "run" | "take_over" | "cancel" | "finish" | "fail_to_start";

/** From which statuses each action may be taken, and the statuses it may lead to. */
const TRANSITIONS: Record<ImportAction, { from: readonly string[]; to: readonly ImportStatus[] }> = {
  queue: { from: ["uploaded"], to: ["queued"] },
  run: { from: ["queued"], to: ["running"] },
  take_over: { from: RUNNING_STATUSES, to: ["running", "cancelled"] },
  cancel: { from: ["uploaded", "queued", "running"], to: ["cancelled", "cancelling"] },
  finish: { from: RUNNING_STATUSES, to: ["completed", "failed", "cancelled"] },
  fail_to_start: { from: ["queued"], to: ["failed"] },
};

/** The statuses an action may be taken from: the guard of the write that takes it. */
export function importStatusesFrom(action: ImportAction): string[] {
  return [...TRANSITIONS[action].from];
}

/**
 * Where an import in `from` goes when `action` is taken: the one place that decides. finish
 * takes the run's outcome; cancel stops a record not yet running at once and asks a running
 * one to stop after its batch; a take-over of an import being cancelled ends it cancelled.
 * Throws AppError "conflict" naming the status when the action is not allowed from it.
 */
export function planImportTransition(
  from: string,
  action: ImportAction,
  outcome?: "completed" | "failed" | "cancelled",
): ImportStatus {
  if (!TRANSITIONS[action].from.includes(from)) {
    throw new AppError("conflict", `An import that is ${from} cannot ${action.replaceAll("_", " ")}.`);
  }
  switch (action) {
    case "cancel":
      return from === "running" ? "cancelling" : "cancelled";
    case "take_over":
      return from === "cancelling" ? "cancelled" : "running";
    case "finish":
      // The run says how it ended: one asked to stop after its last batch has still completed.
      return outcome ?? "completed";
    default:
      return TRANSITIONS[action].to[0]!;
  }
}

/** Whether the import may still write people (its page refreshes, its people are not deleted). */
export function isImportWriting(status: string): boolean {
  return WRITING_STATUSES.includes(status);
}
