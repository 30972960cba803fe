// The web process of bench/send.ts: src/server.ts itself, compiled as `npm start` runs it (boot,
// sessions, CSRF, the signed-in user, the pages' queries and their EJS), in a process of its own
// as in a deployment, on the bench's database with the worker off, and signed in as a manager
// (bench/load-client.ts). It measures its own peak RSS (bench/peak-rss-at-exit.mjs), reported
// when it stops.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { settingDocs } from "../src/config/config.js";
import type { Deps } from "../src/deps.js";
import { projectRoot } from "../src/lib/paths.js";
import { createUser } from "../src/modules/users/users.service.js";
import { signIn } from "./load-client.js";
import { startServerProcess } from "./server-process.js";

const PASSWORD = "correct horse battery staple";
/** A start to a million people answers after about two minutes. */
const REQUEST_TIMEOUT_MS = 30 * 60_000;

export interface WebProcess {
  origin: string;
  get(path: string): Promise<{ status: number; text: string }>;
  /** Posts `fields` to `action` with the CSRF token of `page` (a page of this session, as text). */
  submit(page: string, action: string, fields: Record<string, string>): Promise<{ status: number; text: string }>;
  /** Stops the process (SIGTERM) and resolves to its peak RSS in bytes. */
  stop(): Promise<number>;
  /** Its resident memory now and its peak so far, in bytes (Linux: /proc/<pid>/status), to tell which phase raised it. */
  memory(): { rss: number; peak: number };
}

/** Spawns the web process on `databaseUrl` and signs a manager in. */
export async function startWebProcess(deps: Deps, databaseUrl: string, smtpUrl: string): Promise<WebProcess> {
  await createUser(
    deps,
    { method: "password", email: "bench@example.org", name: "Bench", role: "manager", password: PASSWORD },
    { userId: null, label: "bench", ip: null },
  );
  // Nothing from the developer's environment or .env (a relay, a PUBLIC_URL) leaks into the run.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(settingDocs)) env[key] = "";
  Object.assign(env, {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    SMTP_URL: smtpUrl,
    PORT: "0",
    HOST: "127.0.0.1",
    RUN_WORKER: "false",
    LOG_LEVEL: "error",
    DNS_SERVERS: "127.0.0.1:9",
    // The bench's user reads the incident as any user of a deployment without need-to-know would.
    INCIDENTS_DEFAULT_ACCESS: "open",
  });
  const server = await startServerProcess(
    [
      // BENCH_WEB_FLAGS: node's own flags for the web process alone (e.g. --max-semi-space-size=32).
      ...(process.env.BENCH_WEB_FLAGS ?? "").split(/\s+/).filter(Boolean),
      "--import",
      join(projectRoot, "bench/peak-rss-at-exit.mjs"),
      builtEntry("server"),
    ],
    env,
  );
  const client = await signIn(server.base, "bench@example.org", PASSWORD, REQUEST_TIMEOUT_MS);
  return {
    origin: server.base,
    get: (path) => client.request(path),
    submit(page, action, fields) {
      client.useTokenOf(page);
      return client.form(action, fields);
    },
    memory() {
      const status = readFileSync(`/proc/${server.child.pid}/status`, "utf8");
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
      return { rss: kib("VmRSS"), peak: kib("VmHWM") };
    },
    stop: () =>
      new Promise((resolve) => {
        client.close();
        server.child.once("exit", () => resolve(Number(/^peak-rss (\d+)$/m.exec(server.output())?.[1] ?? Number.NaN)));
        server.child.kill("SIGTERM");
      }),
  };
}

let isBuilt = false;

/**
 * The compiled entry (dist/src/<name>.js) as `npm start` and `npm run worker` run it: built once
 * per bench run, so the processes' memory is a deployment's, not tsx's (which compiles every
 * module as it loads it: about 70 MB more at boot).
 */
export function builtEntry(name: "server" | "worker"): string {
  if (!isBuilt) {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const build = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: projectRoot, stdio: "inherit" });
    if (build.status !== 0) throw new Error("the build (tsc -p tsconfig.build.json) failed");
    isBuilt = true;
  }
  return join(projectRoot, "dist", "src", `${name}.js`);
}
