import type { Readable } from "node:stream";
import { type NextFunction, type Request, type Response, Router } from "express";
import { AppError } from "../../lib/errors.js";
import { currentUser } from "../../web/access.js";
import { readMultipartForm } from "../../web/multipart.js";
import { MAX_IMPORT_BYTES, type UploadedFile } from "./timeline.service.js";

/** The path of the upload form's POST. */
export const TIMELINE_UPLOAD_PATH = "/incidents/:ref/events/import";

const uploads = new WeakMap<Request, UploadedFile>();

/** The file the upload parser read from this request, if any. */
export function uploadedFileOf(req: Request): UploadedFile | undefined {
  return uploads.get(req);
}

/**
 * Reads the multipart body of the timeline CSV upload: its text fields into req.body (so the
 * CSRF check finds _csrf there) and its one file, up to MAX_IMPORT_BYTES, for the handler.
 * It must run before the CSRF check, which is why it is a separate router. Only signed-in
 * users' uploads are read; anyone else's request goes on unread and the CSRF check refuses it.
 */
export function timelineUploadBody(): Router {
  const router = Router();
  router.post(TIMELINE_UPLOAD_PATH, async (req: Request, res: Response, next: NextFunction) => {
    if (!req.is("multipart/form-data") || !currentUser(res)) return next();
    try {
      const form = await readMultipartForm(req, MAX_IMPORT_BYTES, receiveInMemory);
      req.body = form.fields;
      if (form.file) uploads.set(req, form.file);
      next();
    } catch {
      next(new AppError("validation", "The upload could not be read. Reload the page and try again."));
    }
  });
  return router;
}

/** Keeps the (small, limited) file in memory, noting when busboy cut it at the limit. */
function receiveInMemory(stream: Readable, fileName: string): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const file: UploadedFile = { fileName, bytes: Buffer.alloc(0), isTooLarge: false };
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("limit", () => {
      file.isTooLarge = true;
    });
    stream.on("end", () => {
      file.bytes = Buffer.concat(chunks);
      resolve(file);
    });
    stream.on("error", reject);
  });
}
