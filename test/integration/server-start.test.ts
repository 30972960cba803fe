import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { settingDocs } from "../../src/config/config.js";
import { databaseKindOf } from "../../src/db/client.js";
import { readMigrations } from "../../src/db/migrate.js";
import { projectRoot } from "../../src/lib/paths.js";
import { createTestDatabase, type TestDatabase } from "../helpers/db.js";

// The web process as `npm start` runs it after the build (src/server.ts through tsx): what it
// prints while it starts, and how it stops when its port is taken.

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the server with these settings until it exits, or until its ready line (then stops it). */
function runServer(settings: Record<string, string>): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(settingDocs)) env[key] = "";
  Object.assign(env, { HOST: "127.0.0.1", RUN_WORKER: "true", LOG_LEVEL: "warn", NODE_ENV: "test", ...settings });
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    if (/✓ Breachdesk is running at /.test(stdout)) child.kill("SIGTERM");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server neither started nor stopped within 60 s:\n${stdout}\n${stderr}`));
    }, 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("starting the web server", () => {
  let db: TestDatabase;
  let taken: Server;
  let takenPort: number;
  before(async () => {
    db = await createTestDatabase({ migrate: false });
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    takenPort = (taken.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise((resolve) => taken.close(resolve));
    await db.destroy();
  });

  it("says it is migrating, and a taken port stops it with a message naming the port and the PORT setting", async () => {
    const run = await runServer({ DATABASE_URL: db.url, PORT: String(takenPort) });
    assert.equal(run.code, 1, `exit status; output:\n${run.stdout}\n${run.stderr}`);
    const migrations = readMigrations(databaseKindOf(db.url)).length;
    const migrating = run.stdout.indexOf(`Migrating the database (${migrations} migrations)...`);
    assert.ok(migrating >= 0, `no migration line in:\n${run.stdout}`);
    assert.ok(migrating < run.stdout.indexOf("✓ database migrated"), "the migration line comes before the migration");
    assert.ok(
      run.stderr.includes(`✗ web server: port ${takenPort} on 127.0.0.1 is already in use by another program`),
      run.stderr,
    );
    assert.match(run.stderr, /choose a free port with the PORT setting, in \.env or the environment \(e\.g\. PORT=\d+\)/);
    assert.doesNotMatch(run.stderr, /EADDRINUSE/, "no bare error code");
    assert.doesNotMatch(run.stdout, /worker running/, "nothing started before the port was found taken");
  });

  it("on a free port prints where it listens, and has nothing to migrate the second time", async () => {
    const run = await runServer({ DATABASE_URL: db.url, PORT: "0" });
    assert.equal(run.code, 0, `exit status after SIGTERM; output:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /✓ Breachdesk is running at http:\/\/localhost:(\d+)\/ \(listening on 127\.0\.0\.1:\1\)/);
    assert.doesNotMatch(run.stdout, /Migrating the database/);
    assert.match(run.stdout, /✓ database migrated \(0 applied now, \d+ before\)/);
  });
});
