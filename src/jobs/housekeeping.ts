import type { DbOrTx } from "../db/client.js";
import { deleteUnreferencedUploads } from "../modules/people/import-files.service.js";
import type { JobHandlers } from "./dispatcher.js";
import type { PeriodicJob } from "./scheduler.js";

export const SESSION_CLEANUP = "session.cleanup";
export const THROTTLE_CLEANUP = "throttle.cleanup";
export const UPLOAD_CLEANUP = "upload.cleanup";

const HOUR_MS = 60 * 60_000;
/** Used and expired one-time links stay a week, so "this link was already used" can still be told apart from "no such link". */
const TOKEN_KEEP_MS = 7 * 24 * HOUR_MS;

/** The periodic jobs that keep the foundation's tables small, and the uploads folder free of orphans. */
export const housekeepingJobs: PeriodicJob[] = [
  { kind: SESSION_CLEANUP, everyMs: HOUR_MS },
  { kind: THROTTLE_CLEANUP, everyMs: 15 * 60_000 },
  { kind: UPLOAD_CLEANUP, everyMs: HOUR_MS },
];

export interface SessionCleanupResult {
  sessions: number;
  tokens: number;
}

/**
 * Deletes sessions that expired before `now`, and one-time links used, or expired, more than
 * seven days before `now`; live sessions and links are never touched.
 */
export async function deleteExpiredSessions(db: DbOrTx, now: Date): Promise<SessionCleanupResult> {
  const keepAfter = new Date(now.getTime() - TOKEN_KEEP_MS);
  const sessions = await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  const tokens = await db.userToken.deleteMany({
    where: { OR: [{ usedAt: { lt: keepAfter } }, { expiresAt: { lt: keepAfter } }] },
  });
  return { sessions: sessions.count, tokens: tokens.count };
}

/**
 * Deletes sign-in throttle rows whose counting window has ended and whose lock (if any) has
 * passed: such a row no longer limits anyone, and a new failure starts a fresh row.
 */
export async function deleteEndedLoginThrottles(db: DbOrTx, now: Date, windowMs: number): Promise<number> {
  const { count } = await db.loginThrottle.deleteMany({
    where: {
      windowStart: { lte: new Date(now.getTime() - windowMs) },
      OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }],
    },
  });
  return count;
}

/** Handlers of the housekeeping jobs; the sign-in window is LOGIN_WINDOW_MINUTES. */
export function createHousekeepingHandlers(settings: { loginWindowMinutes: number }): JobHandlers {
  return {
    async [SESSION_CLEANUP](_payload, { db, clock, logger }) {
      const deleted = await deleteExpiredSessions(db.prisma, clock.now());
      logger.info(deleted, "expired sessions and one-time links deleted");
    },
    async [THROTTLE_CLEANUP](_payload, { db, clock, logger }) {
      const deleted = await deleteEndedLoginThrottles(db.prisma, clock.now(), settings.loginWindowMinutes * 60_000);
      logger.info({ deleted }, "ended sign-in throttles deleted");
    },
    async [UPLOAD_CLEANUP](_payload, { db, clock, logger }) {
      const swept = await deleteUnreferencedUploads(db, clock.now(), logger);
      logger.info(swept, "upload files no import refers to, older than a day, deleted");
    },
  };
}
