import type { Database } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import { type MailAddress, type Mailer, type TextEncoding, textEncodingOf } from "../../mail/mailer.js";
import { noticeSenderOf, readPinnedOrganisation } from "../organisation/index.js";
import type { SenderSettings } from "./campaign-settings.policy.js";
import type { ClaimedDelivery } from "./delivery-claim.sql.js";
import { failedOutcome, type Outcome, sentOutcome } from "./delivery-outcome.policy.js";
import { type CampaignRenderer, type NoticeRendering, type RecipientRow, recipientOf } from "./notice-rendering.service.js";
import { type SendPacer, SharedSendRate } from "./shared-send-rate.service.js";
import { TokenBucket } from "./token-bucket.policy.js";

/** A campaign's loaded renderer is reused this long (its pinned versions never change). */
const RENDERER_TTL_MS = 60_000;

/** What the sender knows of a claimed delivery's campaign. */
export interface CampaignView {
  status: string;
  incidentId: string;
  versionIds: string;
  /** The organisation pinned at the start (JSON): the notices' From, Reply-To and {{organisation.*}} values. */
  organisation: string | null;
}

export interface NoticeSendingOptions {
  db: Database;
  mailer: Mailer;
  clock: Clock;
  rendering: NoticeRendering;
  settings: SenderSettings;
  /** Monotonic milliseconds and a sleep, for pacing. */
  readMs: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborted when the worker stops: a notice waiting for a token is handed back untried. */
  halt: AbortSignal;
}

/**
 * The send of one claimed notice, for the delivery sender (delivery-sender.service.ts): renders
 * it with its campaign's renderer (loaded once and shared by a batch's concurrent sends), takes
 * a token from the relay's bucket, sends it and says what the answer means. One per sender, so
 * its bucket paces every notice the worker sends: on PostgreSQL the deployment's bucket, shared
 * with the other workers through the database (shared-send-rate.service.ts); on SQLite, where one
 * worker runs, its own in memory.
 */
export class NoticeSending {
  private readonly bucket: SendPacer;
  private readonly renderers = new Map<string, { renderer: Promise<CampaignRenderer>; loadedAtMs: number }>();
  private readonly senders = new Map<string | null, { from?: MailAddress; replyTo?: string }>();
  /** The transfer encoding of each pinned version's notices, chosen from its first notice rendered. */
  private readonly encodings = new Map<string, TextEncoding>();

  constructor(private readonly options: NoticeSendingOptions) {
    const { rate, concurrency } = options.settings;
    const isLimited = rate.perSecond > 0 || rate.perHour > 0;
    // On PostgreSQL several workers share the relay: the rate is the deployment's, in the database.
    this.bucket =
      isLimited && options.db.kind === "postgresql" && options.settings.isRateShared !== false
        ? new SharedSendRate(options.db, rate, concurrency)
        : new TokenBucket(rate, options.readMs);
  }

  /** Renders, paces and sends one notice; never throws. */
  async trySend(delivery: ClaimedDelivery, campaign: CampaignView, person: RecipientRow | undefined): Promise<Outcome> {
    const { clock, mailer, settings } = this.options;
    let renderer: CampaignRenderer;
    try {
      renderer = await this.rendererFor(delivery.campaignId, campaign);
    } catch (error) {
      // The database or the template could not be read: a passing trouble, tried again later.
      const message = `Could not load the notice's template: ${error instanceof Error ? error.message : String(error)}`;
      return failedOutcome(delivery, new Error(message), clock.now(), settings.retryWindowMs);
    }
    let notice: { subject: string; html: string; text: string };
    try {
      if (!delivery.email || !delivery.templateVersionId) throw new Error("the delivery has no address or no template version");
      notice = renderer.render(recipientOf(person, delivery), delivery.templateVersionId);
    } catch (error) {
      const message = `Could not render the notice: ${error instanceof Error ? error.message : String(error)}`;
      return failedOutcome(
        delivery,
        Object.assign(new Error(message), { code: "EMESSAGE" }),
        clock.now(),
        settings.retryWindowMs,
      );
    }
    try {
      await this.bucket.take(this.options.sleep, this.options.halt);
    } catch {
      return { kind: "refused", result: { id: delivery.id, status: "released", at: clock.now() } };
    }
    try {
      // A campaign started before the organisation was pinned falls back to the mailer's sender.
      const sender = this.senderOf(campaign);
      const textEncoding = this.encodingOf(delivery.templateVersionId, notice);
      const sent = await mailer.send({ to: delivery.email, ...notice, messageId: delivery.messageId, textEncoding, ...sender });
      return sentOutcome(delivery, sent, clock.now());
    } catch (error) {
      return failedOutcome(delivery, error, clock.now(), settings.retryWindowMs);
    }
  }

  /**
   * The transfer encoding of a version's notices: chosen once, from the first of them rendered
   * (a notice differs from its version's text only by a few of the person's values), instead of
   * by the mail library for every part of every notice (decision 0037).
   */
  private encodingOf(versionId: string, notice: { text: string; html: string }): TextEncoding {
    const known = this.encodings.get(versionId);
    if (known) return known;
    const chosen = textEncodingOf(notice.text + notice.html);
    if (this.encodings.size > 1000) this.encodings.clear();
    this.encodings.set(versionId, chosen);
    return chosen;
  }

  /**
   * The From and Reply-To of the campaign's pinned organisation; none (the mailer's) when it
   * pinned none. Read once per pinned text (it never changes once started), not once a notice.
   */
  private senderOf(campaign: CampaignView): { from?: MailAddress; replyTo?: string } {
    const cached = this.senders.get(campaign.organisation);
    if (cached) return cached;
    const sender = this.readSender(campaign);
    if (this.senders.size > 100) this.senders.clear();
    this.senders.set(campaign.organisation, sender);
    return sender;
  }

  private readSender(campaign: CampaignView): { from?: MailAddress; replyTo?: string } {
    const organisation = readPinnedOrganisation(campaign.organisation);
    const sender = organisation ? noticeSenderOf(organisation) : null;
    if (!sender) return {};
    return { from: sender.from, ...(sender.replyTo ? { replyTo: sender.replyTo } : {}) };
  }

  /** The campaign's renderer, loaded once per RENDERER_TTL_MS and shared by the batch's concurrent sends; a failed load is not kept. */
  private rendererFor(campaignId: string, campaign: CampaignView): Promise<CampaignRenderer> {
    const { readMs, rendering, db } = this.options;
    const cached = this.renderers.get(campaignId);
    if (cached && readMs() - cached.loadedAtMs < RENDERER_TTL_MS) return cached.renderer;
    const organisation = readPinnedOrganisation(campaign.organisation) ?? undefined;
    const verifyUrl = this.options.settings.verifyUrl;
    const renderer = rendering.loadNoticeRenderer(db.prisma, campaign.incidentId, JSON.parse(campaign.versionIds), organisation, {
      ...(verifyUrl ? { verifyUrl } : {}),
    });
    this.renderers.set(campaignId, { renderer, loadedAtMs: readMs() });
    renderer.catch(() => this.renderers.delete(campaignId));
    return renderer;
  }
}
