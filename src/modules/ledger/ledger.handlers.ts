import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { currentUser } from "../../web/access.js";
import { channelLabel, DELIVERY_STATUS_LABELS, exclusionLabel, OTHER_CHANNELS } from "./ledger.schemas.js";
import { ledgerCsv, loadLedgerIncident, loadLedgerPage, loadLedgerSummary } from "./ledger.service.js";

export const labels = { statusLabels: DELIVERY_STATUS_LABELS, channelLabel, exclusionLabel, otherChannels: OTHER_CHANNELS };

/** A file name safe in a Content-Disposition header. */
export const fileNameOf = (text: string) => text.replace(/[^\w.-]+/g, "_");

/**
 * Streams CSV chunks as a download. The first chunk is read before any header is sent, so a
 * bad filter still gets its error page; later chunks wait for the client to drain.
 */
export async function streamCsv(res: Response, chunks: AsyncGenerator<string>, fileName: string): Promise<void> {
  const first = await chunks.next();
  res.setHeader("content-type", "text/csv; charset=utf-8");
  res.setHeader("content-disposition", `attachment; filename="${fileName}"`);
  if (!first.done) res.write(first.value);
  for await (const chunk of chunks) {
    if (!res.write(chunk)) await new Promise<void>((resolve) => res.once("drain", resolve));
  }
  res.end();
}

export function createLedgerHandlers(deps: Deps) {
  const ref = (req: Request) => String(req.params.ref);

  return {
    /** The ledger: every notice of the incident (or of one campaign), person by person, filtered and paged. */
    async index(req: Request, res: Response) {
      const incident = await loadLedgerIncident(deps.db.prisma, ref(req));
      const page = await loadLedgerPage(deps, incident, req.query);
      const of = page.campaign ? ` of ${page.campaign.name}` : "";
      res.render("ledger/index", {
        title: `Notification ledger${of}: ${incident.reference}`,
        incident,
        page,
        query: req.query,
        viewerZone: currentUser(res)!.timeZone,
        ...labels,
      });
    },

    /** The filtered ledger as a CSV download, streamed. */
    async exportCsv(req: Request, res: Response) {
      const incident = await loadLedgerIncident(deps.db.prisma, ref(req));
      await streamCsv(res, ledgerCsv(deps, incident, req.query), `${fileNameOf(incident.reference)}-ledger.csv`);
    },

    /** The one-page summary for a regulator, for the incident or one campaign. */
    async summary(req: Request, res: Response) {
      const incident = await loadLedgerIncident(deps.db.prisma, ref(req));
      const campaignId = typeof req.query.campaign === "string" && req.query.campaign ? req.query.campaign : undefined;
      const summary = await loadLedgerSummary(deps, incident, campaignId);
      if (campaignId && !summary.campaign) throw new AppError("not_found", "There is no such campaign on this incident.");
      res.render("ledger/summary", {
        title: `Notification summary: ${incident.reference}`,
        incident,
        summary,
        viewerZone: currentUser(res)!.timeZone,
        ...labels,
      });
    },
  };
}
