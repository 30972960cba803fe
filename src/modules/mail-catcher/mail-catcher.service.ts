import type { Deps } from "../../deps.js";
import type { User } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import {
  type CaughtMail,
  type CaughtMailPage,
  getCaughtMail,
  listCaughtMail,
  type SecretVisibility,
} from "../../mail/mail-catcher.repository.js";
import { listUnreadableIncidentIds } from "../incidents/index.js";
import { listAdministrators } from "../users/index.js";

/**
 * Which messages carrying a secret (a password reset, an invitation) a reader may see. Only
 * administrators see any, so they can pass an invitation on when no SMTP relay is set; and a
 * secret that opens an administrator's account is shown to no one but that administrator,
 * else any reader of it could become them. Roles are read now, not when the message was sent.
 */
export async function secretVisibilityFor(deps: Deps, reader: User): Promise<SecretVisibility> {
  if (reader.role !== "admin") return { kind: "none" };
  const others = (await listAdministrators(deps)).filter((admin) => admin.id !== reader.id);
  return { kind: "allExcept", userIds: others.map((a) => a.id), addresses: others.map((a) => a.email) };
}

/** One page of the caught messages this reader may see, newest first, and how many there are. */
export async function listMailFor(
  deps: Deps,
  reader: User,
  options: { limit: number; offset: number; search?: string | undefined },
): Promise<CaughtMailPage> {
  const [secrets, hiddenIncidentIds] = await Promise.all([
    secretVisibilityFor(deps, reader),
    listUnreadableIncidentIds(deps, reader),
  ]);
  return listCaughtMail(deps.db, { ...options, secrets, hiddenIncidentIds });
}

/** One caught message this reader may see; one they may not is reported as missing, like an unknown id. */
export async function findMailFor(deps: Deps, reader: User, id: string): Promise<CaughtMail> {
  const mail = await getCaughtMail(
    deps.db,
    id,
    await secretVisibilityFor(deps, reader),
    await listUnreadableIncidentIds(deps, reader),
  );
  if (!mail) throw new AppError("not_found", "No such message in the mail catcher.");
  return mail;
}
