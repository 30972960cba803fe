import type { NextFunction, Request, Response } from "express";
import type { Deps } from "../deps.js";
import { parseInput } from "../lib/validation.js";
import {
  discardReceivedEvidence,
  type EvidenceFileView,
  evidenceUploadSchema,
  listEvidenceFiles,
  readEvidenceUpload,
  recordEvidenceFile,
  sendEvidenceFile,
  tooLargeMessage,
} from "../modules/evidence/index.js";
import { loadIncident } from "../modules/incidents/index.js";
import { apiActor } from "./api-auth.js";
import { ApiError } from "./api-errors.js";

/** Refuses (415) an evidence upload that is not multipart/form-data, before anything reads it. */
export function requireMultipartBody(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is("multipart/form-data")) {
    next(new ApiError(415, "unsupported_media_type", "Send the file as multipart/form-data, in a part named file."));
  } else {
    next();
  }
}

const ONE_MIB = 1024 * 1024;

function fileJson(reference: string, view: EvidenceFileView) {
  const { file } = view;
  return {
    id: file.id,
    fileName: file.fileName,
    size: view.size,
    sha256: file.sha256,
    contentType: file.contentType,
    description: file.description,
    link: view.link && file.linkId ? { kind: view.link.kind, id: file.linkId, label: view.link.label } : null,
    replaces: file.replacesId,
    uploadedAt: file.uploadedAt.toISOString(),
    uploadedBy: file.uploadedBy,
    deletedAt: file.deletedAt?.toISOString() ?? null,
    deletedBy: file.deletedAt ? file.deletedBy : null,
    deleteReason: file.deletedAt ? file.deleteReason : null,
    purgedAt: file.purgedAt?.toISOString() ?? null,
    download: view.isDeleted ? null : `/api/v1/incidents/${encodeURIComponent(reference)}/evidence/${file.id}`,
  };
}

/** An incident's evidence files as JSON: upload (multipart, streamed to storage), list, download. */
export function createApiEvidenceHandlers(deps: Deps) {
  const maxBytes = () => deps.config.EVIDENCE_MAX_MIB * ONE_MIB;
  return {
    async list(req: Request, res: Response) {
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      const files = await listEvidenceFiles(deps, incident, "UTC");
      res.json({ files: files.map((f) => fileJson(incident.reference, f)) });
    },

    async upload(req: Request, res: Response) {
      const tooLarge = () => {
        res.setHeader("Connection", "close");
        return new ApiError(413, "payload_too_large", tooLargeMessage(deps.config.EVIDENCE_MAX_MIB));
      };
      // A body declared far larger than the limit (the fields take little) is refused unread.
      const declared = Number(req.get("content-length"));
      if (Number.isFinite(declared) && declared > maxBytes() + ONE_MIB) throw tooLarge();
      const upload = await readEvidenceUpload(deps, req).catch(() => {
        throw new ApiError(400, "bad_request", "The multipart body could not be read, or was cut off; send it again.");
      });
      if (upload.isTooLarge) throw tooLarge();
      if (!upload.received) {
        throw new ApiError(400, "validation", "Send the file in a multipart part named file, with a file name.");
      }
      const received = upload.received;
      let input: ReturnType<typeof evidenceUploadSchema.parse>;
      try {
        input = parseInput(evidenceUploadSchema, upload.fields);
      } catch (error) {
        await discardReceivedEvidence(deps, received);
        throw error;
      }
      const { incident, file } = await recordEvidenceFile(deps, String(req.params.ref), received, input, apiActor(req, res));
      const view = (await listEvidenceFiles(deps, incident, "UTC")).find((f) => f.file.id === file.id)!;
      res.status(201).json(fileJson(incident.reference, view));
    },

    async download(req: Request, res: Response) {
      await sendEvidenceFile(deps, req, res);
    },
  };
}
