import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { type Config, loadConfig } from "../../config/config.js";
import { type Database, databaseKindOf, sqlitePathOf } from "../../db/client.js";
import { AppError } from "../../lib/errors.js";
import {
  AUDIT_SETTINGS,
  type AuditSettings,
  createAuditKeying,
  findLastAuditEntry,
  readAuditSettings,
} from "./audit.repository.js";
import { auditKeyFingerprint, type ChainKeying } from "./audit-chain.policy.js";
import { lockAuditChain } from "./audit-chain.sql.js";

/** The secret that keys the audit chain's hashes (decision 0006); never stored in the database. */
export interface AuditKey {
  key: Buffer;
  /** Where it came from, for messages: "AUDIT_KEY" or the key file's path. */
  source: string;
  fingerprint: string;
}

const MIN_KEY_BYTES = 32;

/**
 * The folder and file-name stem of the files kept beside a database: the SQLite file's folder
 * and name; for PostgreSQL, ./data and the database's name.
 */
function besideDatabase(databaseUrl: string): { dir: string; stem: string } {
  if (databaseKindOf(databaseUrl) === "sqlite") {
    const file = sqlitePathOf(databaseUrl);
    return { dir: dirname(file), stem: basename(file, extname(file)) || "breachdesk" };
  }
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, "")) || "postgres";
  return { dir: resolve("data"), stem: name.replace(/[^A-Za-z0-9_.-]/g, "_") };
}

/** Where the generated key is kept when AUDIT_KEY is unset: beside the database, e.g. ./data/breachdesk.audit-key. */
export function auditKeyFilePath(databaseUrl: string): string {
  const { dir, stem } = besideDatabase(databaseUrl);
  return join(dir, `${stem}.audit-key`);
}

/** The append-only anchor file: AUDIT_ANCHOR_PATH, else beside the database (./data/breachdesk.audit-anchor). */
export function auditAnchorPath(config: Pick<Config, "AUDIT_ANCHOR_PATH" | "DATABASE_URL">): string {
  if (config.AUDIT_ANCHOR_PATH) return resolve(config.AUDIT_ANCHOR_PATH);
  const { dir, stem } = besideDatabase(config.DATABASE_URL);
  return join(dir, `${stem}.audit-anchor`);
}

function keyFrom(text: string, source: string): AuditKey {
  const value = text.trim();
  if (Buffer.byteLength(value) < MIN_KEY_BYTES) {
    throw new AppError(
      "unavailable",
      `${source} holds no audit key of ${MIN_KEY_BYTES} bytes or more. Restore the key from your backup.`,
    );
  }
  const key = Buffer.from(value, "utf8");
  return { key, source, fingerprint: auditKeyFingerprint(key) };
}

/**
 * The audit key: AUDIT_KEY when set, else the key file beside the database, else null. Never
 * creates one. Throws AppError "unavailable" naming the file when it cannot be read.
 */
export function readAuditKey(settings: { AUDIT_KEY?: string }, databaseUrl: string): AuditKey | null {
  if (settings.AUDIT_KEY) return keyFrom(settings.AUDIT_KEY, "AUDIT_KEY");
  const path = auditKeyFilePath(databaseUrl);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new AppError("unavailable", `Cannot read the audit key file ${path}: ${(error as Error).message}.`);
  }
  return keyFrom(text, `the audit key file ${path}`);
}

/**
 * What the web server and the worker do at start: the key from AUDIT_KEY or its file, or a new
 * random key written to the file with mode 0600 (two processes starting at once keep the
 * first's). `warning` says when the file can be read by other users.
 */
export function loadOrCreateAuditKey(
  config: Pick<Config, "AUDIT_KEY" | "DATABASE_URL">,
): AuditKey & { createdAt: string | null; warning: string | null } {
  const path = auditKeyFilePath(config.DATABASE_URL);
  const existing = readAuditKey(config, config.DATABASE_URL);
  if (existing) {
    const mode = existing.source === "AUDIT_KEY" ? 0 : statSync(path).mode & 0o777;
    const warning = mode & 0o077 ? `${path} can be read by other users (mode ${mode.toString(8)}): chmod 600 it` : null;
    return { ...existing, createdAt: null, warning };
  }
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const created = readAuditKey(config, config.DATABASE_URL);
  if (!created) throw new Error(`the audit key file ${path} vanished while it was created`);
  return { ...created, createdAt: path, warning: null };
}

