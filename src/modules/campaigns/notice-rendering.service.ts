import type { DbOrTx } from "../../db/client.js";
import type { Prisma } from "../../generated/sqlite/client.js";
import {
  checkNoticeReadiness,
  latestVersionIds,
  loadNoticeRenderer,
  type NoticeRecipient,
  type RenderedNotice,
} from "../notices/index.js";
import type { Organisation } from "../organisation/index.js";
import type { NoticePersonColumns } from "./delivery-claim.sql.js";

/**
 * What campaigns need from the notices module (modules/notices/notice-render.service.ts), as a port:
 * the sender and the start take it as a dependency, so a test can count or break renders.
 */
/** The person and the notice are the notices module's own types: the port adds no copy of them. */
export type CampaignRecipient = NoticeRecipient;
export type CampaignNotice = RenderedNotice;

export interface CampaignRenderer {
  versionFor(language: string | null): { id: string; language: string };
  render(recipient: CampaignRecipient, versionId: string): CampaignNotice;
}

/** What the content and render checks found (modules/notices/notice-readiness.service.ts). */
export interface CampaignReadiness {
  isReady: boolean;
  contentGaps: { language: string; regimeCode: string; item: string }[];
  renderProblems: { checked: number; broken: number; problemCounts: { problem: string; count: number }[] };
}

export interface NoticeRendering {
  /** The latest version of each language of a template: pinned when a campaign starts. */
  latestVersionIds(db: DbOrTx, templateId: string): Promise<Record<string, string>>;
  /**
   * organisation: the {{organisation.*}} values a started campaign pinned; the incident's current ones when absent.
   * options.verifyUrl: the verification page, for {{verification.url}}.
   */
  loadNoticeRenderer(
    db: DbOrTx,
    incidentId: string,
    versionIds: Record<string, string>,
    organisation?: Organisation,
    options?: { verifyUrl?: string },
  ): Promise<CampaignRenderer>;
  /** The content check of the versions and the render check over the people `audienceWhere` selects. */
  checkNoticeReadiness(
    db: DbOrTx,
    options: {
      incidentId: string;
      versionIds: Record<string, string>;
      audienceWhere?: Prisma.PersonWhereInput;
      /** PUBLIC_URL when configured: the notice must then carry {{verification.code}} (decision 0019). */
      publicSite?: string;
    },
  ): Promise<CampaignReadiness>;
}

/** The notices module's renderer: what the app and the worker use. */
export const noticeRendering: NoticeRendering = { latestVersionIds, loadNoticeRenderer, checkNoticeReadiness };

/** The person columns a notice is rendered from, as the sender reads them (selectNoticePeople, delivery-claim.sql.ts). */
export type RecipientRow = NoticePersonColumns;

/** What the delivery copied at fan-out, for a person deleted since, and its own verification code. */
export interface DeliveredTo {
  personId: string;
  email: string | null;
  fullName: string;
  language: string;
  verificationCode?: string | null;
}

/**
 * The recipient of a delivery: the person as they are now, with the address the delivery
 * copied (the notice goes where the ledger says it went); a person deleted since is rendered
 * from the copied name, address and language, with all of the incident's categories.
 */
export function recipientOf(person: RecipientRow | undefined, delivery: DeliveredTo): CampaignRecipient {
  if (!person) {
    return {
      personId: delivery.personId,
      givenName: delivery.fullName,
      familyName: "",
      email: delivery.email,
      externalId: null,
      language: delivery.language || null,
      country: null,
      region: null,
      categoryIds: null,
      attributes: {},
      verificationCode: delivery.verificationCode ?? null,
    };
  }
  return {
    personId: person.id,
    givenName: person.givenName,
    familyName: person.familyName,
    email: delivery.email,
    externalId: person.externalId,
    language: person.language,
    country: person.country,
    region: person.region,
    categoryIds: readJson(person.categoryIds, (v): v is string[] => Array.isArray(v), null),
    attributes: readJson(person.attributes, (v): v is Record<string, string> => typeof v === "object" && v !== null, {}),
    verificationCode: delivery.verificationCode ?? null,
  };
}

function readJson<T>(text: string | null, isShape: (value: unknown) => value is T, fallback: T): T {
  if (text === null) return fallback;
  try {
    const value: unknown = JSON.parse(text);
    return isShape(value) ? value : fallback;
  } catch {
    return fallback;
  }
}
