/** A small uploaded file, kept in memory (the upload reader's limit keeps it small). */
export interface UploadedFile {
  fileName: string;
  bytes: Buffer;
  /** More than the limit was sent; bytes holds only the start. */
  isTooLarge: boolean;
}
