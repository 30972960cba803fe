import type { PersonImport } from "../../generated/sqlite/client.js";

/**
 * How far an import has got, for its progress page: pure, from the record and an instant. The
 * rate is rows read per second of the run so far; the time left is estimated from the bytes
 * read against the file's size (rows vary in length, bytes do not lie about what is left).
 */

export interface ImportProgressView {
  /** For a <progress> element: bytes of the file read, out of its size (at least 1). */
  bytesRead: number;
  fileBytes: number;
  /** Whole percent of the file read, or null before the first batch. */
  percent: number | null;
  /** Rows read per second, rounded; null before the first batch. */
  rowsPerSecond: number | null;
  /** While running: the estimated time left in words; null before there is a rate. */
  timeLeft: string | null;
  /** Once finished: how long it took, in words. */
  took: string | null;
}

type ProgressFields = Pick<
  PersonImport,
  "status" | "rowsRead" | "bytesRead" | "fileBytes" | "startedAt" | "updatedAt" | "finishedAt"
>;

/** A duration in words, rounded the way a person says it: "40 seconds", "about 3 minutes", "about 2 hours 5 minutes". */
export function describeDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return minutes === 1 ? "about 1 minute" : `about ${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} hours${rest ? ` ${rest} minute${rest === 1 ? "" : "s"}` : ""}`;
}

/** The progress of an import as of `now`. */
export function describeImportProgress(record: ProgressFields, now: Date): ImportProgressView {
  const fileBytes = Math.max(1, Number(record.fileBytes));
  const isFinished = record.finishedAt !== null;
  const bytesRead = record.status === "completed" ? fileBytes : Math.min(fileBytes, Number(record.bytesRead));
  const view: ImportProgressView = { bytesRead, fileBytes, percent: null, rowsPerSecond: null, timeLeft: null, took: null };
  if (!record.startedAt) return view;
  const until = isFinished ? record.finishedAt! : record.updatedAt;
  const elapsedMs = until.getTime() - record.startedAt.getTime();
  if (isFinished) view.took = describeDuration(elapsedMs);
  if (bytesRead === 0 && record.rowsRead === 0) return view;
  view.percent = Math.floor((bytesRead * 100) / fileBytes);
  if (elapsedMs <= 0) return view;
  view.rowsPerSecond = Math.round((record.rowsRead * 1000) / elapsedMs);
  if (!isFinished && bytesRead > 0) {
    // The estimate as of the last batch, less the time since: it counts down between batches.
    const leftAtLastBatch = ((fileBytes - bytesRead) * elapsedMs) / bytesRead;
    view.timeLeft = describeDuration(Math.max(0, leftAtLastBatch - (now.getTime() - record.updatedAt.getTime())));
  }
  return view;
}