// The key of each open database. A module-level map rather than a field of Database or Deps:
// recordAudit has a hundred callers that pass only the database, and a process that did not
// boot through bootCore (the command line, a test) finds the key as boot would, lazily.
const keys = new WeakMap<Database, AuditKey>();

/** Sets the key this process hashes and verifies the database's chain with. */
export function attachAuditKey(db: Database, key: AuditKey): void {
  keys.set(db, key);
}

/** The key attached to the database, else the one AUDIT_KEY or the key file holds (remembered once found), else null. */
export function auditKeyOf(db: Database): AuditKey | null {
  const attached = keys.get(db);
  if (attached) return attached;
  const found = readAuditKey(loadConfig(), db.url);
  if (found) keys.set(db, found);
  return found;
}

/** The audit settings rows are not as Breachdesk writes them: they were changed outside it. */
export class AuditSettingsProblem extends Error {
  constructor(detail: string) {
    super(`${detail}: the audit log's settings were changed outside Breachdesk`);
    this.name = "AuditSettingsProblem";
  }
}

/** The chain's keying as the settings record it, or null before a key was ever applied. Throws AuditSettingsProblem. */
export function recordedKeying(settings: AuditSettings): { fromSeq: number; keyCheck: string } | null {
  const { keyedFromSeq, keyCheck } = settings;
  if (keyedFromSeq === undefined && keyCheck === undefined) return null;
  if (keyedFromSeq === undefined) throw new AuditSettingsProblem(`the setting ${AUDIT_SETTINGS.keyedFromSeq} is missing`);
  if (keyCheck === undefined) throw new AuditSettingsProblem(`the setting ${AUDIT_SETTINGS.keyCheck} is missing`);
  if (!/^[1-9]\d{0,14}$/.test(keyedFromSeq)) {
    throw new AuditSettingsProblem(
      `the setting ${AUDIT_SETTINGS.keyedFromSeq} holds ${JSON.stringify(keyedFromSeq)}, not an entry number`,
    );
  }
  return { fromSeq: Number(keyedFromSeq), keyCheck };
}

/** The keying to hash and verify with; throws AppError "unavailable" when the key is missing or not the recorded one. */
export function chainKeyingFor(
  recorded: { fromSeq: number; keyCheck: string },
  key: AuditKey | null,
  databaseUrl: string,
): ChainKeying {
  if (!key) {
    throw new AppError(
      "unavailable",
      `The audit log is kept with a key from entry #${recorded.fromSeq} on, and no key was found: set AUDIT_KEY, or put the key file back at ${auditKeyFilePath(databaseUrl)} from your backup.`,
    );
  }
  if (key.fingerprint !== recorded.keyCheck) {
    throw new AppError(
      "unavailable",
      `The audit key from ${key.source} is not the key this database's audit log is kept with (from entry #${recorded.fromSeq} on): restore the key file from your backup, or set AUDIT_KEY to that key.`,
    );
  }
  return { fromSeq: recorded.fromSeq, key: key.key };
}

/**
 * Applies the key to the chain at start: the first time, records that entries from the next
 * one on are keyed, with the key's fingerprint; after that, checks the key is that one. Runs
 * under the chain's lock, so no entry is appended between the read and the write.
 */
export async function applyAuditKey(db: Database, key: AuditKey): Promise<{ fromSeq: number; isNew: boolean }> {
  try {
    return await applyAuditKeyOnce(db, key);
  } catch (error) {
    if (error instanceof AppError || error instanceof AuditSettingsProblem) throw error;
    // Another process applied it at the same moment (a primary-key clash, or SQLite's busy
    // snapshot): the second look finds its settings.
    return applyAuditKeyOnce(db, key);
  }
}

function applyAuditKeyOnce(db: Database, key: AuditKey): Promise<{ fromSeq: number; isNew: boolean }> {
  return db.prisma.$transaction(async (tx) => {
    await lockAuditChain(db.kind, tx);
    const recorded = recordedKeying(await readAuditSettings(tx));
    if (recorded) return { fromSeq: chainKeyingFor(recorded, key, db.url).fromSeq, isNew: false };
    const fromSeq = ((await findLastAuditEntry(tx))?.seq ?? 0) + 1;
    await createAuditKeying(tx, fromSeq, key.fingerprint);
    return { fromSeq, isNew: true };
  });
}
