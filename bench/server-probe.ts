// Loaded into the server that bench/load.ts measures (node --import): the server's own view of
// the load, to tell its time from the bench's. For each request, the time from its headers
// being parsed to its response being handed to the socket (what pino-http's responseTime
// measures), by method; and the event loop's delay (how long a ready callback, such as a
// request that arrived, waited for the loop), and on SQLite the time of each statement (run in the
// loop: better-sqlite3 is synchronous) by its SQL. Each SIGUSR2 writes what it measured since the
// last one as one line to stderr, "server-probe {json}", and turns measuring on or off (it starts
// off: the bench turns it on when its clock starts, and off before it measures the idle CPU).
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import BetterSqlite3 from "better-sqlite3";

const delay = monitorEventLoopDelay({ resolution: 10 });
const startedAt = new WeakMap<object, number>();
let isOn = false;
let times: Record<string, number[]> = {};
/** Per SQL text (its first 100 characters): statements run and their total time, ms. */
let statements: Record<string, { n: number; ms: number }> = {};

const { prepare } = BetterSqlite3.prototype;
BetterSqlite3.prototype.prepare = function (this: BetterSqlite3.Database, source: string) {
  const statement = prepare.call(this, source) as unknown as Record<string, (...args: unknown[]) => unknown>;
  const sql = source.replace(/\s+/g, " ").slice(0, 100);
  for (const method of ["all", "get", "run"]) {
    const run = statement[method]!;
    statement[method] = (...args: unknown[]) => {
      if (!isOn) return run.apply(statement, args);
      const started = performance.now();
      try {
        return run.apply(statement, args);
      } finally {
        const entry = statements[sql] ?? { n: 0, ms: 0 };
        entry.n += 1;
        entry.ms += performance.now() - started;
        statements[sql] = entry;
      }
    };
  }
  return statement as never;
} as typeof prepare;

subscribe("http.server.request.start", (message) => {
  startedAt.set((message as { request: object }).request, performance.now());
});
subscribe("http.server.response.finish", (message) => {
  const { request } = message as { request: IncomingMessage };
  const started = startedAt.get(request);
  if (started === undefined || !isOn) return;
  const method = request.method ?? "?";
  const list = times[method] ?? [];
  list.push(performance.now() - started);
  times[method] = list;
});

process.on("SIGUSR2", () => {
  const ms = (ns: number) => Math.round(ns / 1e6);
  const top = Object.entries(statements)
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 8)
    .map(([sql, { n, ms }]) => ({ sql, n, ms: Math.round(ms) }));
  const figures = {
    times,
    loopDelay: isOn ? { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) } : null,
    statements: top,
  };
  process.stderr.write(`server-probe ${JSON.stringify(figures)}\n`);
  times = {};
  statements = {};
  delay.reset();
  isOn = !isOn;
  if (isOn) delay.enable();
  else delay.disable();
});
