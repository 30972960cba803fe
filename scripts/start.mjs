#!/usr/bin/env node
// `npm start` and `npm run worker`: builds the TypeScript into dist/ (incremental: a later start
// compiles only what changed), then runs the entry in this process. The first build takes about a
// minute on a small machine; it used to print nothing meanwhile, so each step says what it does.
//   node scripts/start.mjs [server|worker]
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./schema-paths.mjs";

const entry = process.argv[2] === "worker" ? "worker" : "server";
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

process.stdout.write("Building Breachdesk (TypeScript to dist/; the first build takes about a minute)...\n");
const startedAt = Date.now();
const build = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) {
  const why = build.error ? build.error.message : "the compiler reported the errors above";
  process.stderr.write(`✗ build: ${why}. Fix them and start again.\n`);
  process.exit(build.status || 1);
}
process.stdout.write(`✓ built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
await import(pathToFileURL(join(root, "dist", "src", `${entry}.js`)).href);
