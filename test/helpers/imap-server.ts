import net from "node:net";
import { fillerLines, pump } from "./hostile-stream.js";

/**
 * An IMAP server on 127.0.0.1 for tests (RFC 3501's CAPABILITY, LOGIN with quoted strings or
 * literals, LIST and LSUB of its one mailbox, SELECT, FETCH and UID FETCH of UID, RFC822.SIZE
 * and BODY.PEEK[]<start.length> as literals, UID STORE of flags, EXPUNGE, NOOP, LOGOUT: what
 * imapflow sends), independent of the client it tests: a real TCP server the bounce mailbox
 * reader talks to. A \Deleted flag stays on the message, as on a real server, until
 * EXPUNGE removes it; `messages` is what the mailbox holds now, `expunged` what EXPUNGE removed.
 */
export interface ImapTestServer {
  port: number;
  readonly messages: Buffer[];
  /** UIDs of the messages flagged \Deleted and not yet expunged. */
  readonly flaggedDeleted: number[];
  expunged: Buffer[];
  /** Sessions that signed in. */
  signIns: number;
  /** When it answers true for a command line, the server hangs up instead of answering. */
  dropWhen: ((command: string) => boolean) | null;
  /**
   * A server that lies: when it gives a literal (its announced size and its bytes, made as they
   * are sent) for a UID's BODY.PEEK[] (`range`: the <start.length> asked for, if any), that is
   * sent instead of the message, whatever RFC822.SIZE said, and bytes past the announced size
   * follow the literal as if they belonged there.
   */
  bodyLiteral:
    | ((uid: number, range: { start: number; length: number } | null) => { size: number; bytes: AsyncIterable<string> } | null)
    | null;
  /** Bytes of such literals sent, and how many of them the client cut off by hanging up. */
  streamed: { bytes: number; cutOff: number };
  close(): Promise<void>;
}

interface StoredMessage {
  uid: number;
  body: Buffer;
  flags: Set<string>;
}

