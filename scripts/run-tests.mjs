#!/usr/bin/env node
// `npm test`: unit tests, then the integration and HTTP suites on SQLite and (when
// TEST_DATABASE_URL is set, and always in CI) on PostgreSQL, the two side by side, then the end-to-end tests in
// Chromium when it is installed (in CI it must be). Prints one closing line with the totals.
//   npm test -- --lane sqlite|postgresql|unit|e2e   runs one lane only
//   npm test -- path/to/file.test.ts ...            runs the named files on the SQLite lane
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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

/**
 * Runs one lane's test files in a child process. With `quiet`, the lane's output is kept in a
 * file and printed whole at the end, so two lanes can run at once without mixing their lines.
 */
async function runLane(name, testFiles, env = {}, { quiet = false } = {}) {
  if (testFiles.length === 0) return;
  const tapDir = mkdtempSync(join(tmpdir(), "breachdesk-tap-"));
  const tapFile = join(tapDir, "out.tap");
  const logFile = join(tapDir, "out.log");
  const header = `\n=== lane: ${name} (${testFiles.length} files) ===`;
  if (!quiet) console.log(header);
  const child = spawn(
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
    {
      cwd: root,
      stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", ...env },
    },
  );
  if (quiet) {
    const log = createWriteStream(logFile);
    child.stdout.pipe(log);
    child.stderr.pipe(log);
  }
  const status = await new Promise((resolve) => child.on("close", (code) => resolve(code)));
  if (quiet) {
    console.log(header);
    process.stdout.write(existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  }
  const tap = existsSync(tapFile) ? readFileSync(tapFile, "utf8") : "";
  rmSync(tapDir, { recursive: true, force: true });
  const count = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, "m"))?.[1] ?? 0);
  totals.pass += count("pass");
  totals.fail += count("fail");
  totals.skipped += count("skipped");
  if (status !== 0) failedLanes.push(name);
  console.log(`=== lane ${name}: ${count("pass")} passed, ${count("fail")} failed ===`);
}

const wants = (lane) => !onlyLane || onlyLane === lane;
if (files.length > 0) {
  await runLane("sqlite (selected files)", files, { TEST_DB: "sqlite" });
} else {
  if (wants("unit")) await runLane("unit", findTests(join(root, "src")));
  const dbSuites = [...findTests(join(root, "test/integration")), ...findTests(join(root, "test/http"))];
  // The two database lanes use separate databases, so they run side by side (one per core).
  const dbLanes = [];
  if (wants("sqlite")) dbLanes.push(["sqlite", { TEST_DB: "sqlite" }]);
  if (wants("postgresql")) {
    if (process.env.TEST_DATABASE_URL) dbLanes.push(["postgresql", { TEST_DB: "postgresql" }]);
    else if (isCi || onlyLane === "postgresql") {
      console.error("lane postgresql: TEST_DATABASE_URL is not set");
      failedLanes.push("postgresql");
    } else console.log("\n=== lane: postgresql skipped (set TEST_DATABASE_URL=postgresql://... to run it) ===");
  }
  if (dbLanes.length > 1)
    console.log(`\n=== lanes ${dbLanes.map(([n]) => n).join(" and ")} run at once; each prints when it ends ===`);
  await Promise.all(dbLanes.map(([name, env]) => runLane(name, dbSuites, env, { quiet: dbLanes.length > 1 })));
  if (wants("e2e")) {
    const browser = chromiumPath();
    if (browser)
      await runLane("e2e (chromium)", findTests(join(root, "test/e2e")), { TEST_DB: "sqlite", CHROMIUM_PATH: browser });
    else if (isCi || onlyLane === "e2e") {
      console.error("lane e2e: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)");
      failedLanes.push("e2e");
    } else console.log("\n=== lane: e2e skipped (no Chromium; apt-get install chromium) ===");
  }
}

if (failedLanes.length) console.log(`\nfailed lanes: ${failedLanes.join(", ")}`);
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failedLanes.length || totals.fail ? 1 : 0);
