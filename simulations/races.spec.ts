/**
 * Races, explored with fast-check's scheduler: every interleaving of the cloud's answers, the
 * broker's acknowledgements and the host's events that the scheduler picks must keep the link
 * correct.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { CloudApi, Transport, TransportSession } from '../effects/ports.js';
import type { SimBroker } from './world/sim-broker.js';
import type { SimCloud } from './world/sim-cloud.js';
import { createWorld, type SimWorld } from './world/world.js';

const scheduledCloud = (s: fc.Scheduler) => (cloud: SimCloud): CloudApi => ({
  env: (r) => s.schedule(cloud.env(r), 'env answer'),
  challenge: (r) => s.schedule(cloud.challenge(r), 'challenge answer'),
  password: (r) => s.schedule(cloud.password(r), 'password answer'),
  closeIdle: () => cloud.closeIdle(),
});

const scheduledAcks = (s: fc.Scheduler) => (broker: SimBroker): Transport => ({
  connect(params) {
    const session = broker.connect(params);
    const wrapped: TransportSession = {
      events: session.events,
      publish: (topic, payload) => s.schedule(session.publish(topic, payload), 'PUBACK'),
      close: (o) => session.close(o),
    };
    return wrapped;
  },
});

/** Release scheduled tasks one by one, letting simulated time move a little between them. */
async function drain(s: fc.Scheduler, w: SimWorld): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    await w.clock.advance(5);
    if (s.count() === 0) continue;
    await s.waitOne();
  }
}

describe('races (fc.scheduler)', () => {
  test.prop([fc.scheduler()], { numRuns: 200 })('disable while env is in flight', async (s) => {
    const w = createWorld({ wrapCloud: scheduledCloud(s) });
    w.cloud.latencyMs = 0;
    await w.link.start();
    let disabledAtCall = -1;
    s.schedule(Promise.resolve(), 'host disables').then(() => {
      disabledAtCall = w.cloud.calls.length + w.broker.connects;
      w.link.disable();
    });
    await drain(s, w);
    await w.clock.advance(600_000);
    expect(w.link.getState().state).toBe('disabled');
    expect(w.cloud.calls.length + w.broker.connects).toBe(disabledAtCall);
    expect(w.broker.open.size).toBe(0);
    await w.clock.runUntil(w.link.stop());
    expect(w.clock.pending).toBe(0);
  });

  test.prop([fc.scheduler(), fc.integer({ min: 1, max: 120 })], { numRuns: 200 })('DisconnectReq while waiting for a PUBACK', async (s, reconnectAfter) => {
    const w = createWorld({ wrapTransport: scheduledAcks(s) });
    await w.link.start();
    await w.clock.advance(1_000);
    expect(w.link.getState().state).toBe('connected.online');
    const payload = new Uint8Array([42]);
    let acked = false;
    const published = w.link.publish('chart', payload).then(() => { acked = true; });
    let reqAt = 0;
    s.schedule(Promise.resolve(), 'cloud DisconnectReq').then(() => {
      reqAt = w.clock.now();
      w.broker.disconnectReq(reconnectAfter, false);
    });
    await drain(s, w);
    for (let i = 0; i < 20 && !(acked && w.link.getState().top === 'connected'); i += 1) {
      await w.clock.advance(reconnectAfter * 1000);
      await drain(s, w);
    }
    await published;
    // Acknowledged (on the old session or, sent again, on the new one) and delivered.
    expect(w.broker.delivered.some((d) => d.payload[0] === 42)).toBe(true);
    // The cloud's delay was honoured: reconnected, and not a moment too soon.
    expect(w.link.getState().top).toBe('connected');
    const firstRetry = w.cloud.calls.find((c) => c.endpoint === 'env' && c.at > reqAt);
    expect(firstRetry?.at).toBeGreaterThanOrEqual(reqAt + reconnectAfter * 1000);
    const stop = w.link.stop();
    for (let i = 0; i < 10; i += 1) await drain(s, w);
    await w.clock.runUntil(stop);
  });

  test.prop([fc.scheduler()], { numRuns: 200 })('configuration reload during connect', async (s) => {
    const w = createWorld({ wrapCloud: scheduledCloud(s) });
    w.cloud.latencyMs = 0;
    await w.link.start();
    let callsAtReload = -1;
    s.schedule(Promise.resolve(), 'SIGHUP with a new proxy').then(async () => {
      w.config.set({ proxy: 'http://new-proxy:3128' });
      callsAtReload = w.cloud.calls.length;
      await w.link.reload();
    });
    await drain(s, w);
    await w.clock.advance(10_000);
    await drain(s, w);
    expect(w.link.getState().top).toBe('connected');
    expect(w.broker.maxLive).toBe(1);
    // The session in use was negotiated after the new settings arrived.
    expect(w.cloud.calls.slice(callsAtReload).some((c) => c.endpoint === 'env')).toBe(true);
    const stop = w.link.stop();
    await w.clock.runUntil(stop);
    expect(w.broker.open.size).toBe(0);
  });
});
