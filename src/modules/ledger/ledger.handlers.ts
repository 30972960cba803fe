import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { listZones } from "../../lib/instants.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { channelLabel, DELIVERY_STATUS_LABELS, exclusionLabel, OTHER_CHANNELS } from "./ledger.schemas.js";
import {
  ledgerCsv,
  loadLedgerIncident,
  loadLedgerPage,
  loadLedgerSummary,
  loadOtherChannelsPage,
  recordTold,
} from "./ledger.service.js";
import { lettersCsv } from "./ledger-letters.service.js";

const labels = { statusLabels: DELIVERY_STATUS_LABELS, channelLabel, exclusionLabel, otherChannels: OTHER_CHANNELS };

/** A file name safe in a Content-Disposition header. */
const fileNameOf = (text: string) => text.replace(/[^\w.-]+/g, "_");

/**
 * Streams CSV chunks as a download. The first chunk is read before any header is sent, so a
 * bad filter still gets its error page; later chunks wait for the client to drain.
 */
async function streamCsv(res: Response, chunks: AsyncGenerator<string>, fileName: string): Promise<void> {
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

  async function renderOtherChannels(
    req: Request,
    res: Response,
    form: { values?: Record<string, unknown>; fieldErrors?: Record<string, string> } = {},
  ) {
    const incident = await loadLedgerIncident(deps.db.prisma, ref(req));
    const page = await loadOtherChannelsPage(deps, incident, req.query);
    const viewer = currentUser(res)!;
    res.status(form.fieldErrors ? 400 : 200).render("ledger/other-channels", {
      title: `People to tell another way: ${incident.reference}`,
      incident,
      page,
      zones: listZones(),
      values: { toldAtZone: viewer.timeZone, ...form.values },
      fieldErrors: form.fieldErrors ?? {},
      viewerZone: viewer.timeZone,
      ...labels,
    });
  }

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

    /** The people to tell another way with their notice as text, for letters (CSV, streamed). */
    async lettersCsv(req: Request, res: Response) {
      const incident = await loadLedgerIncident(deps.db.prisma, ref(req));
      await streamCsv(res, lettersCsv(deps, incident), `${fileNameOf(incident.reference)}-letters.csv`);
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

    /** People whose notice could not be e-mailed, and the form to record how they were told. */
    async otherChannels(req: Request, res: Response) {
      await renderOtherChannels(req, res);
    },

    async recordTold(req: Request, res: Response) {
      const incident = await loadLedgerIncident(deps.db.prisma, ref(req));
      try {
        const count = await recordTold(deps, incident, req.body, actorOf(req, res));
        flash(req, "success", `${count} ${count === 1 ? "person is" : "people are"} recorded as told another way.`);
        res.redirect(303, `/incidents/${encodeURIComponent(incident.reference)}/ledger/other-channels`);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "validation") throw error;
        await renderOtherChannels(req, res, { values: req.body, fieldErrors: error.fieldErrors });
      }
    },
  };
}