export async function startImapServer(options: {
  user: string;
  password: string;
  messages: Buffer[];
  /** The one mailbox SELECT opens (default INBOX). */
  mailbox?: string;
}): Promise<ImapTestServer> {
  // Stored with CRLF line ends, as IMAP serves a message; RFC822.SIZE counts these bytes.
  let mailbox: StoredMessage[] = options.messages.map((m, i) => ({
    uid: i + 1,
    body: Buffer.from(m.toString("latin1").replace(/\r?\n/g, "\r\n"), "latin1"),
    flags: new Set(),
  }));
  const state: ImapTestServer = {
    port: 0,
    get messages() {
      return mailbox.map((m) => m.body);
    },
    get flaggedDeleted() {
      return mailbox.filter((m) => m.flags.has("\\Deleted")).map((m) => m.uid);
    },
    expunged: [],
    signIns: 0,
    dropWhen: null,
    bodyLiteral: null,
    streamed: { bytes: 0, cutOff: 0 },
    close: async () => {},
  };
  const server = net.createServer((socket) => {
    let isSignedIn = false;
    let isSelected = false;
    let buffer = Buffer.alloc(0);
    /** The command read so far: its text (a literal's place marked by its `{n}`) and literals. */
    let line = "";
    let literals: Buffer[] = [];
    let literalBytes: number | null = null;
    const send = (text: string | Buffer) => socket.write(typeof text === "string" ? `${text}\r\n` : text);
    send("* OK [CAPABILITY IMAP4rev1] test IMAP server ready");

    const execute = (command: string, args: Buffer[]) => {
      const [tag = "", ...words] = command.split(" ");
      const verb = `${words[0] ?? ""} ${words[1] ?? ""}`.toUpperCase();
      const rest = words.slice(words[0]?.toUpperCase() === "UID" ? 2 : 1).join(" ");
      if (words[0]?.toUpperCase() === "LOGIN") {
        const [user, password] = args;
        if (user?.toString("utf8") === options.user && password?.toString("utf8") === options.password) {
          isSignedIn = true;
          state.signIns++;
          send(`${tag} OK LOGIN completed`);
        } else send(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)`);
      } else if (words[0]?.toUpperCase() === "LOGOUT") {
        send("* BYE logging out");
        send(`${tag} OK LOGOUT completed`);
        socket.end();
      } else if (words[0]?.toUpperCase() === "NOOP") {
        send(`${tag} OK NOOP completed`);
      } else if (words[0]?.toUpperCase() === "CAPABILITY") {
        send("* CAPABILITY IMAP4rev1");
        send(`${tag} OK CAPABILITY completed`);
      } else if (!isSignedIn) {
        send(`${tag} BAD sign in first`);
      } else if (["LIST", "LSUB"].includes(words[0]?.toUpperCase() ?? "")) {
        // LIST "" "" asks for the hierarchy delimiter; LIST "" "name" (or LSUB) for that one mailbox.
        const name = args[1]?.toString("utf8") ?? "";
        if (name === "") send(`* ${words[0]!.toUpperCase()} (\\Noselect) "/" ""`);
        else if (name === (options.mailbox ?? "INBOX")) send(`* ${words[0]!.toUpperCase()} () "/" "${name}"`);
        send(`${tag} OK ${words[0]!.toUpperCase()} completed`);
      } else if (words[0]?.toUpperCase() === "SELECT") {
        // The name as an atom (SELECT INBOX) or a quoted string or literal.
        const name = args[0]?.toString("utf8") ?? words[1];
        if (name !== (options.mailbox ?? "INBOX")) {
          send(`${tag} NO [NONEXISTENT] Mailbox doesn't exist: ${name}`);
          return;
        }
        isSelected = true;
        send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        send(`* ${mailbox.length} EXISTS`);
        send("* OK [UIDVALIDITY 1700000000] UIDs valid");
        send(`* OK [UIDNEXT ${Math.max(0, ...mailbox.map((m) => m.uid)) + 1}] Predicted next UID`);
        send(`${tag} OK [READ-WRITE] SELECT completed`);
      } else if (!isSelected) {
        send(`${tag} BAD select a mailbox first`);
      } else if (verb === "UID FETCH" || words[0]?.toUpperCase() === "FETCH") {
        // FETCH by sequence number or UID FETCH by UID, of UID, RFC822.SIZE and BODY.PEEK[]<start.length>.
        const isByUid = words[0]?.toUpperCase() === "UID";
        const [set = "", ...list] = rest.split(" ");
        const items = list
          .join(" ")
          .replace(/^\((.*)\)$/, "$1")
          .toUpperCase()
          .split(" ");
        const body = items.map((item) => /^BODY\.PEEK\[\](?:<(\d+)\.(\d+)>)?$/.exec(item)).find(Boolean);
        if (items.some((item) => !["UID", "RFC822.SIZE"].includes(item) && !/^BODY\.PEEK\[\]/.test(item))) {
          send(`${tag} BAD unknown items`);
          return;
        }
        const range = body?.[1] ? { start: Number(body[1]), length: Number(body[2]) } : null;
        let hasHostileAnswer = false;
        mailbox.forEach((m, i) => {
          if (!isInSet(isByUid ? m.uid : i + 1, set, isByUid ? Math.max(0, ...mailbox.map((k) => k.uid)) : mailbox.length))
            return;
          const lying = body ? state.bodyLiteral?.(m.uid, range) : null;
          if (lying) {
            send(`* ${i + 1} FETCH (UID ${m.uid} BODY[]<${range?.start ?? 0}> {${lying.size}}`);
            void pump(socket, lying.bytes, state.streamed).then((isWhole) => {
              if (!isWhole) return;
              send(")");
              send(`${tag} OK FETCH completed`);
            });
            hasHostileAnswer = true;
          } else if (body) {
            const bytes = range ? m.body.subarray(range.start, range.start + range.length) : m.body;
            // Flags first and the UID last, as some servers do: the client must not rely on the order.
            const section = range ? `BODY[]<${range.start}>` : "BODY[]";
            send(Buffer.from(`* ${i + 1} FETCH (FLAGS (${[...m.flags].join(" ")}) ${section} {${bytes.length}}\r\n`));
            send(bytes);
            send(` UID ${m.uid})`);
          } else send(`* ${i + 1} FETCH (UID ${m.uid} RFC822.SIZE ${m.body.length})`);
        });
        if (!hasHostileAnswer) send(`${tag} OK FETCH completed`);
      } else if (verb === "UID STORE") {
        const match = /^(\S+) \+FLAGS(\.SILENT)? \(([^)]*)\)$/i.exec(rest);
        if (!match) {
          send(`${tag} BAD unknown STORE`);
          return;
        }
        mailbox.forEach((m, i) => {
          if (!isInSet(m.uid, match[1]!)) return;
          for (const flag of match[3]!.split(" ").filter(Boolean)) m.flags.add(flag);
          if (!match[2]) send(`* ${i + 1} FETCH (UID ${m.uid} FLAGS (${[...m.flags].join(" ")}))`);
        });
        send(`${tag} OK STORE completed`);
      } else if (words[0]?.toUpperCase() === "EXPUNGE") {
        // Each EXPUNGE response renumbers the messages after it, so the highest go first.
        for (let i = mailbox.length - 1; i >= 0; i--) {
          const m = mailbox[i]!;
          if (!m.flags.has("\\Deleted")) continue;
          state.expunged.push(m.body);
          send(`* ${i + 1} EXPUNGE`);
        }
        mailbox = mailbox.filter((m) => !m.flags.has("\\Deleted"));
        send(`${tag} OK EXPUNGE completed`);
      } else send(`${tag} BAD unknown command`);
    };

    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (literalBytes !== null) {
          if (buffer.length < literalBytes) return;
          literals.push(buffer.subarray(0, literalBytes));
          buffer = buffer.subarray(literalBytes);
          literalBytes = null;
        }
        const end = buffer.indexOf("\r\n");
        if (end === -1) return;
        const part = buffer.toString("latin1", 0, end);
        buffer = buffer.subarray(end + 2);
        line += part;
        const marker = /\{(\d+)\}$/.exec(part);
        if (marker) {
          literalBytes = Number(marker[1]);
          send("+ Ready for literal data");
          continue;
        }
        const { command, args } = readCommand(line, literals);
        line = "";
        literals = [];
        if (state.dropWhen?.(command)) {
          socket.destroy();
          return;
        }
        execute(command, args);
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/**
 * Makes the server lie about the n-th message, whatever size RFC822.SIZE announced. Without
 * `announced`, the message is `sent` bytes long and the server answers a fetch honestly, with
 * as many of them as were asked for; with it, the server announces a literal of that many bytes
 * and streams `sent` bytes of filler (Infinity: without end, slowly), past the literal if need be.
 */
export function lie(server: ImapTestServer, n: number, { sent, announced }: { sent: number; announced?: number }) {
  server.bodyLiteral = (uid, range) => {
    if (uid !== n) return null;
    const size = announced ?? Math.min(sent, range?.length ?? sent);
    const streamed = announced === undefined ? size : sent;
    return { size, bytes: Number.isFinite(streamed) ? fillerLines(streamed) : fillerLines(streamed, 20) };
  };
}

/**
 * Splits a command line into its words, with each quoted string or literal replaced by a
 * placeholder word and returned as bytes in `args`.
 */
function readCommand(line: string, literals: Buffer[]): { command: string; args: Buffer[] } {
  const args: Buffer[] = [];
  let next = 0;
  const command = line.replace(/"((?:[^"\\]|\\.)*)"|\{(\d+)\}/g, (_all, quoted: string | undefined) => {
    args.push(quoted !== undefined ? Buffer.from(quoted.replace(/\\(.)/g, "$1"), "latin1") : literals[next++]!);
    return `<arg${args.length}>`;
  });
  return { command, args };
}

/** Whether a number is in an IMAP set such as 1:3,7 or 2:* (`*` is the highest number there is). */
function isInSet(n: number, set: string, highest = Number.POSITIVE_INFINITY): boolean {
  return set.split(",").some((range) => {
    const [first = "", last = first] = range.split(":");
    const low = first === "*" ? highest : Number(first);
    const high = last === "*" ? highest : Number(last);
    return n >= Math.min(low, high) && n <= Math.max(low, high);
  });
}
