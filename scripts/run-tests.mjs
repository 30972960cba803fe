#!/usr/bin/env node
// `npm test`: the unit tests, the integration and HTTP suites on SQLite and (when
// TEST_DATABASE_URL is set, and always in CI) on PostgreSQL, and the end-to-end tests in
// Chromium when it is installed (in CI it must be), two lanes at a time. Prints one closing line with the totals.
//   npm test -- --lane sqlite|postgresql|unit|e2e   runs one lane only
//   npm test -- path/to/file.test.ts ...            runs the named files on the SQLite lane
//   npm test -- --lane postgresql path/to/file.test.ts ...   the named files on PostgreSQL
//   npm test -- --isolate ...                       gives every test file a process of its own
// The unit, SQLite and PostgreSQL lanes run their files in batches, FILES_PER_PROCESS to a process
// (scripts/test-batch.mjs): starting a process cost more than most files' tests. The e2e files,
// each with its own server and browser, keep a process each.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { root } from "./schema-paths.mjs";
import { batchEntry } from "./test-batch.mjs";

const args = process.argv.slice(2);
const isCi = process.env.CI === "true" || process.env.CI === "1";
const onlyLane = args.includes("--lane") ? args[args.indexOf("--lane") + 1] : null;
const isolate = args.includes("--isolate");
const files = args.filter((a, i) => a.endsWith(".ts") && args[i - 1] !== "--lane");
/** How many test files share a process in a batched lane. */
const FILES_PER_PROCESS = 20;
/**
 * No test file runs longer than this (a batch gives each of its files this long, see
 * scripts/test-batch.mjs): a hung one fails with its name instead of holding the run until CI's
 * own limit. TEST_FILE_TIMEOUT_MS changes it.
 */
