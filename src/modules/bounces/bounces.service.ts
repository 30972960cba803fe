import type { Deps } from "../../deps.js";
import { newId } from "../../lib/ids.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { type IncidentReader, listUnreadableIncidentIds } from "../incidents/index.js";
import {
  findDeliveryById,
  findDeliveryByMessageId,
  listRecentDeliveryEvents,
  listUnreviewedReports,
  type MatchedDelivery,
  markDeliveryBounced,
  rememberBouncedAddress,
} from "./bounces.repository.js";
import type { ParsedDsn } from "./dsn.policy.js";

/**
 * Bounce and complaint reports about notices already sent, from a mail service's webhook, an
 * uploaded DSN or a mailbox. Each report is kept as received (delivery_event), and counts only
 * when it names one of our deliveries: by the delivery id (webhook body) or by our Message-ID
 * (`<delivery.ID@domain>`, compared exactly). Never by address alone: anyone who can mail the
 * bounce mailbox could then silence a person by naming them. An unmatched report changes
 * nothing and waits for a person to review it. A hard bounce marks the delivery bounced (the
 * person then needs another channel) and suppresses the address in that delivery's incident
 * only; soft bounces, delays and complaints are recorded only (a breach notice is not
 * marketing: a complaint does not stop the next one).
 */

export const REPORT_KINDS = ["bounce_hard", "bounce_soft", "complaint", "delayed"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_SOURCES = ["webhook", "dsn_upload", "mailbox"] as const;
export type ReportSource = (typeof REPORT_SOURCES)[number];

export interface BounceReport {
  kind: ReportKind;
  email: string | null;
  messageId: string | null;
  deliveryId: string | null;
  /** The status code and the server's words, as reported. */
  detail: string;
}

export interface BounceOutcome {
  received: number;
  /** Reports matched to a delivery. */
  matched: number;
  /** Deliveries newly marked bounced. */
  bounced: number;
  /** Reports kept without a delivery (no delivery id or Message-ID of ours): they change nothing and wait for review. */
  unmatched: number;
}

async function matchDelivery(deps: Deps, report: BounceReport): Promise<MatchedDelivery | null> {
  const { prisma } = deps.db;
  if (report.deliveryId) {
    const found = await findDeliveryById(prisma, report.deliveryId);
    if (found) return found;
  }
  return report.messageId ? findDeliveryByMessageId(prisma, report.messageId) : null;
}

/**
 * Records a batch of reports in one transaction, with one audit entry per incident concerned
 * (its counts, not the addresses) and one for the unmatched ones. Matching reads happen first;
 * a report whose delivery changed meanwhile is still kept, and the bounce only applies to a
 * sent delivery.
 */
export async function recordBounceReports(
  deps: Deps,
  reports: BounceReport[],
  source: ReportSource,
  actor: Actor,
): Promise<BounceOutcome> {
  const matches: { report: BounceReport; delivery: MatchedDelivery | null }[] = [];
  for (const report of reports) matches.push({ report, delivery: await matchDelivery(deps, report) });
  const now = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
    const outcome: BounceOutcome = { received: reports.length, matched: 0, bounced: 0, unmatched: 0 };
    const byIncident = new Map<string, { reports: number; bounced: number; kinds: Record<string, number> }>();
    for (const { report, delivery } of matches) {
      await tx.deliveryEvent.create({
        data: {
          id: newId(),
          deliveryId: delivery?.id ?? null,
          incidentId: delivery?.incidentId ?? null,
          messageId: report.messageId?.trim().slice(0, 998) || null,
          kind: report.kind,
          source,
          email: report.email,
          detail: report.detail.slice(0, 2000),
          receivedAt: now,
        },
      });
      if (!delivery) {
        outcome.unmatched++;
        continue;
      }
      outcome.matched++;
      const counts = byIncident.get(delivery.incidentId) ?? { reports: 0, bounced: 0, kinds: {} };
      counts.reports++;
      counts.kinds[report.kind] = (counts.kinds[report.kind] ?? 0) + 1;
      if (report.kind === "bounce_hard") {
        if (await markDeliveryBounced(tx, delivery.id, report.detail, now)) {
          outcome.bounced++;
          counts.bounced++;
        }
        // The delivery's own address, never the report's: the report only proves which notice bounced.
        if (delivery.emailNormalized) {
          await rememberBouncedAddress(tx, {
            incidentId: delivery.incidentId,
            emailNormalized: delivery.emailNormalized,
            reason: report.detail.slice(0, 1000) || "hard bounce",
            deliveryId: delivery.id,
            createdAt: now,
          });
        }
      }
      byIncident.set(delivery.incidentId, counts);
    }
    for (const [incidentId, counts] of byIncident) {
      await recordAudit(
        deps.db,
        tx,
        actor,
        { action: "delivery.reports", entityType: "delivery_event", incidentId, after: { source, ...counts } },
        deps.clock,
      );
    }
    if (outcome.unmatched > 0) {
      await recordAudit(
        deps.db,
        tx,
        actor,
        {
          action: "delivery.reports_unmatched",
          entityType: "delivery_event",
          incidentId: null,
          after: { source, reports: outcome.unmatched },
        },
        deps.clock,
      );
    }
    return outcome;
  });
}

/** The bounce reports page: the unmatched reports to review first, then the reports received lately. */
export async function loadBounceReportsPage(deps: Deps, reader: IncidentReader) {
  const hidden = await listUnreadableIncidentIds(deps, reader);
  const [toReview, events] = await Promise.all([
    listUnreviewedReports(deps.db.prisma),
    listRecentDeliveryEvents(deps.db.prisma, 50, hidden),
  ]);
  return { toReview, events };
}

/** The reports a DSN makes: a permanent failure is a hard bounce, a delay or a 4.x.x failure soft. */
export function reportsFromDsn(dsn: ParsedDsn): BounceReport[] {
  return dsn.recipients
    .filter((r) => r.action === "failed" || r.action === "delayed")
    .map((r) => ({
      kind: r.isPermanent ? "bounce_hard" : r.action === "delayed" ? "delayed" : "bounce_soft",
      email: r.email,
      messageId: dsn.originalMessageId,
      deliveryId: null,
      detail: [r.status, r.diagnostic].filter(Boolean).join(" ") || r.action,
    }));
}
