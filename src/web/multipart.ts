import type { Readable } from "node:stream";
import busboy from "busboy";
import { type NextFunction, type Request, type Response, Router } from "express";
import { AppError } from "../lib/errors.js";
import type { UploadedFile } from "../lib/uploaded-file.js";
import { currentUser } from "./access.js";

export interface MultipartForm<T> {
  /** The text fields, first value of each name: what req.body becomes. */
  fields: Record<string, string>;
  /** What receiveFile made of the part named "file", when one was sent. */
  file: T | undefined;
}

/**
 * Reads a multipart form from the request: its text fields, and its one part named "file"
 * handed to receiveFile with the size limit already applied by busboy (the stream emits
 * "limit" and ends early past maxBytes); any other file part is drained unread. Resolves once
 * the body is read and receiveFile has settled; rejects when the body cannot be parsed or the
 * file cannot be received, or the client went away before the end of the body. Upload routes
 * read their body with it before the CSRF check, which looks for _csrf among the fields.
 */
export function readMultipartForm<T>(
  req: Request,
  maxBytes: number,
  receiveFile: (stream: Readable, fileName: string, mimeType: string) => Promise<T>,
): Promise<MultipartForm<T>> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 10_000, parts: 21 },
      });
    } catch (error) {
      reject(error);
      return;
    }
    const fields: Record<string, string> = {};
    let received: Promise<T> | undefined;
    let isSettled = false;
    const settle = async (error?: unknown) => {
      if (isSettled) return;
      isSettled = true;
      try {
        const file = await received;
        if (error) throw error;
        resolve({ fields, file });
      } catch (failure) {
        req.unpipe(parser);
        req.resume();
        reject(error ?? failure);
      }
    };
    parser.on("field", (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || received) {
        stream.resume();
        return;
      }
      received = receiveFile(stream, info.filename ?? "", info.mimeType ?? "");
      // A failed receiver must not leave busboy waiting on an unread stream.
      received.catch(() => stream.resume());
    });
    parser.on("close", () => void settle());
    parser.on("error", (error) => void settle(error));
    // A client that goes away mid-upload ends nothing: without this, busboy would wait for the
    // rest for ever and the part already stored would never be deleted. Destroying the parser
    // errors the file stream, so receiveFile fails and its caller removes what it wrote.
    req.once("close", () => {
      if (!req.complete) parser.destroy(new Error("The upload was cut off before its end."));
    });
    req.pipe(parser);
  });
}

/** Keeps the file in memory, noting when busboy cut it at the limit. */
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

/**
 * The reader of a small-file upload form posted to `path`: its text fields into req.body (so
 * the CSRF check, which it must run before, finds _csrf there) and its one file, up to
 * maxBytes, in memory for the handler (fileOf). Only signed-in users' uploads are read; anyone
 * else's request goes on unread and the CSRF check refuses it.
 */
export function smallUploadBody(path: string, maxBytes: number) {
  const uploads = new WeakMap<Request, UploadedFile>();
  const router = Router();
  router.post(path, async (req: Request, res: Response, next: NextFunction) => {
    if (!req.is("multipart/form-data") || !currentUser(res)) return next();
    try {
      const form = await readMultipartForm(req, maxBytes, receiveInMemory);
      req.body = form.fields;
      if (form.file) uploads.set(req, form.file);
      next();
    } catch {
      next(new AppError("validation", "The upload could not be read. Reload the page and try again."));
    }
  });
  return { router, fileOf: (req: Request): UploadedFile | undefined => uploads.get(req) };
}
