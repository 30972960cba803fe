import type { Database } from "../../db/client.js";
import { instantParam, sqliteInstant, toDate, toStringOrNull } from "../../db/values.js";
import { Prisma } from "../../generated/sqlite/client.js";

// The sender's SQL (delivery-sender.service.ts): the claim under a lease, its renewal, the
// recorded results and the people of a batch. Where a statement differs between the databases,
// each has its own function.

/** A delivery claimed for sending: what the sender needs to render, send and record it. */
export interface ClaimedDelivery {
  id: string;
  campaignId: string;
  incidentId: string;
  personId: string;
  email: string | null;
  fullName: string;
  language: string;
  templateVersionId: string | null;
  messageId: string;
  /** Tries so far, this claim included. */
  attempts: number;
  /** Times it was taken back from a worker that stopped while holding it, this claim included. */
  reclaims: number;
  queuedAt: Date;
  /** The notice's verification code (decision 0019), null for one fanned out before codes existed. */
  verificationCode: string | null;
}

function toClaimedDelivery(row: Record<string, unknown>): ClaimedDelivery {
  return {
    id: String(row.id),
    campaignId: String(row.campaign_id),
    incidentId: String(row.incident_id),
    personId: String(row.person_id),
    email: toStringOrNull(row.email),
    fullName: String(row.full_name ?? ""),
    language: String(row.language ?? ""),
    templateVersionId: toStringOrNull(row.template_version_id),
    messageId: String(row.message_id),
    attempts: Number(row.attempts),
    reclaims: Number(row.reclaims),
    queuedAt: toDate(row.queued_at),
    verificationCode: toStringOrNull(row.verification_code),
  };
}

export interface ClaimDeliveriesOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: Date;
  /**
   * Look for rows of another worker's expired lease first (default true). The sender looks
   * every third of a lease, not at every claim: a statement saved per claim, and a stopped
   * worker's notices are taken back at most that much later.
   */
  withReclaims?: boolean;
}

const CLAIMED_COLUMNS = [
  "id",
  "campaign_id",
  "incident_id",
  "person_id",
  "email",
  "full_name",
  "language",
  "template_version_id",
  "message_id",
  "attempts",
  "reclaims",
  "queued_at",
  "verification_code",
];

/**
 * Claims up to `limit` deliveries of campaigns that are sending, in two atomic statements:
 * first those still "sending" under another worker's expired lease (a crashed worker's messages in flight),
 * then queued ones that are due, earliest first. Each claimed row is sending, leased to
 * workerId until now + leaseMs, with the try counted; no row goes to two concurrent claimers.
 * A row taken back from a stopped worker also counts a reclaim: that worker may have handed it
 * to the mail server before it died, so its person may receive the notice twice (the ledger says so).
 */
export async function claimDueDeliveries(db: Database, options: ClaimDeliveriesOptions): Promise<ClaimedDelivery[]> {
  const { workerId, leaseMs, now } = options;
  const at = instantParam(db.kind, now);
  const until = instantParam(db.kind, new Date(now.getTime() + leaseMs));
  const claimed: ClaimedDelivery[] = [];
  const sending = Prisma.sql`EXISTS (SELECT 1 FROM "campaign" c WHERE c."id" = d."campaign_id" AND c."status" = 'sending')`;
  // Never this worker's own rows: a live worker whose lease ran out is still sending them.
  const due = [
    Prisma.sql`d."status" = 'sending' AND d."lease_until" < ${at} AND d."claimed_by" <> ${workerId}`,
    Prisma.sql`d."status" = 'queued' AND d."next_attempt_at" <= ${at}`,
  ];
  for (const [index, condition] of due.entries()) {
    if (index === 0 && options.withReclaims === false) continue;
    const limit = options.limit - claimed.length;
    if (limit < 1) break;
    const reclaim = index === 0 ? Prisma.sql`, "reclaims" = "reclaims" + 1` : Prisma.empty;
    const set = Prisma.sql`"status" = 'sending', "claimed_by" = ${workerId}, "lease_until" = ${until},
      "attempts" = "attempts" + 1, "updated_at" = ${at}${reclaim}`;
    const picked = Prisma.sql`${condition} AND ${sending}`;
    const claim = db.kind === "postgresql" ? claimPostgresql : claimSqlite;
    claimed.push(...(await claim(db, picked, set, limit)).map(toClaimedDelivery));
  }
  return claimed;
}

