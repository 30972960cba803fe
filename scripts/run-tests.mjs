#!/usr/bin/env node
// `npm test`: unit tests, then the integration and HTTP suites on SQLite and (when
// TEST_DATABASE_URL is set, and always in CI) on PostgreSQL, then the end-to-end tests in
// Chromium when it is installed (in CI it must be). Prints one closing line with the totals.
//   npm test -- --lane sqlite|postgresql|unit|e2e   runs one lane only
//   npm test -- path/to/file.test.ts ...            runs the named files on the SQLite lane
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { root } from "./schema-paths.mjs";

const args = process.argv.slice(2);
const isCi = process.env.CI === "true" || process.env.CI === "1";
const onlyLane = args.includes("--lane") ? args[args.indexOf("--lane") + 1] : null;
const files = args.filter((a, i) => a.endsWith(".ts") && args[i - 1] !== "--lane");

function findTests(dir, pattern = /\.test\.ts$/) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(path, pattern));
    else if (pattern.test(entry.name)) out.push(relative(root, path));
  }
  return out.sort();
}

export function chromiumPath() {
  return [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p && existsSync(p));
}

const totals = { pass: 0, fail: 0, skipped: 0 };
const failedLanes = [];

function runLane(name, testFiles, env = {}) {
  if (testFiles.length === 0) return;
  console.log(`\n=== lane: ${name} (${testFiles.length} files) ===`);
  const tapDir = mkdtempSync(join(tmpdir(), "breachdesk-tap-"));
  const tapFile = join(tapDir, "out.tap");
  const result = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      "--test-concurrency=1",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tapFile}`,
      ...testFiles,
    ],
    { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", ...env } },
  );
  const tap = existsSync(tapFile) ? readFileSync(tapFile, "utf8") : "";
  rmSync(tapDir, { recursive: true, force: true });
  const count = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, "m"))?.[1] ?? 0);
  totals.pass += count("pass");
  totals.fail += count("fail");
  totals.skipped += count("skipped");
  if (result.status !== 0) failedLanes.push(name);
  console.log(`=== lane ${name}: ${count("pass")} passed, ${count("fail")} failed ===`);
}

const wants = (lane) => !onlyLane || onlyLane === lane;
if (files.length > 0) {
  runLane("sqlite (selected files)", files, { TEST_DB: "sqlite" });
} else {
  if (wants("unit")) runLane("unit", findTests(join(root, "src")));
  const dbSuites = [...findTests(join(root, "test/integration")), ...findTests(join(root, "test/http"))];
  if (wants("sqlite")) runLane("sqlite", dbSuites, { TEST_DB: "sqlite" });
  if (wants("postgresql")) {
    if (process.env.TEST_DATABASE_URL) runLane("postgresql", dbSuites, { TEST_DB: "postgresql" });
    else if (isCi || onlyLane === "postgresql") {
      console.error("lane postgresql: TEST_DATABASE_URL is not set");
      failedLanes.push("postgresql");
    } else console.log("\n=== lane: postgresql skipped (set TEST_DATABASE_URL=postgresql://... to run it) ===");
  }
  if (wants("e2e")) {
    const browser = chromiumPath();
    if (browser) runLane("e2e (chromium)", findTests(join(root, "test/e2e")), { TEST_DB: "sqlite", CHROMIUM_PATH: browser });
    else if (isCi || onlyLane === "e2e") {
      console.error("lane e2e: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)");
      failedLanes.push("e2e");
    } else console.log("\n=== lane: e2e skipped (no Chromium; apt-get install chromium) ===");
  }
}

if (failedLanes.length) console.log(`\nfailed lanes: ${failedLanes.join(", ")}`);
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failedLanes.length || totals.fail ? 1 : 0);
