import { randomBytes } from "node:crypto";
import pg from "pg";

/** A database made for one test suite or one benchmark, and how to drop it. */
export interface ScratchDatabase {
  url: string;
  remove(): Promise<void>;
}

/**
 * Creates a new, empty database named `<prefix>_<random>` on the PostgreSQL server at
 * `serverUrl` (whose user may create databases); `remove` drops it, closing what is still
 * connected to it. Shared by the test databases and the benchmarks.
 */
export async function createScratchPostgresDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await runOnServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), remove: () => runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function runOnServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
