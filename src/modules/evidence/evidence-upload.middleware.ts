// Reading an evidence file's multipart upload: the file part is streamed straight into the
// storage port (hashed and counted on the way, never held whole in memory), cut at
// EVIDENCE_MAX_MIB by busboy, in which case nothing is kept. The site's form is read here, before
// the CSRF check (which finds _csrf among the fields), and the check is run here too, so that a
// refused upload's bytes are removed before the refusal goes out; the API's handler reads its
// body with readEvidenceUpload.
import { PassThrough, type Readable } from "node:stream";
import { type NextFunction, type Request, type Response, Router } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { currentUser, isAllowed } from "../../web/access.js";
import { csrfProtection } from "../../web/csrf.js";
import { readMultipartForm } from "../../web/multipart.js";
import type { Role } from "../users/index.js";
import { evidenceStorageOf, type ReceivedEvidence } from "./evidence.service.js";
import type { EvidenceStorage } from "./evidence-storage.types.js";

/** The path the site's upload form posts to. */
export const EVIDENCE_UPLOAD_PATH = "/incidents/:ref/evidence/files";

/** An upload as read: its text fields, and its file (kept in storage) or the note that it was too large. */
export interface EvidenceUpload {
  fields: Record<string, string>;
  received: ReceivedEvidence | undefined;
  isTooLarge: boolean;
}

/** Streams the file part into storage; a part over maxBytes is destroyed on its way (or removed), so storage keeps nothing. */
function receiveInto(storage: EvidenceStorage, upload: EvidenceUpload, maxBytes: number) {
  return async (stream: Readable, fileName: string, mimeType: string): Promise<void> => {
    // An empty file input sends a part without a name: no file.
    if (!fileName) {
      stream.resume();
      return;
    }
    const guarded = new PassThrough();
    stream.on("limit", () => {
      upload.isTooLarge = true;
      guarded.destroy(new AppError("validation", "The file is too large."));
      stream.resume();
    });
    stream.on("error", (error) => guarded.destroy(error));
    stream.pipe(guarded);
    try {
      const stored = await storage.put(guarded);
      if (stored.size > maxBytes) {
        upload.isTooLarge = true;
        await storage.delete(stored.key);
        return;
      }
      upload.received = { fileName, contentType: mimeType, stored };
    } catch (error) {
      if (!upload.isTooLarge) throw error;
    }
  };
}

/**
 * Reads an evidence upload's multipart body: its fields, and its one file part streamed into
 * the storage (maxBytes at most; past it nothing is kept and isTooLarge is set). Rejects when
 * the body cannot be read or is cut off; whatever was stored is removed then.
 */
export async function readEvidenceUpload(deps: Deps, req: Request): Promise<EvidenceUpload> {
  const storage = evidenceStorageOf(deps);
  const upload: EvidenceUpload = { fields: {}, received: undefined, isTooLarge: false };
  try {
    const maxBytes = deps.config.EVIDENCE_MAX_MIB * 1024 * 1024;
    // One byte over the limit for busboy, which cuts a file when it reaches its limit: a file of exactly the limit is kept.
    const form = await readMultipartForm(req, maxBytes + 1, receiveInto(storage, upload, maxBytes));
    upload.fields = form.fields;
    return upload;
  } catch (error) {
    if (upload.received) await storage.delete(upload.received.stored.key);
    throw error;
  }
}

const uploads = new WeakMap<Request, EvidenceUpload>();

/** The upload the reader stored for this request, taken over by the caller (who must record or remove its file). */
export function takeEvidenceUpload(req: Request): EvidenceUpload | undefined {
  const upload = uploads.get(req);
  uploads.delete(req);
  return upload;
}

/**
 * The reader of the site's upload form, for app.ts to mount before the CSRF check. Only
 * managers' uploads are read; anyone else's body goes on unread and is refused by the route.
 * A file no handler took over (a CSRF refusal, an unknown path) is removed when the response ends.
 */
export function evidenceUploadBody(deps: Deps): Router {
  const router = Router();
  router.post(EVIDENCE_UPLOAD_PATH, async (req: Request, res: Response, next: NextFunction) => {
    const user = currentUser(res);
    if (!req.is("multipart/form-data") || !user || !isAllowed(user.role as Role, "manager")) return next();
    let upload: EvidenceUpload;
    try {
      upload = await readEvidenceUpload(deps, req);
    } catch {
      return next(new AppError("validation", "The upload could not be read. Reload the page and try again."));
    }
    req.body = upload.fields;
    uploads.set(req, upload);
    const discard = async () => {
      const left = takeEvidenceUpload(req);
      if (left?.received) await evidenceStorageOf(deps).delete(left.received.stored.key);
    };
    res.once("close", () => void discard());
    csrfProtection(req, res, (error?: unknown) => {
      if (!error) return next();
      void discard().then(() => next(error));
    });
  });
  return router;
}
