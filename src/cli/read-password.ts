import { createInterface } from "node:readline";
import type { CliIo } from "./cli-io.js";

/**
 * Reads a password from standard input: at a terminal, a prompt on standard output that does not
 * echo what is typed; from a pipe, the first line.
 */
export async function readPassword(io: Pick<CliIo, "stdin" | "stdout">, prompt: string): Promise<string> {
  const input = io.stdin;
  if (!input.isTTY || !input.setRawMode) {
    let data = "";
    for await (const chunk of input) data += chunk;
    return data.split(/\r?\n/)[0] ?? "";
  }
  const setRawMode = input.setRawMode.bind(input);
  io.stdout.write(prompt);
  setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const onData = (char: string) => {
      if (char === "\r" || char === "\n" || char === "\u0004") {
        setRawMode(false);
        input.pause();
        input.off("data", onData);
        io.stdout.write("\n");
        resolve(typed);
      } else if (char === "\u0003") {
        setRawMode(false);
        reject(new Error("cancelled"));
      } else if (char === "\u007f") {
        typed = typed.slice(0, -1);
      } else {
        typed += char;
      }
    };
    input.on("data", onData);
  });
}

/**
 * Asks a question on standard error and reads the first line of standard input as the answer (""
 * when the input ends first), at a terminal or from a pipe.
 */
export async function readLine(io: Pick<CliIo, "stdin" | "stderr">, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) return line;
    return "";
  } finally {
    lines.close();
  }
}
