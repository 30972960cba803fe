#!/usr/bin/env node
// Writes prisma/sqlite/schema.prisma and prisma/postgresql/schema.prisma from prisma/model.prisma.
// With --check, writes nothing and exits 1 when a committed schema differs from what it would write.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { providers, root } from "./schema-paths.mjs";

function renderSchema(provider, model) {
  return `// GENERATED from prisma/model.prisma by scripts/generate-schemas.mjs. Do not edit.

datasource db {
  provider = "${provider}"
  url      = env("DATABASE_URL")
}

generator client {
  provider            = "prisma-client"
  output              = "../../src/generated/${provider}"
  engineType          = "client"
  moduleFormat        = "esm"
  runtime             = "nodejs"
  importFileExtension = "js"
}

${model}`;
}

const isCheck = process.argv.includes("--check");
const model = readFileSync(join(root, "prisma/model.prisma"), "utf8");
let drifted = 0;
for (const provider of providers) {
  const file = join(root, "prisma", provider, "schema.prisma");
  const wanted = renderSchema(provider, model);
  const current = existsSync(file) ? readFileSync(file, "utf8") : null;
  if (isCheck) {
    if (current !== wanted) {
      console.error(`drift: ${file} is not what prisma/model.prisma generates; run npm run db:generate`);
      drifted++;
    }
  } else if (current !== wanted) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, wanted);
  }
}
process.exit(drifted ? 1 : 0);
