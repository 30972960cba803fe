import type { DatabaseKind } from "../../config/config.js";
import type { DbOrTx } from "../../db/client.js";
import { toDateOrNull, toStringOrNull } from "../../db/values.js";
import { Prisma } from "../../generated/sqlite/client.js";
import { CODE_ALPHABET, CODE_LENGTH } from "./verification-code.policy.js";

// The verification code's SQL: the expression the campaigns' fan-out writes into each new
// delivery (one INSERT ... SELECT, so the code is drawn in the database, per row), and the one
// lookup /verify and the API make.

/**
 * PostgreSQL draws a row's code from the 16 bytes of one gen_random_uuid() (pg_strong_random):
 * the low 5 bits of 12 of its bytes, skipping byte 6, whose bit 4 belongs to the version nibble.
 */
const PG_CODE_BYTES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12];

/**
 * The column of random bytes a row's code is made of, for the fan-out's picking step (its
 * MATERIALIZED CTE draws it once per row); SQLite draws each character itself and needs none.
 */
export function codeBytesColumn(kind: DatabaseKind): Prisma.Sql {
  return kind === "postgresql" ? Prisma.sql`uuid_send(gen_random_uuid()) AS "code_bytes"` : Prisma.sql`NULL AS "code_bytes"`;
}

/**
 * A new verification code per row: CODE_LENGTH characters of CODE_ALPHABET (32 characters, so
 * 5 random bits each, uniform). `bytes` is the codeBytesColumn of the row (PostgreSQL);
 * SQLite takes 5 bits of its own random() per character (its randomness comes from the OS).
 */
export function newCodeSql(kind: DatabaseKind, bytes: Prisma.Sql): Prisma.Sql {
  const alphabet = Prisma.raw(`'${CODE_ALPHABET}'`);
  const characters =
    kind === "postgresql"
      ? PG_CODE_BYTES.map((i) => Prisma.sql`substr(${alphabet}, 1 + (get_byte(${bytes}, ${Prisma.raw(String(i))}) & 31), 1)`)
      : Array.from({ length: CODE_LENGTH }, () => Prisma.sql`substr(${alphabet}, 1 + (random() & 31), 1)`);
  return Prisma.sql`(${Prisma.join(characters, " || ")})`;
}

/** What a code names, when it names a notice that went out. */
export interface CodeLookup {
  incidentId: string | null;
  reference: string | null;
  timeZone: string | null;
  /** The organisation the campaign pinned when it started (JSON), if any. */
  pinnedOrganisation: string | null;
  /** When it was handed to the mail server (a notice still in flight: when it was claimed). */
  sentAt: Date | null;
}

/**
 * The notice a code belongs to, if it was sent (or is being sent): ONE statement that returns
 * one row whatever the code, its delivery, campaign and incident columns null for a code we did
 * not send, so a known and an unknown code cost the same (an index probe each). Reads only.
 */
export async function findSentNotice(db: DbOrTx, code: string): Promise<CodeLookup> {
  const rows = await db.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
    SELECT d."incident_id", i."reference", i."time_zone", c."organisation",
           CASE WHEN d."sent_at" IS NOT NULL THEN d."sent_at" ELSE d."updated_at" END AS "sent_at"
    FROM (SELECT CAST(${code} AS TEXT) AS "code") q
    LEFT JOIN "delivery" d ON d."verification_code" = q."code" AND (d."sent_at" IS NOT NULL OR d."status" = 'sending')
    LEFT JOIN "campaign" c ON c."id" = d."campaign_id"
    LEFT JOIN "incident" i ON i."id" = d."incident_id"`);
  const row = rows[0] ?? {};
  return {
    incidentId: toStringOrNull(row.incident_id),
    reference: toStringOrNull(row.reference),
    timeZone: toStringOrNull(row.time_zone),
    pinnedOrganisation: toStringOrNull(row.organisation),
    sentAt: row.incident_id == null ? null : toDateOrNull(row.sent_at),
  };
}
