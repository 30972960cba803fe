import { randomBytes } from "node:crypto";
import session, { type SessionData, Store } from "express-session";
import type { Database } from "../db/client.js";
import type { Deps } from "../deps.js";

export interface FlashMessage {
  type: "success" | "error" | "info";
  text: string;
}

declare module "express-session" {
  interface SessionData {
    userId?: string;
    csrfToken?: string;
    flash?: FlashMessage[];
    /** The client the session was signed in from, recorded on its first signed-in request (decision 0028). */
    client?: { userAgent: string | null; ip: string | null };
  }
}

/** A session's last-seen instant is a hint for its owner: written at most once a minute. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/**
 * express-session store keeping sessions in the database, so every web process sees the same
 * sessions and a user's sessions can be ended at once (deactivation, password change).
 * Expired rows are ignored here and removed by the housekeeping job.
 */
export class DatabaseSessionStore extends Store {
  constructor(
    private readonly db: Database,
    private readonly ttlMs: number,
    private readonly now: () => Date,
  ) {
    super();
  }

  private expiryOf(sess: SessionData): Date {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires) : new Date(this.now().getTime() + this.ttlMs);
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.db.prisma.session
      .findUnique({ where: { id: sid } })
      .then((row) => callback(null, row && row.expiresAt > this.now() ? (JSON.parse(row.data) as SessionData) : null))
      .catch((error) => callback(error));
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    const data = JSON.stringify(sess);
    const client = { userAgent: sess.client?.userAgent ?? null, ip: sess.client?.ip ?? null };
    const values = { data, userId: sess.userId ?? null, expiresAt: this.expiryOf(sess), lastSeenAt: this.now(), ...client };
    // A session that has recorded its client has had its row since sign-in: it is only updated,
    // so a request in flight when the session was ended cannot bring it back (decision 0028).
    const write = sess.client
      ? this.db.prisma.session.updateMany({ where: { id: sid }, data: values })
      : this.db.prisma.session.upsert({ where: { id: sid }, create: { id: sid, ...values }, update: values });
    write.then(() => callback?.()).catch((error) => callback?.(error));
  }

  /**
   * Rolls the expiry and records the last request, at most once a minute a session: a request
   * within the minute matches no row and writes nothing (decision 0028).
   */
  override touch(sid: string, sess: SessionData, callback?: () => void): void {
    const now = this.now();
    const notBefore = new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS);
    this.db.prisma.session
      .updateMany({
        where: { id: sid, OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: notBefore } }] },
        data: { expiresAt: this.expiryOf(sess), lastSeenAt: now },
      })
      .then(() => callback?.())
      .catch(() => callback?.());
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.db.prisma.session
      .deleteMany({ where: { id: sid } })
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }
}

/**
 * The secret that signs session cookies: SESSION_SECRET when set, otherwise one generated on
 * first start and kept in the database, so that every process of an instance shares it.
 */
export async function resolveSessionSecret(deps: Pick<Deps, "config" | "db">): Promise<string> {
  if (deps.config.SESSION_SECRET) return deps.config.SESSION_SECRET;
  const key = "session_secret";
  const existing = await deps.db.prisma.setting.findUnique({ where: { key } });
  if (existing) return existing.value;
  // upsert with an empty update: when two processes start at once, both end with the first's value.
  const row = await deps.db.prisma.setting.upsert({
    where: { key },
    create: { key, value: randomBytes(32).toString("base64url") },
    update: {},
  });
  return row.value;
}

/** The session middleware: cookie httpOnly, SameSite=Lax, Secure whenever the request came over HTTPS. */
export function sessionMiddleware(deps: Deps, secret: string) {
  const ttlMs = deps.config.SESSION_TTL_HOURS * 3600_000;
  return session({
    name: "breachdesk.sid",
    secret,
    store: new DatabaseSessionStore(deps.db, ttlMs, () => deps.clock.now()),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: "lax", secure: "auto", maxAge: ttlMs, path: "/" },
  });
}
