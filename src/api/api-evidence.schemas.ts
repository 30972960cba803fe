// What the evidence file endpoints answer, as zod (v4) schemas for the OpenAPI document. The
// upload's multipart fields are read with the module's own schema (modules/evidence), so the API
// and the page refuse the same things with the same words.
import { z } from "zod/v4";
import { instant, maybeInstant, named } from "./api-responses.schemas.js";

export const evidenceFile = named(
  "EvidenceFile",
  "A file kept as evidence of an incident. Never changed: a new version is a new file whose replaces names the earlier one. A deleted file keeps its record (name, hash, size, who added it) with who deleted it, when and why; only its content is gone.",
  z.object({
    id: z.string(),
    fileName: z.string().meta({ description: "The name as uploaded" }),
    size: z.number().int().min(0).meta({ description: "In bytes, counted while it was stored" }),
    sha256: z.string().meta({ description: "SHA-256 of the content, hex, computed while it was stored" }),
    contentType: z.string().meta({ description: "As the uploader's client declared it; downloads are application/octet-stream" }),
    description: z.string(),
    link: z
      .object({
        kind: z.enum(["event", "system", "decision", "statement", "obligation"]),
        id: z.string(),
        label: z.string(),
      })
      .nullable()
      .meta({ description: "The record it is evidence of; null: the incident as a whole" }),
    replaces: z.string().nullable().meta({ description: "The id of the earlier file this one is a new version of" }),
    uploadedAt: instant,
    uploadedBy: z.string(),
    deletedAt: maybeInstant,
    deletedBy: z.string().nullable(),
    deleteReason: z.string().nullable(),
    purgedAt: maybeInstant.meta({ description: "When the retention purge removed its bytes (deletedAt too); null otherwise" }),
    download: z.string().nullable().meta({ description: "The API path of its content; null once deleted" }),
  }),
);

export const evidenceFileList = named(
  "EvidenceFileList",
  "An incident's evidence files, newest first, deleted ones included.",
  z.object({ files: z.array(evidenceFile) }),
);
