import busboy from "busboy";
import { type NextFunction, type Request, type Response, Router } from "express";
import { AppError } from "../../lib/errors.js";
import { currentUser } from "../../web/access.js";
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
  router.post(TIMELINE_UPLOAD_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (!req.is("multipart/form-data") || !currentUser(res)) return next();
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 20, fieldSize: 10_000, parts: 21 },
      });
    } catch {
      return next(new AppError("validation", "The upload could not be read. Reload the page and try again."));
    }
    const fields: Record<string, string> = {};
    let file: UploadedFile | undefined;
    let isDone = false;
    const finish = (error?: unknown) => {
      if (isDone) return;
      isDone = true;
      if (error) return next(new AppError("validation", "The upload could not be read. Reload the page and try again."));
      req.body = fields;
      if (file) uploads.set(req, file);
      next();
    };
    parser.on("field", (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || file) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      const current: UploadedFile = { fileName: info.filename ?? "", bytes: Buffer.alloc(0), isTooLarge: false };
      file = current;
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => {
        current.isTooLarge = true;
      });
      stream.on("end", () => {
        current.bytes = Buffer.concat(chunks);
      });
    });
    parser.on("close", () => finish());
    parser.on("error", (error) => finish(error));
    req.pipe(parser);
  });
  return router;
}
