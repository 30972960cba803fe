import type net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Filler for a test mail server that lies about sizes or never stops: CRLF-ended lines of "x",
 * 64 KiB a chunk, made as they are sent (so 20 MiB costs no memory), `totalBytes` in all
 * (Infinity: without end), waiting `delayMs` before each chunk.
 */
export async function* fillerLines(totalBytes: number, delayMs = 0): AsyncGenerator<string> {
  const chunk = `${"x".repeat(1022)}\r\n`.repeat(64);
  for (let sent = 0; sent < totalBytes; sent += chunk.length) {
    if (delayMs > 0) await sleep(delayMs);
    yield sent + chunk.length <= totalBytes ? chunk : chunk.slice(0, totalBytes - sent);
  }
}

/**
 * Writes the chunks to the socket as the client reads them (waiting for drain), counting the
 * bytes; stops when the client hangs up. True when every chunk was sent.
 */
export async function pump(
  socket: net.Socket,
  chunks: AsyncIterable<string>,
  count: { bytes: number; cutOff: number },
): Promise<boolean> {
  // Plain listeners, not events.once: that rejects on the socket's error, which a hang-up may bring.
  const closed = new Promise<"closed">((resolve) => socket.once("close", () => resolve("closed")));
  const drained = () => new Promise<"drained">((resolve) => socket.once("drain", () => resolve("drained")));
  for await (const chunk of chunks) {
    if (socket.destroyed || socket.writableEnded) break;
    count.bytes += Buffer.byteLength(chunk, "latin1");
    if (!socket.write(chunk, "latin1") && (await Promise.race([drained(), closed])) === "closed") break;
  }
  const isWhole = !socket.destroyed && !socket.writableEnded;
  if (!isWhole) count.cutOff++;
  return isWhole;
}
