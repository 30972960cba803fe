import type { Database } from "../db/client.js";
import { type CaughtMail, Prisma } from "../generated/sqlite/client.js";

export type { CaughtMail };

export interface CaughtMailPage {
  /** Newest first. */
  rows: CaughtMail[];
  /** Messages matching the search, over all pages. */
  total: number;
}

export interface ListCaughtMailOptions {
  limit: number;
  offset: number;
  /** Found anywhere in the subject or the recipients, ignoring (ASCII) case; taken literally. */
  search?: string | undefined;
}

/**
 * Returns one page of caught messages, newest first (ties broken by id so pages never
 * overlap), with the count of all messages matching the search.
 */
export async function listCaughtMail(db: Database, options: ListCaughtMailOptions): Promise<CaughtMailPage> {
  const limit = Math.max(0, Math.floor(options.limit));
  const offset = Math.max(0, Math.floor(options.offset));
  const search = options.search?.trim();
  if (!search) {
    const [rows, total] = await Promise.all([
      db.prisma.caughtMail.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, skip: offset }),
      db.prisma.caughtMail.count(),
    ]);
    return { rows, total };
  }

  // Prisma's `contains` passes % and _ through as LIKE wildcards on SQLite and is case-sensitive
  // on PostgreSQL; this statement reads the same on both and matches the text literally.
  // Read-only: locks nothing beyond the statement's snapshot.
  const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const matches = Prisma.sql`LOWER(subject) LIKE ${pattern} ESCAPE '\\' OR LOWER(to_address) LIKE ${pattern} ESCAPE '\\'`;
  const [idRows, countRows] = await Promise.all([
    db.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM caught_mail WHERE ${matches}
      ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
    db.prisma.$queryRaw<{ total: number | bigint }[]>`SELECT COUNT(*) AS total FROM caught_mail WHERE ${matches}`,
  ]);
  const ids = idRows.map((r) => r.id);
  const found = ids.length ? await db.prisma.caughtMail.findMany({ where: { id: { in: ids } } }) : [];
  const byId = new Map(found.map((row) => [row.id, row]));
  return {
    rows: ids.map((id) => byId.get(id)).filter((row): row is CaughtMail => row !== undefined),
    total: Number(countRows[0]?.total ?? 0),
  };
}

/** Returns one caught message with its bodies and headers (JSON object text), or null. */
export async function getCaughtMail(db: Database, id: string): Promise<CaughtMail | null> {
  return db.prisma.caughtMail.findUnique({ where: { id } });
}
