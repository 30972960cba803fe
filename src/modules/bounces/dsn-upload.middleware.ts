import { smallUploadBody } from "../../web/multipart.js";

/** The path of the bounce-message upload form's POST. */
export const DSN_UPLOAD_PATH = "/bounces/dsn";
/** A bounce message with the returned notice is a few tens of KiB; 1 MiB leaves room. */
export const MAX_DSN_BYTES = 1024 * 1024;

const upload = smallUploadBody(DSN_UPLOAD_PATH, MAX_DSN_BYTES);

/** The router that reads the upload's multipart body: mounted before the CSRF check. */
export const dsnUploadBody = () => upload.router;
/** The bounce message the upload reader kept for this request, if any. */
export const uploadedDsnOf = upload.fileOf;
