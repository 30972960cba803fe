import type { Deps } from "../../deps.js";
import { newId } from "../../lib/ids.js";
import { formatInZone } from "../../lib/instants.js";
import { withAudit } from "../audit/index.js";
import type { User } from "../users/index.js";
import { countSignInClientsOfUser, findSignInClient, insertSignInClient } from "./account-sessions.repository.js";
import { tellUser } from "./account-sessions.service.js";
import { clientKeyOf, describeClient } from "./session-client.policy.js";

/**
 * Remembers the client a user has just signed in from and, when it is one not seen for them
 * before and NOTIFY_NEW_CLIENT_SIGN_IN is on, e-mails them (audited as sent). Their very first
 * client is only remembered: a new account, or the first sign-in after this was introduced,
 * is not news. Returns whether the client was new.
 */
export async function noteSignInClient(deps: Deps, user: User, userAgent: string | null, ip: string | null): Promise<boolean> {
  const db = deps.db.prisma;
  const clientKey = clientKeyOf(userAgent, ip);
  if (await findSignInClient(db, user.id, clientKey)) return false;
  const isFirst = (await countSignInClientsOfUser(db, user.id)) === 0;
  const now = deps.clock.now();
  try {
    await insertSignInClient(db, { id: newId(), userId: user.id, clientKey, firstSeenAt: now });
  } catch (error) {
    // Two first requests of the same new client at once: the other one remembered it.
    if ((error as { code?: string }).code === "P2002") return false;
    throw error;
  }
  if (isFirst || !deps.config.NOTIFY_NEW_CLIENT_SIGN_IN) return true;
  const client = describeClient(userAgent);
  const isMailed = await tellUser(deps, user, "emails/new-client-sign-in", "New sign-in to your Breachdesk account", {
    client,
    network: clientKey.slice(clientKey.lastIndexOf(" from ") + 6),
    ip: ip ?? "an unknown address",
    at: formatInZone(now, user.timeZone),
  });
  await withAudit(deps.db, { userId: user.id, label: user.email, ip }, deps.clock, async () => ({
    result: null,
    audit: { action: "auth.new_client", entityType: "user", entityId: user.id, after: { client, ip, isMailed } },
  }));
  return true;
}
