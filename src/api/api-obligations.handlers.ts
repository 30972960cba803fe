import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { AppError } from "../lib/errors.js";
import { parseInput } from "../lib/validation.js";
import { TRIGGER_CODE_LIST } from "../modules/deadlines/index.js";
import { loadIncident } from "../modules/incidents/index.js";
import {
  applyObligations,
  changeObligationStatus,
  clockEventSchema,
  delayEventSchema,
  recordClockEvent,
  recordObligationDelay,
  removeObligation,
  statusSchema,
} from "../modules/obligations/index.js";
import { apiActor } from "./api-auth.js";
import { parseApiBody, renameFields } from "./api-input.js";
import { applyObligationBody, clockEventBody, obligationDelayBody, obligationStatusBody } from "./api-obligations.schemas.js";
import { loadApiObligation, loadApiObligations, obligationPath } from "./api-obligations.service.js";

/** The clock form's fields as the API names them; the code's message lists the codes, not "the list" of a form. */
function clockEventError(error: unknown): unknown {
  const renamed = renameFields(error, { atZone: "zone" });
  if (renamed instanceof AppError && renamed.fieldErrors.code) {
    return new AppError(renamed.code, renamed.message, {
      ...renamed.fieldErrors,
      code: `Use a trigger code, one of: ${TRIGGER_CODE_LIST.join(", ")}.`,
    });
  }
  return renamed;
}

/**
 * The obligation and clock endpoints of an incident: list and read obligations, apply and
 * remove a rule, record an outcome, list and record clock events. Each change goes through the
 * obligations module's service, so the API and the deadlines section check, recompute and
 * audit the same way.
 */
export function createApiObligationHandlers(deps: Deps) {
  const ref = (req: Request) => String(req.params.ref);
  const key = (req: Request) => String(req.params.rule);

  return {
    async list(req: Request, res: Response) {
      const { obligations } = await loadApiObligations(deps, ref(req));
      res.json({ obligations });
    },

    async show(req: Request, res: Response) {
      res.json((await loadApiObligation(deps, ref(req), key(req))).obligation);
    },

    async apply(req: Request, res: Response) {
      const body = parseApiBody(applyObligationBody, req.body);
      const input = { ruleIds: [body.rule], extraRuleId: "", browseRuleId: "" };
      const { incident, applied } = await applyObligations(deps, ref(req), input, apiActor(req, res)).catch((error: unknown) => {
        throw renameFields(error, { ruleIds: "rule" });
      });
      const ruleId = applied[0]?.ruleId ?? body.rule;
      const { obligation } = await loadApiObligation(deps, incident.reference, ruleId);
      res.status(201).location(obligationPath(incident.reference, ruleId)).json(obligation);
    },

    async remove(req: Request, res: Response) {
      const { incident, obligation } = await loadApiObligation(deps, ref(req), key(req));
      await removeObligation(deps, incident.reference, obligation.id, apiActor(req, res));
      res.status(204).end();
    },

    /** Records the outcome: met, not_required, late, or back to pending. */
    async setStatus(req: Request, res: Response) {
      const body = parseApiBody(obligationStatusBody, req.body);
      const { incident, obligation } = await loadApiObligation(deps, ref(req), key(req));
      const input = parseInput(statusSchema, {
        ...body,
        metAt: body.metAt ?? "",
        metAtZone: body.metZone ?? incident.timeZone,
      });
      await changeObligationStatus(deps, incident.reference, obligation.id, input, apiActor(req, res)).catch((error: unknown) => {
        throw renameFields(error, { metAtZone: "metZone" });
      });
      res.json((await loadApiObligation(deps, incident.reference, obligation.rule)).obligation);
    },

    /** Records a delay, determination, extension or lifting (201): the deadline is recomputed, capped by the law. */
    async recordDelay(req: Request, res: Response) {
      const body = parseApiBody(obligationDelayBody, req.body);
      const { incident, obligation } = await loadApiObligation(deps, ref(req), key(req));
      const input = parseInput(delayEventSchema, {
        ...body,
        form: body.form ?? "",
        until: body.until ?? "",
        atZone: body.zone ?? incident.timeZone,
      });
      await recordObligationDelay(deps, incident.reference, { obligationId: obligation.id }, input, apiActor(req, res)).catch(
        (error: unknown) => {
          throw renameFields(error, { atZone: "zone" });
        },
      );
      res.status(201).json((await loadApiObligation(deps, incident.reference, obligation.rule)).obligation);
    },

    async clockEvents(req: Request, res: Response) {
      const { clockEvents } = await loadApiObligations(deps, ref(req));
      res.json({ clockEvents });
    },

    /** Records (201) or moves (200) the incident's event of a code; the deadlines are recomputed. */
    async recordClockEvent(req: Request, res: Response) {
      const body = parseApiBody(clockEventBody, req.body);
      const incident = await loadIncident(deps.db.prisma, ref(req));
      const fields = { code: body.code, at: body.at, atZone: body.zone ?? incident.timeZone, note: body.note ?? "" };
      let isChange: boolean;
      try {
        const input = parseInput(clockEventSchema, fields);
        ({ isChange } = await recordClockEvent(deps, incident.reference, input, apiActor(req, res)));
      } catch (error) {
        throw clockEventError(error);
      }
      const { obligations, clockEvents } = await loadApiObligations(deps, incident.reference);
      const clockEvent = clockEvents.find((e) => e.code === body.code && e.source === "clock_event");
      res.status(isChange ? 200 : 201).json({ clockEvent, obligations });
    },
  };
}
