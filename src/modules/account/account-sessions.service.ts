import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { sha256 } from "../../lib/ids.js";
import { renderEmail } from "../../mail/render.js";
import { revokeAllApiTokensOf } from "../api-tokens/index.js";
import { type Actor, withAudit } from "../audit/index.js";
import { findUser, type User } from "../users/index.js";
import { deleteAllSessionsOfUser, deleteSession, listLiveSessionsOfUser } from "./account-sessions.repository.js";
import { describeClient } from "./session-client.policy.js";

// A user's sessions as they see them (account page, GET /api/v1/me/sessions) and ending them:
// one at a time by their owner, or all at once with every API token by an administrator.

/** A session as its owner sees it. The id shown is a hash of the session id, never the id itself. */
export interface SessionView {
  id: string;
  startedAt: Date;
  lastSeenAt: Date;
  client: string;
  userAgent: string | null;
  ip: string | null;
  isCurrent: boolean;
}

/** The handle a session is shown and ended by: the session id is the cookie's secret half. */
export function sessionHandleOf(sessionId: string): string {
  return sha256(`session:${sessionId}`).slice(0, 32);
}

/** The user's sessions that have not expired, most recently seen first, the current one marked. */
export async function listUserSessions(deps: Deps, userId: string, currentSessionId?: string): Promise<SessionView[]> {
  const rows = await listLiveSessionsOfUser(deps.db.prisma, userId, deps.clock.now());
  return rows.map((row) => ({
    id: sessionHandleOf(row.id),
    startedAt: row.createdAt,
    lastSeenAt: row.lastSeenAt ?? row.createdAt,
    client: describeClient(row.userAgent),
    userAgent: row.userAgent,
    ip: row.ip,
    isCurrent: row.id === currentSessionId,
  }));
}

/**
 * Ends one of the user's own sessions (by its handle): audited with the client it was. Another
 * user's session, or one that has ended already, is reported as missing.
 */
export async function endUserSession(deps: Deps, actor: Actor, userId: string, handle: string, currentSessionId?: string) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const rows = await listLiveSessionsOfUser(tx, userId, deps.clock.now());
    const row = rows.find((r) => sessionHandleOf(r.id) === handle);
    if (!row || !(await deleteSession(tx, row.id))) {
      throw new AppError("not_found", "There is no such session: it has ended already, or it is not yours.");
    }
    const client = describeClient(row.userAgent);
    return {
      result: { client, isCurrent: row.id === currentSessionId },
      audit: { action: "session.end", entityType: "user", entityId: userId, after: { client, ip: row.ip } },
    };
  });
}

/**
 * An administrator signs a user out everywhere: every session ends and every API token is
 * revoked in one audited change, then the user is told by e-mail. The change stands if the
 * e-mail cannot go; the administrator is told so.
 */
export async function signOutEverywhere(deps: Deps, actor: Actor, userId: string) {
  const result = await withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await findUser(tx, userId);
    if (!user) throw new AppError("not_found", "No such user.");
    const sessionsEnded = await deleteAllSessionsOfUser(tx, user.id);
    const apiTokensRevoked = await revokeAllApiTokensOf(tx, user.id, deps.clock.now());
    const counts = { sessionsEnded, apiTokensRevoked };
    return {
      result: { user, ...counts },
      audit: { action: "user.signed_out_everywhere", entityType: "user", entityId: user.id, after: counts },
    };
  });
  const isMailed = await tellUser(
    deps,
    result.user,
    "emails/signed-out-everywhere",
    "You were signed out of Breachdesk everywhere",
    {
      endedBy: actor.label,
    },
  );
  return { ...result, isMailed };
}

/** Sends one of the account e-mails; false (and a log line) when it cannot go. */
export async function tellUser(deps: Deps, user: User, template: string, subject: string, data: Record<string, unknown>) {
  try {
    const content = await renderEmail(template, subject, { name: user.name, link: `${deps.config.publicUrl}/account`, ...data });
    await deps.mailer.send({ to: user.email, ...content });
    return true;
  } catch (error) {
    deps.logger.error({ err: error, userId: user.id }, "could not send the %s e-mail", template);
    return false;
  }
}
