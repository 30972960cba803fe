import { createWriteStream } from "node:fs";
import { mkdir, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { NextFunction, Request, Response } from "express";
import { ApiError } from "./api-errors.js";

/** Content types a CSV upload may be sent as; the text's encoding is detected, not taken from a charset. */
const CSV_TYPES = ["text/csv", "text/plain", "text/tab-separated-values", "application/octet-stream"];

/** Refuses (415) an upload that is not sent as CSV, or is compressed, before anything reads it. */
export function requireCsvBody(req: Request, _res: Response, next: NextFunction): void {
  const encoding = (req.get("content-encoding") ?? "identity").toLowerCase();
  if (!req.is(CSV_TYPES) || encoding !== "identity") {
    next(
      new ApiError(
        415,
        "unsupported_media_type",
        "Send the CSV file itself as the body, uncompressed, with Content-Type: text/csv.",
      ),
    );
  } else {
    next();
  }
}

function tooLarge(maxBytes: number): ApiError {
  const size = maxBytes >= 1024 ** 3 ? `${maxBytes / 1024 ** 3} GiB` : `${maxBytes} bytes`;
  return new ApiError(413, "payload_too_large", `The file is larger than the limit of ${size}; split it and import each part.`);
}

/**
 * Streams the request body to a new file at `path`, never holding it in memory, and returns its
 * size. A body declared or found larger than maxBytes is refused (413) without being stored:
 * the partial file is removed and the connection is closed after the answer, so the rest of the
 * body is not read. A body cut off by the client is refused (400) and removed too.
 */
export async function receiveUploadBody(req: Request, res: Response, path: string, maxBytes: number): Promise<number> {
  const declared = Number(req.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.setHeader("Connection", "close");
    throw tooLarge(maxBytes);
  }
  await mkdir(dirname(path), { recursive: true });
  let bytes = 0;
  const out = createWriteStream(path, { flags: "wx" });
  try {
    await new Promise<void>((done, fail) => {
      const onData = (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= maxBytes) return;
        req.off("data", onData);
        req.unpipe(out);
        out.destroy();
        fail(tooLarge(maxBytes));
      };
      req.on("data", onData);
      req.once("close", () => {
        if (!req.complete) fail(new ApiError(400, "upload_incomplete", "The upload was cut off; send the file again."));
      });
      req.once("error", fail);
      out.once("error", fail);
      out.once("finish", () => done());
      req.pipe(out);
    });
  } catch (error) {
    // The file is opened asynchronously: a stream destroyed before its open completes still
    // creates the file, so it is removed only once the stream has closed (seen under load: the
    // refused upload's file left behind).
    if (!out.closed) await new Promise<void>((closed) => out.once("close", () => closed()));
    await unlink(path).catch(() => {});
    if (error instanceof ApiError && error.status === 413) {
      res.setHeader("Connection", "close");
      // Discards what is still coming until the connection closes after the answer.
      req.resume();
    }
    throw error;
  }
  return bytes;
}
