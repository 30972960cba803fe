// Marking a statement's version submitted: when, how, the regulator's reference and an optional
// acknowledgment file. It closes the obligation the statement answers (closeByStatement, with the
// submitted version as evidence), in the same transaction. For Australia, the statement given to
// the Commissioner is prepared: its first submission records the statement_prepared clock event,
// which starts the individuals' clock (s 26WL(3)).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { formatInZone, parseInstant } from "../../lib/instants.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { closeByStatement, recordClockEvent } from "../obligations/index.js";
import { uploadDirectory } from "../people/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import { recordSubmission } from "./statements.repository.js";
import { channelLabels, type SubmitStatementInput } from "./statements.schemas.js";
import { loadStatement } from "./statements.service.js";

/** An acknowledgment file as uploaded. */
export interface AckFile {
  fileName: string;
  content: Buffer;
  /** More than the limit was sent. */
  isTooLarge?: boolean;
}

export const MAX_ACK_BYTES = 5 * 1024 * 1024;

/** A file name kept to safe characters, for the path on disk (the name as given is kept in the row). */
const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(-80) || "acknowledgment";

/**
 * Marks a version (the newest by default) submitted, audited (statement.submit), on the timeline,
 * and closes its obligation when still open to the work. A version already marked is refused.
 * Returns the statement as loadStatement gives it, and whether the obligation was met.
 */
export async function markStatementSubmitted(
  deps: Deps,
  reference: string,
  id: string,
  input: SubmitStatementInput,
  ack: AckFile | null,
  actor: Actor,
) {
  const { incident, statement, versions, rule } = await loadStatement(deps, reference, id);
  const version = input.version === undefined ? versions[0]! : versions.find((v) => v.version === input.version);
  if (!version)
    throw new AppError("validation", `The statement has no version ${input.version}.`, { version: "Choose a saved version." });
  if (version.submittedAt) {
    throw new AppError(
      "conflict",
      `Version ${version.version} was marked submitted on ${formatInZone(version.submittedAt, version.submittedZone || "UTC")}.`,
    );
  }
  const { at, zone } = parseInstant(input.submittedAt, input.submittedZone, "submittedAt");
  if (at.getTime() > deps.clock.now().getTime()) {
    throw new AppError("validation", "A submission cannot be in the future.", {
      submittedAt: "Enter when it was submitted: it cannot be later than now.",
    });
  }
  if (ack && (ack.isTooLarge || ack.content.length > MAX_ACK_BYTES)) {
    throw new AppError("validation", "The acknowledgment file is too large.", { ack: "Attach a file of at most 5 MB." });
  }
  const isFirst = !versions.some((v) => v.submittedAt);
  let ackFilePath = "";
  if (ack) {
    const dir = join(uploadDirectory(deps.db.url), "statements");
    await mkdir(dir, { recursive: true });
    ackFilePath = join("statements", `${statement.id}-v${version.version}-${safeName(ack.fileName)}`);
    await writeFile(join(uploadDirectory(deps.db.url), ackFilePath), ack.content);
  }
  const how = channelLabels[input.how];
  const isMet = await deps.db.prisma.$transaction(async (tx) => {
    await recordSubmission(tx, version.id, {
      submittedAt: at,
      submittedZone: zone,
      submittedHow: input.how,
      submittedReference: input.reference,
      submittedBy: actor.label,
      ackFileName: ack?.fileName ?? "",
      ackFilePath,
    });
    const met = await closeByStatement(
      deps,
      tx,
      incident,
      {
        id: statement.id,
        ruleId: rule.id,
        submittedAt: at,
        how: `${how}: version ${version.version} of the statement`,
        reference: input.reference,
      },
      actor,
    );
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "statement.submit",
        entityType: "regulator_statement",
        entityId: statement.id,
        incidentId: incident.id,
        after: {
          incident: reference,
          ruleId: rule.id,
          version: version.version,
          submittedAt: at.toISOString(),
          zone,
          how: input.how,
          reference: input.reference,
          ackFile: ack?.fileName ?? null,
          obligationMet: met,
        },
      },
      deps.clock,
    );
    const ref = input.reference ? `, reference ${input.reference}` : "";
    await recordTimelineEvent(
      deps,
      tx,
      incident,
      {
        occurredAt: at,
        occurredZone: zone,
        kind: "communication",
        description: `Statement to ${rule.party} (${rule.id}) version ${version.version} submitted (${how.toLowerCase()}${ref}).`,
        source: "lifecycle",
      },
      actor,
    );
    return met;
  });
  if (rule.id === "AU-NDB-oaic" && isFirst) await recordPrepared(deps, reference, at, zone, actor);
  return { ...(await loadStatement(deps, reference, id)), isMet };
}

/** Records that the s 26WK statement is prepared (the clock event statement_prepared), unless one is recorded already. */
async function recordPrepared(deps: Deps, reference: string, at: Date, zone: string, actor: Actor) {
  try {
    await recordClockEvent(
      deps,
      reference,
      {
        code: "statement_prepared",
        at: at.toISOString(),
        atZone: zone,
        note: "The s 26WK statement was given to the Commissioner (Breachdesk).",
      },
      actor,
    );
  } catch (error) {
    // The same instant recorded already (a second submission of the first version cannot happen; a person may have recorded it).
    if (!(error instanceof AppError && error.code === "validation")) throw error;
  }
}

/** The acknowledgment file kept with a submitted version: its name as uploaded and where it is. */
export async function loadAckFile(deps: Deps, reference: string, id: string, versionNumber: number) {
  const { versions } = await loadStatement(deps, reference, id);
  const version = versions.find((v) => v.version === versionNumber);
  if (!version?.ackFilePath) throw new AppError("not_found", `Version ${versionNumber} has no acknowledgment file.`);
  return { fileName: version.ackFileName, path: join(uploadDirectory(deps.db.url), version.ackFilePath) };
}
