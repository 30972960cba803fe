import { createHash } from "node:crypto";
import { Readable, Transform, type Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { ZipFile } from "yazl";

/** One file of a pack as the manifest lists it. */
export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

/** What a source gives: the bytes at once, or a stream (read when its entry's turn comes). */
export type EntrySource = () => Buffer | string | Readable | Promise<Buffer | string | Readable>;

/**
 * A zip being written to out as it is filled: yazl writes entries one after another and asks
 * for an entry's stream only when its turn comes, so a large entry (the ledger's CSV) flows
 * through with its back-pressure and nothing is held whole. Each entry is hashed (SHA-256) and
 * counted on its way in; `listed()` is then every entry written so far, in order.
 */
export function startPackZip(out: Writable, mtime: Date) {
  const zip = new ZipFile();
  // yazl types its output as a ReadableStream; it is a node PassThrough.
  const output = zip.outputStream as unknown as Readable;
  const written: ManifestFile[] = [];
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  zip.on("error", (error: Error) => output.destroy(error));
  // out is not ended with the zip: the caller records the pack first, then closes it, so a
  // receiver that has the whole pack knows it was recorded (close), or gets a cut-off one (abort).
  const delivered = new Promise<void>((resolve, reject) => {
    for (const stream of [output, counter, out]) stream.on("error", reject);
    counter.on("end", resolve);
  });
  output.pipe(counter).pipe(out, { end: false });

  function streamOf(value: Buffer | string | Readable): Readable {
    return typeof value === "string" || Buffer.isBuffer(value) ? Readable.from([Buffer.from(value)]) : value;
  }

  /** Adds an entry, listed in the manifest unless isUnlisted (the manifest and its signature). */
  function add(path: string, source: EntrySource, isUnlisted = false): void {
    zip.addReadStreamLazy(path, { mtime }, (callback) => {
      Promise.resolve()
        .then(source)
        .then((value) => {
          const input = streamOf(value);
          const hash = createHash("sha256");
          let size = 0;
          const hashing = new Transform({
            transform(chunk: Buffer | string, _encoding, done) {
              const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
              hash.update(buffer);
              size += buffer.length;
              done(null, buffer);
            },
            flush(done) {
              // Recorded before yazl sees the end, so the next entry's source sees this one listed.
              if (!isUnlisted) written.push({ path, sha256: hash.digest("hex"), size });
              done();
            },
          });
          input.on("error", (error) => output.destroy(error));
          callback(null, input.pipe(hashing));
        })
        .catch((error: Error) => callback(error, undefined as never));
    });
  }

  return {
    add,
    /** The entries written so far, in the order written. */
    listed: (): readonly ManifestFile[] => written,
    /** Ends the zip and waits until out has been given all of it (out stays open); the zip's size in bytes. */
    async finish(): Promise<number> {
      zip.end();
      await delivered;
      return bytes;
    },
    /** Ends out and waits until it has flushed. */
    async close(): Promise<void> {
      out.end();
      await finished(out);
    },
    /** Stops the zip and out with an error. */
    abort(error: Error): void {
      output.destroy(error);
      out.destroy(error);
    },
  };
}

export type PackZip = ReturnType<typeof startPackZip>;
