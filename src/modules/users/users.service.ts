import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { newId, newSecretToken } from "../../lib/ids.js";
import { isValidZone } from "../../lib/instants.js";
import { hashPassword } from "../../lib/passwords.js";
import { type Actor, recordAudit, withAudit } from "../audit/index.js";
import { sendTokenMail, storeToken } from "./one-time-links.service.js";
import {
  countActiveAdmins,
  countUsers,
  deleteSessionsOfUser,
  findFirstActiveAdmin,
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers,
  retireUserTokens,
  type User,
  updateUser,
} from "./users.repository.js";
import type { CreateUserInput, Role, SetupInput } from "./users.schemas.js";

/** What the audit log keeps of a user: never the password hash. */
function auditView(user: User) {
  return { email: user.email, name: user.name, role: user.role, status: user.status };
}

/** The zone the server runs in (its TZ setting), when the runtime names a valid one; else UTC. */
export function serverZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isValidZone(zone) ? zone : "UTC";
}

/**
 * The zone a new user starts in when none was chosen: the inviting user's (people who handle an
 * incident together mostly work in one place); without one (the command line), the zone of the
 * administrator who set the instance up; else the server's own. A new user's deadlines and
 * reminders then read in the organisation's time rather than in UTC.
 */
async function defaultZoneOf(tx: DbOrTx, actor: Actor): Promise<string> {
  const inviter = actor.userId ? await findUserById(tx, actor.userId) : null;
  return inviter?.timeZone ?? (await findFirstActiveAdmin(tx))?.timeZone ?? serverZone();
}

/** Every user, for the users page. */
export function listUsersPage(deps: Deps): Promise<User[]> {
  return listUsers(deps.db.prisma);
}

/** One user, for their page; not_found when the id names no user. */
export async function loadUser(deps: Deps, userId: string): Promise<User> {
  const user = await findUserById(deps.db.prisma, userId);
  if (!user) throw new AppError("not_found", "No such user.");
  return user;
}

/**
 * Creates the first administrator. Refused once any user exists, inside the transaction, so
 * two setup forms sent at once cannot both succeed.
 */
export async function createFirstAdmin(deps: Deps, input: SetupInput, ip: string | null): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return deps.db.prisma.$transaction(async (tx) => {
    if ((await countUsers(tx)) > 0) throw new AppError("conflict", "Breachdesk is already set up. Sign in instead.");
    const user = await insertUser(tx, {
      id: newId(),
      email: input.email,
      name: input.name,
      role: "admin",
      status: "active",
      passwordHash,
      passwordChangedAt: deps.clock.now(),
      timeZone: input.timeZone ?? serverZone(),
    });
    // The new administrator is the author of their own creation: no one else was there.
    const actor: Actor = { userId: user.id, label: user.email, ip };
    await recordAudit(
      deps.db,
      tx,
      actor,
      { action: "user.setup", entityType: "user", entityId: user.id, after: auditView(user) },
      deps.clock,
    );
    return user;
  });
}

/**
 * Creates a user (refusing a taken address). With method "invite" the user is e-mailed a
 * one-time link to choose a password; the link is returned too, for the admin to pass on when
 * mail does not arrive.
 */
export async function createUser(deps: Deps, input: CreateUserInput, actor: Actor): Promise<{ user: User; link?: string }> {
  const passwordHash = input.method === "password" ? await hashPassword(input.password) : null;
  const token = newSecretToken();
  const user = await withAudit(deps.db, actor, deps.clock, async (tx) => {
    if (await findUserByEmail(tx, input.email)) {
      throw new AppError("conflict", "A user with this e-mail address exists already.", {
        email: "This address is taken.",
      });
    }
    const created = await insertUser(tx, {
      id: newId(),
      email: input.email,
      name: input.name,
      role: input.role,
      status: input.method === "invite" ? "invited" : "active",
      passwordHash,
      passwordChangedAt: passwordHash ? deps.clock.now() : null,
      timeZone: input.timeZone ?? (await defaultZoneOf(tx, actor)),
    });
    if (input.method === "invite") await storeToken(deps, tx, created.id, "invite", token);
    return {
      result: created,
      audit: {
        action: "user.create",
        entityType: "user",
        entityId: created.id,
        after: { ...auditView(created), timeZone: created.timeZone, method: input.method },
      },
    };
  });
  if (input.method !== "invite") return { user };
  const link = await sendTokenMail(deps, user, "invite", token, actor);
  return { user, link };
}

