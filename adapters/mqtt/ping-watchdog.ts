/**
 * Keepalive on the injected clock (PROTOCOL.md section 4): after `idleMs` without sending anything,
 * send PINGREQ; no PINGRESP within `timeoutMs` means the connection is dead. mqtt.js's own keepalive
 * timer is switched off (it pings only after the full keepalive and gives up at 1.5 x keepalive).
 * Sending only notes the time: the idle timer, when it fires, waits out whatever is left of the idle
 * period since the last packet (no timer is cleared and set again for every publish).
 */
import type { Clock } from '../../effects/ports.js';

export class PingWatchdog {
  private idleTimer: unknown = null;
  private pongTimer: unknown = null;
  private running = false;
  /** When something other than PINGREQ was last sent (or the watchdog started, or a PINGRESP came). */
  private lastSentAt = 0;

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
    this.restartIdle();
  }

  /** Something (other than PINGREQ) was sent: the idle period starts again. */
  packetSent(): void {
    this.lastSentAt = this.clock.now();
  }

  pongReceived(): void {
    if (this.pongTimer === null) return;
    this.clock.clearTimeout(this.pongTimer);
    this.pongTimer = null;
    if (this.running) this.restartIdle();
  }

  stop(): void {
    this.running = false;
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    if (this.pongTimer !== null) this.clock.clearTimeout(this.pongTimer);
    this.idleTimer = null;
    this.pongTimer = null;
  }

  /** The idle period starts now. */
  private restartIdle(): void {
    this.lastSentAt = this.clock.now();
    this.armIdle(this.idleMs);
  }

  /** Checks in `ms` whether the idle period is over (a ping) or was restarted by a send (wait the rest). */
  private armIdle(ms: number): void {
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      if (!this.running) return;
      const idle = this.clock.now() - this.lastSentAt;
      if (idle < this.idleMs) {
        this.armIdle(this.idleMs - idle);
        return;
      }
      this.pongTimer = this.clock.setTimeout(() => {
        this.pongTimer = null;
        if (this.running) this.onTimeout();
      }, this.timeoutMs);
      this.sendPing();
    }, ms);
  }
}
