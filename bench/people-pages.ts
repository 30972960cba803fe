// Benchmark (not a test): the people page's queries on an incident of a million people, each
// timed through the app's repository (Prisma) and as the same SQL through the raw driver
// (better-sqlite3; pg) in the same run, with the ratio; then deleting an import's people in
// the job's batches. Another incident of 10% the size shares the table, as in real use.
// Run: npx tsx bench/people-pages.ts (BENCH_ROWS=200000 for a quicker run); SQLite always,
// PostgreSQL too when TEST_DATABASE_URL is set. Seeding goes through the import's upsertPeople.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { type Database, openDatabase, sqlitePathOf } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import {
  countPeopleOfImport,
  countPeopleUpTo,
  deletePeopleBatchOfImport,
  listPeoplePage,
  type PeopleFilter,
  summarizePeople,
} from "../src/modules/people/people-browse.repository.js";
import type { PersonUpsertRow } from "../src/modules/people/people-bulk.sql.js";
import { upsertPeople } from "../src/modules/people/people-writer.sql.js";
import { DELETE_BATCH_ROWS } from "../src/modules/people/person-deletion.service.js";
import { createScratchPostgresDatabase } from "../test/helpers/scratch-database.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const say = (line: string) => process.stdout.write(`${line}\n`);
const COUNTRIES = ["AU", "AU", "AU", "NZ", "US", "GB", "DE", null];
const REGIONS: Record<string, string[]> = { AU: ["AU-NSW", "AU-VIC", "AU-QLD"], US: ["US-CA", "US-NY", "US-TX"], DE: ["DE-BY"] };

/** Person i: every tenth without an e-mail, every fifth keyed by an external id, a third each at risk, not, unknown. */
function person(incidentId: string, importId: string, i: number): PersonUpsertRow {
  const country = COUNTRIES[i % COUNTRIES.length] ?? null;
  const regions = country ? (REGIONS[country] ?? []) : [];
  const email = i % 10 === 0 ? null : `person${i}@example${i % 97}.org`;
  const externalId = i % 5 === 0 ? `M${i}` : null;
  return {
    id: randomUUID(),
    incidentId,
    uniqueKey: externalId ? `ext:${externalId}` : email ? `email:${email}` : `nokey:${i}`,
    externalId,
    givenName: ["Zoë", "José", "Ada", "Wei"][i % 4]!,
    familyName: `Family${i}`,
    email,
    emailNormalized: email,
    phone: null,
    postalAddress: `${i} High St, Springfield`,
    city: null,
    postcode: null,
    country,
    region: regions.length ? regions[i % regions.length]! : null,
    language: "en",
    isAtRisk: i % 3 === 0 ? true : i % 3 === 1 ? false : null,
    attributes: JSON.stringify({ since: String(2000 + (i % 25)) }),
    warnings: "{}",
    importId,
  };
}

async function seed(db: Database, incidentId: string, imports: string[], count: number) {
  for (let from = 0; from < count; from += 5000) {
    const rows: PersonUpsertRow[] = [];
    for (let i = from; i < Math.min(count, from + 5000); i++) rows.push(person(incidentId, imports[i % imports.length]!, i));
    await upsertPeople(db, rows, new Date());
  }
}

/** The median of five runs after one warm-up, in ms. */
async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await fn();
    runs.push(performance.now() - started);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

/** The raw driver's way of running a statement with ? placeholders. */
type RawQuery = (sql: string, params: unknown[]) => Promise<unknown>;

