import type { DatabaseKind } from "../config/config.js";

// Value conversions every raw statement shares (the modules' *.sql.ts files, src/jobs): instants
// as each database stores them, and raw row values back to typed ones.

/**
 * SQLite stores Prisma DateTime values as text in this exact shape (adapter-better-sqlite3,
 * timestampFormat iso8601); raw comparisons against those columns must use the same shape.
 */
export function sqliteInstant(at: Date): string {
  return at.toISOString().replace("Z", "+00:00");
}

/**
 * A DateTime parameter for a raw statement: SQLite compares its text columns as strings, so
 * the value must have the exact stored shape; PostgreSQL takes the Date (stored as UTC in
 * TIMESTAMP(3) columns without zone).
 */
export function instantParam(kind: DatabaseKind, at: Date): Date | string {
  return kind === "sqlite" ? sqliteInstant(at) : at;
}

/** Raw rows may carry instants as Date (both adapters today) or as stored text. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") return new Date(value);
  throw new TypeError(`expected an instant, got ${typeof value}`);
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

export function toStringOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
