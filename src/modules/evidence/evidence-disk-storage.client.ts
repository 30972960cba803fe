// The local disk behind the evidence storage port. Each file is written to a temporary file in
// the storage folder's .partial/ and renamed into place once complete, so a crash or a refused
// upload never leaves a half file under a key. Keys are made here (a random UUID, two levels of
// folders by its first characters); nothing a user sends ever becomes part of a path.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Config } from "../../config/config.js";
import { AppError } from "../../lib/errors.js";
import type { EvidenceStorage, StoredObject } from "./evidence-storage.types.js";

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Where evidence files are kept: EVIDENCE_DIR, else evidence/ beside the SQLite file, else ./data/evidence. */
export function evidenceDirectory(config: Pick<Config, "EVIDENCE_DIR" | "DATABASE_URL">): string {
  if (config.EVIDENCE_DIR) return resolve(config.EVIDENCE_DIR);
  if (config.DATABASE_URL.startsWith("file:")) {
    const path = config.DATABASE_URL.slice("file:".length).split("?")[0] ?? "";
    return join(dirname(resolve(path)), "evidence");
  }
  return resolve("data", "evidence");
}

/** The disk storage rooted at a folder (created when the first file is put). */
export function diskEvidenceStorage(root: string): EvidenceStorage {
  /** The path of a key; a key this storage did not make is refused, so no path can leave the folder. */
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new AppError("not_found", "No such evidence file in storage.");
    return join(root, key.slice(0, 2), key);
  };

  return {
    async put(content: Readable): Promise<StoredObject> {
      const key = randomUUID();
      const partial = join(root, ".partial", `${key}.part`);
      const final = pathOf(key);
      await mkdir(dirname(partial), { recursive: true });
      await mkdir(dirname(final), { recursive: true });
      const hash = createHash("sha256");
      let size = 0;
      const measure = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      try {
        await pipeline(content, measure, createWriteStream(partial, { flags: "wx" }));
        // The bytes reach the disk before the name does: a crash after the rename leaves a whole file.
        const handle = await open(partial, "r");
        await handle.sync().finally(() => handle.close());
        await rename(partial, final);
      } catch (error) {
        await unlink(partial).catch(() => {});
        throw error;
      }
      return { key, sha256: hash.digest("hex"), size };
    },

    async get(key: string): Promise<Readable> {
      const path = pathOf(key);
      try {
        await stat(path);
      } catch {
        throw new AppError("not_found", "The evidence file's content is missing from storage.");
      }
      return createReadStream(path);
    },

    async delete(key: string): Promise<void> {
      await unlink(pathOf(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    },
  };
}

const storages = new Map<string, EvidenceStorage>();

/** The storage the app's configuration names (one per folder, kept for the process). */
export function evidenceStorageFor(config: Pick<Config, "EVIDENCE_DIR" | "DATABASE_URL">): EvidenceStorage {
  const root = evidenceDirectory(config);
  let storage = storages.get(root);
  if (!storage) {
    storage = diskEvidenceStorage(root);
    storages.set(root, storage);
  }
  return storage;
}
