import type { Request } from "express";
import type { UploadedFile } from "../../lib/uploaded-file.js";
import { smallUploadBody } from "../../web/multipart.js";
import { MAX_ACK_BYTES } from "./statement-submission.service.js";

/** The path of the form that marks a statement submitted, with the regulator's acknowledgment file. */
export const SUBMIT_PATH = "/incidents/:ref/statements/:id/submit";

/** Reads the submission form's multipart body (the acknowledgment up to MAX_ACK_BYTES) before the CSRF check; see smallUploadBody. */
const upload = smallUploadBody(SUBMIT_PATH, MAX_ACK_BYTES + 1);

/** The router that reads the submission's multipart body: app.ts mounts it before the CSRF check. */
export function statementsUploadBody() {
  return upload.router;
}

/** The acknowledgment file sent with the submission, if any (an empty file input sends none). */
export function uploadedAckOf(req: Request): UploadedFile | undefined {
  const file = upload.fileOf(req);
  return file && file.fileName && file.bytes.length > 0 ? file : undefined;
}
