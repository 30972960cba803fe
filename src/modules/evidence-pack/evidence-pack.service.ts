import { createHash } from "node:crypto";
import type { Writable } from "node:stream";
import type { Deps } from "../../deps.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { evidenceStorageOf } from "../evidence/index.js";
import { type Incident, loadIncident } from "../incidents/index.js";
import { loadIncidentCoverage } from "../ledger/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import { ledgerCsvStream, toldCsvStream } from "./pack-csv.service.js";
import { renderIndexPage, renderPartPage } from "./pack-html.policy.js";
import { loadOrCreatePackKey, type PackSigningKey, signBytes } from "./pack-key.service.js";
import { MANIFEST_FORMAT, type PackManifest } from "./pack-manifest.policy.js";
import { evidencePathOf, type PackFacts, packParts } from "./pack-parts.policy.js";
import {
  countDeliveries,
  countToldAnotherWay,
  findAuditHead,
  listIncidentAuditEntries,
  readIncidentRecords,
} from "./pack-records.repository.js";
import { type PackZip, startPackZip } from "./pack-zip.service.js";

export interface PackOptions {
  /** Names and addresses of the people concerned (the ledger's and the people told another way); audited. */
  includePersonalData: boolean;
}

/** What a built pack was: recorded in its audit entry and answered to the caller. */
export interface PackOutcome {
  reference: string;
  manifestSha256: string;
  files: number;
  bytes: number;
  includesPersonalData: boolean;
  auditHead: { seq: number; hash: string } | null;
}

/** The pack's file name: breachdesk-BD-2016-0001-evidence-20261207T1200Z.zip. */
export function packFileName(reference: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 16).replace(/[-:]/g, "");
  return `breachdesk-${reference}-evidence-${stamp}Z.zip`;
}

async function readFacts(deps: Deps, incident: Incident, options: PackOptions): Promise<PackFacts> {
  const db = deps.db.prisma;
  // The head first: every entry the pack lists is at or before it.
  const head = await findAuditHead(db);
  const [records, deliveries, coverage, told, entries] = await Promise.all([
    readIncidentRecords(db, incident.id),
    countDeliveries(db, incident.id),
    loadIncidentCoverage(db, incident.id),
    countToldAnotherWay(db, incident.id),
    listIncidentAuditEntries(db, incident.id),
  ]);
  const audit = { head, entries: head ? entries.filter((e) => e.seq <= head.seq) : entries };
  return { incident, records, deliveries, coverage, told, audit, includesPersonalData: options.includePersonalData };
}

/** Adds the manifest of everything written so far and its signature; the manifest's SHA-256. */
function addSignedManifest(zip: PackZip, key: PackSigningKey, head: Omit<PackManifest, "files">): Promise<string> {
  return new Promise((resolve) => {
    let manifest: Buffer | null = null;
    zip.add(
      "manifest.json",
      () => {
        const body: PackManifest = { ...head, files: [...zip.listed()] };
        manifest = Buffer.from(`${JSON.stringify(body, null, 2)}\n`);
        resolve(createHash("sha256").update(manifest).digest("hex"));
        return manifest;
      },
      true,
    );
    zip.add("manifest.sig", () => `${signBytes(key, manifest!).toString("base64")}\n`, true);
  });
}

/**
 * Writes the incident's evidence pack to out as a zip while reading it (decision 0024): a JSON
 * and an HTML page per part, the ledger (and, with personal data, the people told another way)
 * as CSV a page at a time, each evidence file's bytes from storage, index.html, the public key,
 * then manifest.json (every file's SHA-256 and size, hashed on the way) and manifest.sig (its
 * Ed25519 signature). Once out has been given it all, the build is audited (evidence_pack.build:
 * who, with or without personal data, the manifest's hash) and on the timeline, and only then
 * is out ended. A failure midway destroys out and records nothing.
 */
export async function buildEvidencePack(
  deps: Deps,
  actor: Actor,
  reference: string,
  options: PackOptions,
  out: Writable,
): Promise<PackOutcome> {
  const incident = await loadIncident(deps.db.prisma, reference);
  const key = loadOrCreatePackKey(deps.config);
  const builtAt = deps.clock.now();
  const facts = await readFacts(deps, incident, options);
  const parts = packParts(facts);
  const zip = startPackZip(out, builtAt);
  for (const part of parts) {
    zip.add(`parts/${part.name}.json`, () => `${JSON.stringify(part.data, null, 2)}\n`);
    zip.add(`parts/${part.name}.html`, () => renderPartPage(incident.reference, part));
  }
  const files = [{ path: "ledger.csv", label: "every notice, one row each" }];
  const campaignNames = new Map(facts.records.campaigns.map((c) => [c.id, c.name]));
  zip.add("ledger.csv", () => ledgerCsvStream(deps.db, incident.id, options.includePersonalData, campaignNames));
  if (options.includePersonalData) {
    files.push({ path: "told-another-way.csv", label: "the people told another way, by name" });
    zip.add("told-another-way.csv", () => toldCsvStream(deps.db.prisma, incident.id));
  }
  const storage = evidenceStorageOf(deps);
  for (const file of facts.records.evidenceFiles.filter((f) => !f.deletedAt)) {
    const path = evidencePathOf(file.id, file.fileName);
    files.push({ path, label: `evidence file "${file.fileName}", SHA-256 at upload ${file.sha256}` });
    zip.add(path, () => storage.get(file.storageKey));
  }
  zip.add("public-key.pem", () => key.publicKeyPem);
  const builtBy = actor.label;
  zip.add("index.html", () =>
    renderIndexPage({
      reference: incident.reference,
      title: incident.title,
      builtAt: builtAt.toISOString(),
      builtBy,
      includesPersonalData: options.includePersonalData,
      fingerprint: key.fingerprint,
      parts,
      files,
    }),
  );
  const auditHead = facts.audit.head ? { seq: facts.audit.head.seq, hash: facts.audit.head.hash } : null;
  const manifestSha256 = addSignedManifest(zip, key, {
    format: MANIFEST_FORMAT,
    incident: { reference: incident.reference, id: incident.id },
    builtAt: builtAt.toISOString(),
    builtBy,
    includesPersonalData: options.includePersonalData,
    auditHead,
    publicKeyFingerprint: key.fingerprint,
  });
  try {
    const bytes = await zip.finish();
    const outcome: PackOutcome = {
      reference: incident.reference,
      manifestSha256: await manifestSha256,
      files: zip.listed().length,
      bytes,
      includesPersonalData: options.includePersonalData,
      auditHead,
    };
    await recordPackBuilt(deps, actor, incident, outcome);
    await zip.close();
    return outcome;
  } catch (error) {
    zip.abort(error as Error);
    throw error;
  }
}

/** The pack's audit entry and timeline entry, in one transaction. */
async function recordPackBuilt(deps: Deps, actor: Actor, incident: Incident, outcome: PackOutcome): Promise<void> {
  const personal = outcome.includesPersonalData ? "with personal data" : "without personal data";
  await deps.db.prisma.$transaction(async (tx) => {
    await recordTimelineEvent(
      deps,
      tx,
      incident,
      {
        occurredAt: deps.clock.now(),
        occurredZone: incident.timeZone,
        kind: "evidence",
        description: `Evidence pack built by ${actor.label}, ${personal}: ${outcome.files} files, manifest SHA-256 ${outcome.manifestSha256}.`,
        source: "lifecycle",
      },
      actor,
    );
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "evidence_pack.build",
        entityType: "incident",
        entityId: incident.id,
        incidentId: incident.id,
        after: { incident: incident.reference, ...outcome },
      },
      deps.clock,
    );
  });
}
