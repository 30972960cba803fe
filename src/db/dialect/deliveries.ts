import type { DatabaseKind } from "../../config/config.js";
import { Prisma } from "../../generated/sqlite/client.js";
import type { Database, DbOrTx } from "../client.js";
import { instantParam, sqliteInstant, toDate, toStringOrNull } from "./values.js";

// Campaign deliveries (modules/campaigns): the fan-out, the claim and the recorded results.

/** What a campaign's start writes for each recipient, beyond the person's own columns. */
export interface DeliveryFanOut {
  campaignId: string;
  /** The WHERE condition on `person` under the alias `p` (campaign-audience.ts). */
  audience: Prisma.Sql;
  /** The pinned version for each language a recipient has ("" for none), from the renderer's choice. */
  versionByLanguage: Record<string, string>;
  /** The version of any language missing above. */
  fallbackVersionId: string;
  /** Message-IDs are `<delivery.ID@domain>`. */
  messageIdDomain: string;
  now: Date;
}

/** A random RFC 4122 version 4 UUID as SQLite text, the shape lib/ids.ts makes in JavaScript. */
const SQLITE_UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
  || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

/**
 * Writes one delivery row per person of the audience in the caller's transaction (the one that
 * moves the campaign to sending), in ONE INSERT ... SELECT: the person's address, name, place
 * and language are copied, the version chosen for their language is pinned, and the Message-ID
 * is derived from the new row's id. People without an e-mail address, or whose address is
 * suppressed in this incident (it bounced hard on one of its notices), are written as excluded
 * with the reason. A person already in the campaign is
 * skipped (unique campaign and person), so a second run adds nothing. Returns the rows written.
 */
export async function fanOutDeliveries(kind: DatabaseKind, tx: DbOrTx, fanOut: DeliveryFanOut): Promise<number> {
  const at = instantParam(kind, fanOut.now);
  const versions = JSON.stringify(fanOut.versionByLanguage);
  const isExcluded = Prisma.sql`(x."email_normalized" IS NULL OR b."email_normalized" IS NOT NULL)`;
  const newId = kind === "postgresql" ? Prisma.sql`gen_random_uuid()::text` : Prisma.raw(SQLITE_UUID);
  const versionsTable =
    kind === "postgresql" ? Prisma.sql`json_each_text(${versions}::json)` : Prisma.sql`json_each(${versions})`;
  const stamp = kind === "postgresql" ? Prisma.sql`${at}::timestamp(3)` : Prisma.sql`${at}`;
  // Reads the audience's people (no lock: the people of an incident being notified are not
  // imported at the same moment, and a later import is not part of this campaign) and inserts
  // their deliveries (row locks on PostgreSQL, SQLite's write lock, until the caller commits).
  // The MATERIALIZED step draws each row's id once: the Message-ID must repeat the same id.
  // WHERE true: see upsertPeople (SQLite's parser and INSERT ... SELECT ... ON CONFLICT).
  return tx.$executeRaw(Prisma.sql`
    WITH picked AS MATERIALIZED (
      SELECT ${newId} AS "new_id", p."id", p."incident_id", p."email", p."email_normalized", p."given_name",
             p."family_name", p."country", p."region", p."language"
      FROM "person" p WHERE ${fanOut.audience}
    )
    INSERT INTO "delivery" ("id", "campaign_id", "incident_id", "person_id", "email", "email_normalized", "full_name",
      "country", "region", "language", "template_version_id", "channel", "status", "attempts", "next_attempt_at",
      "message_id", "exclusion_reason", "queued_at", "updated_at")
    SELECT x."new_id", ${fanOut.campaignId}, x."incident_id", x."id", x."email", x."email_normalized",
      TRIM(x."given_name" || ' ' || x."family_name"), x."country", x."region", COALESCE(x."language", ''),
      COALESCE(v."value", ${fanOut.fallbackVersionId}), 'email',
      CASE WHEN ${isExcluded} THEN 'excluded' ELSE 'queued' END, 0,
      CASE WHEN ${isExcluded} THEN NULL ELSE ${stamp} END,
      '<delivery.' || x."new_id" || '@' || ${fanOut.messageIdDomain} || '>',
      CASE WHEN x."email_normalized" IS NULL THEN 'no_email' WHEN b."email_normalized" IS NOT NULL THEN 'bounced_address' ELSE '' END,
      ${stamp}, ${stamp}
    FROM picked x
    LEFT JOIN "bounced_address" b ON b."incident_id" = x."incident_id" AND b."email_normalized" = x."email_normalized"
    LEFT JOIN ${versionsTable} v ON v."key" = COALESCE(x."language", '')
    WHERE true
    ON CONFLICT ("campaign_id", "person_id") DO NOTHING`);
}

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
  };
}

