import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf } from "../../web/access.js";
import type { Actor } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { evidencePackFormSchema } from "./evidence-pack.schemas.js";
import { buildEvidencePack, type PackOptions, packFileName } from "./evidence-pack.service.js";
import { loadOrCreatePackKey } from "./pack-key.service.js";

/**
 * Builds an incident's evidence pack into the response as it is read (a zip, an attachment):
 * nothing is kept on the server (decision 0024). The incident is looked up first, so an unknown
 * one is a plain 404; a failure once the zip has started cuts the response off, which the
 * receiver sees as a broken download, and records nothing. The API answers it as
 * application/octet-stream, as its other files (the OpenAPI document's binary type).
 */
export async function sendEvidencePack(
  deps: Deps,
  res: Response,
  actor: Actor,
  reference: string,
  options: PackOptions,
  type: "application/zip" | "application/octet-stream" = "application/zip",
) {
  const incident = await loadIncident(deps.db.prisma, reference);
  res.attachment(packFileName(incident.reference, deps.clock.now()));
  res.type(type);
  res.setHeader("Cache-Control", "private, no-store");
  res.setHeader("X-Content-Type-Options", "nosniff");
  try {
    await buildEvidencePack(deps, actor, incident.reference, options, res);
  } catch (error) {
    if (!res.headersSent) throw error;
    deps.logger.error({ err: error, incident: incident.reference }, "evidence pack failed after it started");
    res.destroy(error as Error);
  }
}

/** The evidence page's "Build the evidence pack" and the administrators' page of the signing key. */
export function createEvidencePackHandlers(deps: Deps) {
  return {
    async build(req: Request, res: Response) {
      const input = parseInput(evidencePackFormSchema, req.body ?? {});
      const options = { includePersonalData: input.include_personal_data === "yes" };
      await sendEvidencePack(deps, res, actorOf(req, res), String(req.params.ref), options);
    },

    async signingKey(_req: Request, res: Response) {
      const key = loadOrCreatePackKey(deps.config);
      res.render("evidence-pack/key", { title: "Evidence pack signing key", key });
    },
  };
}
