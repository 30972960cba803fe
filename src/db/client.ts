import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { DatabaseKind } from "../config/config.js";
import { PrismaClient as PostgresClient } from "../generated/postgresql/client.js";
import { PrismaClient as SqliteClient } from "../generated/sqlite/client.js";

/**
 * The app is typed against the SQLite client so that PostgreSQL-only query options cannot
 * slip in; both clients are generated from the same model and expose the same API.
 */
export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
/** Either the client or a transaction: what repositories accept. */
export type DbOrTx = Db | Tx;

export interface Database {
  kind: DatabaseKind;
  /** The DATABASE_URL it was opened with: for a bulk path straight through the driver (the people import's writers). */
  url: string;
  prisma: Db;
  close(): Promise<void>;
}

/** How long a SQLite statement waits for another connection's lock, a transaction for its turn or a connection. */
const BUSY_TIMEOUT_MS = 5000;

/** How long close() lets the queries still running finish before it ends their connections. */
const CLOSE_GRACE_MS = 2000;

/** The pool's connections lent out and not yet given back, followed through the pool's own events. */
interface LentConnections {
  clients: Set<pg.PoolClient>;
  /** Set by close(): a connection lent after it is ended as soon as it is lent. */
  isClosing: boolean;
}

function lentConnections(pool: pg.Pool): LentConnections {
  const lent: LentConnections = { clients: new Set(), isClosing: false };
  pool.on("acquire", (client) => {
    lent.clients.add(client);
    if (lent.isClosing) setImmediate(() => endLent(lent, client));
  });
  pool.on("release", (_error, client) => lent.clients.delete(client));
  pool.on("remove", (client) => lent.clients.delete(client as pg.PoolClient));
  return lent;
}

/** Gives a lent connection back as broken: the pool ends it, and the server rolls back its transaction. */
function endLent(lent: LentConnections, client: pg.PoolClient) {
  if (lent.clients.delete(client)) client.release(new Error("the database is closing"));
}

/**
 * Closes a PostgreSQL client without waiting for ever. Prisma 6.19's $disconnect, called while
 * an interactive transaction is starting (its BEGIN sent, not yet answered), forgets that
 * transaction, and the connection it took is never given back: the pool's end then waits for
 * it for ever, the session "idle in transaction" after a bare BEGIN (found in CI, reproduced
 * with a transaction started just before the close; decision 0038). So: Prisma lets go first,
 * the queries still running get CLOSE_GRACE_MS to finish, and any connection still lent is
 * then ended (the server rolls its transaction back) before the pool ends.
 */
async function closePostgres(prisma: { $disconnect(): Promise<void> }, pool: pg.Pool, lent: LentConnections) {
  await prisma.$disconnect();
  // Connecting or lent: a transaction's connection may still be on its way when Prisma has let go.
  const deadline = Date.now() + CLOSE_GRACE_MS;
  while (pool.totalCount > pool.idleCount && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  lent.isClosing = true;
  for (const client of [...lent.clients]) endLent(lent, client);
  await pool.end();
}

/** Kind of database a DATABASE_URL names. */
export function databaseKindOf(url: string): DatabaseKind {
  return /^postgres(ql)?:\/\//.test(url) ? "postgresql" : "sqlite";
}

/** Absolute path of the SQLite file a file: URL names, relative paths from the working folder. */
export function sqlitePathOf(url: string): string {
  return resolve(url.replace(/^file:(\/\/)?/, "").split("?")[0] ?? "");
}

/**
 * Opens the database a URL names. SQLite: creates the file's folder, and sets WAL (readers do
 * not block the writer), foreign keys, a busy timeout and synchronous=NORMAL (durable in WAL
 * mode except for the last transactions on power loss).
 */
export async function openDatabase(url: string, options: { connect?: boolean } = {}): Promise<Database> {
  const kind = databaseKindOf(url);
  if (kind === "postgresql") {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: BUSY_TIMEOUT_MS });
    // An idle connection the server ends (a restart, a database dropped while a closed pool's
    // connections are still closing) is dropped by the pool, which then emits "error": with no
    // listener that would end the process. The adapter listens only until $disconnect; the next
    // query opens a new connection.
    pool.on("error", () => {});
    const lent = lentConnections(pool);
    const prisma = new PostgresClient({
      // The pool is ours, not the adapter's: close() ends it, so a connection Prisma never gives
      // back cannot hold the close for ever (closePostgres).
      adapter: new PrismaPg(pool, { disposeExternalPool: false }),
      // A transaction holds one of the pool's 10 connections until it ends; under load (50
      // clients, half writing, each write's audit entry waiting for the chain's lock) a
      // transaction waited more than Prisma's default 2 s for one and was refused. It now waits
      // as long as a query waits for a connection.
      transactionOptions: { maxWait: BUSY_TIMEOUT_MS },
    });
    if (options.connect !== false) await prisma.$connect();
    return { kind, url, prisma: prisma as unknown as Db, close: () => closePostgres(prisma, pool, lent) };
  }
  const file = sqlitePathOf(url);
  mkdirSync(dirname(file), { recursive: true });
  const prisma = new SqliteClient({
    adapter: new PrismaBetterSQLite3({ url: file, timeout: BUSY_TIMEOUT_MS }),
    // The process's transactions take turns on its one connection (the adapter's mutex), each
    // held across its awaits; under load the queue easily passes Prisma's default 2 s wait and a
    // write was refused. A transaction now waits its turn as long as a statement waits for
    // another process's lock (busy_timeout).
    transactionOptions: { maxWait: BUSY_TIMEOUT_MS },
  });
  await prisma.$connect();
  await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  await prisma.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await prisma.$queryRawUnsafe(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return { kind, url, prisma, close: () => prisma.$disconnect() };
}
