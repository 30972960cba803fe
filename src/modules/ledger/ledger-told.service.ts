import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { parseInstant } from "../../lib/instants.js";
import { parseInput } from "../../lib/validation.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { suppressionsByAddress } from "../bounces/index.js";
import { emailProblemOf, postalAddressLines } from "../people/index.js";
import { currentPublishedVersion, loadReportSummary } from "../public-report/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import { listCampaignsOfIncident } from "./ledger.repository.js";
import { OTHER_CHANNELS, type TellQuery, TICK_SOMEONE, tellQuerySchema, toldOtherwiseSchema } from "./ledger.schemas.js";
import { ledgerEvents } from "./ledger-hooks.service.js";
import {
  countPeopleToTell,
  findUniqueKey,
  latestDeliveriesOf,
  listPeopleToTell,
  type TellFilter,
} from "./ledger-people.repository.js";
import { insertToldForFilter, linkToldToPublicReport, markDeliveriesTold, type ToldRecording } from "./ledger-told.repository.js";

/**
 * The people to tell another way, person by person: everyone of the incident that e-mail cannot
 * reach (no usable address, a suppressed one, a notice that failed, bounced or was not e-mailed)
 * and who is not told yet, each with the reason; and recording that they were told, the people
 * ticked or everyone a filter matches in one action. Instants are read and shown in the
 * incident's zone.
 */

/** People on one page of the list. */
export const TELL_PAGE_SIZE = 100;

/** A recording of many people may take a while on SQLite: more than Prisma's 5 s default. */
export const RECORDING_TX = { timeout: 120_000, maxWait: 10_000 };

/** The list's filter from a query string (or a form's hidden fields), refusing a bad value by name. */
export async function tellFilterOf(db: DbOrTx, incident: Incident, query: unknown) {
  const parsed = tellQuerySchema.safeParse(query ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("validation", `The filter ${String(issue?.path[0] ?? "")} ${issue?.message ?? "is not valid"}.`);
  }
  const q: TellQuery = parsed.data;
  const filter: TellFilter = {
    incidentId: incident.id,
    reason: q.reason,
    country: q.country,
    region: q.region,
    campaignId: q.campaign,
    q: q.q,
  };
  let afterKey: string | null = null;
  if (q.after) {
    afterKey = await findUniqueKey(db, incident.id, q.after);
    if (afterKey === null) throw new AppError("validation", "That page link is broken: go back to the first page of the list.");
  }
  return { filter, afterKey, query: q };
}

/**
 * A page of the people to tell another way with the filter's count, each person with their
 * latest notice and their address's suppression in the incident (the reason's facts).
 */
export async function loadPeopleToTell(deps: Deps, incident: Incident, query: unknown, pageSize = TELL_PAGE_SIZE) {
  const db = deps.db.prisma;
  const { filter, afterKey, query: q } = await tellFilterOf(db, incident, query);
  const [people, total, campaigns] = await Promise.all([
    listPeopleToTell(db, filter, afterKey, pageSize + 1),
    countPeopleToTell(db, filter),
    listCampaignsOfIncident(db, incident.id),
  ]);
  if (filter.campaignId && !campaigns.some((c) => c.id === filter.campaignId)) {
    throw new AppError("not_found", `${incident.reference} has no such campaign.`);
  }
  const page = people.slice(0, pageSize);
  const [latest, suppressions] = await Promise.all([
    latestDeliveriesOf(
      db,
      incident.id,
      page.map((p) => p.id),
    ),
    suppressionsByAddress(
      db,
      incident.id,
      page.map((p) => p.emailNormalized),
    ),
  ]);
  return {
    filter,
    query: q,
    total,
    campaigns,
    // People told by public statement are linked to the public report's version up when recorded.
    publicReport: await loadReportSummary(deps, incident.id),
    rows: page.map((person) => ({
      person,
      latest: latest.get(person.id) ?? null,
      suppression: person.emailNormalized ? (suppressions.get(person.emailNormalized) ?? null) : null,
      emailProblem: emailProblemOf(person),
      addressLines: postalAddressLines(person),
    })),
    nextAfter: people.length > pageSize ? page[page.length - 1]!.id : null,
    isFirstPage: afterKey === null,
  };
}

/**
 * The audit entry, the timeline's entry and the ledger's event of one recording, in its
 * transaction: what every way of recording people told another way ends with.
 */
