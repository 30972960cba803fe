import { createWriteStream } from "node:fs";
import { mkdir, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { type NextFunction, type Request, type Response, Router } from "express";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { currentUser, isAllowed } from "../../web/access.js";
import { csrfProtection } from "../../web/csrf.js";
import { readMultipartForm } from "../../web/multipart.js";
import type { Role } from "../users/index.js";

/** The path of the people upload form's POST. */
export const PEOPLE_UPLOAD_PATH = "/incidents/:ref/people/import";

/** Default size limit of an uploaded people file: 2 GiB (the setting PEOPLE_UPLOAD_MAX_MIB). */
export const MAX_PEOPLE_UPLOAD_BYTES = 2 * 1024 ** 3;

/** The upload limit as people read it: "2 GiB", "500 MiB". */
export function describeUploadLimit(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

/** A file streamed to disk by the upload reader. */
export interface StoredUpload {
  fileName: string;
  /** Absolute path of the file on disk; removed again when the upload was too large. */
  path: string;
  bytes: number;
  isTooLarge: boolean;
}

const uploads = new WeakMap<Request, StoredUpload>();
/** Uploads an import record now refers to: the only ones that outlive their request. */
const keptUploads = new WeakSet<StoredUpload>();

/** The file the upload reader stored for this request, if any. */
export function storedUploadOf(req: Request): StoredUpload | undefined {
  return uploads.get(req);
}

/** Marks the request's stored file as recorded by an import: it stays once the request ends. */
export function keepStoredUpload(req: Request): void {
  const file = uploads.get(req);
  if (file) keptUploads.add(file);
}

/**
 * Deletes the request's stored file unless an import keeps it: what a refused upload (CSRF,
 * validation, any error) must do before its answer goes out. Safe to call more than once.
 */
export async function discardStoredUpload(req: Request): Promise<void> {
  const file = uploads.get(req);
  if (!file || keptUploads.has(file)) return;
  uploads.delete(req);
  await unlink(file.path).catch(() => {});
}

/** Where uploads are kept: `uploads/` next to the SQLite file, or `./data/uploads`. */
export function uploadDirectory(databaseUrl: string): string {
  if (databaseUrl.startsWith("file:")) {
    const path = databaseUrl.slice("file:".length).split("?")[0] ?? "";
    return join(dirname(resolve(path)), "uploads");
  }
  return resolve("data", "uploads");
}

export interface PeopleUploadOptions {
  directory: string;
  maxBytes?: number;
}

/**
 * Reads the multipart body of the people CSV upload: its text fields into req.body (so the
 * CSRF check finds _csrf there) and its one file, streamed to a new file in the upload
 * directory and never held in memory, up to maxBytes (a larger file is deleted and flagged).
 * It must run before the CSRF check, and runs that check itself so that a refused upload is
 * deleted before the refusal is sent; any file no import has kept (keepStoredUpload) is deleted
 * when the response ends at the latest. Only managers' uploads are read.
 */
export function peopleUploadBody(options: PeopleUploadOptions): Router {
  const maxBytes = options.maxBytes ?? MAX_PEOPLE_UPLOAD_BYTES;
  const router = Router();
  router.post(PEOPLE_UPLOAD_PATH, async (req: Request, res: Response, next: NextFunction) => {
    const user = currentUser(res);
    // Only managers may upload: anyone else's body goes on unread and is refused before it is stored.
    if (!req.is("multipart/form-data") || !user || !isAllowed(user.role as Role, "manager")) return next();
    let stored: StoredUpload | undefined;
    try {
      const form = await readMultipartForm(req, maxBytes, (stream, fileName) => {
        stored = { fileName, path: join(options.directory, `${newId()}.csv`), bytes: 0, isTooLarge: false };
        return streamToDisk(stream, stored, options.directory);
      });
      if (stored?.isTooLarge) await unlink(stored.path).catch(() => {});
      req.body = form.fields;
      if (form.file) uploads.set(req, form.file);
    } catch {
      if (stored) await unlink(stored.path).catch(() => {});
      return next(new AppError("validation", "The upload could not be read. Reload the page and try again."));
    }
    // The last resort for a refusal raised after this point (an unknown incident, a failure).
    res.once("close", () => void discardStoredUpload(req));
    csrfProtection(req, res, (error?: unknown) => {
      if (!error) return next();
      void discardStoredUpload(req).then(() => next(error));
    });
  });
  return router;
}

/** Writes the file part to its new file, counting bytes and noting when busboy cut it at the limit. */
async function streamToDisk(stream: Readable, file: StoredUpload, directory: string): Promise<StoredUpload> {
  // Listened to at once: busboy reports the limit even while the stream waits for the directory.
  stream.on("limit", () => {
    file.isTooLarge = true;
  });
  stream.pause();
  await mkdir(directory, { recursive: true });
  await new Promise<void>((done, fail) => {
    const out = createWriteStream(file.path, { flags: "wx" });
    stream.on("data", (chunk: Buffer) => {
      file.bytes += chunk.length;
    });
    out.on("error", fail);
    out.on("finish", () => {
      if ((stream as { truncated?: boolean }).truncated) file.isTooLarge = true;
      done();
    });
    stream.on("error", (error) => {
      // A cut-off upload: close the file, which the reader then deletes.
      out.destroy();
      fail(error);
    });
    stream.pipe(out);
  });
  return file;
}
