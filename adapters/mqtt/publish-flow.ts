/**
 * Client-side flow control for QoS 1 publishes: at most `limit` unacknowledged at once (the server's
 * Receive Maximum; mqtt.js 5 enforces only its own inbound limit, not the server's), the rest wait
 * in order. Every submitted publish settles exactly once; `failAll` settles what is left.
 * `push` takes a callback (the session's publish path: no promise of its own per message);
 * `submit` is the same as a promise.
 */
type Send = (topic: string, payload: Uint8Array, done: (error: unknown) => void) => void;

/** How a publish ends: `null` on PUBACK, else the error. Called exactly once. */
export type Settle = (error: unknown) => void;

interface Job {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly settle: Settle;
  settled: boolean;
}

export class PublishFlow {
  /** Waiting jobs in order; `head` is the next one (shifting a large array is O(n)). */
  private waiting: Job[] = [];
  private head = 0;
  private readonly open = new Set<Job>();
  private inflightCount = 0;
  private closedWith: unknown = null;

  constructor(private readonly send: Send, private limit = 65_535) {}

  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
    this.pump();
  }

  get inflight(): number {
    return this.inflightCount;
  }

  get queued(): number {
    return this.waiting.length - this.head;
  }

  /** Queue a publish; `settle` gets `null` on PUBACK or the error (asynchronously, never during `push`). */
  push(topic: string, payload: Uint8Array, settle: Settle): void {
    if (this.closedWith !== null) {
      const error = this.closedWith;
      queueMicrotask(() => settle(error));
      return;
    }
    const job: Job = { topic, payload, settle, settled: false };
    this.open.add(job);
    this.waiting.push(job);
    this.pump();
  }

  submit(topic: string, payload: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.push(topic, payload, (error) => {
        if (error === null || error === undefined) resolve();
        else reject(error);
      });
    });
  }

  /** Settle everything still open with `error`; later submits reject with it too. */
  failAll(error: unknown): void {
    this.closedWith = error;
    this.waiting = [];
    this.head = 0;
    for (const job of [...this.open]) this.finish(job, error);
  }

  private pump(): void {
    while (this.closedWith === null && this.inflightCount < this.limit && this.head < this.waiting.length) {
      const job = this.waiting[this.head] as Job;
      this.head += 1;
      if (this.head === this.waiting.length) {
        this.waiting.length = 0;
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      this.inflightCount += 1;
      let done = false;
      this.send(job.topic, job.payload, (error) => {
        if (done) return;
        done = true;
        this.inflightCount -= 1;
        this.finish(job, error);
        this.pump();
      });
    }
  }

  private finish(job: Job, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    this.open.delete(job);
    job.settle(error === undefined ? null : error);
  }
}
