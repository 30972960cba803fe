import type { Readable } from "node:stream";

/** Where a command writes: a process stream, or a test's collector. `isTTY`: a person watches it. */
export interface CliOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Standard input: a pipe or a file, or a terminal (`isTTY`, with raw mode for a password prompt). */
export type CliInput = Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };

/**
 * What every command reads and writes, given once by runCli: the `breachdesk` process passes its
 * own streams and environment, a test passes collectors, a stdin of its own and the settings it
 * means. A command reads its settings from `env` (loadConfig(io.env)), never from process.env.
 */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: CliInput;
  env: NodeJS.ProcessEnv;
}

/**
 * The streams and environment of this process. Standard input is taken only when a command reads
 * it: merely touching process.stdin opens it.
 */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}

/**
 * What a caller outside runCli may give the import and evidence-pack commands: only the output
 * streams (test/integration/idle-worker.test.ts and test/http/evidence-pack.test.ts do); the
 * process's standard input and environment stand in for the rest.
 */
export type CommandIo = Pick<CliIo, "stdout" | "stderr"> & Partial<Pick<CliIo, "stdin" | "env">>;

/** A CommandIo made whole with the process's standard input and environment where it has none. */
export function completeIo(io: CommandIo): CliIo {
  const { stdout, stderr, env = process.env } = io;
  return {
    stdout,
    stderr,
    get stdin() {
      return io.stdin ?? process.stdin;
    },
    env,
  };
}
