import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { parseInput } from "../lib/validation.js";
import {
  countsOf,
  legalHoldSchema,
  loadRetention,
  lookupAddress,
  lookupSchema,
  purgeNow,
  retentionRuleSchema,
  setLegalHold,
  setRetentionRule,
} from "../modules/retention/index.js";
import { apiActor } from "./api-auth.js";

/** The retention rule, the legal hold, the purge and the lookup, as JSON. */
export function createApiRetentionHandlers(deps: Deps) {
  async function ruleJson(reference: string) {
    const { incident, rule, counts } = await loadRetention(deps, reference);
    const s = rule.state;
    return {
      reference: incident.reference,
      daysAfterClose: rule.daysAfterClose,
      defaultDays: rule.defaultDays,
      days: rule.days,
      isHeld: rule.isHeld,
      holdReason: rule.holdReason,
      holdSetAt: rule.holdSetAt,
      evidenceFiles: rule.evidenceFiles,
      state: s.kind,
      purgeAt: s.kind === "scheduled" ? s.purgeAt : null,
      isDue: s.kind === "scheduled" && s.isDue,
      purgedAt: s.kind === "purged" ? s.at : null,
      counts,
    };
  }
  return {
    async show(req: Request, res: Response) {
      res.json(await ruleJson(String(req.params.ref)));
    },
    async setRule(req: Request, res: Response) {
      const input = parseInput(retentionRuleSchema, req.body);
      const incident = await setRetentionRule(deps, String(req.params.ref), input, apiActor(req, res));
      res.json(await ruleJson(incident.reference));
    },
    async setHold(req: Request, res: Response) {
      const input = parseInput(legalHoldSchema, req.body);
      const incident = await setLegalHold(deps, String(req.params.ref), input, apiActor(req, res));
      res.json(await ruleJson(incident.reference));
    },
    async purge(req: Request, res: Response) {
      const { incident, run } = await purgeNow(deps, String(req.params.ref), apiActor(req, res));
      res.json({ reference: incident.reference, finishedAt: run.finishedAt, batches: run.batchesDone, counts: countsOf(run) });
    },
    async lookup(req: Request, res: Response) {
      const { email } = parseInput(lookupSchema, req.body);
      res.json(await lookupAddress(deps, String(req.params.ref), email));
    },
  };
}
