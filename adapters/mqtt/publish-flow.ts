/**
 * Client-side flow control for QoS 1 publishes: at most `limit` unacknowledged at once (the server's
 * Receive Maximum; mqtt.js 5 enforces only its own inbound limit, not the server's), the rest wait
 * in order. Every submitted publish settles exactly once; `failAll` settles what is left.
 */
type Send = (topic: string, payload: Uint8Array, done: (error: unknown) => void) => void;

interface Job {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  settled: boolean;
}

export class PublishFlow {
  private readonly waiting: Job[] = [];
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
    return this.waiting.length;
  }

  submit(topic: string, payload: Uint8Array): Promise<void> {
    if (this.closedWith !== null) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      const job: Job = { topic, payload, resolve, reject, settled: false };
      this.open.add(job);
      this.waiting.push(job);
      this.pump();
    });
  }

  /** Settle everything still open with `error`; later submits reject with it too. */
  failAll(error: unknown): void {
    this.closedWith = error;
    this.waiting.length = 0;
    for (const job of [...this.open]) this.settle(job, error);
  }

  private pump(): void {
    while (this.closedWith === null && this.inflightCount < this.limit) {
      const job = this.waiting.shift();
      if (!job) return;
      this.inflightCount += 1;
      let done = false;
      this.send(job.topic, job.payload, (error) => {
        if (done) return;
        done = true;
        this.inflightCount -= 1;
        this.settle(job, error);
        this.pump();
      });
    }
  }

  private settle(job: Job, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    this.open.delete(job);
    if (error === null || error === undefined) job.resolve();
    else job.reject(error);
  }
}
