import type { DatabaseKind } from "../config/config.js";
import type { Database } from "../db/client.js";
import { type CaughtMail, Prisma } from "../generated/sqlite/client.js";
import { INCIDENT_HEADER, SECRET_FOR_HEADER } from "./mailer.js";
import { systemEmailSubjects } from "./render.js";

export type { CaughtMail };

export interface CaughtMailPage {
  /** Newest first. */
  rows: CaughtMail[];
  /** Messages matching the search, over all pages. */
  total: number;
}

/**
 * Which messages carrying a secret (marked with SECRET_FOR_HEADER by the catcher) a reader may
 * see: none of them, or all but those whose secret opens one of the listed accounts (by user
 * id; by address for messages kept before the mark existed).
 */
export type SecretVisibility = { kind: "none" } | { kind: "allExcept"; userIds: string[]; addresses: string[] };

export interface ListCaughtMailOptions {
  limit: number;
  offset: number;
  /** Found anywhere in the subject or the recipients, ignoring (ASCII) case; taken literally. */
  search?: string | undefined;
  /** Default: no message carrying a secret. */
  secrets?: SecretVisibility;
  /** Incidents the reader may not read (decision 0030): their notices, reminders and tests are left out. */
  hiddenIncidentIds?: string[];
}

const NO_SECRETS: SecretVisibility = { kind: "none" };

/** A LIKE pattern matching `text` literally anywhere, with \ as the escape character. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The condition a message must meet to be shown. It reads the headers as stored: JSON text in
 * which the mark is `"X-Breachdesk-Secret-For":"<user id>"`. Content cannot fake it: JSON
 * escapes every quote inside a value, and the catcher drops a caller's header of that name.
 * A message kept before the mark existed counts as a secret for its recipient when it has the
 * subject of one of the app's own emails (each carries a one-time link); content can match
 * that only to hide a message, never to show one.
 */
function visibleCondition(kind: DatabaseKind, secrets: SecretVisibility): Prisma.Sql {
  const mark = `"${SECRET_FOR_HEADER}":`;
  const isMarked = headersContain(kind, mark);
  const hasSystemSubject = Prisma.sql`subject IN (${Prisma.join([...systemEmailSubjects])})`;
  if (secrets.kind === "none") return Prisma.sql`NOT (${isMarked}) AND NOT (${hasSystemSubject})`;
  const hidden = secrets.userIds.map((id) => headersContain(kind, `${mark}${JSON.stringify(id)}`));
  if (secrets.addresses.length > 0) {
    const addresses = Prisma.join(secrets.addresses.map((a) => a.toLowerCase()));
    // Cheapest test first: almost no message has a system subject.
    hidden.push(Prisma.sql`(${hasSystemSubject} AND LOWER(to_address) IN (${addresses}) AND NOT (${isMarked}))`);
  }
  return hidden.length ? Prisma.sql`NOT (${Prisma.join(hidden, " OR ")})` : Prisma.sql`1 = 1`;
}

/**
 * The condition that leaves out the messages of incidents the reader may not read: a notice to an
 * affected person by its delivery's Message-ID (delivery.message_id is indexed), a reminder or a
 * test notice by its INCIDENT_HEADER mark. Reads only.
 */
function incidentCondition(kind: DatabaseKind, hidden: string[]): Prisma.Sql {
  if (hidden.length === 0) return Prisma.sql`1 = 1`;
  const delivered = Prisma.sql`message_id IN (SELECT message_id FROM delivery WHERE incident_id IN (${Prisma.join(hidden)}))`;
  const marked = hidden.map((id) => headersContain(kind, `"${INCIDENT_HEADER}":${JSON.stringify(id)}`));
  return Prisma.sql`NOT (${delivered}) AND NOT (${Prisma.join(marked, " OR ")})`;
}

/**
 * Whether the stored header block contains this text exactly (case and all): the catcher
 * writes the mark exactly so, and a test holds it to that. instr/strpos take the text
 * literally; on SQLite a page over 20,000 messages took 55 ms with them, 160 with LOWER() LIKE.
 */
function headersContain(kind: DatabaseKind, text: string): Prisma.Sql {
  return kind === "postgresql" ? Prisma.sql`strpos(headers, ${text}) > 0` : Prisma.sql`instr(headers, ${text}) > 0`;
}

/**
 * Returns one page of the caught messages the reader may see, newest first (ties broken by id
 * so pages never overlap), with the count of all such messages matching the search.
 */
export async function listCaughtMail(db: Database, options: ListCaughtMailOptions): Promise<CaughtMailPage> {
  const limit = Math.max(0, Math.floor(options.limit));
  const offset = Math.max(0, Math.floor(options.offset));
  const search = options.search?.trim();
  // Prisma's `contains` passes % and _ through as LIKE wildcards on SQLite and is case-sensitive
  // on PostgreSQL; these statements read the same on both and match the text literally.
  // Read-only: they lock nothing beyond the statement's snapshot.
  const pattern = search ? containsPattern(search.toLowerCase()) : null;
  const matches = pattern
    ? Prisma.sql`(LOWER(subject) LIKE ${pattern} ESCAPE '\\' OR LOWER(to_address) LIKE ${pattern} ESCAPE '\\')`
    : Prisma.sql`1 = 1`;
  const where = Prisma.sql`${matches} AND ${visibleCondition(db.kind, options.secrets ?? NO_SECRETS)} AND ${incidentCondition(db.kind, options.hiddenIncidentIds ?? [])}`;
  const [idRows, countRows] = await Promise.all([
    db.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM caught_mail WHERE ${where}
      ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
    db.prisma.$queryRaw<{ total: number | bigint }[]>`SELECT COUNT(*) AS total FROM caught_mail WHERE ${where}`,
  ]);
  const ids = idRows.map((r) => r.id);
  const found = ids.length ? await db.prisma.caughtMail.findMany({ where: { id: { in: ids } } }) : [];
  const byId = new Map(found.map((row) => [row.id, row]));
  return {
    rows: ids.map((id) => byId.get(id)).filter((row): row is CaughtMail => row !== undefined),
    total: Number(countRows[0]?.total ?? 0),
  };
}

/**
 * Returns one caught message with its bodies and headers (JSON object text), or null when
 * there is none the reader may see (by default, none carrying a secret).
 */
export async function getCaughtMail(
  db: Database,
  id: string,
  secrets = NO_SECRETS,
  hiddenIncidentIds: string[] = [],
): Promise<CaughtMail | null> {
  const rows = await db.prisma.$queryRaw<{ id: string }[]>`
    SELECT id FROM caught_mail WHERE id = ${id} AND ${visibleCondition(db.kind, secrets)}
      AND ${incidentCondition(db.kind, hiddenIncidentIds)}`;
  return rows.length ? db.prisma.caughtMail.findUnique({ where: { id } }) : null;
}

/** Deletes the caught messages kept since before `before` (MAIL_CATCHER_RETENTION_DAYS); returns how many. */
export async function deleteCaughtMailBefore(db: Database, before: Date): Promise<number> {
  const { count } = await db.prisma.caughtMail.deleteMany({ where: { createdAt: { lt: before } } });
  return count;
}
