import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { fingerprintOfPem, isSignatureValid } from "./pack-key.service.js";
import { compareWithManifest, type PackManifest, type PackProblem, parseManifest } from "./pack-manifest.policy.js";

/** verify-pack's answer: intact (0), something changed, added or removed (1, each named), or unreadable (2). */
export interface PackVerification {
  ok: boolean;
  status: 0 | 1 | 2;
  problems: PackProblem[];
  manifest: PackManifest | null;
  /** The fingerprint of the key in public-key.pem, to compare with the one Breachdesk shows. */
  fingerprint: string | null;
}

// Kept in memory to check the signature; larger than this they cannot be a pack's own.
const SMALL_FILES = new Set(["manifest.json", "manifest.sig", "public-key.pem"]);
const SMALL_LIMIT = 64 * 1024 * 1024;

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true, strictFileNames: false }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    );
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))),
  );
}

/** Streams an entry through SHA-256, keeping its bytes only when it is one of the small files the signature needs. */
async function hashEntry(zip: ZipFile, entry: Entry) {
  const stream = await openEntry(zip, entry);
  const hash = createHash("sha256");
  const kept: Buffer[] = [];
  const isKept = SMALL_FILES.has(entry.fileName) && entry.uncompressedSize <= SMALL_LIMIT;
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    if (isKept) kept.push(chunk);
  }
  return { sha256: hash.digest("hex"), size, bytes: isKept ? Buffer.concat(kept) : null };
}

/** Every file entry of the zip with its hash and size; problems for entries that cannot be read or appear twice. */
async function readEntries(zip: ZipFile, problems: PackProblem[]) {
  const found = new Map<string, { sha256: string; size: number }>();
  const small = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", () => resolve());
    zip.on("entry", (entry: Entry) => {
      const name = entry.fileName;
      if (name.endsWith("/")) return zip.readEntry();
      if (found.has(name)) {
        problems.push({ file: name, problem: "added: the pack holds a second file of this name" });
        return zip.readEntry();
      }
      hashEntry(zip, entry)
        .then((got) => {
          found.set(name, { sha256: got.sha256, size: got.size });
          if (got.bytes) small.set(name, got.bytes);
        })
        .catch((error: Error) => {
          found.set(name, { sha256: "(unreadable)", size: -1 });
          problems.push({ file: name, problem: `changed: its content cannot be read (${error.message})` });
        })
        .finally(() => zip.readEntry());
    });
    zip.readEntry();
  });
  return { found, small };
}

/**
 * Checks a pack: every file's SHA-256 and size against manifest.json, no file added or
 * removed, and manifest.sig the Ed25519 signature of manifest.json by the key in
 * public-key.pem. Each problem names its file; a file that is not a zip is status 2.
 */
export async function verifyPack(path: string): Promise<PackVerification> {
  const unreadable = (problem: string): PackVerification => ({
    ok: false,
    status: 2,
    problems: [{ file: path, problem }],
    manifest: null,
    fingerprint: null,
  });
  const problems: PackProblem[] = [];
  let entries: Awaited<ReturnType<typeof readEntries>>;
  try {
    entries = await readEntries(await openZip(path), problems);
  } catch (error) {
    return unreadable(`cannot be read as a zip file: ${(error as Error).message}`);
  }
  const { found, small } = entries;
  const manifestBytes = small.get("manifest.json");
  const parsed = manifestBytes ? parseManifest(manifestBytes.toString("utf8")) : "removed: the pack has no manifest.json";
  const manifest = typeof parsed === "string" ? null : parsed;
  if (typeof parsed === "string")
    problems.push({ file: "manifest.json", problem: manifestBytes ? `changed: it ${parsed}` : parsed });
  if (manifest) problems.push(...compareWithManifest(manifest, found));
  const pem = small.get("public-key.pem")?.toString("utf8") ?? null;
  const signature = small.get("manifest.sig");
  if (!signature) problems.push({ file: "manifest.sig", problem: "removed: the pack has no signature of its manifest" });
  else if (
    manifestBytes &&
    pem &&
    !isSignatureValid(pem, manifestBytes, Buffer.from(signature.toString("utf8").trim(), "base64"))
  ) {
    problems.push({ file: "manifest.json", problem: "changed: manifest.sig is not its signature by the key in public-key.pem" });
  }
  const fingerprint = pem ? fingerprintOfPem(pem) : null;
  if (manifest && fingerprint && manifest.publicKeyFingerprint !== fingerprint) {
    problems.push({ file: "public-key.pem", problem: "changed: it is not the key the manifest names" });
  }
  return { ok: problems.length === 0, status: problems.length ? 1 : 0, problems, manifest, fingerprint };
}
