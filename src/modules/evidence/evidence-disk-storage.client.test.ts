import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { after, before, describe, it } from "node:test";
import { AppError } from "../../lib/errors.js";
import { diskEvidenceStorage, evidenceDirectory } from "./evidence-disk-storage.client.js";

/** The disk behind the evidence storage port, on a folder of the test's own. */
describe("disk evidence storage", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "evidence-storage-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  const files = async () =>
    (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);

  it("keeps a stream under a key it makes, with the SHA-256 and size of the bytes, and gives it back", async () => {
    const storage = diskEvidenceStorage(root);
    const chunks = ["first part, ", "second part, ", "end"];
    const stored = await storage.put(Readable.from(chunks.map((c) => Buffer.from(c))));
    const whole = chunks.join("");
    assert.equal(stored.size, Buffer.byteLength(whole));
    assert.equal(stored.sha256, createHash("sha256").update(whole).digest("hex"));
    assert.match(stored.key, /^[0-9a-f-]{36}$/);
    assert.equal(await readFile(join(root, stored.key.slice(0, 2), stored.key), "utf8"), whole);
    assert.equal(await text(await storage.get(stored.key)), whole);
    await storage.delete(stored.key);
    await storage.delete(stored.key);
    await assert.rejects(storage.get(stored.key), (error: unknown) => error instanceof AppError && error.code === "not_found");
  });

  it("keeps nothing when the stream fails part-way", async () => {
    const storage = diskEvidenceStorage(root);
    const before = await files();
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error("cut off"));
      },
    });
    await assert.rejects(storage.put(failing), /cut off/);
    assert.deepEqual(await files(), before);
  });

  it("refuses a key it did not make, so no path can leave its folder", async () => {
    const storage = diskEvidenceStorage(root);
    for (const key of ["../../etc/passwd", "/etc/passwd", "..", "", "0000000a-0000-0000-0000-000000000000/../x"]) {
      await assert.rejects(storage.get(key), (error: unknown) => error instanceof AppError && error.code === "not_found", key);
      await assert.rejects(storage.delete(key), AppError, key);
    }
  });

  it("lives in EVIDENCE_DIR, else beside the SQLite file, else in ./data/evidence", () => {
    assert.equal(evidenceDirectory({ EVIDENCE_DIR: "/srv/evidence", DATABASE_URL: "file:./x.db" }), "/srv/evidence");
    assert.equal(
      evidenceDirectory({ EVIDENCE_DIR: undefined, DATABASE_URL: "file:/var/lib/bd/breachdesk.db" }),
      "/var/lib/bd/evidence",
    );
    assert.equal(
      evidenceDirectory({ EVIDENCE_DIR: undefined, DATABASE_URL: "postgresql://u@h/db" }),
      join(process.cwd(), "data", "evidence"),
    );
  });
});
