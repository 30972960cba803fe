import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { csvLine } from "../../lib/csv-cells.js";
import { loadNoticeRenderer, type NoticeRecipient, type NoticeRenderer, toNoticeRecipient } from "../notices/index.js";
import {
  findPeopleByIds,
  type LedgerCursor,
  type LedgerFilter,
  listCampaignsOfIncident,
  listLedgerPage,
} from "./ledger.repository.js";

/** Rows per query of the letters export: each row renders a whole notice. */
const LETTERS_BATCH = 500;

/** The renderer of each campaign's pinned versions, loaded once; null when it pinned none. */
async function campaignRenderers(deps: Deps, incident: Incident) {
  const renderers = new Map<string, NoticeRenderer | null>();
  for (const c of await listCampaignsOfIncident(deps.db.prisma, incident.id)) {
    let versionIds: Record<string, string> = {};
    try {
      versionIds = JSON.parse(c.versionIds) as Record<string, string>;
    } catch {
      versionIds = {};
    }
    renderers.set(
      c.id,
      Object.keys(versionIds).length ? await loadNoticeRenderer(deps.db.prisma, incident.id, versionIds) : null,
    );
  }
  return renderers;
}

/**
 * The people still to tell another way, one row each with their postal address and their
 * notice rendered as plain text (the version their campaign pinned for them), for a mail
 * merge of letters. A person deleted since keeps their row, without an address.
 */
export async function* lettersCsv(deps: Deps, incident: Incident): AsyncGenerator<string> {
  const renderers = await campaignRenderers(deps, incident);
  const names = new Map((await listCampaignsOfIncident(deps.db.prisma, incident.id)).map((c) => [c.id, c.name]));
  const filter: LedgerFilter = { incidentId: incident.id, status: "needs_other_channel" };
  yield `\uFEFF${csvLine(["delivery_id", "campaign", "name", "postal_address", "country", "region", "language", "why_not_email", "subject", "letter_text"])}`;
  let cursor: LedgerCursor | null = null;
  for (;;) {
    const rows = await listLedgerPage(deps.db, filter, cursor, LETTERS_BATCH);
    if (rows.length === 0) return;
    const people = new Map(
      (
        await findPeopleByIds(
          deps.db.prisma,
          rows.map((r) => r.personId),
        )
      ).map((p) => [p.id, p]),
    );
    yield rows
      .map((r) => {
        const person = people.get(r.personId);
        const recipient: NoticeRecipient = person
          ? toNoticeRecipient(person)
          : {
              personId: r.personId,
              givenName: r.fullName,
              familyName: "",
              email: r.email,
              externalId: null,
              language: r.language || null,
              country: r.country,
              region: r.region,
              categoryIds: null,
              attributes: {},
            };
        const renderer = renderers.get(r.campaignId) ?? null;
        const versionId = r.templateVersionId ?? renderer?.versionFor(recipient.language).id;
        const notice = renderer && versionId ? renderer.render(recipient, versionId) : null;
        const why = r.exclusionReason || r.smtpResponse || r.status;
        return csvLine([
          r.id,
          names.get(r.campaignId) ?? r.campaignId,
          r.fullName,
          person ? (person.postalAddress ?? "") : "(person deleted since)",
          r.country,
          r.region,
          r.language,
          why,
          notice?.subject ?? "",
          notice?.text ?? "(the campaign has no template version)",
        ]);
      })
      .join("");
    const last = rows[rows.length - 1]!;
    cursor = { queuedAt: last.queuedAt, id: last.id };
  }
}
