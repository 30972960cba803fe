// The connection of a bounce mailbox session, POP3 or IMAP: TLS for the "s" schemes, plain TCP
// otherwise, given up after a while when the host never answers (a firewall that drops packets
// would otherwise hold the poll for the system's TCP timeout, about two minutes).
import net from "node:net";
import tls from "node:tls";

/** How long connecting, the TLS handshake included, may take. */
export const CONNECT_TIMEOUT_MS = 30_000;

export interface MailboxAddress {
  host: string;
  port: number;
  isTls: boolean;
}

/** The host, port (the scheme's default unless given) and TLS of a pop3(s):// or imap(s):// URL. */
export function mailboxAddressOf(url: URL, defaultPorts: { tls: number; plain: number }): MailboxAddress {
  const isTls = url.protocol.endsWith("s:");
  return { host: url.hostname, port: Number(url.port || (isTls ? defaultPorts.tls : defaultPorts.plain)), isTls };
}

/**
 * Connects, rejecting with `fail(reason)` when the host cannot be reached or does not answer
 * within `timeoutMs`. The socket's own timeout is left unset for the session to set.
 */
export function connectToMailbox(
  { host, port, isTls }: MailboxAddress,
  fail: (message: string) => Error,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = isTls ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} seconds` : `${timeoutMs} ms`;
      reject(fail(`Cannot reach the mailbox at ${host}:${port}: no answer within ${limit}.`));
    }, timeoutMs);
    socket.once(isTls ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(fail(`Cannot reach the mailbox at ${host}:${port}: ${error.message}`));
    });
  });
}
