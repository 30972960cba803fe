import { pipeline } from "node:stream/promises";
import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { renderFormError } from "../../web/forms.js";
import { loadIncident } from "../incidents/index.js";
import { evidenceDeleteSchema, evidenceUploadSchema } from "./evidence.schemas.js";
import {
  deleteEvidenceFile,
  discardReceivedEvidence,
  listEvidenceFiles,
  loadEvidenceFile,
  loadLinkChoices,
  openEvidenceFile,
  recordEvidenceFile,
} from "./evidence.service.js";
import { describeLimit, EvidenceTooLargeError, linkKindLabels, safeFileName } from "./evidence-file.policy.js";
import { takeEvidenceUpload } from "./evidence-upload.middleware.js";

const filesPath = (reference: string) => `/incidents/${encodeURIComponent(reference)}/evidence`;

/**
 * Sends a kept file as a download: always an attachment of type application/octet-stream under
 * a safe name (whatever the uploader's name or type said), never sniffed, with its length and
 * SHA-256 (Repr-Digest, RFC 9530) so the receiver can check it. Used by the site and the API.
 */
export async function sendEvidenceFile(deps: Deps, req: Request, res: Response): Promise<void> {
  const { file, content } = await openEvidenceFile(deps, String(req.params.ref), String(req.params.id ?? req.params.fileId));
  res.attachment(safeFileName(file.fileName));
  res.type("application/octet-stream");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Content-Length", String(file.sizeBytes));
  res.setHeader("Repr-Digest", `sha-256=:${Buffer.from(file.sha256, "hex").toString("base64")}:`);
  res.setHeader("Cache-Control", "private, no-store");
  await pipeline(content, res);
}

/** The evidence pages: the upload form (and its refusals), the download, and an administrator's delete with its confirmation. */
export function createEvidenceHandlers(deps: Deps) {
  async function uploadLocals(req: Request, res: Response, values: Record<string, string>) {
    const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
    const zone = currentUser(res)?.timeZone ?? incident.timeZone;
    const [choices, files] = await Promise.all([loadLinkChoices(deps, incident, zone), listEvidenceFiles(deps, incident, zone)]);
    return {
      title: `Add an evidence file · ${incident.reference}`,
      incident,
      choices,
      linkKindLabels,
      files: files.filter((f) => !f.isDeleted),
      limit: describeLimit(deps.config.EVIDENCE_MAX_MIB),
      values,
      fieldErrors: {},
    };
  }

  return {
    /** The upload form on a page of its own (also where a new version of a file starts: ?replaces=). */
    async newForm(req: Request, res: Response) {
      const replaces = typeof req.query.replaces === "string" ? req.query.replaces : "";
      res.render("evidence/upload", await uploadLocals(req, res, { replaces, link: "", description: "" }));
    },

    async upload(req: Request, res: Response) {
      const upload = takeEvidenceUpload(req);
      const values = { description: "", link: "", replaces: "", ...((req.body ?? {}) as Record<string, string>) };
      try {
        if (upload?.isTooLarge) throw new EvidenceTooLargeError(deps.config.EVIDENCE_MAX_MIB);
        if (!upload?.received) throw new AppError("validation", "Choose a file to add.", { file: "Choose a file." });
        const received = upload.received;
        const input = await Promise.resolve()
          .then(() => parseInput(evidenceUploadSchema, req.body))
          .catch(async (error: unknown) => {
            await discardReceivedEvidence(deps, received);
            throw error;
          });
        const { incident, file } = await recordEvidenceFile(deps, String(req.params.ref), received, input, actorOf(req, res));
        flash(req, "success", `"${file.fileName}" is kept as evidence, SHA-256 ${file.sha256}.`);
        res.redirect(303, `/incidents/${encodeURIComponent(incident.reference)}#evidence-files`);
      } catch (error) {
        renderFormError(res, "evidence/upload", error, await uploadLocals(req, res, values));
      }
    },

    async download(req: Request, res: Response) {
      await sendEvidenceFile(deps, req, res);
    },

    async confirmDelete(req: Request, res: Response) {
      const { incident, file } = await loadEvidenceFile(deps, String(req.params.ref), String(req.params.id));
      if (file.deletedAt) throw new AppError("conflict", `"${file.fileName}" was deleted already, by ${file.deletedBy}.`);
      res.render("evidence/delete", { title: `Delete ${file.fileName}?`, incident, file, values: {}, fieldErrors: {} });
    },

    async remove(req: Request, res: Response) {
      const ref = String(req.params.ref);
      const id = String(req.params.id);
      try {
        const input = parseInput(evidenceDeleteSchema, req.body);
        const { incident, file } = await deleteEvidenceFile(deps, ref, id, input, actorOf(req, res));
        flash(req, "success", `The content of "${file.fileName}" is deleted; its record, hash and your reason are kept.`);
        res.redirect(303, `${filesPath(incident.reference)}#evidence-file-${file.id}`);
      } catch (error) {
        const { incident, file } = await loadEvidenceFile(deps, ref, id);
        renderFormError(res, "evidence/delete", error, {
          title: `Delete ${file.fileName}?`,
          incident,
          file,
          values: req.body ?? {},
        });
      }
    },
  };
}
