import type { Database } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import type { Mailer } from "../../mail/mailer.js";
import type { SenderSettings } from "./campaign-settings.policy.js";
import { listCampaignsForSending } from "./campaigns.repository.js";
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  type DeliveryResultRow,
  extendDeliveryLeases,
  recordDeliveryResults,
  selectNoticePeople,
} from "./delivery-claim.sql.js";
import type { Outcome } from "./delivery-outcome.policy.js";
import { ErrorWindow } from "./error-window.policy.js";
import type { NoticeRendering } from "./notice-rendering.service.js";
import { type CampaignView, NoticeSending } from "./notice-sending.service.js";
import { transportPauseMs } from "./send-backoff.policy.js";

/**
 * Results are recorded every this many, so a crash leaves few sent messages unrecorded; each
 * recording is one statement (measured: about 3 ms for 25 on SQLite).
 */
const RECORD_EVERY = 50;
/** How often a batch re-reads its campaigns' statuses while sending (pause and cancel take effect within this). */
const STATUS_REFRESH_MS = 250;

export interface DeliverySenderOptions {
  db: Database;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  /** Recorded as claimed_by; unique per process. */
  workerId: string;
  rendering: NoticeRendering;
  settings: SenderSettings;
  /**
   * Work between claims: start due scheduled campaigns, complete drained ones. Resolves to
   * whether a campaign is still sending: when none is, nothing can be claimed and the claim is
   * skipped (its two statements, each taking SQLite's write lock, every poll of an idle worker).
   */
  maintain(now: Date): Promise<boolean>;
  /** Pauses a campaign whose errors crossed the threshold (and tells its managers); true when it did. */
  pauseForErrors(campaignId: string, reason: string): Promise<boolean>;
  /** Monotonic milliseconds and a sleep, for pacing only (tests may replace them). */
  readMs?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The worker's sender of campaign notices (docs/decisions/0005): claims due deliveries with a
 * lease, renders each notice, takes a token from the transport's bucket, sends it and records
 * the answer, a few at a time. Between claims and every STATUS_REFRESH_MS within a batch it
 * re-reads its campaigns' statuses: notices of a paused campaign are handed back untried, those
 * of a cancelled one are cancelled. A campaign whose error share crosses the threshold is
 * paused; a connection error stops the batch and the sender waits (growing) before claiming
 * again. Anything claimed and not recorded (a crash) is claimed again when its lease expires.
 */
export class DeliverySender {
  private readonly options: Required<DeliverySenderOptions>;
  private readonly notices: NoticeSending;
  private readonly windows = new Map<string, ErrorWindow>();
  private readonly halt = new AbortController();
  private connectionErrors = 0;
  private wasLastClaimFull = false;
  private lastMaintenanceMs = Number.NEGATIVE_INFINITY;
  /** When (the app's clock, as leases are) this worker last looked for another's expired leases. */
  private lastReclaimAt = Number.NEGATIVE_INFINITY;
  /** The last read of the batches' campaigns, shared by the batches in flight for STATUS_REFRESH_MS. */
  private campaignRead: { key: string; atMs: number; read: Promise<Map<string, CampaignView>> } | null = null;
  private isRunning = false;
  private timer: NodeJS.Timeout | undefined;
  /** The batches being sent: at most two, the tail of one while the next is claimed and started. */
  private readonly running = new Set<Promise<number>>();
  private renewal: NodeJS.Timeout | undefined;

  constructor(options: DeliverySenderOptions) {
    this.options = { readMs: () => performance.now(), sleep: defaultSleep, ...options };
    this.notices = new NoticeSending({ ...this.options, halt: this.halt.signal });
  }

  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.timer = setTimeout(() => void this.poll(), 0);
    // Like the job dispatcher: the lease of what is being sent is renewed every third of it.
    this.renewal = setInterval(() => void this.renewLeases(), Math.max(1000, Math.floor(this.options.settings.leaseMs / 3)));
    this.renewal.unref();
  }

  private async renewLeases(): Promise<void> {
    const { db, clock, settings, workerId, logger } = this.options;
    // Only the batches being sent hold leases: an idle worker has none to renew.
    if (this.running.size === 0) return;
    try {
      const now = clock.now();
      await extendDeliveryLeases(db, workerId, new Date(now.getTime() + settings.leaseMs), now);
    } catch (error) {
      logger.warn({ err: error }, "could not renew the lease of the notices being sent; will try again");
    }
  }

