import type { Request } from "express";
import type { UploadedFile } from "../../lib/uploaded-file.js";
import { smallUploadBody } from "../../web/multipart.js";
import { MAX_LETTERS_BYTES } from "./letters-upload.service.js";

/** The path of the form that uploads a file of letters sent. */
export const LETTERS_UPLOAD_PATH = "/incidents/:ref/ledger/letters";

/** Reads the letters file upload (up to MAX_LETTERS_BYTES) before the CSRF check; see smallUploadBody. */
const upload = smallUploadBody(LETTERS_UPLOAD_PATH, MAX_LETTERS_BYTES);

/** The router that reads the upload's multipart body: app.ts mounts it before the CSRF check. */
export function lettersUploadBody() {
  return upload.router;
}

/** The file the upload reader read from this request, if any. */
export function uploadedLettersOf(req: Request): UploadedFile | undefined {
  return upload.fileOf(req);
}
