// The use cases of evidence files: record an uploaded file, list an incident's files, open one
// for download, and delete one (an administrator, with a reason). The bytes live behind the
// storage port (evidence-storage.types.ts); the rows here are the record, which deleting keeps.
import type { Readable } from "node:stream";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { formatInZone } from "../../lib/instants.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import {
  type EvidenceFile,
  findEvidenceFile,
  insertEvidenceFile,
  listEvidenceFilesOf,
  listLinkTargets,
  markEvidenceFileDeleted,
} from "./evidence.repository.js";
import type { EvidenceDeleteInput, EvidenceUploadInput } from "./evidence.schemas.js";
import { evidenceStorageFor } from "./evidence-disk-storage.client.js";
import {
  describeSize,
  type LinkChoice,
  type LinkKind,
  linkHref,
  linkKindLabels,
  parseLinkValue,
  recordedFileName,
} from "./evidence-file.policy.js";
import type { EvidenceStorage, StoredObject } from "./evidence-storage.types.js";

/** The storage the app's configuration names. */
export function evidenceStorageOf(deps: Pick<Deps, "config">): EvidenceStorage {
  return evidenceStorageFor(deps.config);
}

/** A file streamed to storage by an upload reader, not yet recorded. */
export interface ReceivedEvidence {
  fileName: string;
  contentType: string;
  stored: StoredObject;
}

const shortText = (text: string, max = 70) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The records of the incident a file may be linked to, labelled in the reader's zone. */
export async function loadLinkChoices(deps: Deps, incident: Pick<Incident, "id">, zone: string): Promise<LinkChoice[]> {
  const t = await listLinkTargets(deps.db.prisma, incident.id);
  return [
    ...t.events.map((e) => ({
      kind: "event" as const,
      id: e.id,
      label: `${formatInZone(e.occurredAt, zone)}: ${shortText(e.description)}`,
    })),
    ...t.systems.map((s) => ({ kind: "system" as const, id: s.id, label: s.name })),
    ...t.decisions.map((d) => ({
      kind: "decision" as const,
      id: d.id,
      label: `${d.isNotifiable ? "Notifiable" : "Not notifiable"}, decided ${formatInZone(d.decidedAt, zone)}`,
    })),
    ...t.statements.map((s) => ({ kind: "statement" as const, id: s.id, label: `Statement for ${s.ruleId}` })),
    ...t.obligations.map((o) => ({ kind: "obligation" as const, id: o.id, label: o.ruleId })),
  ];
}

/** The link a form or API call chose, checked to be a record of this incident; null for the incident itself. */
function resolveLink(value: string, choices: LinkChoice[]): LinkChoice | null {
  if (!value) return null;
  const parsed = parseLinkValue(value);
  const found = parsed && choices.find((c) => c.kind === parsed.kind && c.id === parsed.id);
  if (!found) {
    throw new AppError("validation", "The record to link the file to is not one of this incident's.", {
      link: "Choose a record from the list, or the incident itself.",
    });
  }
  return found;
}

/**
 * Records a file the upload reader has put in storage: checks what it is linked to and the
 * file it replaces, then writes the row, its audit entry (evidence_file.upload) and a timeline
 * entry in one transaction. Whatever refuses or fails, the stored bytes are removed, so a
 * refused upload leaves nothing behind.
 */
export async function recordEvidenceFile(
  deps: Deps,
  reference: string,
  received: ReceivedEvidence,
  input: EvidenceUploadInput,
  actor: Actor,
): Promise<{ incident: Incident; file: EvidenceFile }> {
  try {
    const incident = await loadIncident(deps.db.prisma, reference);
    const link = resolveLink(input.link, await loadLinkChoices(deps, incident, incident.timeZone));
    const replaced = input.replaces ? await findEvidenceFile(deps.db.prisma, incident.id, input.replaces) : null;
    if (input.replaces && !replaced) {
      throw new AppError("validation", "The file this one replaces is not one of this incident's.", {
        replaces: "Choose a file of this incident, or none.",
      });
    }
    const now = deps.clock.now();
    const fileName = recordedFileName(received.fileName);
    const file = await deps.db.prisma.$transaction(async (tx) => {
      const row = await insertEvidenceFile(tx, {
        id: newId(),
        incidentId: incident.id,
        fileName,
        contentType: received.contentType.slice(0, 200) || "application/octet-stream",
        sizeBytes: BigInt(received.stored.size),
        sha256: received.stored.sha256,
        storageKey: received.stored.key,
        description: input.description,
        linkKind: link?.kind ?? "",
        linkId: link?.id ?? null,
        replacesId: replaced?.id ?? null,
        uploadedAt: now,
        uploadedById: actor.userId,
        uploadedBy: actor.label,
      });
      await recordAudit(
        deps.db,
        tx,
        actor,
        {
          action: "evidence_file.upload",
          entityType: "evidence_file",
          entityId: row.id,
          incidentId: incident.id,
          after: {
            incident: incident.reference,
            fileName,
            size: received.stored.size,
            sha256: received.stored.sha256,
            link: link ? { kind: link.kind, id: link.id, label: link.label } : null,
            replaces: replaced ? { id: replaced.id, fileName: replaced.fileName } : null,
          },
        },
        deps.clock,
      );
      const linked = link ? `, evidence of ${linkKindLabels[link.kind].toLowerCase()} "${shortText(link.label, 60)}"` : "";
      const version = replaced ? `, a new version of "${replaced.fileName}"` : "";
      await recordTimelineEvent(
        deps,
        tx,
        incident,
        {
          occurredAt: now,
          occurredZone: incident.timeZone,
          kind: "evidence",
          description: `Evidence file "${fileName}" added (${describeSize(received.stored.size)}, SHA-256 ${received.stored.sha256})${linked}${version}.`,
          source: "lifecycle",
        },
        actor,
      );
      return row;
    });
    return { incident, file };
  } catch (error) {
    await evidenceStorageOf(deps).delete(received.stored.key);
    throw error;
  }
}

