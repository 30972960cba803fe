import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { newId, sha256 } from "../../lib/ids.js";
import { renderSystemEmail } from "../../mail/render.js";
import type { Actor } from "../audit/index.js";
import { insertUserToken, type User } from "./users.repository.js";

export const INVITE_TTL_MS = 7 * 24 * 3600_000;
export const RESET_TTL_MS = 3600_000;

/** Stores the SHA-256 of a one-time token (never the token) with its expiry. */
export async function storeToken(deps: Deps, tx: DbOrTx, userId: string, purpose: "invite" | "reset", token: string) {
  const ttl = purpose === "invite" ? INVITE_TTL_MS : RESET_TTL_MS;
  await insertUserToken(tx, {
    id: newId(),
    userId,
    purpose,
    tokenHash: sha256(token),
    expiresAt: new Date(deps.clock.now().getTime() + ttl),
  });
}

/**
 * Mails the one-time link and returns it. The message is marked as carrying a secret for this
 * user (secretFor), so the mail catcher shows it only to administrators, and a link that opens
 * an administrator's account to no one but its addressee.
 */
export async function sendTokenMail(
  deps: Deps,
  user: User,
  purpose: "invite" | "reset",
  token: string,
  actor: Actor,
): Promise<string> {
  const link = `${deps.config.publicUrl}/password/set/${token}`;
  const ttl = purpose === "invite" ? INVITE_TTL_MS : RESET_TTL_MS;
  const expiresAt = new Date(deps.clock.now().getTime() + ttl);
  const content = await renderSystemEmail(purpose === "invite" ? "invite" : "password-reset", {
    name: user.name,
    invitedBy: actor.label,
    link,
    expiresAt: expiresAt.toUTCString(),
  });
  try {
    await deps.mailer.send({ to: user.email, ...content, secretFor: user.id });
  } catch (error) {
    deps.logger.error({ err: error, userId: user.id }, "could not send the %s e-mail", purpose);
    throw new AppError(
      "unavailable",
      `The ${purpose === "invite" ? "invitation" : "reset"} e-mail could not be sent (${(error as Error).message}). Check the mail settings and try again.`,
    );
  }
  return link;
}
