#!/usr/bin/env node
// Creates a migration for each provider from the change between the schema the existing
// migrations lead to (prisma/<provider>/migrations/schema-at-last-migration.prisma) and the
// schema generated from prisma/model.prisma now. Usage: npm run db:new-migration -- <name>
//
// The SQL comes from `prisma migrate diff` between two datamodels, which needs no live
// database: introspecting PostgreSQL through @prisma/adapter-pg 6.19 fails (prisma#27403).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { providers, root, snapshotPath } from "./schema-paths.mjs";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name in snake_case>");
  process.exit(2);
}
execFileSync(process.execPath, [join(root, "scripts/generate-schemas.mjs")], { stdio: "inherit" });
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
for (const provider of providers) {
  const schema = join(root, "prisma", provider, "schema.prisma");
  const snapshot = snapshotPath(provider);
  const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
  const sql = diffSql(provider, [...from, "--to-schema-datamodel", schema]);
  if (!sql.trim() || /empty migration/i.test(sql)) {
    console.log(`${provider}: no change`);
    continue;
  }
  const dir = join(root, "prisma", provider, "migrations", `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "migration.sql"), sql);
  copyFileSync(schema, snapshot);
  console.log(`${provider}: wrote ${dir}/migration.sql`);
}

/** Returns the SQL script `prisma migrate diff` prints for the given from/to arguments. */
export function diffSql(provider, args) {
  return execFileSync(process.execPath, [join(root, "scripts/prisma.mjs"), "migrate", "diff", ...args, "--script"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PRISMA_PROVIDER: provider },
  });
}
