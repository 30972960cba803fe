import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { csvLine } from "../../lib/csv-cells.js";
import {
  latestVersionIds,
  loadNoticeRenderer,
  type NoticeRecipient,
  type NoticeRenderer,
  toNoticeRecipient,
} from "../notices/index.js";
import { emailProblemOf, postalAddressLines } from "../people/index.js";
import { findNewestTemplateId, findPeopleByIds, listCampaignsOfIncident } from "./ledger.repository.js";
import { latestDeliveriesOf, listPeopleToTell } from "./ledger-people.repository.js";
import { tellFilterOf } from "./ledger-told.service.js";

/** People per query of the letters export: each row renders a whole notice. */
const LETTERS_BATCH = 500;

function parseVersionIds(text: string): Record<string, string> {
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * The renderer of each campaign's pinned versions, loaded once, and of the incident's newest
 * notice (its latest versions) for people no campaign addressed; null where there is none.
 */
async function loadRenderers(deps: Deps, incident: Incident) {
  const db = deps.db.prisma;
  const byCampaign = new Map<string, NoticeRenderer | null>();
  for (const c of await listCampaignsOfIncident(db, incident.id)) {
    const versionIds = parseVersionIds(c.versionIds);
    byCampaign.set(c.id, Object.keys(versionIds).length ? await loadNoticeRenderer(db, incident.id, versionIds) : null);
  }
  const templateId = await findNewestTemplateId(db, incident.id);
  const latest = templateId ? await latestVersionIds(db, templateId) : {};
  const newest = Object.keys(latest).length ? await loadNoticeRenderer(db, incident.id, latest) : null;
  return { byCampaign, newest };
}

const REASON_CODES: Record<string, string> = { bounced: "bounced", failed: "failed", excluded: "not_emailed" };

/**
 * The people still to tell another way (the list's filter applies), one row each with their
 * postal address and their notice rendered as plain text: the version their latest campaign
 * pinned for them, or the incident's newest notice for someone no campaign addressed. The
 * empty told_at and note columns are there to fill in: the file can be uploaded back to record
 * the letters sent.
 */
export async function* lettersCsv(deps: Deps, incident: Incident, query: unknown = {}): AsyncGenerator<string> {
  const db = deps.db.prisma;
  const { filter } = await tellFilterOf(db, incident, { ...(query as object), after: undefined });
  const renderers = await loadRenderers(deps, incident);
  const names = new Map((await listCampaignsOfIncident(db, incident.id)).map((c) => [c.id, c.name]));
  yield `\uFEFF${csvLine([
    "person_id",
    "delivery_id",
    "campaign",
    "name",
    "postal_address",
    "country",
    "region",
    "language",
    "why_not_email",
    "subject",
    "letter_text",
    "told_at",
    "note",
  ])}`;
  let afterKey: string | null = null;
  for (;;) {
    const people = await listPeopleToTell(db, filter, afterKey, LETTERS_BATCH);
    if (people.length === 0) return;
    const ids = people.map((p) => p.id);
    const [latest, full] = await Promise.all([latestDeliveriesOf(db, incident.id, ids), findPeopleByIds(db, ids)]);
    const fullById = new Map(full.map((p) => [p.id, p]));
    yield people
      .map((p) => {
        const delivery = latest.get(p.id) ?? null;
        const person = fullById.get(p.id);
        const recipient: NoticeRecipient | null = person ? toNoticeRecipient(person) : null;
        const renderer = delivery ? (renderers.byCampaign.get(delivery.campaignId) ?? null) : renderers.newest;
        const versionId = delivery?.templateVersionId ?? (recipient ? renderer?.versionFor(recipient.language).id : undefined);
        const notice = renderer && recipient && versionId ? renderer.render(recipient, versionId) : null;
        const why = !p.emailNormalized
          ? (emailProblemOf(p)?.code ?? "no_email")
          : delivery
            ? (REASON_CODES[delivery.status] ?? delivery.status)
            : "suppressed";
        return csvLine([
          p.id,
          delivery?.id ?? "",
          delivery ? (names.get(delivery.campaignId) ?? delivery.campaignId) : "",
          `${p.givenName} ${p.familyName}`.trim(),
          postalAddressLines(p).join("\n"),
          p.country,
          p.region,
          recipient?.language ?? "",
          why,
          notice?.subject ?? "",
          notice?.text ?? "(no notice written yet)",
          "",
          "",
        ]);
      })
      .join("");
    afterKey = people[people.length - 1]!.uniqueKey;
  }
}
