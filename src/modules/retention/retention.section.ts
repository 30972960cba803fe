import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import type { Role } from "../users/index.js";
import { countsOf } from "./purge.service.js";
import { loadRetentionRule } from "./retention-state.service.js";

/**
 * "Retention of affected people's data" on the evidence page: the purge date (or "held: reason",
 * kept while open, purged with its counts), and for managers the rule's form, the legal hold and
 * the way to the purge's confirmation once it is due. The partial reads one local, retention.
 */
export const retentionSection: IncidentSection = {
  id: "retention",
  title: "Retention of affected people's data",
  view: "retention/section",
  async load(deps, incident, viewer) {
    const rule = await loadRetentionRule(deps.db.prisma, deps.config, incident, deps.clock.now());
    return {
      retention: {
        incident,
        rule,
        counts: rule.run ? countsOf(rule.run) : null,
        canManage: isAllowed(viewer.role as Role, "manager"),
      },
    };
  },
};
