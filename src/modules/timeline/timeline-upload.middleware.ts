import type { Request } from "express";
import type { UploadedFile } from "../../lib/uploaded-file.js";
import { smallUploadBody } from "../../web/multipart.js";
import { MAX_IMPORT_BYTES } from "./timeline-import.service.js";

/** The path of the upload form's POST. */
export const TIMELINE_UPLOAD_PATH = "/incidents/:ref/events/import";

/** Reads the timeline CSV upload (up to MAX_IMPORT_BYTES) before the CSRF check; see smallUploadBody. */
const upload = smallUploadBody(TIMELINE_UPLOAD_PATH, MAX_IMPORT_BYTES);

/** The router that reads the upload's multipart body: mounted before the CSRF check. */
export function timelineUploadBody() {
  return upload.router;
}

/** The file the upload parser read from this request, if any. */
export function uploadedFileOf(req: Request): UploadedFile | undefined {
  return upload.fileOf(req);
}
