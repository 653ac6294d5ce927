/**
 * Waiting for the microtask queue to drain without a turn of the event loop. Node runs its `nextTick`
 * queue only once V8's microtask queue is empty, so a tick queued from a microtask runs after every
 * job queued before it and every job those queue in turn, however deep the promise chains go: no
 * promise hook and no probe per link of a chain. (The simulation starts no real I/O, timer or
 * `nextTick` of its own.)
 */

const resolved = Promise.resolve();

/**
 * Calls `then` once the microtask queue is empty. The hop through a microtask (a reaction to a settled
 * promise, cheaper than `queueMicrotask`) matters: a tick queued from a tick would run before the jobs
 * queued so far.
 */
export function whenQuiet(then: () => void): void {
  void resolved.then(() => process.nextTick(then));
}

/** `whenQuiet(then)` again and again, as a function made once (a loop makes no closure per wait). */
export function quietly(then: () => void): () => void {
  const tick = (): void => {
    process.nextTick(then);
  };
  return () => {
    void resolved.then(tick);
  };
}

/** Resolves once the microtask queue is empty. */
export const quiesce = (): Promise<void> => new Promise((resolve) => whenQuiet(resolve));
