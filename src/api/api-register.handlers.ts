import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { parseInput } from "../lib/validation.js";
import { listRegister, registerEntryJson, registerFilterSchema } from "../modules/register/index.js";
import { apiCallerOf } from "./api-auth.js";

/** The breach register as JSON, read as the token's owner. */
export function createApiRegisterHandlers(deps: Deps) {
  return {
    async list(req: Request, res: Response) {
      const filter = parseInput(registerFilterSchema, req.query);
      const { user } = apiCallerOf(res);
      const entries = await listRegister(deps, { userId: user.id, role: user.role }, filter);
      res.json({ incidents: entries.map(registerEntryJson) });
    },
  };
}
