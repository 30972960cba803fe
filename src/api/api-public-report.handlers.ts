import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { AppError } from "../lib/errors.js";
import { parseInput } from "../lib/validation.js";
import {
  draftSchema,
  loadReportState,
  loadReportVersion,
  publishReport,
  saveReportDraft,
  textKeys,
  unpublishReport,
} from "../modules/public-report/index.js";
import { apiActor } from "./api-auth.js";

type State = Awaited<ReturnType<typeof loadReportState>>;

const versionJson = (v: Pick<State["versions"][number], "version" | "publishedAt" | "publishedBy" | "url">) => ({
  version: v.version,
  publishedAt: v.publishedAt.toISOString(),
  publishedBy: v.publishedBy,
  url: v.url,
});

const reportJson = (s: State) => ({
  status: s.status,
  kind: s.draft.kind,
  draft: Object.fromEntries((["title", ...textKeys] as const).map((key) => [key, s.draft[key]])),
  version: s.report?.version ?? 0,
  url: s.url,
  versions: s.versions.map(versionJson),
});

/** An incident's public report as JSON: read, save the draft, publish, take down, the versions. */
export function createApiPublicReportHandlers(deps: Deps) {
  const ref = (req: Request) => String(req.params.ref);
  return {
    async show(req: Request, res: Response) {
      res.json(reportJson(await loadReportState(deps, ref(req))));
    },

    async save(req: Request, res: Response) {
      // A text left out keeps its saved value: a script may send the summary alone.
      const { draft } = await loadReportState(deps, ref(req));
      const body = req.body && typeof req.body === "object" ? (req.body as Record<string, unknown>) : {};
      const input = parseInput(draftSchema, { ...draft, ...body });
      await saveReportDraft(deps, ref(req), input, apiActor(req, res));
      res.json(reportJson(await loadReportState(deps, ref(req))));
    },

    async publish(req: Request, res: Response) {
      const published = await publishReport(deps, ref(req), apiActor(req, res));
      res.json({
        url: published.url,
        version: published.version.version,
        versionUrl: published.versionUrl,
        publishedAt: published.version.publishedAt.toISOString(),
      });
    },

    async unpublish(req: Request, res: Response) {
      await unpublishReport(deps, ref(req), apiActor(req, res));
      res.json(reportJson(await loadReportState(deps, ref(req))));
    },

    async versions(req: Request, res: Response) {
      res.json({ versions: (await loadReportState(deps, ref(req))).versions.map(versionJson) });
    },

    async version(req: Request, res: Response) {
      const number = Number(req.params.version);
      if (!Number.isInteger(number) || number < 1) throw new AppError("not_found", "There is no such version.");
      const v = await loadReportVersion(deps, ref(req), number);
      res.json({ ...versionJson(v), kind: v.kind, content: v.content });
    },
  };
}
