import type { DatabaseKind } from "../../config/config.js";
import { warningColumns } from "./person-warnings.policy.js";

// The people import's bulk SQL: people merged by unique key in batches, straight through the
// drivers, with the import's checkpoint in the same transaction. What both databases share is
// here; each writes with its own writer (people-writer.sqlite.ts, people-writer.postgresql.ts),
// opened by people-writer.ts.

/** One person to insert or merge, with every column the import writes. */
export interface PersonUpsertRow {
  id: string;
  incidentId: string;
  uniqueKey: string;
  externalId: string | null;
  givenName: string;
  familyName: string;
  email: string | null;
  emailNormalized: string | null;
  phone: string | null;
  postalAddress: string | null;
  city: string | null;
  postcode: string | null;
  country: string | null;
  region: string | null;
  language: string | null;
  isAtRisk: boolean | null;
  /** JSON object text */
  attributes: string;
  /** JSON object text: warning code -> the value as given (person-warnings.policy.ts) */
  warnings: string;
  importId: string;
}

/** What one upsert batch did, row by row. */
export interface PersonUpsertCounts {
  created: number;
  /** Existing people last written by another import (or by hand). */
  updated: number;
  /** Existing people this same import wrote earlier: duplicates inside the file. */
  repeated: number;
}

/** Person columns an upsert writes from each row, with their PostgreSQL types; then created_at and updated_at. */
export const PERSON_COLUMNS: [string, string][] = [
  ["id", "text"],
  ["incident_id", "text"],
  ["unique_key", "text"],
  ["external_id", "text"],
  ["given_name", "text"],
  ["family_name", "text"],
  ["email", "text"],
  ["email_normalized", "text"],
  ["phone", "text"],
  ["postal_address", "text"],
  ["city", "text"],
  ["postcode", "text"],
  ["country", "text"],
  ["region", "text"],
  ["language", "text"],
  ["is_at_risk", "boolean"],
  ["attributes", "text"],
  ["warnings", "text"],
  ["import_id", "text"],
];

/**
 * A row's values in PERSON_COLUMNS order; `atRisk` writes the boolean as the database takes it
 * (SQLite: 1 or 0).
 */
export function personValues(r: PersonUpsertRow, atRisk: (value: boolean | null) => unknown = (value) => value): unknown[] {
  return [
    r.id,
    r.incidentId,
    r.uniqueKey,
    r.externalId,
    r.givenName,
    r.familyName,
    r.email,
    r.emailNormalized,
    r.phone,
    r.postalAddress,
    r.city,
    r.postcode,
    r.country,
    r.region,
    r.language,
    atRisk(r.isAtRisk),
    r.attributes,
    r.warnings,
    r.importId,
  ];
}

/** Columns merged from a later row only when it has a value there. */
const PERSON_KEPT_COLUMNS = [
  "external_id",
  "email",
  "email_normalized",
  "phone",
  "postal_address",
  "city",
  "postcode",
  "country",
  "region",
  "language",
  "is_at_risk",
];

/**
 * The ON CONFLICT clause of the person upsert: a later non-empty value wins, a blank one never
 * erases, attributes are combined (JSON object merge), notes and data categories are kept; a
 * warning goes when the later row has a usable value for its field, and the later row's own
 * warnings are added (as mergeWarnings does in person-warnings.policy.ts).
 */