export interface ClaimDeliveriesOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: Date;
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
    const limit = options.limit - claimed.length;
    if (limit < 1) break;
    const reclaim = index === 0 ? Prisma.sql`, "reclaims" = "reclaims" + 1` : Prisma.empty;
    const set = Prisma.sql`"status" = 'sending', "claimed_by" = ${workerId}, "lease_until" = ${until},
      "attempts" = "attempts" + 1, "updated_at" = ${at}${reclaim}`;
    const rows =
      db.kind === "postgresql"
        ? // Locks up to `limit` due rows (FOR UPDATE, skipping rows another worker holds, so
          // workers sharing a campaign never wait on or share a delivery) and changes them to
          // sending under this worker's lease. MATERIALIZED: see claimDueJobs.
          await db.prisma.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
            WITH picked AS MATERIALIZED (
              SELECT d."id" FROM "delivery" d WHERE ${condition} AND ${sending}
              ORDER BY d."next_attempt_at" LIMIT ${limit}
              FOR UPDATE OF d SKIP LOCKED
            )
            UPDATE "delivery" SET ${set} FROM picked WHERE "delivery"."id" = picked."id"
            RETURNING ${Prisma.raw(CLAIMED_COLUMNS.map((c) => `"delivery"."${c}"`).join(", "))}`)
        : // Takes SQLite's write lock for this one statement, which picks and changes up to
          // `limit` due rows to sending under this worker's lease: atomic, so never claimed twice.
          await db.prisma.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
            UPDATE "delivery" SET ${set}
            WHERE "id" IN (SELECT d."id" FROM "delivery" d WHERE ${condition} AND ${sending}
                           ORDER BY d."next_attempt_at" LIMIT ${limit})
            RETURNING ${Prisma.raw(CLAIMED_COLUMNS.map((c) => `"${c}"`).join(", "))}`);
    claimed.push(...rows.map(toClaimedDelivery));
  }
  return claimed;
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

/** One claimed delivery's result, as modules/campaigns/delivery-outcome.ts makes it. */
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
  // Changes only the listed rows this worker still holds (row locks on PostgreSQL; SQLite's
  // write lock for the statement).
  if (db.kind === "postgresql") {
    return db.prisma.$executeRaw(Prisma.sql`
      UPDATE "delivery" SET ${set}
      FROM (SELECT e ->> 0 AS "id", e ->> 1 AS "s", (e ->> 2)::timestamp(3) AS "at", (e ->> 3)::timestamp(3) AS "next_at",
                   (e ->> 4)::int AS "code", e ->> 5 AS "response"
            FROM json_array_elements(${rows}::json) AS e) AS j
      WHERE "delivery"."id" = j."id" AND "delivery"."status" = 'sending' AND "delivery"."claimed_by" = ${workerId}`);
  }
  // The unary + keeps SQLite's planner off the (status, next_attempt_at) index: it would loop
  // over every row in flight and scan the results for each (measured: 53 ms for 25 results
  // with 2,000 rows in flight), instead of finding each result's row by its id.
  return db.prisma.$executeRaw(Prisma.sql`
    UPDATE "delivery" SET ${set}
    FROM (SELECT e."value" ->> 0 AS "id", e."value" ->> 1 AS "s", e."value" ->> 2 AS "at", e."value" ->> 3 AS "next_at",
                 e."value" ->> 4 AS "code", e."value" ->> 5 AS "response"
          FROM json_each(${rows}) AS e) AS j
    WHERE "delivery"."id" = j."id" AND +"delivery"."status" = 'sending' AND +"delivery"."claimed_by" = ${workerId}`);
}

/**
 * Queues a campaign's failed deliveries again (due now, queued now, so their retry window
 * starts afresh), except those whose address was suppressed in the incident since; returns how many.
 */
export async function requeueFailedDeliveries(kind: DatabaseKind, tx: DbOrTx, campaignId: string, now: Date): Promise<number> {
  const at = instantParam(kind, now);
  // Changes the campaign's failed rows (row locks on PostgreSQL; SQLite's write lock).
  return tx.$executeRaw(Prisma.sql`
    UPDATE "delivery" SET "status" = 'queued', "next_attempt_at" = ${at}, "queued_at" = ${at}, "failed_at" = NULL, "updated_at" = ${at}
    WHERE "campaign_id" = ${campaignId} AND "status" = 'failed'
      AND NOT EXISTS (SELECT 1 FROM "bounced_address" b
                      WHERE b."incident_id" = "delivery"."incident_id" AND b."email_normalized" = "delivery"."email_normalized")`);
}

/**
 * Locks a campaign's row until the caller's transaction ends, so its status changes and the
 * delivery changes that go with them (start, cancel, retry, completion) happen one at a time.
 * PostgreSQL: a row lock (FOR UPDATE; changes nothing). SQLite: nothing, as its writers are
 * serialised by the database lock.
 */
export async function lockCampaignRow(kind: DatabaseKind, tx: DbOrTx, campaignId: string): Promise<void> {
  if (kind === "postgresql") await tx.$queryRaw`SELECT 1 FROM "campaign" WHERE "id" = ${campaignId} FOR UPDATE`;
}

/**
 * Cancels deliveries left "sending" under an expired lease in cancelled campaigns: their worker
 * died after the campaign was cancelled, so nobody will record them. Returns how many.
 */
export async function cancelStrandedDeliveries(db: Database, now: Date): Promise<number> {
  const at = instantParam(db.kind, now);
  // Changes the few in-flight rows of cancelled campaigns whose lease ran out (read through
  // the (status, next_attempt_at) index: only rows in flight are "sending").
  return db.prisma.$executeRaw`
    UPDATE "delivery" SET "status" = 'cancelled', "claimed_by" = NULL, "lease_until" = NULL, "updated_at" = ${at}
    WHERE "status" = 'sending' AND "lease_until" < ${at}
      AND "campaign_id" IN (SELECT "id" FROM "campaign" WHERE "status" = 'cancelled')`;
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
