// Test data for the reminder suites (integration, exactly-once, HTTP): the Linux Australia
// incident's OAIC assessment obligation, written straight with Prisma.
import type { Database } from "../../src/db/client.js";
import { newId } from "../../src/lib/ids.js";
import { findRule } from "../../src/modules/deadlines/rule-pack.policy.js";
import { deadlineOfObligation } from "../../src/modules/obligations/obligation-deadline.policy.js";
import { reminderFieldsOf } from "../../src/modules/reminders/reminder-schedule.policy.js";

/** 2016-03-24 10:00 in Sydney (AEDT, UTC+11). */
export const LINUX_AUSTRALIA_AWARE_AT = new Date("2016-03-23T23:00:00.000Z");

/**
 * Records an `aware_suspected_breach` clock event and a pending AU-NDB-assess obligation on
 * the incident, with dueAt and the next reminder computed from the copied terms as the
 * obligations module does.
 */
export async function addAssessmentObligation(db: Database, incidentId: string, awareAt = LINUX_AUSTRALIA_AWARE_AT) {
  const now = new Date("2016-03-24T00:00:00Z");
  await db.prisma.clockEvent.create({
    data: {
      id: newId(),
      incidentId,
      code: "aware_suspected_breach",
      at: awareAt,
      zone: "Australia/Sydney",
      recordedAt: now,
      recordedBy: "test",
    },
  });
  const terms = JSON.stringify(findRule("AU-NDB-assess"));
  const events = [{ code: "aware_suspected_breach", at: awareAt }];
  const deadline = deadlineOfObligation({ terms, zone: "Australia/Sydney" }, events);
  if (deadline.isWaiting || !deadline.dueAt) throw new Error("AU-NDB-assess should have a due instant");
  return db.prisma.obligation.create({
    data: {
      id: newId(),
      incidentId,
      ruleId: "AU-NDB-assess",
      terms,
      zone: "Australia/Sydney",
      dueAt: deadline.dueAt,
      ...reminderFieldsOf({ terms, status: "pending", dueAt: deadline.dueAt }, events, now),
      appliedAt: now,
      appliedBy: "test",
    },
  });
}
