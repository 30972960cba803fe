// The server process the benches measure (bench/load.ts, bench/send.ts): `node <args>` on
// 127.0.0.1, on a port the system picks, resolving once its ready line says where it listens.
import { type ChildProcess, spawn } from "node:child_process";
import { projectRoot } from "../src/lib/paths.js";

const READY_LINE = /running at http:\/\/[^:]+:(\d+)\//;

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  /** What it printed so far, both streams. */
  output(): string;
}

/** Starts `node ...args` in the project's folder with `env`; rejects if it exits before it listens. */
export function startServerProcess(args: string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const port = READY_LINE.exec(output)?.[1];
      if (port) resolve({ child, base: `http://127.0.0.1:${port}`, output: () => output });
    });
    child.once("exit", (code) => reject(new Error(`the server exited (${code}): ${output}`)));
  });
}
