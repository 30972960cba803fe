// The web process of bench/send.ts: src/server.ts itself, compiled as `npm start` runs it (boot, sessions, CSRF, the signed-in
// user, the pages' queries and their EJS), in a process of its own as in a deployment, on the
// bench's database with the worker off, and signed in as a manager. It measures its own peak RSS
// (bench/peak-rss-at-exit.mjs), reported when it stops.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { settingDocs } from "../src/config/config.js";
import type { Deps } from "../src/deps.js";
import { projectRoot } from "../src/lib/paths.js";
import { createUser } from "../src/modules/users/users.service.js";

const PASSWORD = "correct horse battery staple";
const READY_LINE = /✓ Breachdesk is running at http:\/\/[^\s/]+:(\d+)\//;

function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export interface WebProcess {
  origin: string;
  get(path: string): Promise<Response>;
  /** Posts `fields` to `action` with the CSRF token of `page` (a page of this session, as text). */
  submit(page: string, action: string, fields: Record<string, string>): Promise<Response>;
  /** Stops the process (SIGTERM) and resolves to its peak RSS in bytes. */
  stop(): Promise<number>;
}

/** Spawns the web process on `databaseUrl` and signs a manager in. */
export async function startWebProcess(deps: Deps, databaseUrl: string, smtpUrl: string): Promise<WebProcess> {
  await createUser(
    deps,
    { method: "password", email: "bench@example.org", name: "Bench", role: "manager", password: PASSWORD },
    { userId: null, label: "bench", ip: null },
  );
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
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", join(projectRoot, "bench/peak-rss-at-exit.mjs"), builtEntry("server")],
    { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web process did not start within 60 s:\n${output}`)), 60_000);
    const look = () => {
      const found = READY_LINE.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout!.on("data", look);
    child.stderr!.on("data", look);
    child.once("exit", (code) => reject(new Error(`the web process exited (${code}) before it was ready:\n${output}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  const loginPage = await fetch(`${origin}/login`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1] ?? "";
  const signIn = await fetch(`${origin}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(loginPage) },
    body: new URLSearchParams({ _csrf: csrf, email: "bench@example.org", password: PASSWORD }),
  });
  if (signIn.status !== 303) throw new Error(`signing in for the bench failed with ${signIn.status}`);
  const cookie = cookiesOf(signIn);
  const get = (path: string) => fetch(new URL(path, origin), { headers: { cookie } });
  return {
    origin,
    get,
    async submit(page, action, fields) {
      const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
      if (!token) throw new Error(`no form to post to ${action}`);
      return fetch(new URL(action, origin), {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({ _csrf: token, ...fields }),
      });
    },
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve(Number(/^peak-rss (\d+)$/m.exec(output)?.[1] ?? Number.NaN)));
        child.kill("SIGTERM");
      }),
  };
}

let isBuilt = false;

/**
 * The compiled entry (dist/src/<name>.js) as `npm start` and `npm run worker` run it: built once
 * per bench run, so the processes' memory is a deployment's, not tsx's (which compiles every
 * module as it loads it: about 200 MB more).
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
