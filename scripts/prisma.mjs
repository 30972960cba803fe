#!/usr/bin/env node
// Runs the Prisma 6.19 CLI offline. Before any command the CLI makes sure the native query
// engine library is present and downloads it when it is not; these machines reach no such
// host, and Breachdesk never loads that library (its clients use engineType "client", with
// driver adapters, and the CLI uses the WASM schema engine: prisma.config.ts). Pointing
// PRISMA_QUERY_ENGINE_LIBRARY at an empty placeholder satisfies that check without a download.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const placeholder = join(root, "node_modules/.cache/breachdesk/unused-query-engine.so.node");
if (!existsSync(placeholder)) {
  mkdirSync(dirname(placeholder), { recursive: true });
  writeFileSync(placeholder, "");
}
const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: {
    PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
    ...process.env,
  },
});
process.exit(result.status ?? 1);
