import type { DbOrTx } from "../db/client.js";
import { deleteCaughtMailBefore } from "../mail/mail-catcher.repository.js";
import { defineJob, periodicPayloadSchema } from "./job-definition.js";
import type { PeriodicJob } from "./scheduler.js";

export const SESSION_CLEANUP = "session.cleanup";
export const THROTTLE_CLEANUP = "throttle.cleanup";
export const CATCHER_CLEANUP = "mail_catcher.cleanup";

const HOUR_MS = 60 * 60_000;
/** Used and expired one-time links stay a week, so "this link was already used" can still be told apart from "no such link". */
const TOKEN_KEEP_MS = 7 * 24 * HOUR_MS;

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

/** Deletes expired sessions and old one-time links (see deleteExpiredSessions). */
export const sessionCleanupJob = defineJob({
  id: SESSION_CLEANUP,
  schema: periodicPayloadSchema,
  async handler(_payload, { db, clock, logger }) {
    const deleted = await deleteExpiredSessions(db.prisma, clock.now());
    logger.info(deleted, "expired sessions and one-time links deleted");
  },
});

/** Deletes ended sign-in throttles; the window is LOGIN_WINDOW_MINUTES. */
export const throttleCleanupJob = defineJob({
  id: THROTTLE_CLEANUP,
  schema: periodicPayloadSchema,
  async handler(_payload, { db, clock, logger, config }) {
    const deleted = await deleteEndedLoginThrottles(db.prisma, clock.now(), config.LOGIN_WINDOW_MINUTES * 60_000);
    logger.info({ deleted }, "ended sign-in throttles deleted");
  },
});

/** Deletes the mail catcher's messages older than MAIL_CATCHER_RETENTION_DAYS (notices hold people's data). */
export const catcherCleanupJob = defineJob({
  id: CATCHER_CLEANUP,
  schema: periodicPayloadSchema,
  async handler(_payload, { db, clock, logger, config }) {
    const before = new Date(clock.now().getTime() - config.MAIL_CATCHER_RETENTION_DAYS * 24 * HOUR_MS);
    const deleted = await deleteCaughtMailBefore(db, before);
    if (deleted) logger.info({ deleted }, "old messages of the mail catcher deleted");
  },
});

/** The periodic jobs that keep the foundation's tables small. */
export const housekeepingJobs: PeriodicJob[] = [
  { job: sessionCleanupJob, everyMs: HOUR_MS },
  { job: throttleCleanupJob, everyMs: 15 * 60_000 },
  { job: catcherCleanupJob, everyMs: HOUR_MS },
];