/** Sends a fresh invitation (ending earlier links) to a user who has not yet set a password. */
export async function resendInvitation(deps: Deps, userId: string, actor: Actor): Promise<string> {
  const token = newSecretToken();
  const user = await withAudit(deps.db, actor, deps.clock, async (tx) => {
    const found = await findUserById(tx, userId);
    if (!found) throw new AppError("not_found", "No such user.");
    if (found.status !== "invited")
      throw new AppError("conflict", "Only invited users who have not set a password can be invited again.");
    await retireUserTokens(tx, found.id, "invite", deps.clock.now());
    await storeToken(deps, tx, found.id, "invite", token);
    return { result: found, audit: { action: "user.invite", entityType: "user", entityId: found.id } };
  });
  return sendTokenMail(deps, user, "invite", token, actor);
}

/** Refuses a change that would leave no active administrator. */
async function assertAdminRemains(tx: Parameters<typeof countActiveAdmins>[0], user: User) {
  if (user.role === "admin" && user.status === "active" && (await countActiveAdmins(tx)) <= 1) {
    throw new AppError("conflict", "This is the last active administrator. Make someone else an administrator first.");
  }
}

/** Changes a user's role; never leaves the instance without an active administrator. */
export async function changeRole(deps: Deps, userId: string, role: Role, actor: Actor): Promise<User> {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw new AppError("not_found", "No such user.");
    if (user.role === role)
      return { result: user, audit: { action: "user.role_unchanged", entityType: "user", entityId: user.id } };
    if (role !== "admin") await assertAdminRemains(tx, user);
    const updated = await updateUser(tx, user.id, { role });
    return {
      result: updated,
      audit: { action: "user.role_change", entityType: "user", entityId: user.id, before: { role: user.role }, after: { role } },
    };
  });
}

/**
 * Deactivates a user: they can no longer sign in and their sessions end at once. The user
 * row stays, so the audit trail they left keeps its author.
 */
export async function deactivateUser(deps: Deps, userId: string, actor: Actor): Promise<User> {
  if (userId === actor.userId) throw new AppError("conflict", "You cannot deactivate your own account.");
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw new AppError("not_found", "No such user.");
    if (user.status === "deactivated") throw new AppError("conflict", "This user is deactivated already.");
    await assertAdminRemains(tx, user);
    await deleteSessionsOfUser(tx, user.id);
    await retireUserTokens(tx, user.id, "invite", deps.clock.now());
    await retireUserTokens(tx, user.id, "reset", deps.clock.now());
    const updated = await updateUser(tx, user.id, { status: "deactivated", deactivatedAt: deps.clock.now() });
    return {
      result: updated,
      audit: {
        action: "user.deactivate",
        entityType: "user",
        entityId: user.id,
        before: auditView(user),
        after: auditView(updated),
      },
    };
  });
}

/** Lets a deactivated user sign in again (or be invited again when they never set a password). */
export async function reactivateUser(deps: Deps, userId: string, actor: Actor): Promise<User> {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw new AppError("not_found", "No such user.");
    if (user.status !== "deactivated") throw new AppError("conflict", "This user is not deactivated.");
    const updated = await updateUser(tx, user.id, {
      status: user.passwordHash ? "active" : "invited",
      deactivatedAt: null,
    });
    return {
      result: updated,
      audit: {
        action: "user.reactivate",
        entityType: "user",
        entityId: user.id,
        before: auditView(user),
        after: auditView(updated),
      },
    };
  });
}

/** Saves the signed-in user's own name and time zone; audited like any change. */
export async function updateOwnAccount(deps: Deps, actor: Actor, input: { name: string; timeZone: string }): Promise<User> {
  if (!actor.userId) throw new AppError("unauthenticated", "Sign in to continue.");
  const userId = actor.userId;
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw new AppError("not_found", "No such user.");
    const updated = await updateUser(tx, userId, input);
    return {
      result: updated,
      audit: {
        action: "user.account_update",
        entityType: "user",
        entityId: userId,
        before: { name: user.name, timeZone: user.timeZone },
        after: input,
      },
    };
  });
}
