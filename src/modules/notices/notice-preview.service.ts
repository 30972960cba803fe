/**
 * Seeing a notice before it is sent: any person's notice rendered exactly as the delivery
 * worker will render it, a test of it sent to the signed-in user, and the readiness check of
 * the template's latest versions over all the incident's people.
 */
import type { Deps } from "../../deps.js";
import type { User } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { classifySendError, INCIDENT_HEADER } from "../../mail/mailer.js";
import { type Actor, withAudit } from "../audit/index.js";
import { searchIncidentPeople } from "../people/index.js";
import { checkNoticeReadiness } from "./notice-readiness.service.js";
import type { NoticeRecipient } from "./notice-render.policy.js";
import { latestVersionIds, loadNoticeRenderer, toNoticeRecipient } from "./notice-render.service.js";
import { findFirstNoticePerson, findNoticePerson, findVersion, listVersionSummaries } from "./notices.repository.js";
import type { PreviewQuery } from "./notices.schemas.js";
import { requireTemplate } from "./notices.service.js";

/** Who a preview shows when the incident has no people yet. */
export const SAMPLE_RECIPIENT: NoticeRecipient = {
  personId: "sample",
  givenName: "Sam",
  familyName: "Sample",
  email: "sam.sample@example.org",
  externalId: "SAMPLE-0001",
  language: null,
  country: null,
  region: null,
  categoryIds: null,
  attributes: {},
};

const SEARCH_LIMIT = 20;

/** The code a preview and a test show where each notice will have its own (decision 0019); no notice has it. */
const PREVIEW_CODE = "XXXXXXXXXXXX";

/** A person's name for lists: their name, else their address, else their id. */
export function recipientLabel(r: Pick<NoticeRecipient, "givenName" | "familyName" | "email" | "externalId">): string {
  return `${r.givenName} ${r.familyName}`.trim() || r.email || r.externalId || "(no name)";
}

/**
 * The preview page: the versions to choose from, the people found by the search, and the
 * chosen person's notice (the first person when none is chosen, a sample person when the
 * incident has none) in the chosen version, or in the one their language picks among the
 * latest versions. notice is null while the template has no version.
 */
export async function loadPreview(deps: Deps, reference: string, templateId: string, query: PreviewQuery) {
  const db = deps.db.prisma;
  const { incident, template } = await requireTemplate(db, reference, templateId);
  const versions = await listVersionSummaries(db, template.id);
  const found = query.q ? await searchIncidentPeople(db, incident.id, query.q, SEARCH_LIMIT) : [];
  const people = found.map((p) => ({ id: p.id, label: recipientLabel(p), email: p.email, language: p.language }));

  let recipient = SAMPLE_RECIPIENT;
  if (query.person) {
    const row = await findNoticePerson(db, incident.id, query.person);
    if (!row) throw new AppError("not_found", `${incident.reference} has no such person.`);
    recipient = toNoticeRecipient(row);
  } else {
    const first = await findFirstNoticePerson(db, incident.id);
    if (first) recipient = toNoticeRecipient(first);
  }
  const base = { incident, template, versions, people, query, recipient, isSample: recipient === SAMPLE_RECIPIENT };
  if (versions.length === 0) return { ...base, chosen: null, isPinned: false, notice: null };

  let versionIds: Record<string, string>;
  if (query.version) {
    const pinned = await findVersion(db, template.id, query.version);
    if (!pinned) throw new AppError("not_found", `The notice "${template.name}" has no such version.`);
    versionIds = { [pinned.language]: pinned.id };
  } else {
    versionIds = await latestVersionIds(db, template.id);
  }
  const renderer = await loadNoticeRenderer(db, incident.id, versionIds, undefined, {
    verifyUrl: `${deps.config.publicUrl}/verify`,
  });
  const picked = renderer.versionFor(recipient.language);
  const chosen = versions.find((v) => v.id === picked.id)!;
  const notice = renderer.render({ ...recipient, verificationCode: PREVIEW_CODE }, picked.id);
  return { ...base, chosen, isPinned: Boolean(query.version), notice };
}

/**
 * Sends the previewed notice to the signed-in user's own address, its subject prefixed
 * [TEST], through the app's mailer (the SMTP relay, or the mail catcher), and audits that it
 * did. A refused or failed send is a message to show, naming the server's words.
 */
export async function sendTestNotice(
  deps: Deps,
  reference: string,
  templateId: string,
  query: PreviewQuery,
  user: User,
  actor: Actor,
) {
  const preview = await loadPreview(deps, reference, templateId, { version: query.version, person: query.person });
  if (!preview.notice || !preview.chosen) throw new AppError("conflict", "Save a version of this notice before sending a test.");
  const { notice, chosen, incident, template, recipient } = preview;
  try {
    await deps.mailer.send({
      to: user.email,
      subject: `[TEST] ${notice.subject}`,
      text: notice.text,
      html: notice.html,
      headers: { "X-Breachdesk-Test": "notice", [INCIDENT_HEADER]: incident.id },
    });
  } catch (error) {
    throw new AppError("unavailable", `The test was not sent: ${classifySendError(error).message}`);
  }
  await withAudit(deps.db, actor, deps.clock, async () => ({
    result: undefined,
    audit: {
      action: "notice_template_version.send_test",
      entityType: "notice_template_version",
      entityId: chosen.id,
      incidentId: incident.id,
      after: {
        incident: incident.reference,
        template: template.name,
        language: chosen.language,
        version: chosen.version,
        to: user.email,
        personId: preview.isSample ? null : recipient.personId,
      },
    },
  }));
  return { to: user.email, notice, chosen };
}

/** The readiness of the template's latest versions over every person of the incident. */
export async function loadReadiness(deps: Deps, reference: string, templateId: string) {
  const { incident, template } = await requireTemplate(deps.db.prisma, reference, templateId);
  const versionIds = await latestVersionIds(deps.db.prisma, template.id);
  const versions = await listVersionSummaries(deps.db.prisma, template.id);
  if (Object.keys(versionIds).length === 0) return { incident, template, versions, readiness: null };
  const readiness = await checkNoticeReadiness(deps.db.prisma, {
    incidentId: incident.id,
    versionIds,
    ...(deps.config.PUBLIC_URL ? { publicSite: deps.config.publicUrl } : {}),
  });
  return { incident, template, versions, readiness };
}
