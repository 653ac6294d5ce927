/**
 * Counts work that outlives a state (closing sockets, aborted requests) so that `stop()` can wait
 * until every socket and timer is gone.
 */
export class Tracker {
  private pending = 0;
  private waiters: Array<() => void> = [];

  /** Track a promise until it settles; never rejects. */
  track(work: Promise<unknown>): void {
    this.pending += 1;
    const done = () => {
      this.pending -= 1;
      if (this.pending === 0) {
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w();
      }
    };
    work.then(done, done);
  }

  get size(): number {
    return this.pending;
  }

  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
