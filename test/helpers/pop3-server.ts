import net from "node:net";
import { pump } from "./hostile-stream.js";

/**
 * A POP3 server on 127.0.0.1 for tests (RFC 1939's USER/PASS, STAT, LIST, RETR, DELE, NOOP,
 * RSET, QUIT): a real TCP server the bounce mailbox reader talks to. Deletions apply on QUIT,
 * as the RFC says; `messages` is what the mailbox holds now.
 */
export interface Pop3TestServer {
  port: number;
  messages: Buffer[];
  /** Sessions that signed in. */
  signIns: number;
  /** When it answers true for a command line, the server hangs up instead of answering. */
  dropWhen: ((command: string) => boolean) | null;
  /**
   * A server that lies: when it gives lines (CRLF-ended text, made as they are sent) for RETR
   * n, they are sent after +OK instead of the message, whatever LIST said its size was.
   */
  retrLines: ((n: number) => AsyncIterable<string> | null) | null;
  /** Bytes of such lines sent, and how many of them the client cut off by hanging up. */
  streamed: { bytes: number; cutOff: number };
  close(): Promise<void>;
}

export async function startPop3Server(options: { user: string; password: string; messages: Buffer[] }): Promise<Pop3TestServer> {
  const state: Pop3TestServer = {
    port: 0,
    messages: [...options.messages],
    signIns: 0,
    dropWhen: null,
    retrLines: null,
    streamed: { bytes: 0, cutOff: 0 },
    close: async () => {},
  };
  const server = net.createServer((socket) => {
    let user: string | null = null;
    let isSignedIn = false;
    const deleted = new Set<number>();
    let buffer = "";
    const send = (line: string) => socket.write(`${line}\r\n`);
    send("+OK test POP3 server ready");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      let end = buffer.indexOf("\r\n");
      while (end !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (state.dropWhen?.(line)) {
          socket.destroy();
          return;
        }
        const [verb = "", arg = ""] = line.split(" ", 2);
        const number = Number(arg);
        const message = state.messages[number - 1];
        const exists = message !== undefined && !deleted.has(number);
        switch (verb.toUpperCase()) {
          case "USER":
            user = arg;
            send("+OK");
            break;
          case "PASS":
            if (user === options.user && line.slice(5) === options.password) {
              isSignedIn = true;
              state.signIns++;
              send("+OK signed in");
            } else {
              send("-ERR [AUTH] invalid user name or password");
            }
            break;
          case "QUIT":
            if (isSignedIn) state.messages = state.messages.filter((_, i) => !deleted.has(i + 1));
            send("+OK bye");
            socket.end();
            break;
          default:
            if (!isSignedIn) send("-ERR sign in first");
            else if (verb === "STAT") send(`+OK ${state.messages.length - deleted.size} 0`);
            else if (verb === "LIST") {
              send("+OK");
              state.messages.forEach((m, i) => {
                if (!deleted.has(i + 1)) send(`${i + 1} ${m.length}`);
              });
              send(".");
            } else if (verb === "RETR" && exists && state.retrLines?.(number)) {
              send("+OK");
              void pump(socket, state.retrLines(number)!, state.streamed).then((isWhole) => {
                if (isWhole) send(".");
              });
            } else if (verb === "RETR" && exists) {
              send("+OK");
              const text = message.toString("latin1").replace(/\r?\n/g, "\r\n").replace(/\r\n$/, "");
              for (const l of text.split("\r\n")) send(l.startsWith(".") ? `.${l}` : l);
              send(".");
            } else if (verb === "DELE" && exists) {
              deleted.add(number);
              send("+OK deleted");
            } else if (verb === "NOOP") send("+OK");
            else if (verb === "RSET") {
              deleted.clear();
              send("+OK");
            } else send("-ERR no such message or command");
        }
        end = buffer.indexOf("\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