export function personConflictClause(kind: DatabaseKind): string {
  const keep = (column: string) => `"${column}" = COALESCE(excluded."${column}", "person"."${column}")`;
  const keepName = (column: string) =>
    `"${column}" = CASE WHEN excluded."${column}" <> '' THEN excluded."${column}" ELSE "person"."${column}" END`;
  const mergeAttributes =
    kind === "sqlite"
      ? `json_patch("person"."attributes", excluded."attributes")`
      : `("person"."attributes"::jsonb || excluded."attributes"::jsonb)::text`;
  const cleared = Object.entries(warningColumns).map(
    ([code, column]) =>
      // SQLite: a path to a key that is never there removes nothing; PostgreSQL skips a NULL key.
      `CASE WHEN excluded."${column}" IS NOT NULL THEN '${kind === "sqlite" ? `$.${code}` : code}' ELSE ${kind === "sqlite" ? "'$.kept'" : "NULL"} END`,
  );
  const mergeWarnings =
    kind === "sqlite"
      ? `json_patch(json_remove("person"."warnings", ${cleared.join(", ")}), excluded."warnings")`
      : `(("person"."warnings"::jsonb - ARRAY[${cleared.join(", ")}]::text[]) || excluded."warnings"::jsonb)::text`;
  return `ON CONFLICT ("incident_id", "unique_key") DO UPDATE SET ${PERSON_KEPT_COLUMNS.map(keep).join(", ")},
    ${keepName("given_name")}, ${keepName("family_name")}, "attributes" = ${mergeAttributes},
    "warnings" = ${mergeWarnings}, "import_id" = excluded."import_id", "updated_at" = excluded."updated_at"`;
}

/** Where an import stands once a batch is in: written in the batch's own transaction. */
export interface ImportCheckpoint {
  importId: string;
  /** The run writing it: the write holds only while the import is running under this number. */
  runNumber: number;
  rowsRead: number;
  accepted: number;
  created: number;
  updated: number;
  duplicates: number;
  rejected: number;
  /** JSON object text: reason -> count */
  reasons: string;
  /** JSON object text: warning -> count */
  warnings: string;
  lastLine: number;
  bytesRead: number;
}

/**
 * Thrown when a batch's checkpoint finds the import no longer running under the writer's run
 * (cancelled, or taken over by a later run): the batch was rolled back, nothing was written.
 */
export class ImportCheckpointRefused extends Error {
  constructor(importId: string) {
    super(`The import ${importId} is no longer running under this run; the batch was not written.`);
    this.name = "ImportCheckpointRefused";
  }
}

/** The checkpoint's columns, in the order of checkpointArgs. */
const CHECKPOINT_COLUMNS = [
  "rows_read",
  "accepted",
  "created",
  "updated",
  "duplicates",
  "rejected",
  "reasons",
  "warnings",
  "last_line",
  "bytes_read",
];

/** The guarded checkpoint UPDATE's SQL, with placeholders in the order of checkpointArgs. */
export function checkpointSql(kind: DatabaseKind): string {
  const columns = CHECKPOINT_COLUMNS;
  const p = (i: number) => (kind === "sqlite" ? "?" : `$${i}`);
  const n = columns.length;
  // Changes one person_import row (row lock on PostgreSQL; under SQLite's write lock) only while
  // it is running under this run number.
  return `UPDATE "person_import" SET ${columns.map((c, i) => `"${c}" = ${p(i + 1)}`).join(", ")}, "updated_at" = ${p(n + 1)}
    WHERE "id" = ${p(n + 2)} AND "run_number" = ${p(n + 3)} AND "status" = 'running'`;
}

export function checkpointArgs(c: ImportCheckpoint, at: Date | string): unknown[] {
  const counts = [c.rowsRead, c.accepted, c.created, c.updated, c.duplicates, c.rejected, c.reasons, c.warnings, c.lastLine];
  return [...counts, BigInt(c.bytesRead), at, c.importId, c.runNumber];
}

export interface UpsertPeopleOptions {
  /**
   * The import's checkpoint after this batch, given what the batch did: written in the same
   * transaction, so the people and the counts that describe them commit together.
   */
  checkpoint?(batch: PersonUpsertCounts): ImportCheckpoint;
}

/**
 * Writes batches of people into an incident, or merges each into the existing person with the
 * same unique key; one writer serves a whole import (its prepared statements are reused).
 */
export interface PeopleWriter {
  /**
   * Writes one batch in one transaction of its own (so a later failure leaves this batch
   * committed) and says how many people were created, updated or repeated. Rows must have
   * distinct unique keys and one incident and import. With a checkpoint, the import's counts
   * are written in the same transaction, or ImportCheckpointRefused is thrown and nothing is.
   */
  upsert(rows: PersonUpsertRow[], now: Date, options?: UpsertPeopleOptions): Promise<PersonUpsertCounts>;
  close(): Promise<void>;
}