const TEST_FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 15 * 60_000);
/** A lane still running after this is stopped, its processes with it, and fails. LANE_LIMIT_MS changes it. */
const LANE_LIMIT_MS = Number(process.env.LANE_LIMIT_MS ?? 30 * 60_000);
/** The lanes' process groups still running, stopped with this process (Ctrl-C reaches only the foreground group). */
const running = new Set();
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const pid of running) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {}
    }
    process.exit(130);
  });
}

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
async function runLane(name, testFiles, env = {}, { quiet = false, batched = !isolate } = {}) {
  if (testFiles.length === 0) return;
  const tapDir = mkdtempSync(join(tmpdir(), "breachdesk-tap-"));
  const tapFile = join(tapDir, "out.tap");
  const logFile = join(tapDir, "out.log");
  const header = `\n=== lane: ${name} (${testFiles.length} files) ===`;
  const entries = batched ? batchesOf(testFiles, tapDir) : testFiles;
  if (!quiet) console.log(header);
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      "--test-concurrency=1",
      // A file in a process of its own gets its time here; a batch gives each of its files its own.
      // (Not --test-force-exit: it ends the process before the TAP file is written whole. A
      // process held up by what a test left open is the lane watchdog's below.)
      ...(batched ? [] : [`--test-timeout=${TEST_FILE_TIMEOUT_MS}`]),
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tapFile}`,
      ...entries,
    ],
    {
      cwd: root,
      stdio: quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
      env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", ...env },
      // A group of its own, so the watchdog below stops the servers and workers the tests started too.
      detached: true,
    },
  );
  running.add(child.pid);
  const started = Date.now();
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  }, LANE_LIMIT_MS);
  const log = quiet ? createWriteStream(logFile) : null;
  if (log) {
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
  }
  const closed = new Promise((resolve) => child.once("close", resolve));
  const status = await new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  clearTimeout(watchdog);
  // Whatever the tests left running (a server, a worker) goes with the lane, and with it any
  // hold on the lane's output pipe.
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {}
  running.delete(child.pid);
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (log) await new Promise((resolve) => log.end(resolve));
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
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
  if (timedOut)
    console.log(
      `=== lane ${name}: stopped after ${LANE_LIMIT_MS / 60_000} minutes (LANE_LIMIT_MS); its last lines above say where it was ===`,
    );
  console.log(`=== lane ${name}: ${count("pass")} passed, ${count("fail")} failed, ${minutes} min ===`);
}

/**
 * Splits a lane's files into batches of about FILES_PER_PROCESS (the files in their order, the
 * batches of even size), each an entry module in dir that runs its files in one process; a
 * batch of one file is the file itself.
 */
function batchesOf(testFiles, dir) {
  const count = Math.ceil(testFiles.length / FILES_PER_PROCESS);
  const size = Math.ceil(testFiles.length / count);
  const entries = [];
  for (let i = 0; i < testFiles.length; i += size) {
    const batch = testFiles.slice(i, i + size).map((file) => resolve(root, file));
    if (batch.length === 1) {
      entries.push(batch[0]);
      continue;
    }
    const entry = join(dir, `batch-${entries.length + 1}-of-${count}.mjs`);
    writeFileSync(entry, batchEntry(batch, TEST_FILE_TIMEOUT_MS));
    entries.push(entry);
  }
  return entries;
}

const wants = (lane) => !onlyLane || onlyLane === lane;
if (files.length > 0) {
  if (onlyLane === "postgresql") {
    if (!process.env.TEST_DATABASE_URL) {
      console.error("lane postgresql: TEST_DATABASE_URL is not set");
      failedLanes.push("postgresql");
    } else await runLane("postgresql (selected files)", files, { TEST_DB: "postgresql" });
  } else await runLane("sqlite (selected files)", files, { TEST_DB: "sqlite" });
} else {
  // The lanes use separate databases and folders, so they run two at a time (a core each): the
  // two database lanes first, the longest, then the e2e lane and the unit lane as each ends.
  const lanes = [];
  const dbSuites = [...findTests(join(root, "test/integration")), ...findTests(join(root, "test/http"))];
  if (wants("postgresql")) {
    if (process.env.TEST_DATABASE_URL) lanes.push({ name: "postgresql", files: dbSuites, env: { TEST_DB: "postgresql" } });
    else if (isCi || onlyLane === "postgresql") {
      console.error("lane postgresql: TEST_DATABASE_URL is not set");
      failedLanes.push("postgresql");
    } else console.log("\n=== lane: postgresql skipped (set TEST_DATABASE_URL=postgresql://... to run it) ===");
  }
  if (wants("sqlite")) lanes.push({ name: "sqlite", files: dbSuites, env: { TEST_DB: "sqlite" } });
  if (wants("e2e")) {
    const browser = chromiumPath();
    if (browser)
      lanes.push({
        name: "e2e (chromium)",
        files: findTests(join(root, "test/e2e")),
        env: { TEST_DB: "sqlite", CHROMIUM_PATH: browser },
        batched: false,
      });
    else if (isCi || onlyLane === "e2e") {
      console.error("lane e2e: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)");
      failedLanes.push("e2e");
    } else console.log("\n=== lane: e2e skipped (no Chromium; apt-get install chromium) ===");
  }
  if (wants("unit")) lanes.push({ name: "unit", files: findTests(join(root, "src")), env: {} });
  const quiet = lanes.length > 1;
  if (quiet) console.log(`\n=== lanes ${lanes.map((l) => l.name).join(", ")}: two at a time; each prints when it ends ===`);
  let next = 0;
  const slot = async () => {
    while (next < lanes.length) {
      const lane = lanes[next++];
      await runLane(lane.name, lane.files, lane.env, { quiet, batched: lane.batched ?? !isolate });
    }
  };
  await Promise.all([slot(), slot()]);
}

if (failedLanes.length) console.log(`\nfailed lanes: ${failedLanes.join(", ")}`);
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failedLanes.length || totals.fail ? 1 : 0);
