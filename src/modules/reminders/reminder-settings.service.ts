import { randomBytes } from "node:crypto";
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { sha256 } from "../../lib/ids.js";
import { type Actor, withAudit } from "../audit/index.js";
import { findUser } from "../users/index.js";
import { setCalendarTokenHash, updateReminderSettings } from "./reminders.repository.js";
import type { ReminderSettingsInput } from "./reminders.schemas.js";

/** 32 random bytes in base64url: the secret part of a calendar feed URL. */
const CALENDAR_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

async function activeUser(tx: Parameters<typeof findUser>[0], userId: string) {
  const user = await findUser(tx, userId);
  if (!user || user.status !== "active") throw new AppError("not_found", "No such active user.");
  return user;
}

/** Saves a user's reminder choices (on/off, digest hour), audited with before and after. */
export async function saveReminderSettings(
  deps: Deps,
  userId: string,
  input: ReminderSettingsInput,
  actor: Actor,
): Promise<void> {
  await withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await activeUser(tx, userId);
    await updateReminderSettings(tx, userId, input);
    return {
      result: undefined,
      audit: {
        action: "user.reminders_update",
        entityType: "user",
        entityId: userId,
        before: { remindersEnabled: user.remindersEnabled, digestHour: user.digestHour },
        after: input,
      },
    };
  });
}

/**
 * Creates the user's calendar feed secret, replacing (and so revoking) any earlier one, and
 * returns it: only its SHA-256 is stored, so this return value is the one time it exists.
 */
export async function createCalendarFeed(
  deps: Deps,
  userId: string,
  actor: Actor,
): Promise<{ token: string; isRotation: boolean }> {
  const token = randomBytes(32).toString("base64url");
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await activeUser(tx, userId);
    const isRotation = user.calendarTokenHash !== null;
    await setCalendarTokenHash(tx, userId, sha256(token), deps.clock.now());
    return {
      result: { token, isRotation },
      audit: {
        action: isRotation ? "user.calendar_feed_rotate" : "user.calendar_feed_create",
        entityType: "user",
        entityId: userId,
      },
    };
  });
}

/** Revokes the user's calendar feed: its URL answers 404 from now on. */
export async function revokeCalendarFeed(deps: Deps, userId: string, actor: Actor): Promise<void> {
  await withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await activeUser(tx, userId);
    if (user.calendarTokenHash === null) throw new AppError("conflict", "You have no calendar feed to revoke.");
    await setCalendarTokenHash(tx, userId, null, deps.clock.now());
    return { result: undefined, audit: { action: "user.calendar_feed_revoke", entityType: "user", entityId: userId } };
  });
}

/** Ends the user's calendar feed inside the caller's audited transaction (the account module's credential review, "revoke everything"). */
export async function clearCalendarFeed(tx: DbOrTx, userId: string, at: Date): Promise<void> {
  await setCalendarTokenHash(tx, userId, null, at);
}

/** Whether a string has the shape of a calendar feed secret (checked before any query). */
export function isCalendarTokenShape(value: string): boolean {
  return CALENDAR_TOKEN_PATTERN.test(value);
}
