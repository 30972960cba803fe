import type { Database } from "../../db/client.js";
import { ensureSharedBucket, takeSharedTokens } from "./shared-send-rate.sql.js";
import type { SendRateLimits } from "./token-bucket.policy.js";

/** What paces a worker's notices: its own bucket in memory (SQLite) or the deployment's in the database. */
export interface SendPacer {
  /** Resolves once a token is taken, sleeping as needed; rejects when the signal aborts. */
  take(sleep: (ms: number) => Promise<void>, signal?: AbortSignal): Promise<void>;
}

/**
 * The deployment's send rate (MAIL_RATE_PER_SECOND, MAIL_RATE_PER_HOUR) shared by its workers
 * through the database (shared-send-rate.sql.ts): a worker takes a few tokens at a time (a tenth
 * of a second's worth, at least one, at most `chunk`) and spends them on its next notices, so the
 * database sees a few takes a second however many notices go. Together the workers never send
 * more than the bucket grants: a second's burst, then the rate. Tokens a stopping worker still
 * holds are lost, never sent twice. One take at a time per worker; its concurrent sends wait on it.
 */
export class SharedSendRate implements SendPacer {
  private held = 0;
  private taking: Promise<number> | null = null;
  private isEnsured = false;
  private readonly want: number;

  constructor(
    private readonly db: Database,
    private readonly limits: SendRateLimits,
    chunk: number,
  ) {
    const perTenth = Math.ceil((limits.perSecond > 0 ? limits.perSecond : limits.perHour / 3600) / 10);
    this.want = Math.max(1, Math.min(chunk, perTenth));
  }

  async take(sleep: (ms: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      if (this.held > 0) {
        this.held -= 1;
        return;
      }
      this.taking ??= this.takeMore().finally(() => {
        this.taking = null;
      });
      const waitMs = await this.taking;
      if (this.held === 0 && waitMs > 0) await sleep(waitMs);
    }
  }

  /** One take from the database's bucket; resolves to the wait before the next when none was granted. */
  private async takeMore(): Promise<number> {
    if (!this.isEnsured) {
      await ensureSharedBucket(this.db, this.limits);
      this.isEnsured = true;
    }
    const grant = await takeSharedTokens(this.db, this.limits, this.want);
    this.held += grant.granted;
    return grant.waitMs;
  }
}
