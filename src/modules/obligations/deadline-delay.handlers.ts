import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { listZones } from "../../lib/instants.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { renderRefusal } from "../../web/forms.js";
import { DELAY_EVENT_KINDS, DELAY_KIND_LABELS } from "./deadline-delay.policy.js";
import { delayEventSchema } from "./deadline-delay.schemas.js";
import { loadDelayPage, recordObligationDelay } from "./deadline-delay.service.js";

/** The obligation's delays page: the law's delays and extensions recorded, and the form to record one. */
export function createDelayHandlers(deps: Deps) {
  async function pageLocals(req: Request, res: Response, values?: Record<string, unknown>) {
    const viewerZone = currentUser(res)?.timeZone ?? "UTC";
    const page = await loadDelayPage(deps, String(req.params.ref), String(req.params.obligationId), viewerZone);
    const { _csrf, ...sent } = (values ?? {}) as Record<string, unknown>;
    return {
      title: `Delays and extensions of ${page.rule.id} · ${page.incident.reference}`,
      ...page,
      kinds: DELAY_EVENT_KINDS.map((kind) => ({ kind, label: DELAY_KIND_LABELS[kind] })),
      zones: listZones(),
      values: values
        ? sent
        : {
            kind: "",
            form: "",
            at: "",
            atZone: page.incident.timeZone,
            until: "",
            agency: "",
            reference: "",
            evidenceUrl: "",
            note: "",
          },
    };
  }

  return {
    async show(req: Request, res: Response) {
      res.render("obligations/delays", { ...(await pageLocals(req, res)), fieldErrors: {} });
    },

    async record(req: Request, res: Response) {
      try {
        const input = parseInput(delayEventSchema, req.body);
        const key = { obligationId: String(req.params.obligationId) };
        const { incident, obligation, dueAtAfter } = await recordObligationDelay(
          deps,
          String(req.params.ref),
          key,
          input,
          actorOf(req, res),
        );
        const due = dueAtAfter ? "the deadline is recomputed" : "no due instant until the delay is lifted";
        flash(req, "success", `${obligation.ruleId}: ${DELAY_KIND_LABELS[input.kind]} recorded; ${due}.`);
        res.redirect(303, `/incidents/${incident.reference}/obligations/${obligation.id}/delays`);
      } catch (error) {
        await renderRefusal(res, "obligations/delays", error, () => pageLocals(req, res, req.body ?? {}));
      }
    },
  };
}
