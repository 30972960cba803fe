import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import {
  deleteSuppression,
  findDeliveryEvent,
  findSuppression,
  listSuppressions,
  markReportReviewed,
} from "./bounces.repository.js";
import { liftSuppressionSchema, reviewReportSchema } from "./bounces.schemas.js";

/**
 * What people do with the outcome of bounce reports: lift an incident's suppression of an
 * address (a hard bounce in that incident), and mark an unmatched report reviewed. Both are
 * audited; neither writes an address into the audit log (the delivery or report id names it).
 */

export interface Suppression {
  incidentId: string;
  emailNormalized: string;
  reason: string;
  deliveryId: string | null;
  createdAt: Date;
}

/** The suppressions of these addresses in an incident, by address (for a page of the ledger). */
export async function suppressionsByAddress(db: DbOrTx, incidentId: string, emails: (string | null)[]) {
  const wanted = [...new Set(emails.filter((e): e is string => !!e))];
  const rows: Suppression[] = await listSuppressions(db, incidentId, wanted);
  return new Map(rows.map((r) => [r.emailNormalized, r]));
}

/**
 * The suppression a delivery's address has in its incident, for the lift's confirmation: the
 * incident, the delivery (which names the person) and the suppression; not found when the
 * delivery is not the incident's, has no address, or its address is not suppressed there.
 */
export async function loadSuppressionOfDelivery(deps: Deps, reference: string, deliveryId: string) {
  const { prisma } = deps.db;
  const incident = await loadIncident(prisma, reference);
  const delivery = await prisma.delivery.findFirst({
    where: { id: deliveryId, incidentId: incident.id },
    select: { id: true, fullName: true, email: true, emailNormalized: true, status: true },
  });
  if (!delivery) throw new AppError("not_found", `${incident.reference} has no such notice.`);
  const suppression = delivery.emailNormalized ? await findSuppression(prisma, incident.id, delivery.emailNormalized) : null;
  if (!suppression) {
    throw new AppError(
      "not_found",
      `${delivery.email ?? "This person"} is not suppressed in ${incident.reference}: nothing to lift.`,
    );
  }
  return { incident, delivery, suppression };
}

/**
 * Lifts the suppression of a delivery's address in its incident, after the confirmation: the
 * incident's next campaign (and "retry the failed ones") includes the person again. Audited
 * with the suppression as it was.
 */
export async function liftSuppression(deps: Deps, reference: string, deliveryId: string, input: unknown, actor: Actor) {
  const form = parseInput(liftSuppressionSchema, input);
  const { incident, delivery, suppression } = await loadSuppressionOfDelivery(deps, reference, deliveryId);
  await deps.db.prisma.$transaction(async (tx) => {
    if (!(await deleteSuppression(tx, incident.id, suppression.emailNormalized))) {
      throw new AppError("conflict", "Someone lifted this suppression a moment ago: nothing more to do.");
    }
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "bounced_address.lift",
        entityType: "bounced_address",
        entityId: suppression.deliveryId ?? delivery.id,
        incidentId: incident.id,
        before: {
          suppressed: true,
          since: suppression.createdAt.toISOString(),
          reason: suppression.reason,
          bouncedDeliveryId: suppression.deliveryId,
        },
        after: { suppressed: false, liftedFrom: delivery.id, note: form.note },
      },
      deps.clock,
    );
  });
  return { incident, delivery };
}

/** Marks an unmatched report reviewed, with who and their note; audited. */
export async function reviewReport(deps: Deps, eventId: string, input: unknown, actor: Actor): Promise<void> {
  const form = parseInput(reviewReportSchema, input);
  const event = await findDeliveryEvent(deps.db.prisma, eventId);
  if (!event) throw new AppError("not_found", "There is no such report.");
  if (event.deliveryId) throw new AppError("conflict", "This report matched a notice: there is nothing to review.");
  const now = deps.clock.now();
  await deps.db.prisma.$transaction(async (tx) => {
    if (!(await markReportReviewed(tx, event.id, { reviewedAt: now, reviewedBy: actor.label, reviewNote: form.note }))) {
      throw new AppError("conflict", "Someone marked this report reviewed a moment ago.");
    }
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "delivery_event.review",
        entityType: "delivery_event",
        entityId: event.id,
        incidentId: null,
        before: { reviewedAt: null },
        after: { reviewedAt: now.toISOString(), note: form.note },
      },
      deps.clock,
    );
  });
}
