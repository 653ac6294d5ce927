/**
 * Waiting for the microtask queue to drain without a turn of the event loop: a probe job is queued
 * and, when it runs, a promise hook tells whether any other job ran before it. If none did, nothing
 * was left to run (the simulation starts no real I/O, timer or `nextTick`).
 */
import { promiseHooks } from 'node:v8';

/** Promise reaction jobs run so far, counted while a clock is advancing. */
let jobs = 0;
const countJob = (): void => {
  jobs += 1;
};
/** Clocks advancing right now; the hook is installed once for all of them. */
let advancing = 0;
let stopHook: ReturnType<typeof promiseHooks.onBefore> | null = null;
export const startCounting = (): void => {
  advancing += 1;
  if (advancing === 1) stopHook = promiseHooks.onBefore(countJob);
};
export const stopCounting = (): void => {
  advancing -= 1;
  if (advancing === 0) {
    stopHook?.();
    stopHook = null;
  }
};

/** Resolves once the microtask queue is empty; only while counting (`startCounting`). */
export const quiesce = (): Promise<void> => new Promise((resolve) => {
  const probe = (): void => {
    const before = jobs;
    void Promise.resolve().then(() => (jobs === before + 1 ? resolve() : probe()));
  };
  probe();
});