/** An evidence file as the pages and the API show it. */
export interface EvidenceFileView {
  file: EvidenceFile;
  size: number;
  sizeText: string;
  link: { kind: LinkKind; label: string; kindLabel: string; href: string } | null;
  replaces: { id: string; fileName: string } | null;
  replacedBy: { id: string; fileName: string }[];
  isDeleted: boolean;
  /** removed by the retention purge (isDeleted too) */
  isPurged: boolean;
}

/** An incident's evidence files, newest first, each with its link named, and the files it replaces and that replace it. */
export async function listEvidenceFiles(deps: Deps, incident: Incident, zone: string): Promise<EvidenceFileView[]> {
  const [files, choices] = await Promise.all([
    listEvidenceFilesOf(deps.db.prisma, incident.id),
    loadLinkChoices(deps, incident, zone),
  ]);
  const byId = new Map(files.map((f) => [f.id, f]));
  return files.map((file) => {
    const kind = file.linkKind as LinkKind;
    const choice = file.linkId ? choices.find((c) => c.kind === kind && c.id === file.linkId) : undefined;
    const replaced = file.replacesId ? byId.get(file.replacesId) : undefined;
    return {
      file,
      size: Number(file.sizeBytes),
      sizeText: describeSize(Number(file.sizeBytes)),
      link:
        file.linkKind && file.linkId
          ? {
              kind,
              kindLabel: linkKindLabels[kind] ?? file.linkKind,
              label: choice?.label ?? "(no longer recorded)",
              href: linkHref(incident.reference, kind, file.linkId),
            }
          : null,
      replaces: replaced ? { id: replaced.id, fileName: replaced.fileName } : null,
      replacedBy: files.filter((f) => f.replacesId === file.id).map((f) => ({ id: f.id, fileName: f.fileName })),
      isDeleted: file.deletedAt !== null,
      isPurged: file.purgedAt !== null,
    };
  });
}

/** One evidence file of an incident; not found when it is not this incident's. */
export async function loadEvidenceFile(deps: Deps, reference: string, id: string) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const file = await findEvidenceFile(deps.db.prisma, incident.id, id);
  if (!file) throw new AppError("not_found", `${incident.reference} has no such evidence file.`);
  return { incident, file };
}

/** A file's bytes for download; a deleted file is not found, saying when, by whom and why. */
export async function openEvidenceFile(
  deps: Deps,
  reference: string,
  id: string,
): Promise<{ file: EvidenceFile; content: Readable }> {
  const { file } = await loadEvidenceFile(deps, reference, id);
  if (file.deletedAt) {
    const how = file.purgedAt ? "removed by the purge" : "deleted";
    throw new AppError(
      "not_found",
      `"${file.fileName}" was ${how} on ${file.deletedAt.toISOString()} by ${file.deletedBy}: ${file.deleteReason}. Its record and hash are kept.`,
    );
  }
  return { file, content: await evidenceStorageOf(deps).get(file.storageKey) };
}

/**
 * Deletes a file's bytes, keeping its record (name, hash, size, uploader) with who deleted it,
 * when and why: marked in one transaction with its audit entry (evidence_file.delete) and a
 * timeline entry, the bytes removed from storage once that has committed. Administrators only
 * (the route says so); a file deleted already is a conflict.
 */
export async function deleteEvidenceFile(
  deps: Deps,
  reference: string,
  id: string,
  input: EvidenceDeleteInput,
  actor: Actor,
): Promise<{ incident: Incident; file: EvidenceFile }> {
  const { incident, file } = await loadEvidenceFile(deps, reference, id);
  const refused = () =>
    new AppError("conflict", `"${file.fileName}" was deleted already, on ${file.deletedAt?.toISOString()} by ${file.deletedBy}.`);
  if (file.deletedAt) throw refused();
  const now = deps.clock.now();
  await deps.db.prisma.$transaction(async (tx) => {
    const changed = await markEvidenceFileDeleted(tx, file.id, {
      deletedAt: now,
      deletedById: actor.userId,
      deletedBy: actor.label,
      deleteReason: input.reason,
    });
    if (changed === 0) throw refused();
    const kept = { fileName: file.fileName, size: Number(file.sizeBytes), sha256: file.sha256, uploadedBy: file.uploadedBy };
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "evidence_file.delete",
        entityType: "evidence_file",
        entityId: file.id,
        incidentId: incident.id,
        before: { incident: incident.reference, ...kept, uploadedAt: file.uploadedAt.toISOString() },
        after: { incident: incident.reference, ...kept, reason: input.reason },
      },
      deps.clock,
    );
    await recordTimelineEvent(
      deps,
      tx,
      incident,
      {
        occurredAt: now,
        occurredZone: incident.timeZone,
        kind: "evidence",
        description: `Evidence file "${file.fileName}" (SHA-256 ${file.sha256}) deleted: ${input.reason}. Its record is kept.`,
        source: "lifecycle",
      },
      actor,
    );
  });
  await evidenceStorageOf(deps).delete(file.storageKey);
  return { incident, file: (await findEvidenceFile(deps.db.prisma, incident.id, file.id)) ?? file };
}

/** Removes a received file's bytes that will not be recorded (its fields were refused). */
export async function discardReceivedEvidence(deps: Pick<Deps, "config">, received: ReceivedEvidence): Promise<void> {
  await evidenceStorageOf(deps).delete(received.stored.key);
}
