/**
 * A whole-cloud outage for N seconds: every MQTT connection dropped, new ones refused, and the env
 * endpoint answering 503 with a cloud error body.
 */
import type { Clock, Logger } from '../../effects/ports.js';
import { sendCloudError } from '../http-util.js';
import type { Handler } from '../router.js';
import type { DevCloudBroker } from './types.js';

export interface OutageStatus {
  readonly active: boolean;
  /** Epoch ms when it ends (active only). */
  readonly untilMs?: number;
  readonly remainingSeconds?: number;
}

export class Outage {
  private until: number | null = null;
  private timer: unknown = null;
  constructor(private readonly broker: () => DevCloudBroker, private readonly clock: Clock, private readonly logger: Logger) {}

  active(): boolean {
    return this.until !== null;
  }

  status(): OutageStatus {
    if (this.until === null) return { active: false };
    return { active: true, untilMs: this.until, remainingSeconds: Math.max(0, Math.ceil((this.until - this.clock.now()) / 1000)) };
  }

  /** Starts (or extends / shortens) an outage lasting `seconds` from now; 0 ends it. */
  async start(seconds: number): Promise<OutageStatus> {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (seconds <= 0) {
      await this.end();
      return this.status();
    }
    this.until = this.clock.now() + seconds * 1000;
    this.timer = this.clock.setTimeout(() => void this.end().catch((error: unknown) => this.logger.error('dev cloud: ending the outage failed', { error: String(error) })), seconds * 1000);
    this.logger.info('dev cloud: outage started', { seconds });
    await this.broker().setRefusing(true);
    await this.broker().dropAll();
    return this.status();
  }

  async end(): Promise<void> {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.until === null) return;
    this.until = null;
    this.logger.info('dev cloud: outage over');
    await this.broker().setRefusing(false);
  }

  /** Stops the timer without touching the broker (the cloud is closing). */
  cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Wraps a handler (env) so it answers 503 during the outage. */
  guard(handler: Handler): Handler {
    return (ctx) => {
      // No errorRetryDelaySeconds: like a real outage, the agent does not learn when it ends.
      if (!this.active()) return handler(ctx);
      ctx.req.resume();
      sendCloudError(ctx.res, 503, {
        errorMsgKey: 'ErrServiceUnavailable',
        errorMessage: 'the cloud is in an outage',
      });
    };
  }
}
