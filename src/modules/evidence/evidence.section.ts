import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import type { Role } from "../users/index.js";
import { listEvidenceFiles, loadLinkChoices } from "./evidence.service.js";
import { listAcknowledgmentFiles } from "./evidence-acks.service.js";
import { describeLimit } from "./evidence-file.policy.js";

/**
 * "Evidence files" on the evidence page: the incident's files with their hash, size, uploader
 * and link (deleted ones with who deleted them and why), the regulators' acknowledgments kept
 * with the statements, and for managers the upload form. The partial reads one local, evidenceSection.
 */
export const evidenceFilesSection: IncidentSection = {
  id: "evidence-files",
  title: "Evidence files",
  view: "evidence/section",
  async load(deps, incident, viewer) {
    const [files, choices, acks] = await Promise.all([
      listEvidenceFiles(deps, incident, viewer.timeZone),
      loadLinkChoices(deps, incident, viewer.timeZone),
      listAcknowledgmentFiles(deps, incident),
    ]);
    return {
      evidenceSection: {
        incident,
        files,
        acks,
        choices,
        canUpload: isAllowed(viewer.role as Role, "manager"),
        canDelete: isAllowed(viewer.role as Role, "admin"),
        limit: describeLimit(deps.config.EVIDENCE_MAX_MIB),
      },
    };
  },
};