/**
 * PostgreSQL: locks up to `limit` rows matching `where` (FOR UPDATE, skipping rows another
 * worker holds, so workers sharing a campaign never wait on or share a delivery) and changes
 * them by `set` under this worker's lease. MATERIALIZED: see claimDueJobs.
 */
function claimPostgresql(db: Database, where: Prisma.Sql, set: Prisma.Sql, limit: number) {
  return db.prisma.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
    WITH picked AS MATERIALIZED (
      SELECT d."id" FROM "delivery" d WHERE ${where}
      ORDER BY d."next_attempt_at" LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE "delivery" SET ${set} FROM picked WHERE "delivery"."id" = picked."id"
    RETURNING ${Prisma.raw(CLAIMED_COLUMNS.map((c) => `"delivery"."${c}"`).join(", "))}`);
}

/**
 * SQLite: takes the write lock for this one statement, which picks and changes up to `limit`
 * rows matching `where` by `set`: atomic, so never claimed twice.
 */
function claimSqlite(db: Database, where: Prisma.Sql, set: Prisma.Sql, limit: number) {
  return db.prisma.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
    UPDATE "delivery" SET ${set}
    WHERE "id" IN (SELECT d."id" FROM "delivery" d WHERE ${where}
                   ORDER BY d."next_attempt_at" LIMIT ${limit})
    RETURNING ${Prisma.raw(CLAIMED_COLUMNS.map((c) => `"${c}"`).join(", "))}`);
}

/**
 * Pushes the lease of every delivery this worker is sending to `until`, so that a batch slower
 * than the lease is not taken over by another worker while it is still being sent; returns how
 * many rows. Changes only this worker's in-flight rows (read through the status index: few).
 */
export async function extendDeliveryLeases(db: Database, workerId: string, until: Date, now: Date): Promise<number> {
  return db.prisma.$executeRaw`
    UPDATE "delivery" SET "lease_until" = ${instantParam(db.kind, until)}, "updated_at" = ${instantParam(db.kind, now)}
    WHERE "status" = 'sending' AND "claimed_by" = ${workerId}`;
}

/** One claimed delivery's result, as delivery-outcome.policy.ts makes it. */
export interface DeliveryResultRow {
  id: string;
  /** sent | queued (try again at nextAttemptAt) | failed | released (back as it was) | cancelled (not tried) */
  status: "sent" | "queued" | "failed" | "released" | "cancelled";
  at: Date;
  nextAttemptAt?: Date;
  smtpCode?: number | null;
  smtpResponse?: string;
}

/**
 * Records the results of claimed deliveries in one statement, each only while workerId still
 * holds it (sending, claimed by this worker): a result that lost its claim to another worker
 * (an expired lease) changes nothing. A sent or failed row keeps claimed_by: which worker tried it. Sent, failed and queued again keep the server's answer
 * and their instant; released and cancelled were not tried, so their try is uncounted.
 * Returns how many rows changed.
 */
export async function recordDeliveryResults(db: Database, workerId: string, results: DeliveryResultRow[]): Promise<number> {
  if (results.length === 0) return 0;
  const iso = (at: Date | undefined) => (at === undefined ? null : db.kind === "sqlite" ? sqliteInstant(at) : at.toISOString());
  const rows = JSON.stringify(
    results.map((r) => [r.id, r.status, iso(r.at), iso(r.nextAttemptAt), r.smtpCode ?? null, r.smtpResponse ?? null]),
  );
  const untried = Prisma.sql`j."s" IN ('released', 'cancelled')`;
  const answered = Prisma.sql`j."s" IN ('sent', 'queued', 'failed')`;
  const set = Prisma.sql`"status" = CASE WHEN j."s" = 'released' THEN 'queued' ELSE j."s" END,
    "attempts" = "attempts" - CASE WHEN ${untried} THEN 1 ELSE 0 END,
    "sent_at" = CASE WHEN j."s" = 'sent' THEN j."at" ELSE "sent_at" END,
    "failed_at" = CASE WHEN j."s" = 'failed' THEN j."at" ELSE "failed_at" END,
    "next_attempt_at" = CASE WHEN j."s" = 'queued' THEN j."next_at" WHEN j."s" = 'cancelled' THEN NULL ELSE "next_attempt_at" END,
    "smtp_code" = CASE WHEN ${answered} THEN j."code" ELSE "smtp_code" END,
    "smtp_response" = CASE WHEN ${answered} THEN j."response" ELSE "smtp_response" END,
    "claimed_by" = CASE WHEN j."s" IN ('sent', 'failed') THEN "claimed_by" ELSE NULL END,
    "lease_until" = NULL, "updated_at" = j."at"`;
  const record = db.kind === "postgresql" ? recordResultsPostgresql : recordResultsSqlite;
  return record(db, workerId, rows, set);
}

