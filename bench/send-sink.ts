// The local SMTP sink of bench/send.ts, in a process of its own so that it does not share the
// measured process's event loop: accepts every message, counts them, and answers "count" on
// stdin with the number received so far and their bytes. Prints its port on the first line of stdout.
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { SMTPServer } from "smtp-server";

let received = 0;
let bytes = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  closeTimeout: 200,
  onData(stream, _session, callback) {
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.on("end", () => {
      received += 1;
      callback(null, "2.0.0 OK: queued");
    });
  },
});
server.on("error", () => undefined);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.server.address() as AddressInfo).port}\n`);
});
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "count") process.stdout.write(`${received} ${bytes}\n`);
});
process.stdin.on("end", () => server.close(() => process.exit(0)));
