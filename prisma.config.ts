// Prisma CLI configuration (the CLI is run through scripts/prisma.mjs).
// engine "js" makes the CLI use the WASM schema engine shipped in the prisma package: the
// native one is a download, and these machines reach no such host. The CLI generates the two
// clients and computes migration SQL (scripts/new-migration.mjs, scripts/check-schema-drift.mjs);
// the app applies migrations itself (src/db/migrate.ts).
// PRISMA_PROVIDER picks the adapter, which must match the schema the command works on.

import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

const provider = process.env.PRISMA_PROVIDER === "postgresql" ? "postgresql" : "sqlite";
// Diffs between two datamodels read no data, but the PostgreSQL adapter still connects.
const url =
  process.env.PRISMA_DATABASE_URL ??
  (provider === "postgresql"
    ? (process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres")
    : "file::memory:");

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: `prisma/${provider}/schema.prisma`,
  async adapter() {
    if (provider === "postgresql") return new PrismaPg({ connectionString: url });
    return new PrismaBetterSQLite3({ url: url.replace(/^file:/, "") });
  },
});
