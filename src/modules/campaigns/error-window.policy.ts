/**
 * The latest `size` answers of a mail server for one campaign, as a ring: whether each was an
 * error (a 4xx or 5xx answer) or a success. Connection errors are not answers and are not
 * counted: a relay that is down pauses the sender, not the campaign.
 */
export class ErrorWindow {
  private readonly answers: boolean[] = [];
  private next = 0;
  private errors = 0;
  /** The latest error answer, for the reason the campaign paused. */
  lastError = "";

  constructor(readonly size: number) {}

  record(isError: boolean, answer = ""): void {
    if (this.answers.length < this.size) this.answers.push(isError);
    else {
      if (this.answers[this.next]) this.errors -= 1;
      this.answers[this.next] = isError;
      this.next = (this.next + 1) % this.size;
    }
    if (isError) {
      this.errors += 1;
      this.lastError = answer;
    }
  }

  /** True once the window is full and at least `share` of its answers were errors. */
  isOver(share: number): boolean {
    return this.answers.length === this.size && this.errors >= share * this.size;
  }

  /** e.g. "60 of the last 100 answers". */
  describe(): string {
    return `${this.errors} of the last ${this.answers.length} answers`;
  }
}