  /** Stops claiming, hands back what was claimed and not started, and waits for messages in flight to be recorded. */
  async stop(): Promise<void> {
    this.isRunning = false;
    clearTimeout(this.timer);
    this.halt.abort(new Error("the worker is stopping"));
    await Promise.all([...this.running]);
    clearInterval(this.renewal);
  }

  /**
   * One claim and its sending: resolves to how many deliveries were claimed (0 when none was
   * due) once each is recorded. `onStarted` hears that number as soon as every claimed notice has
   * started: the worker's loop claims the next batch then, so the pool does not idle through a
   * batch's tail and the next claim.
   */
  async runOnce(onStarted?: (claimed: number) => void): Promise<number> {
    const { db, clock, settings, workerId, readMs } = this.options;
    const now = clock.now();
    let isAnySending = true;
    if (!this.wasLastClaimFull || readMs() - this.lastMaintenanceMs >= settings.pollMs) {
      isAnySending = await this.options.maintain(now);
      this.lastMaintenanceMs = readMs();
    }
    // Another worker's expired leases are looked for every third of a lease (a crashed worker's
    // notices wait at most that much longer), not at every claim.
    const withReclaims = now.getTime() - this.lastReclaimAt >= settings.leaseMs / 3;
    if (isAnySending && withReclaims) this.lastReclaimAt = now.getTime();
    const claimed = isAnySending
      ? await claimDueDeliveries(db, { workerId, limit: settings.batchSize, leaseMs: settings.leaseMs, now, withReclaims })
      : [];
    this.wasLastClaimFull = claimed.length === settings.batchSize;
    if (claimed.length > 0) await this.sendBatch(claimed, () => onStarted?.(claimed.length));
    else onStarted?.(0);
    return claimed.length;
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    if (!this.isRunning) return;
    let claimed = 0;
    let settled: Promise<number> | undefined;
    try {
      claimed = await new Promise<number>((resolve, reject) => {
        const run = this.runOnce(resolve);
        const batch: Promise<number> = run
          .catch((error) => {
            // Logged here, whether it failed before the loop moved on to the next batch or after.
            this.options.logger.error({ err: error }, "sending a batch of campaign notices failed");
            return 0;
          })
          .finally(() => this.running.delete(batch));
        settled = batch;
        this.running.add(batch);
        run.then(resolve, reject);
      });
    } catch {
      // Logged above; the next poll comes after the poll interval.
    }
    // At most two batches at once: wait for the older one's tail before claiming a third.
    while (this.running.size > 1) await Promise.race([...this.running]);
    // Nothing more was due while an OLDER batch's tail was in flight: once it is recorded, look
    // again at once (its campaign may now be drained and complete) rather than after the poll
    // interval. This claim's own empty run is still in `running` here (its cleanup comes a few
    // microtasks after it resolved), so it must not count as a tail: it did, and an idle worker
    // claimed again at once, forever (issue 11: a core busy and ~1,000 queries a second).
    const tails = [...this.running].filter((batch) => batch !== settled);
    const isTailDone = claimed === 0 && tails.length > 0;
    if (isTailDone) await Promise.all(tails);
    if (!this.isRunning) return;
    const pause = transportPauseMs(this.connectionErrors);
    const next = pause > 0 ? pause : claimed > 0 || isTailDone ? 0 : this.options.settings.pollMs;
    this.timer = setTimeout(() => void this.poll(), next);
  }