/** PostgreSQL: changes only the listed rows this worker still holds (row locks). */
function recordResultsPostgresql(db: Database, workerId: string, rows: string, set: Prisma.Sql): Promise<number> {
  return db.prisma.$executeRaw(Prisma.sql`
    UPDATE "delivery" SET ${set}
    FROM (SELECT e ->> 0 AS "id", e ->> 1 AS "s", (e ->> 2)::timestamp(3) AS "at", (e ->> 3)::timestamp(3) AS "next_at",
                 (e ->> 4)::int AS "code", e ->> 5 AS "response"
          FROM json_array_elements(${rows}::json) AS e) AS j
    WHERE "delivery"."id" = j."id" AND "delivery"."status" = 'sending' AND "delivery"."claimed_by" = ${workerId}`);
}

/**
 * SQLite: changes only the listed rows this worker still holds (the write lock for the
 * statement). The unary + keeps SQLite's planner off the (status, next_attempt_at) index: it
 * would loop over every row in flight and scan the results for each (measured: 53 ms for 25
 * results with 2,000 rows in flight), instead of finding each result's row by its id.
 */
function recordResultsSqlite(db: Database, workerId: string, rows: string, set: Prisma.Sql): Promise<number> {
  return db.prisma.$executeRaw(Prisma.sql`
    UPDATE "delivery" SET ${set}
    FROM (SELECT e."value" ->> 0 AS "id", e."value" ->> 1 AS "s", e."value" ->> 2 AS "at", e."value" ->> 3 AS "next_at",
                 e."value" ->> 4 AS "code", e."value" ->> 5 AS "response"
          FROM json_each(${rows}) AS e) AS j
    WHERE "delivery"."id" = j."id" AND +"delivery"."status" = 'sending' AND +"delivery"."claimed_by" = ${workerId}`);
}

/** The person columns a notice is rendered from. */
export interface NoticePersonColumns {
  id: string;
  givenName: string;
  familyName: string;
  email: string | null;
  externalId: string | null;
  language: string | null;
  country: string | null;
  region: string | null;
  categoryIds: string | null;
  attributes: string;
}

/**
 * The people of a batch of deliveries (deleted people are missing), with the ids as ONE JSON
 * parameter: measured in bench/send.ts, a Prisma `id IN (...)` of 200 bound ids cost about
 * 15 ms on SQLite, a tenth of a millisecond for every notice sent. Reads only.
 */
export async function selectNoticePeople(db: Database, ids: string[]): Promise<NoticePersonColumns[]> {
  if (ids.length === 0) return [];
  const list = JSON.stringify(ids);
  const idsTable =
    db.kind === "postgresql"
      ? Prisma.sql`SELECT json_array_elements_text(${list}::json)`
      : Prisma.sql`SELECT "value" FROM json_each(${list})`;
  const rows = await db.prisma.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
    SELECT "id", "given_name", "family_name", "email", "external_id", "language", "country", "region", "category_ids", "attributes"
    FROM "person" WHERE "id" IN (${idsTable})`);
  return rows.map((r) => ({
    id: String(r.id),
    givenName: String(r.given_name ?? ""),
    familyName: String(r.family_name ?? ""),
    email: toStringOrNull(r.email),
    externalId: toStringOrNull(r.external_id),
    language: toStringOrNull(r.language),
    country: toStringOrNull(r.country),
    region: toStringOrNull(r.region),
    categoryIds: toStringOrNull(r.category_ids),
    attributes: String(r.attributes ?? "{}"),
  }));
}
