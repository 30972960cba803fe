import type { Readable } from "node:stream";
import busboy from "busboy";
import type { Request } from "express";

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
 * file cannot be received. Upload routes read their body with it before the CSRF check, which
 * looks for _csrf among the fields.
 */
export function readMultipartForm<T>(
  req: Request,
  maxBytes: number,
  receiveFile: (stream: Readable, fileName: string) => Promise<T>,
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
      received = receiveFile(stream, info.filename ?? "");
      // A failed receiver must not leave busboy waiting on an unread stream.
      received.catch(() => stream.resume());
    });
    parser.on("close", () => void settle());
    parser.on("error", (error) => void settle(error));
    req.pipe(parser);
  });
}
