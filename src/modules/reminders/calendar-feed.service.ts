import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { sha256 } from "../../lib/ids.js";
import { termsOf } from "../obligations/index.js";
import { writeCalendar } from "./ics-writer.policy.js";
import { hoursBeforeMs } from "./reminder.policy.js";
import { isCalendarTokenShape } from "./reminder-settings.service.js";
import { findDeadlinesOfUser, findUserByCalendarTokenHash } from "./reminders.repository.js";

const notFound = () => new AppError("not_found", "There is no such calendar.");

/**
 * The iCalendar text of the feed whose secret is `token`: one VEVENT per pending obligation
 * with a due instant of the open incidents the user owns (and, for managers and admins, of
 * those nobody owns), UID stable per obligation, DTSTART in UTC, and an alarm at the
 * reminder policy's "hours before". An unknown, revoked or malformed secret, or a user no
 * longer active, is "not_found" without saying which.
 */
export async function calendarFeedFor(deps: Deps, token: string): Promise<string> {
  if (!isCalendarTokenShape(token)) throw notFound();
  const user = await findUserByCalendarTokenHash(deps.db.prisma, sha256(token));
  if (!user || user.status !== "active") throw notFound();
  const deadlines = await findDeadlinesOfUser(deps.db.prisma, user);
  const host = new URL(deps.config.publicUrl).host;
  return writeCalendar({
    name: `Breachdesk deadlines (${user.name})`,
    events: deadlines.map((d) => {
      const rule = termsOf(d);
      const link = `${deps.config.publicUrl}/incidents/${encodeURIComponent(d.incident.reference)}`;
      const citation = rule.citations[0];
      return {
        uid: `obligation-${d.id}@${host}`,
        startAt: d.dueAt!,
        stampAt: d.updatedAt,
        summary: `${d.incident.reference}: ${rule.obligation} (${d.ruleId})`,
        description: [
          `Incident: ${d.incident.reference} ${d.incident.title}`,
          `Notify: ${rule.party}`,
          `Regime: ${rule.regime}`,
          citation ? `Basis: ${[citation.law, citation.section].filter(Boolean).join(", ")}` : "",
          link,
        ]
          .filter(Boolean)
          .join("\n"),
        url: link,
        alarm: { minutesBefore: hoursBeforeMs(null) / 60_000, description: `${d.incident.reference}: ${rule.obligation} is due` },
      };
    }),
  });
}
