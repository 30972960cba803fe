import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { parseInput } from "../../lib/validation.js";
import { currentUser } from "../../web/access.js";
import { incidentStatuses, statusLabels } from "../incidents/index.js";
import { formatShare } from "../ledger/index.js";
import { registerFilterSchema } from "./register.schemas.js";
import { listRegister, listRegisterYears } from "./register.service.js";
import type { RegisterReader } from "./register-access.policy.js";
import { registerCsv } from "./register-export.policy.js";
import { registerCount, registerInstant } from "./register-time.policy.js";

const readerOf = (res: Response): RegisterReader => {
  const user = currentUser(res);
  return { userId: user?.id ?? null, role: user?.role ?? "" };
};

/** The register's page (every incident, filtered by year and status) and its CSV. */
export function createRegisterHandlers(deps: Deps) {
  return {
    async page(req: Request, res: Response) {
      const years = await listRegisterYears(deps, readerOf(res));
      const parsed = registerFilterSchema.safeParse(req.query);
      const statuses = incidentStatuses.map((s) => ({ value: s, label: statusLabels[s] }));
      const asOf = registerInstant(deps.clock.now(), currentUser(res)?.timeZone ?? "UTC");
      const base = {
        title: "Breach register",
        years,
        statuses,
        formatShare,
        instant: registerInstant,
        count: registerCount,
        asOf,
      };
      if (!parsed.success) {
        const fieldErrors: Record<string, string> = {};
        for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
        res.status(400).render("register/index", { ...base, filter: {}, entries: [], fieldErrors });
        return;
      }
      const entries = await listRegister(deps, readerOf(res), parsed.data);
      res.render("register/index", { ...base, filter: parsed.data, entries, fieldErrors: {} });
    },

    async csv(req: Request, res: Response) {
      const filter = parseInput(registerFilterSchema, req.query);
      const entries = await listRegister(deps, readerOf(res), filter);
      const name = ["breach-register", filter.year, filter.status].filter(Boolean).join("-");
      res.setHeader("content-type", "text/csv; charset=utf-8");
      res.setHeader("content-disposition", `attachment; filename="${name}.csv"`);
      res.send(registerCsv(entries));
    },
  };
}