  private async sendBatch(claimed: ClaimedDelivery[], onStarted: () => void): Promise<void> {
    const { db, readMs, clock, settings } = this.options;
    const campaignIds = [...new Set(claimed.map((d) => d.campaignId))];
    let campaigns = await this.readCampaigns(campaignIds);
    let readAtMs = readMs();
    const people = new Map((await selectNoticePeople(db, [...new Set(claimed.map((d) => d.personId))])).map((p) => [p.id, p]));
    const results: DeliveryResultRow[] = [];
    let recording = Promise.resolve();
    const record = () => {
      const rows = results.splice(0);
      if (rows.length) recording = recording.then(() => this.record(rows));
      return recording;
    };
    const queue = claimed.slice();
    let isHalted = false;
    const pausing: Promise<unknown>[] = [];

    let isStarted = false;
    const sendNext = async (): Promise<void> => {
      for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
        if (queue.length === 0 && !isStarted) {
          isStarted = true;
          onStarted();
        }
        if (readMs() - readAtMs >= STATUS_REFRESH_MS) {
          readAtMs = readMs();
          campaigns = await this.readCampaigns(campaignIds, campaigns);
        }
        const campaign = campaigns.get(delivery.campaignId);
        if (campaign?.status === "cancelled") results.push({ id: delivery.id, status: "cancelled", at: clock.now() });
        else if (!campaign || campaign.status !== "sending" || isHalted || this.halt.signal.aborted)
          results.push({ id: delivery.id, status: "released", at: clock.now() });
        else {
          const outcome = await this.notices.trySend(delivery, campaign, people.get(delivery.personId));
          results.push(outcome.result);
          if (outcome.kind === "connection_error") isHalted = true;
          const reason = this.observe(delivery.campaignId, outcome);
          if (reason) {
            campaigns.set(delivery.campaignId, { ...campaign, status: "paused" });
            pausing.push(this.options.pauseForErrors(delivery.campaignId, reason));
          }
        }
        if (results.length >= RECORD_EVERY) void record();
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, claimed.length) }, sendNext));
    await record();
    await Promise.all(pausing);
  }

  /** Counts an answer in the campaign's window; returns why to pause it when the window crosses the threshold. */
  private observe(campaignId: string, outcome: Outcome): string | null {
    if (outcome.kind === "connection_error") {
      this.connectionErrors += 1;
      return null;
    }
    if (outcome.kind === "refused") return null;
    this.connectionErrors = 0;
    const { errorWindow, pauseErrorShare } = this.options.settings;
    const window = this.windows.get(campaignId) ?? new ErrorWindow(errorWindow);
    this.windows.set(campaignId, window);
    const result = outcome.result;
    window.record(outcome.kind === "answer_error", "smtpResponse" in result ? result.smtpResponse : "");
    if (!window.isOver(pauseErrorShare)) return null;
    this.windows.delete(campaignId);
    return (
      `Paused automatically: ${window.describe()} from the mail server were errors; the latest: ${window.lastError}. ` +
      "Check the answers in the ledger, fix the cause with the mail server's operator, then resume."
    );
  }

  private async record(rows: DeliveryResultRow[]): Promise<void> {
    try {
      const changed = await recordDeliveryResults(this.options.db, this.options.workerId, rows);
      if (changed < rows.length)
        this.options.logger.warn(
          { unrecorded: rows.length - changed },
          "some results were not recorded: their claims had expired and another worker took them",
        );
    } catch (error) {
      this.options.logger.error(
        { err: error, unrecorded: rows.length },
        "could not record results; those notices are claimed again when their lease expires",
      );
    }
  }

  /** The batch's campaigns; a campaign no longer sending forgets its error window (a resume starts afresh). */
  private async readCampaigns(ids: string[], previous?: Map<string, CampaignView>): Promise<Map<string, CampaignView>> {
    try {
      // The two batches in flight share a read younger than STATUS_REFRESH_MS of the same campaigns.
      const key = [...ids].sort().join(",");
      const last = this.campaignRead;
      if (last && last.key === key && this.options.readMs() - last.atMs < STATUS_REFRESH_MS) return new Map(await last.read);
      const read = listCampaignsForSending(this.options.db.prisma, ids).then((rows) => {
        for (const row of rows) if (row.status !== "sending") this.windows.delete(row.id);
        return new Map(rows.map((r) => [r.id, r]));
      });
      this.campaignRead = { key, atMs: this.options.readMs(), read };
      read.catch(() => {
        if (this.campaignRead?.read === read) this.campaignRead = null;
      });
      return new Map(await read);
    } catch (error) {
      if (!previous) throw error;
      this.options.logger.warn({ err: error }, "could not re-read the campaigns' statuses; keeping the last ones read");
      return previous;
    }
  }
}
