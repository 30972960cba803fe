import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Config } from "../../config/config.js";
import { AppError } from "../../lib/errors.js";
import { auditKeyFilePath } from "../audit/index.js";

/** The Ed25519 key that signs evidence packs' manifests (decision 0024). */
export interface PackSigningKey {
  privateKey: KeyObject;
  /** The public key as PEM (SPKI), as the pack and the admin page carry it. */
  publicKeyPem: string;
  /** SHA-256 of the public key's DER bytes, hex, in groups: what a reader compares. */
  fingerprint: string;
  path: string;
}

/**
 * Where the signing key is kept: beside the audit key's file (./data/breachdesk.audit-key gives
 * ./data/breachdesk.pack-signing-key.pem), whether or not AUDIT_KEY is set, never in the database.
 */
export function packKeyPath(config: Pick<Config, "DATABASE_URL">): string {
  return auditKeyFilePath(config.DATABASE_URL).replace(/\.audit-key$/, ".pack-signing-key.pem");
}

/** The fingerprint of a public key: SHA-256 of its DER (SPKI) bytes, hex in groups of four. */
export function publicKeyFingerprint(publicKey: KeyObject): string {
  const hex = createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex");
  return hex.match(/.{4}/g)!.join(" ");
}

function keyOf(pem: string, path: string): PackSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new AppError("unavailable", `${path} holds no private key: ${(error as Error).message}. Restore it from your backup.`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new AppError("unavailable", `${path} holds a ${privateKey.asymmetricKeyType} key, not Ed25519.`);
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  return { privateKey, publicKeyPem, fingerprint: publicKeyFingerprint(publicKey), path };
}

/** The signing key, or null when none was made yet. Throws "unavailable" when the file cannot be read. */
export function readPackKey(config: Pick<Config, "DATABASE_URL">): PackSigningKey | null {
  const path = packKeyPath(config);
  try {
    return keyOf(readFileSync(path, "utf8"), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    if (error instanceof AppError) throw error;
    throw new AppError("unavailable", `Cannot read the evidence pack signing key ${path}: ${(error as Error).message}.`);
  }
}

/**
 * The signing key, made on first use like the audit key: a new Ed25519 pair written with mode
 * 0600 and O_EXCL, so two processes building their first packs at once keep one key.
 */
export function loadOrCreatePackKey(config: Pick<Config, "DATABASE_URL">): PackSigningKey {
  const existing = readPackKey(config);
  if (existing) return existing;
  const path = packKeyPath(config);
  mkdirSync(dirname(path), { recursive: true });
  const { privateKey } = generateKeyPairSync("ed25519");
  try {
    writeFileSync(path, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const created = readPackKey(config);
  if (!created) throw new Error(`the signing key file ${path} vanished while it was created`);
  return created;
}

/** The Ed25519 signature of bytes (64 bytes). */
export function signBytes(key: PackSigningKey, bytes: Buffer): Buffer {
  return sign(null, bytes, key.privateKey);
}

/** Whether signature is publicKeyPem's Ed25519 signature of bytes; false for a key that cannot be read. */
export function isSignatureValid(publicKeyPem: string, bytes: Buffer, signature: Buffer): boolean {
  try {
    const publicKey = createPublicKey(publicKeyPem);
    return publicKey.asymmetricKeyType === "ed25519" && verify(null, bytes, publicKey, signature);
  } catch {
    return false;
  }
}

/** The fingerprint of a PEM public key, or null when it cannot be read. */
export function fingerprintOfPem(publicKeyPem: string): string | null {
  try {
    return publicKeyFingerprint(createPublicKey(publicKeyPem));
  } catch {
    return null;
  }
}
