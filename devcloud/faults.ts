/**
 * Injected faults: make an endpoint answer an error status (with a cloud error body), stall, answer
 * garbage JSON, reset the connection, or (challenge only) answer a challenge of the wrong length,
 * for its next N requests.
 */
import { z } from 'zod';
import type { Clock } from '../effects/ports.js';
import { sendCloudError, sendRaw } from './http-util.js';
import type { RequestContext } from './router.js';

export const faultEndpoints = ['env', 'challenge', 'password', 'claim'] as const;
export type FaultEndpoint = (typeof faultEndpoints)[number];

export const faultSpecSchema = z.object({
  endpoint: z.enum(faultEndpoints),
  mode: z.enum(['status', 'stall', 'garbage', 'bad-challenge-length', 'reset']).default('status'),
  /** HTTP status (mode `status`: default 500; mode `garbage`: default the endpoint's success status). */
  status: z.number().int().min(100).max(599).optional(),
  errorMsgKey: z.string().optional(),
  errorMessage: z.string().optional(),
  retryDelaySeconds: z.number().int().positive().optional(),
  nonRetryable: z.boolean().optional(),
  /** How many requests the fault applies to (default 1). */
  times: z.number().int().positive().default(1),
  /** Mode `stall`: answer normally after this delay; without it the request is never answered. */
  delayMs: z.number().int().nonnegative().optional(),
}).refine((f) => f.mode !== 'bad-challenge-length' || f.endpoint === 'challenge', {
  message: 'mode bad-challenge-length applies to the challenge endpoint only',
});
export type FaultSpec = z.input<typeof faultSpecSchema>;
export type Fault = z.output<typeof faultSpecSchema>;

export const SUCCESS_STATUS: Readonly<Record<FaultEndpoint, number>> = { env: 200, challenge: 200, password: 201, claim: 204 };

export class FaultRegistry {
  private faults: { fault: Fault; remaining: number }[] = [];

  add(spec: FaultSpec): Fault {
    const fault = faultSpecSchema.parse(spec);
    this.faults.push({ fault, remaining: fault.times });
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  list(): { fault: Fault; remaining: number }[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The first fault pending for `endpoint`, counted as used. */
  take(endpoint: FaultEndpoint): Fault | undefined {
    const entry = this.faults.find((f) => f.fault.endpoint === endpoint);
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.faults = this.faults.filter((f) => f !== entry);
    return entry.fault;
  }
}

/** Timers of delayed answers, cancelled when the server closes. */
export class Delays {
  private readonly pending = new Map<unknown, () => void>();
  constructor(private readonly clock: Clock) {}

  wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const id = this.clock.setTimeout(() => {
        this.pending.delete(id);
        resolve(true);
      }, ms);
      this.pending.set(id, () => resolve(false));
    });
  }

  cancelAll(): void {
    for (const [id, cancel] of this.pending) {
      this.clock.clearTimeout(id);
      cancel();
    }
    this.pending.clear();
  }
}

export type FaultyHandler = (ctx: RequestContext, fault: Fault | undefined) => Promise<void> | void;

/** Wraps an endpoint's handler so pending faults for it apply first. */
export function withFaults(endpoint: FaultEndpoint, faults: FaultRegistry, delays: Delays, handler: FaultyHandler) {
  return async (ctx: RequestContext): Promise<void> => {
    const fault = faults.take(endpoint);
    if (fault === undefined) return handler(ctx, undefined);
    switch (fault.mode) {
      case 'status':
        ctx.req.resume();
        sendCloudError(ctx.res, fault.status ?? 500, {
          errorMsgKey: fault.errorMsgKey ?? 'ErrInjectedFault',
          errorMessage: fault.errorMessage ?? `injected fault on ${endpoint}`,
          ...(fault.nonRetryable !== undefined ? { errorNonRetryable: fault.nonRetryable } : {}),
          ...(fault.retryDelaySeconds !== undefined ? { errorRetryDelaySeconds: fault.retryDelaySeconds } : {}),
        });
        return;
      case 'garbage':
        ctx.req.resume();
        sendRaw(ctx.res, fault.status ?? SUCCESS_STATUS[endpoint], '{"this is": not json', 'application/json');
        return;
      case 'reset':
        ctx.req.socket.destroy();
        return;
      case 'stall':
        // Never answered: the socket is destroyed when the server closes (or the client gives up).
        if (fault.delayMs === undefined) return;
        if (await delays.wait(fault.delayMs)) await handler(ctx, undefined);
        return;
      case 'bad-challenge-length':
        return handler(ctx, fault);
    }
  };
}
