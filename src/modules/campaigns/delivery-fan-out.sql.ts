import type { DatabaseKind } from "../../config/config.js";
import type { DbOrTx } from "../../db/client.js";
import { instantParam } from "../../db/values.js";
import { Prisma } from "../../generated/sqlite/client.js";
import { foldedNameSql } from "../../lib/name-fold.js";
import { codeBytesColumn, newCodeSql } from "../verification/index.js";

// A campaign's fan-out: one INSERT ... SELECT per start, or per batch of a large one (decision 0040). The SQL is the
// same on both databases but for a few expressions (a new id, a JSON table, a timestamp), chosen by kind.

/** What a campaign's start writes for each recipient, beyond the person's own columns. */
export interface DeliveryFanOut {
  campaignId: string;
  /** The WHERE condition on `person` under the alias `p` (campaign-audience.policy.ts). */
  audience: Prisma.Sql;
  /** The pinned version for each language a recipient has ("" for none), from the renderer's choice. */
  versionByLanguage: Record<string, string>;
  /** The version of any language missing above. */
  fallbackVersionId: string;
  /** Message-IDs are `<delivery.ID@domain>`. */
  messageIdDomain: string;
  now: Date;
  /** One batch only (decision 0040): the people whose unique key is after `after` (none: from the first)... */
  after?: string | null;
  /** ...up to `through` and including it (none: to the last). */
  through?: string | null;
  /** Only people recorded by this instant: a batch written after the start leaves out those imported since. */
  recordedBy?: Date | null;
}

/** The batch's bounds on the audience's people (alias p), as a keyset on (incident_id, unique_key). */
function batchSql(kind: DatabaseKind, fanOut: Pick<DeliveryFanOut, "after" | "through" | "recordedBy">): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (fanOut.after != null) parts.push(Prisma.sql` AND p."unique_key" > ${fanOut.after}`);
  if (fanOut.through != null) parts.push(Prisma.sql` AND p."unique_key" <= ${fanOut.through}`);
  if (fanOut.recordedBy) parts.push(Prisma.sql` AND p."created_at" <= ${instantParam(kind, fanOut.recordedBy)}`);
  return parts.length ? Prisma.join(parts, "") : Prisma.empty;
}

/**
 * The unique key of the last person of the next batch of `size` people of the audience after
 * `after`, in unique-key order (an index range of person(incident_id, unique_key)), or null when
 * `size` or fewer are left: the batch then runs to the end.
 */
export async function fanOutBatchEnd(
  kind: DatabaseKind,
  tx: DbOrTx,
  fanOut: Pick<DeliveryFanOut, "audience" | "after" | "recordedBy">,
  size: number,
): Promise<string | null> {
  // The batch's last person and the one after it: with no one after, the batch runs to the end.
  const rows = await tx.$queryRaw<{ key: string }[]>(Prisma.sql`
    SELECT p."unique_key" AS "key" FROM "person" p WHERE ${fanOut.audience}${batchSql(kind, fanOut)}
    ORDER BY p."unique_key" LIMIT 2 OFFSET ${size - 1}`);
  return rows.length === 2 ? rows[0]!.key : null;
}

/** A random RFC 4122 version 4 UUID as SQLite text, the shape lib/ids.ts makes in JavaScript. */
const SQLITE_UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
  || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

/**
 * Writes one delivery row per person of the audience in the caller's transaction (the one that
 * moves the campaign to sending), in ONE INSERT ... SELECT: the person's address, name, place
 * and language are copied, the version chosen for their language is pinned, and the Message-ID
 * is derived from the new row's id, and each row that will be e-mailed gets a verification code drawn
 * from random bytes (modules/verification, decision 0019), never from the person's data. People without an e-mail address, or whose address is
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
  const code = newCodeSql(kind, Prisma.sql`x."code_bytes"`);
  // The ledger's name search reads the name folded (lib/name-fold.ts), written beside it here.
  const nameSearch = Prisma.raw(foldedNameSql(kind, `TRIM(x."given_name" || ' ' || x."family_name")`));
  const familySearch = Prisma.raw(foldedNameSql(kind, `TRIM(x."family_name")`));
  // Reads the audience's people (no lock: the people of an incident being notified are not
  // imported at the same moment, and a later import is not part of this campaign) and inserts
  // their deliveries (row locks on PostgreSQL, SQLite's write lock, until the caller commits).
  // The MATERIALIZED step draws each row's id once: the Message-ID must repeat the same id.
  // A code is unique (its index); two rows drawing the same 60 bits would fail the start, which
  // can simply be tried again (about 1 in 30,000 for 5 million notices on top of 5 million).
  // WHERE true: see upsertPeople (SQLite's parser and INSERT ... SELECT ... ON CONFLICT).
  return tx.$executeRaw(Prisma.sql`
    WITH picked AS MATERIALIZED (
      SELECT ${newId} AS "new_id", p."id", p."incident_id", p."email", p."email_normalized", p."given_name",
             p."family_name", p."country", p."region", p."language", ${codeBytesColumn(kind)}
      FROM "person" p WHERE ${fanOut.audience}${batchSql(kind, fanOut)}
    )
    INSERT INTO "delivery" ("id", "campaign_id", "incident_id", "person_id", "email", "email_normalized", "full_name",
      "country", "region", "language", "template_version_id", "channel", "status", "attempts", "next_attempt_at",
      "message_id", "exclusion_reason", "queued_at", "updated_at", "verification_code", "name_search",
      "family_search")
    SELECT x."new_id", ${fanOut.campaignId}, x."incident_id", x."id", x."email", x."email_normalized",
      TRIM(x."given_name" || ' ' || x."family_name"), x."country", x."region", COALESCE(x."language", ''),
      COALESCE(v."value", ${fanOut.fallbackVersionId}), 'email',
      CASE WHEN ${isExcluded} THEN 'excluded' ELSE 'queued' END, 0,
      CASE WHEN ${isExcluded} THEN NULL ELSE ${stamp} END,
      '<delivery.' || x."new_id" || '@' || ${fanOut.messageIdDomain} || '>',
      CASE WHEN x."email_normalized" IS NULL THEN 'no_email' WHEN b."email_normalized" IS NOT NULL THEN 'bounced_address' ELSE '' END,
      ${stamp}, ${stamp}, CASE WHEN ${isExcluded} THEN NULL ELSE ${code} END, ${nameSearch},
      ${familySearch}
    FROM picked x
    LEFT JOIN "bounced_address" b ON b."incident_id" = x."incident_id" AND b."email_normalized" = x."email_normalized"
    LEFT JOIN ${versionsTable} v ON v."key" = COALESCE(x."language", '')
    WHERE true
    ON CONFLICT ("campaign_id", "person_id") DO NOTHING`);
}
