import { DateTime } from "luxon";
import type { Database } from "../../db/client.js";
import { enqueueJob } from "../../jobs/index.js";
import { digestJobKey, digestSendJob } from "./digest-send.job.js";
import { findDigestUsers } from "./reminders.repository.js";

/**
 * A digest is still sent this many hours after its hour (after downtime), not later: a digest
 * arriving in the evening, or just after someone chose an earlier hour, would be noise.
 */
const DIGEST_LATE_HOURS = 6;

/**
 * Schedules today's digest of every active user whose chosen local hour has come (and is less
 * than DIGEST_LATE_HOURS ago), once per user and local day by its key. Returns how many were new.
 */
export async function sweepDigests(db: Database, now: Date): Promise<number> {
  let created = 0;
  for (const user of await findDigestUsers(db.prisma)) {
    if (user.digestHour === null) continue;
    const local = DateTime.fromJSDate(now, { zone: user.timeZone });
    const hoursSince = local.hour - user.digestHour;
    if (!local.isValid || hoursSince < 0 || hoursSince >= DIGEST_LATE_HOURS) continue;
    const localDate = local.toISODate() ?? "";
    const options = { key: digestJobKey(user.id, localDate), runAt: now, now };
    if (await enqueueJob(db, db.prisma, digestSendJob, { userId: user.id, localDate }, options)) created += 1;
  }
  return created;
}
