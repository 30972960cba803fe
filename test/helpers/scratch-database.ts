import { randomBytes } from "node:crypto";
import pg from "pg";

/** A database made for one test suite or one benchmark, and how to drop it. */
export interface ScratchDatabase {
  url: string;
  remove(): Promise<void>;
}

export interface ScratchOptions {
  /** A database to copy (CREATE DATABASE ... TEMPLATE) instead of starting empty. */
  template?: string;
  /**
   * For tests: commits do not wait for the write-ahead log to reach the disk
   * (synchronous_commit = off: what a commit does and who sees it are unchanged, only a crash
   * of the server could lose the last ones), a session idle in a transaction for a minute is
   * ended (idle_in_transaction_session_timeout), and remove() starts the drop and returns, the
   * drop (a checkpoint on PostgreSQL 15, over a second) going on while the next test runs.
   */
  forTests?: boolean;
}

/**
 * Creates a new database named `<prefix>_<random>` on the PostgreSQL server at `serverUrl`
 * (whose user may create databases); `remove` drops it, closing what is still connected to it.
 * Shared by the test databases and the benchmarks.
 */
export async function createScratchPostgresDatabase(
  serverUrl: string,
  prefix: string,
  options: ScratchOptions = {},
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await runOnServer(serverUrl, [
    options.template ? `CREATE DATABASE ${name} TEMPLATE ${options.template}` : `CREATE DATABASE ${name}`,
    ...(options.forTests
      ? [
          `ALTER DATABASE ${name} SET synchronous_commit = off`,
          // A session left in an open transaction with nothing sent for a minute is ended by the
          // server, so a client waiting on it errors instead of holding a test lane for ever.
          `ALTER DATABASE ${name} SET idle_in_transaction_session_timeout = '60s'`,
        ]
      : []),
  ]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = () => runOnServer(serverUrl, [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  return {
    url: url.toString(),
    remove: options.forTests ? async () => dropLater(name, drop) : drop,
  };
}

async function runOnServer(serverUrl: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Starts the drop; the process does not end before it does (its connection keeps it up). */
function dropLater(name: string, drop: () => Promise<void>): void {
  drop().catch((error: Error) => {
    process.stderr.write(`could not drop the test database ${name}: ${error.message}\n`);
  });
}
