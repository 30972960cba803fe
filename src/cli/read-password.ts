/**
 * Reads a password from standard input: at a terminal, a prompt that does not echo what is
 * typed; from a pipe, the first line.
 */
export async function readPassword(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    let data = "";
    for await (const chunk of input) data += chunk;
    return data.split(/\r?\n/)[0] ?? "";
  }
  process.stdout.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const onData = (char: string) => {
      if (char === "\r" || char === "\n" || char === "\u0004") {
        input.setRawMode(false);
        input.pause();
        input.off("data", onData);
        process.stdout.write("\n");
        resolve(typed);
      } else if (char === "\u0003") {
        input.setRawMode(false);
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