async function rawDriver(db: Database, url: string): Promise<{ query: RawQuery; close(): Promise<void> }> {
  if (db.kind === "sqlite") {
    const raw = new BetterSqlite3(sqlitePathOf(url), { readonly: true });
    return {
      query: async (sql, params) => raw.prepare(sql).all(...params.map((p) => (typeof p === "boolean" ? Number(p) : p))),
      close: async () => {
        raw.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    query: async (sql, params) => {
      let n = 0;
      return (
        await client.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    },
    close: () => client.end(),
  };
}

async function measure(kind: "sqlite" | "postgresql", dir: string) {
  const fresh = await freshDatabase(kind, dir);
  const db = await openDatabase(fresh.url);
  try {
    const incidentId = randomUUID();
    const neighbour = randomUUID();
    const imports = [randomUUID(), randomUUID()];
    const now = new Date();
    for (const [id, number] of [
      [incidentId, 1],
      [neighbour, 2],
    ] as const) {
      await db.prisma.incident.create({
        data: { id, reference: `BD-2026-000${number}`, year: 2026, number, title: "Bench", severity: "high", timeZone: "UTC" },
      });
    }
    for (const id of imports) {
      await db.prisma.personImport.create({
        data: {
          id,
          incidentId,
          fileName: `${id}.csv`,
          filePath: `/nonexistent/${id}.csv`,
          status: "completed",
          createdAt: now,
          updatedAt: now,
        },
      });
    }
    let started = performance.now();
    await seed(db, incidentId, imports, ROWS);
    await seed(db, neighbour, [randomUUID()], Math.round(ROWS / 10));
    if (kind === "postgresql") await db.prisma.$executeRawUnsafe("VACUUM ANALYZE person");
    say(
      `${kind}: seeded ${ROWS.toLocaleString("en")} + ${(ROWS / 10).toLocaleString("en")} people in ${Math.round(performance.now() - started)} ms`,
    );

    const raw = await rawDriver(db, fresh.url);
    const deepKey = `email:person${Math.round(ROWS * 0.9)}`;
    const rare: PeopleFilter = { q: `family${ROWS - 7}` };
    const figures: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      [
        "summary (5 GROUP BY / COUNT)",
        () => summarizePeople(db.prisma, incidentId),
        async () => {
          await raw.query(`SELECT is_at_risk, category_ids, COUNT(*) FROM person WHERE incident_id = ? GROUP BY 1, 2`, [
            incidentId,
          ]);
          await raw.query(`SELECT COUNT(*) FROM person WHERE incident_id = ? AND email_normalized IS NOT NULL`, [incidentId]);
          await raw.query(`SELECT country, COUNT(*) FROM person WHERE incident_id = ? GROUP BY 1 ORDER BY 2 DESC`, [incidentId]);
          await raw.query(
            `SELECT country, region, COUNT(*) FROM person WHERE incident_id = ? GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50`,
            [incidentId],
          );
        },
      ],
      [
        "first page (51 people)",
        () => listPeoplePage(db.prisma, incidentId, {}, { take: 51 }),
        () => raw.query(`SELECT * FROM person WHERE incident_id = ? ORDER BY unique_key LIMIT 51`, [incidentId]),
      ],
      [
        "page 90% deep (keyset)",
        () => listPeoplePage(db.prisma, incidentId, {}, { afterKey: deepKey, take: 51 }),
        () =>
          raw.query(`SELECT * FROM person WHERE incident_id = ? AND unique_key > ? ORDER BY unique_key LIMIT 51`, [
            incidentId,
            deepKey,
          ]),
      ],
      [
        "country=DE page + count to 10,000",
        async () => {
          await listPeoplePage(db.prisma, incidentId, { country: "DE" }, { take: 51 });
          await countPeopleUpTo(db.prisma, incidentId, { country: "DE" }, 10_000);
        },
        async () => {
          await raw.query(`SELECT * FROM person WHERE incident_id = ? AND country = ? ORDER BY unique_key LIMIT 51`, [
            incidentId,
            "DE",
          ]);
          await raw.query(`SELECT COUNT(*) FROM (SELECT 1 FROM person WHERE incident_id = ? AND country = ? LIMIT 10001) t`, [
            incidentId,
            "DE",
          ]);
        },
      ],
      [
        "search matching one person",
        async () => {
          await listPeoplePage(db.prisma, incidentId, rare, { take: 51 });
        },
        () =>
          raw.query(
            `SELECT * FROM person WHERE incident_id = ? AND (LOWER(given_name || ' ' || family_name) LIKE ? OR email_normalized LIKE ? OR LOWER(COALESCE(external_id, '')) LIKE ?) ORDER BY unique_key LIMIT 51`,
            [incidentId, `%${rare.q}%`, `%${rare.q}%`, `%${rare.q}%`],
          ),
      ],
      [
        "people of an import (count)",
        () => countPeopleOfImport(db.prisma, imports[0]!),
        () => raw.query(`SELECT COUNT(*) FROM person WHERE import_id = ?`, [imports[0]]),
      ],
    ];
    for (const [name, app, baseline] of figures) {
      const appMs = await time(app);
      const rawMs = await time(baseline);
      say(
        `  ${name.padEnd(36)} ${appMs.toFixed(1).padStart(8)} ms   raw ${rawMs.toFixed(1).padStart(8)} ms   raw/app ${(rawMs / appMs).toFixed(2)}`,
      );
    }
    await raw.close();

    // Deleting an import's people as the job does: 10 batches, each its own statement.
    let deleted = 0;
    let worst = 0;
    started = performance.now();
    for (let i = 0; i < 10; i++) {
      const batchStarted = performance.now();
      deleted += await deletePeopleBatchOfImport(db.prisma, imports[1]!, DELETE_BATCH_ROWS);
      worst = Math.max(worst, performance.now() - batchStarted);
    }
    const ms = performance.now() - started;
    say(
      `  delete ${deleted.toLocaleString("en")} people in batches of ${DELETE_BATCH_ROWS}: ${Math.round((deleted * 1000) / ms).toLocaleString("en")} people/s, longest batch (lock held) ${Math.round(worst)} ms`,
    );
  } finally {
    await db.close();
    await fresh.remove();
  }
}

/** A fresh migrated database, and how to remove it. */
async function freshDatabase(kind: "sqlite" | "postgresql", dir: string) {
  if (kind === "sqlite") {
    const url = `file:${join(dir, "people.db")}`;
    await migrateDatabase(url);
    return { url, remove: async () => {} };
  }
  const scratch = await createScratchPostgresDatabase(process.env.TEST_DATABASE_URL!, "bd_bench");
  await migrateDatabase(scratch.url);
  return scratch;
}

const dir = mkdtempSync(join(tmpdir(), "breachdesk-bench-people-"));
try {
  for (const kind of process.env.TEST_DATABASE_URL ? (["sqlite", "postgresql"] as const) : (["sqlite"] as const)) {
    await measure(kind, dir);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
