#!/usr/bin/env node
// `npm run db:check`: fails when the committed schemas or migrations have drifted from
// prisma/model.prisma:
//   1. each prisma/<provider>/schema.prisma is exactly what the model generates;
//   2. the model has no change without a migration (schema vs. the schema at the last migration).
// That the migrations really build that schema is checked on live databases by
// test/integration/migrations.test.ts, in both test lanes.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { providers, root, snapshotPath } from "./schema-paths.mjs";

let failures = 0;
try {
  execFileSync(process.execPath, [join(root, "scripts/generate-schemas.mjs"), "--check"], { stdio: "inherit" });
  console.log("✓ generated schemas match prisma/model.prisma");
} catch {
  failures++;
}
for (const provider of providers) {
  const sql = execFileSync(
    process.execPath,
    [
      join(root, "scripts/prisma.mjs"),
      "migrate",
      "diff",
      "--from-schema-datamodel",
      snapshotPath(provider),
      "--to-schema-datamodel",
      join(root, "prisma", provider, "schema.prisma"),
      "--script",
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, PRISMA_PROVIDER: provider } },
  );
  if (/empty migration/i.test(sql) || !sql.trim()) {
    console.log(`✓ ${provider}: every model change has a migration`);
  } else {
    console.error(
      `✗ ${provider}: the model changed without a migration; run npm run db:new-migration -- <name>. Pending SQL:\n${sql}`,
    );
    failures++;
  }
}
process.exit(failures ? 1 : 0);
