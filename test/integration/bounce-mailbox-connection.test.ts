import assert from "node:assert/strict";
import net, { type AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { openBounceMailbox } from "../../src/modules/bounces/mailbox-session.client.js";
import { MAILBOX_LIMITS, mailboxAddressOf } from "../../src/modules/bounces/mailbox-socket.client.js";

/** A TCP server on 127.0.0.1 that does `serve` with each connection; closed by the returned function. */
async function listen(serve: (socket: net.Socket) => void): Promise<{ port: number; close(): void }> {
  const server = net.createServer((socket) => {
    socket.on("error", () => undefined);
    serve(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

/** Connecting to the bounce mailbox, before any message is read (no database needed). */
describe("the bounce mailbox's connection", () => {
  it("gives up on a host that accepts the connection and never answers the TLS handshake", async () => {
    // A TCP listener that never speaks: the handshake of imaps:// waits on it forever.
    const silent = await listen(() => undefined);
    try {
      const startedAt = performance.now();
      await assert.rejects(
        openBounceMailbox(`imaps://u:p@127.0.0.1:${silent.port}`, { ...MAILBOX_LIMITS, connectTimeoutMs: 300 }),
        /Cannot reach the mailbox at 127\.0\.0\.1:\d+: no answer within 300 ms\./,
      );
      assert.ok(performance.now() - startedAt < 5_000, "gave up after its timeout, not the system's");
    } finally {
      silent.close();
    }
  });

  it("stops at a line too long for IMAP instead of buffering it, and says so", async () => {
    // A greeting that never ends: 64 KiB of "x" after another, with no line break, until the reader hangs up.
    let sent = 0;
    const babbler = await listen((socket) => {
      const chunk = "x".repeat(64 * 1024);
      const more = () => {
        while (!socket.destroyed && sent < 100 * 1024 * 1024) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once("drain", more);
        }
      };
      socket.write("* OK ");
      more();
    });
    try {
      await assert.rejects(
        openBounceMailbox(`imap://u:p@127.0.0.1:${babbler.port}`),
        /The mailbox server sent a line too long for IMAP: stopped reading\./,
      );
      assert.ok(sent < 10 * 1024 * 1024, `the reader hung up (${sent} bytes sent)`);
    } finally {
      babbler.close();
    }
  });

  it("takes the scheme's default port and TLS from the URL", () => {
    const ports = { tls: 993, plain: 143 };
    const imaps = mailboxAddressOf(new URL("imaps://u:p@mail.example.org"), ports);
    assert.deepEqual(imaps, { host: "mail.example.org", port: 993, isTls: true });
    assert.deepEqual(mailboxAddressOf(new URL("imap://u:p@mail:1143/Bounces"), ports), {
      host: "mail",
      port: 1143,
      isTls: false,
    });
  });
});
