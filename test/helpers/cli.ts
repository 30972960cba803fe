// Runs the `breachdesk` command for a test: in this process (runBreachdesk), as the tests mostly
// should, or as a process of its own (spawnBreachdesk) where the test is about the process. A
// spawned run loads every module through tsx again, about 2 s of CPU each; an in-process run
// costs what the command does.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { Readable } from "node:stream";
import { runCli } from "../../src/cli/run-cli.js";
import { projectRoot } from "../../src/lib/paths.js";

/** A command's outcome, in spawnSync's shape: the exit status and what it wrote. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Settings over this process's environment (DATABASE_URL, AUDIT_KEY, ...); undefined unsets one. */
  env?: Record<string, string | undefined>;
  /** What the command reads on standard input (a password, a confirmation): a pipe, not a terminal. */
  stdin?: string;
}

function environment(env: CliOptions["env"]): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "silent", ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return merged;
}

/**
 * Runs `breachdesk ARGS` in this process through runCli, as bin/breachdesk.js would, with the
 * output collected, `stdin` as its standard input and the environment given instead of the
 * process's (nothing in process.env changes).
 */
export async function runBreachdesk(args: string[], options: CliOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const status = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin ? [Buffer.from(options.stdin)] : []),
    env: environment(options.env),
  });
  return { status, stdout, stderr };
}

/** Runs the real `node bin/breachdesk.js ARGS` as a process of its own; for the tests of the process itself. */
export function spawnBreachdesk(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [join(projectRoot, "bin/breachdesk.js"), ...args], {
    env: environment(options.env),
    stdio: ["pipe", "pipe", "pipe"],
    timeout: 60_000,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  // A command that exits without reading its input closes the pipe: that EPIPE is no failure of the test.
  child.stdin.on("error", () => {});
  child.stdin.end(options.stdin ?? "");
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}
