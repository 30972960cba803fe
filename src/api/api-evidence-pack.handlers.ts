import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { evidencePackApiSchema, sendEvidencePack } from "../modules/evidence-pack/index.js";
import { apiActor } from "./api-auth.js";
import { evidencePackBody } from "./api-evidence-pack.schemas.js";
import { parseApiBody } from "./api-input.js";

/**
 * The evidence pack through the API: POST builds one from the JSON body's choice and GET from
 * the query's (?include_personal_data=true); both answer the zip itself, streamed as it is
 * built, and keep nothing on the server (decision 0024).
 */
export function createApiEvidencePackHandlers(deps: Deps) {
  return {
    async build(req: Request, res: Response) {
      const input = parseApiBody(evidencePackBody, req.body ?? {});
      await sendEvidencePack(
        deps,
        res,
        apiActor(req, res),
        String(req.params.ref),
        {
          includePersonalData: input.include_personal_data,
        },
        "application/octet-stream",
      );
    },

    async download(req: Request, res: Response) {
      const query = evidencePackApiSchema.safeParse(req.query);
      const input = parseApiBody(evidencePackBody, {
        include_personal_data: query.success ? query.data.include_personal_data : "?",
      });
      await sendEvidencePack(
        deps,
        res,
        apiActor(req, res),
        String(req.params.ref),
        {
          includePersonalData: input.include_personal_data,
        },
        "application/octet-stream",
      );
    },
  };
}
