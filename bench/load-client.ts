// The clients of bench/load.ts: a signed-in browser on a kept-alive connection of its own, and
// the reader of the server probe's figures (bench/server-probe.ts).
import type { ChildProcess } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";

export interface ServerProbe {
  /** The server's time per request by method, ms. */
  times: Record<string, number[]>;
  /** null while it was not measuring. */
  loopDelay: { p50: number; p99: number; max: number } | null;
  /** On SQLite, the statements that took the most time (ms in all), slowest first. */
  statements: { sql: string; n: number; ms: number }[];
}

/**
 * A signed-in browser: one kept-alive connection, the session cookie, and the session's CSRF token
 * once read. A request waits `timeoutMs` for its answer.
 */
export async function signIn(base: string, email: string, password: string, timeoutMs = 60_000) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let cookie = "";
  let csrf = "";
  const request = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        base + path,
        { agent, method: init.method ?? "GET", headers: { ...init.headers, cookie }, timeout: timeoutMs },
        (res) => {
          const set = res.headers["set-cookie"]?.[0]?.split(";")[0];
          if (set) cookie = set;
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
      req.on("error", reject);
      req.end(init.body);
    });
  const form = (path: string, fields: Record<string, string>) =>
    request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
  const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  csrf = tokenOf((await request("/login")).text);
  const login = await form("/login", { email, password });
  if (login.status !== 303) throw new Error(`sign-in answered ${login.status}`);
  return {
    request,
    form,
    readToken: async (path: string) => (csrf = tokenOf((await request(path)).text)),
    /** Takes the token of a page already loaded. */
    useTokenOf: (html: string) => {
      csrf = tokenOf(html);
    },
    close: () => agent.destroy(),
  };
}

/** The server probe's figures since the last call (bench/server-probe.ts), read from its stderr. */
export function readProbe(child: ChildProcess): Promise<ServerProbe> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk;
      const line = /server-probe (\{.*\})\n/.exec(text)?.[1];
      if (!line) return;
      child.stderr!.off("data", onData);
      resolve(JSON.parse(line) as ServerProbe);
    };
    child.stderr!.on("data", onData);
    child.kill("SIGUSR2");
  });
}