export async function finishRecording(
  deps: Pick<Deps, "db" | "clock">,
  tx: DbOrTx,
  incident: Incident,
  actor: Actor,
  recording: ToldRecording & { recorded: number; deliveries: number; fileName?: string; lastToldAt: Date },
) {
  const channel = OTHER_CHANNELS[recording.channel] ?? recording.channel;
  // Told by public statement: the public report's version up now is the statement they were told by.
  const statement = await currentPublishedVersion(tx, incident.id);
  const linked = statement ? (await linkToldToPublicReport(tx, recording.recordingId, statement.id)).count : 0;
  await recordAudit(
    deps.db,
    tx,
    actor,
    {
      action: "person.told_another_way",
      entityType: "incident",
      entityId: incident.id,
      incidentId: incident.id,
      after: {
        recordingId: recording.recordingId,
        source: recording.source,
        ...(recording.fileName ? { fileName: recording.fileName } : {}),
        count: recording.recorded,
        deliveries: recording.deliveries,
        channel: recording.source === "csv" ? "per line" : channel,
        toldAt: recording.toldAt.toISOString(),
        toldZone: recording.toldZone,
        note: recording.note,
        ...(linked ? { publicReportVersion: statement?.version, publicReportUrl: statement?.url } : {}),
      },
    },
    deps.clock,
  );
  const who = `${recording.recorded.toLocaleString("en")} ${recording.recorded === 1 ? "person" : "people"}`;
  const how = recording.source === "csv" ? `from the file ${recording.fileName ?? ""}`.trim() : `by ${channel.toLowerCase()}`;
  await recordTimelineEvent(
    deps,
    tx,
    incident,
    {
      occurredAt: recording.lastToldAt,
      occurredZone: recording.toldZone,
      kind: "communication",
      description: `${who} recorded as told another way ${how}${recording.note ? `: ${recording.note}` : "."}`,
      source: "manual",
    },
    actor,
  );
  await ledgerEvents.emitSerial("ledger.people_told", { deps, tx, incident, recorded: recording.recorded, actor });
}

export interface ToldOutcome {
  recorded: number;
  /** Of the people ticked, those who no longer needed another channel (told meanwhile). */
  skipped: number;
  deliveries: number;
}

/**
 * Records that people were told another way: the people ticked, or everyone the filter matches
 * (refused when the list no longer has the count the manager saw). Only people still to tell
 * are recorded; the instant is read in the incident's zone and may not be in the future.
 * Audited (`person.told_another_way`), on the timeline, and announced to the wiring
 * (`ledger.people_told`), in one transaction.
 */
export async function recordPeopleTold(
  deps: Deps,
  incident: Incident,
  input: unknown,
  actor: Actor,
  source: "form" | "api" = "form",
): Promise<ToldOutcome> {
  const form = parseToldForm(input);
  const told = parseInstant(form.toldAt, incident.timeZone, "toldAt");
  const now = deps.clock.now();
  if (told.at.getTime() > now.getTime()) {
    throw new AppError("validation", "Some fields need correcting.", {
      toldAt: "That is in the future: enter when they were told.",
    });
  }
  const { filter: listed } = await tellFilterOf(deps.db.prisma, incident, pickFilter(input));
  const filter: TellFilter = form.scope === "all" ? listed : { incidentId: incident.id, personIds: form.personIds };
  return deps.db.prisma.$transaction(async (tx) => {
    if (form.scope === "all" && form.expected !== undefined) {
      const count = await countPeopleToTell(tx, filter);
      if (count !== form.expected) {
        throw new AppError(
          "conflict",
          `The list changed: ${count.toLocaleString("en")} ${count === 1 ? "person matches" : "people match"} the filter now, not ${form.expected.toLocaleString("en")}. Look at the list again before recording.`,
        );
      }
    }
    const recording: ToldRecording = {
      recordingId: newId(),
      channel: form.channel,
      toldAt: told.at,
      toldZone: told.zone,
      note: form.note,
      source,
      recordedById: actor.userId,
      recordedAt: now,
    };
    const recorded = await insertToldForFilter(deps.db, tx, filter, recording);
    if (recorded === 0) {
      throw new AppError(
        "conflict",
        form.scope === "all"
          ? "Nobody matches the filter any more: the list may have changed. Reload it."
          : "None of the people ticked still needs another channel: the list may have changed. Reload it.",
      );
    }
    const deliveries = await markDeliveriesTold(tx, deps.db, incident.id, recording.recordingId, now);
    await finishRecording(deps, tx, incident, actor, { ...recording, recorded, deliveries, lastToldAt: told.at });
    return { recorded, skipped: form.scope === "ticked" ? form.personIds.length - recorded : 0, deliveries };
  }, RECORDING_TX);
}

/**
 * The recording's form, with "tick someone" among the messages when other fields are wrong too
 * (zod runs the whole-form check only once every field is right).
 */
function parseToldForm(input: unknown) {
  try {
    return parseInput(toldOtherwiseSchema, input);
  } catch (error) {
    const body = (input ?? {}) as Record<string, unknown>;
    const ticked = ([] as unknown[]).concat(body.personIds ?? []);
    if (error instanceof AppError && (body.scope ?? "ticked") === "ticked" && ticked.length === 0) {
      error.fieldErrors.personIds ??= TICK_SOMEONE;
    }
    throw error;
  }
}

/** The list's filter fields of a form or body (the rest is the recording's). */
function pickFilter(input: unknown): Record<string, unknown> {
  const body = (input ?? {}) as Record<string, unknown>;
  const nested = body.filter && typeof body.filter === "object" ? (body.filter as Record<string, unknown>) : body;
  const { reason, country, region, campaign, q } = nested;
  return { reason, country, region, campaign, q };
}
