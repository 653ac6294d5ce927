/**
 * Keepalive on the injected clock (PROTOCOL.md section 4): after `idleMs` without sending anything,
 * send PINGREQ; no PINGRESP within `timeoutMs` means the connection is dead. mqtt.js's own keepalive
 * timer is switched off (it pings only after the full keepalive and gives up at 1.5 x keepalive).
 */
import type { Clock } from '../../effects/ports.js';

export class PingWatchdog {
  private idleTimer: unknown = null;
  private pongTimer: unknown = null;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly idleMs: number,
    private readonly timeoutMs: number,
    private readonly sendPing: () => void,
    private readonly onTimeout: () => void,
  ) {}

  get awaitingPong(): boolean {
    return this.pongTimer !== null;
  }

  start(): void {
    this.running = true;
    this.armIdle();
  }

  /** Something (other than PINGREQ) was sent: the idle period starts again. */
  packetSent(): void {
    if (this.running && this.pongTimer === null) this.armIdle();
  }

  pongReceived(): void {
    if (this.pongTimer === null) return;
    this.clock.clearTimeout(this.pongTimer);
    this.pongTimer = null;
    if (this.running) this.armIdle();
  }

  stop(): void {
    this.running = false;
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    if (this.pongTimer !== null) this.clock.clearTimeout(this.pongTimer);
    this.idleTimer = null;
    this.pongTimer = null;
  }

  private armIdle(): void {
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      if (!this.running) return;
      this.pongTimer = this.clock.setTimeout(() => {
        this.pongTimer = null;
        if (this.running) this.onTimeout();
      }, this.timeoutMs);
      this.sendPing();
    }, this.idleMs);
  }
}
